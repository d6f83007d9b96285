//===- Fold.cpp - nn.batch_norm_fold to linalg ----------------------------===//
#include "Patterns.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace {

/// Two small generics over the weights: the per-channel scale and bias,
/// then the kernel scaled along its last (output-channel) axis.
struct BatchNormFoldLowering
    : public OpConversionPattern<nn::BatchNormFoldOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::BatchNormFoldOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto kType = cast<RankedTensorType>(op.getKernel().getType());
    auto cType = cast<RankedTensorType>(op.getMovingMean().getType());
    int64_t rank = kType.getRank();
    MLIRContext *ctx = rewriter.getContext();
    Value eps = arith::ConstantOp::create(rewriter, loc, op.getEpsilonAttr());

    // scale and bias, per channel.
    SmallVector<Value> ins = {adaptor.getMovingMean(),
                              adaptor.getMovingVariance()};
    bool hasGamma = static_cast<bool>(adaptor.getGamma());
    bool hasBeta = static_cast<bool>(adaptor.getBeta());
    bool hasBias = static_cast<bool>(adaptor.getBias());
    if (hasGamma)
      ins.push_back(adaptor.getGamma());
    if (hasBeta)
      ins.push_back(adaptor.getBeta());
    if (hasBias)
      ins.push_back(adaptor.getBias());
    AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
    SmallVector<AffineMap> maps(ins.size() + 2, id1);
    Value scaleInit = tensor::EmptyOp::create(rewriter, loc, cType.getShape(),
                                              cType.getElementType());
    Value biasInit = tensor::EmptyOp::create(rewriter, loc, cType.getShape(),
                                             cType.getElementType());
    auto perChannel = linalg::GenericOp::create(
        rewriter, loc, TypeRange{cType, cType}, ins,
        ValueRange{scaleInit, biasInit}, maps,
        SmallVector<utils::IteratorType>{utils::IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value mean = args[0], var = args[1];
          unsigned next = 2;
          Value s = math::RsqrtOp::create(
              b, l, arith::AddFOp::create(b, l, var, eps));
          if (hasGamma)
            s = arith::MulFOp::create(b, l, s, args[next++]);
          Value beta = hasBeta ? args[next++] : Value();
          Value bias = hasBias ? args[next++] : Value();
          Value centered =
              bias ? arith::SubFOp::create(b, l, bias, mean).getResult()
                   : arith::NegFOp::create(b, l, mean).getResult();
          Value shifted = arith::MulFOp::create(b, l, centered, s);
          if (beta)
            shifted = arith::AddFOp::create(b, l, shifted, beta);
          linalg::YieldOp::create(b, l, ValueRange{s, shifted});
        });

    // kernel * scale along the last axis.
    AffineMap idK = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap last = AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, ctx));
    Value kInit = tensor::EmptyOp::create(rewriter, loc, kType.getShape(),
                                          kType.getElementType());
    auto scaled = linalg::GenericOp::create(
        rewriter, loc, TypeRange{kType},
        ValueRange{adaptor.getKernel(), perChannel.getResult(0)},
        ValueRange{kInit}, SmallVector<AffineMap>{idK, last, idK},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l, ValueRange{arith::MulFOp::create(b, l, args[0], args[1])});
        });
    rewriter.replaceOp(op, {scaled.getResult(0), perChannel.getResult(1)});
    return success();
  }
};

} // namespace

void mlir::nn::populateBatchNormFoldPatterns(RewritePatternSet &patterns) {
  patterns.add<BatchNormFoldLowering>(patterns.getContext());
}
