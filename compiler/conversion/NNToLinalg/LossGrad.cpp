//===- LossGrad.cpp - loss gradients to linalg ----------------------------===//
//
// Each loss gradient is one elementwise linalg.generic scaled by 1 / count
// (the losses are means; the count is taken at run time, the batch being
// dynamic). Softmax first reduces each row to its max logit and its sum of
// exp(logit - max), as the forward does.
//
//===----------------------------------------------------------------------===//
#include "LossUtils.h"
#include "Patterns.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::nn;

namespace {

/// The number of elements of `x`, as f32 at run time.
Value elementCount(OpBuilder &b, Location loc, Value x) {
  SmallVector<int64_t> all(cast<RankedTensorType>(x.getType()).getRank());
  std::iota(all.begin(), all.end(), 0);
  return countAsF32(b, loc, x, all);
}

struct SoftmaxCrossEntropyGradLowering
    : OpConversionPattern<SoftmaxCrossEntropyGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SoftmaxCrossEntropyGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value logits = adaptor.getLogits(), labels = adaptor.getLabels();
    auto [maxLogit, sumExp] = softmaxRowStatistics(rewriter, loc, logits);
    AffineMap identity = rewriter.getMultiDimIdentityMap(2);
    AffineMap rows = projection(ctx, 2, {0});

    // (softmax - onehot(label)) / N. A row whose label is outside [0, K)
    // is NaN, like the forward loss of that batch.
    Value count = countAsF32(rewriter, loc, logits, {0});
    Value classes = getValueOrCreateConstantIndexOp(
        rewriter, loc, sizeOf(rewriter, loc, logits, 1));
    Value zeroIndex = indexConst(rewriter, loc, 0);
    Value one = f32Const(rewriter, loc, 1.0);
    Value zero = f32Const(rewriter, loc, 0.0);
    Value nan =
        f32Const(rewriter, loc, std::numeric_limits<double>::quiet_NaN());
    Value init =
        emptyF32(rewriter, loc, tensor::getMixedSizes(rewriter, loc, logits));
    Value grad = buildMap(
        rewriter, loc, ValueRange{logits, maxLogit, sumExp, labels}, init,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value shifted = arith::SubFOp::create(b, l, args[0], args[1]);
          Value p = arith::DivFOp::create(
              b, l, math::ExpOp::create(b, l, shifted), args[2]);
          Value label =
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[3]);
          Value valid = isClassLabel(b, l, label, classes);
          Value isLabel =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, label,
                                    linalg::IndexOp::create(b, l, 1));
          Value target = arith::SelectOp::create(b, l, isLabel, one, zero);
          Value g = arith::DivFOp::create(
              b, l, arith::SubFOp::create(b, l, p, target), count);
          if (std::optional<ArrayRef<float>> w = op.getClassWeight()) {
            Value column =
                arith::SelectOp::create(b, l, valid, label, zeroIndex);
            g = arith::MulFOp::create(b, l, g, classWeightAt(b, l, *w, column));
          }
          return arith::SelectOp::create(b, l, valid, g, nan);
        },
        {identity, rows, rows, rows});
    rewriter.replaceOp(op, grad);
    return success();
  }
};

struct SigmoidCrossEntropyGradLowering
    : OpConversionPattern<SigmoidCrossEntropyGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SigmoidCrossEntropyGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = adaptor.getLogits();
    Value count = elementCount(rewriter, loc, logits);
    Value one = f32Const(rewriter, loc, 1.0);
    // (sigmoid(x) - z) / count; 1 / (1 + exp(-x)) reaches the right limit
    // (0) when exp overflows.
    Value grad = buildElementwise(
        rewriter, loc, logits, adaptor.getLabels(),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value e =
              math::ExpOp::create(b, l, arith::NegFOp::create(b, l, args[0]));
          Value s = arith::DivFOp::create(b, l, one,
                                          arith::AddFOp::create(b, l, one, e));
          Value g = arith::DivFOp::create(
              b, l, arith::SubFOp::create(b, l, s, args[1]), count);
          if (std::optional<ArrayRef<float>> w = op.getClassWeight())
            g = arith::MulFOp::create(b, l, g,
                                      binaryClassWeight(b, l, *w, args[1]));
          return g;
        });
    rewriter.replaceOp(op, grad);
    return success();
  }
};

struct MeanSquaredErrorGradLowering
    : OpConversionPattern<MeanSquaredErrorGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MeanSquaredErrorGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value predictions = adaptor.getPredictions();
    Value count = elementCount(rewriter, loc, predictions);
    Value two = f32Const(rewriter, loc, 2.0);
    Value grad = buildElementwise(
        rewriter, loc, predictions, adaptor.getLabels(),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value d = arith::SubFOp::create(b, l, args[0], args[1]);
          return arith::DivFOp::create(
              b, l, arith::MulFOp::create(b, l, two, d), count);
        });
    rewriter.replaceOp(op, grad);
    return success();
  }
};

} // namespace

void nn::populateLossGradPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxCrossEntropyGradLowering, SigmoidCrossEntropyGradLowering,
               MeanSquaredErrorGradLowering>(patterns.getContext());
}
