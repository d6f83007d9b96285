//===- Regularizer.cpp - weight penalties and their gradients -------------===//
//
// nn.regularizer: scale * sum(w^2) (l2) or scale * sum(|w|) (l1) as a rank-0
// tensor, summed in f64 (whole parameter tensors) and scaled by the decimal
// written; nn.regularizer_grad: 2*scale*w (l2) or scale*sign(w) (l1, with
// sign(0) = 0 as TF's gradient of abs).
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "TrainUtils.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::nn;

namespace {

struct RegularizerLowering : OpConversionPattern<RegularizerOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RegularizerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    bool l2 = op.getKind() == RegularizerKind::l2;
    Value sum = accumulateF64(rewriter, loc, adaptor.getWeights(),
                              zeroF64Tensor(rewriter, loc),
                              [&](OpBuilder &b, Location l, Value x) -> Value {
                                if (l2)
                                  return arith::MulFOp::create(b, l, x, x);
                                return math::AbsFOp::create(b, l, x);
                              });
    Value loss = arith::MulFOp::create(
        rewriter, loc, f64Const(rewriter, loc, decimalValue(op.getScale())),
        extractScalar(rewriter, loc, sum));
    rewriter.replaceOp(op,
                       scalarTensor(rewriter, loc, toF32(rewriter, loc, loss)));
    return success();
  }
};

struct RegularizerGradLowering : OpConversionPattern<RegularizerGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RegularizerGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    double scale = decimalValue(op.getScale());
    bool l2 = op.getKind() == RegularizerKind::l2;
    Value coef = f32Const(rewriter, loc, l2 ? 2.0 * scale : scale);
    Value negCoef, zero;
    if (!l2) {
      negCoef = f32Const(rewriter, loc, -scale);
      zero = f32Const(rewriter, loc, 0.0);
    }
    Value result = buildElementwise(
        rewriter, loc, adaptor.getWeights(), {},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value w = args[0];
          if (l2)
            return arith::MulFOp::create(b, l, coef, w);
          // scale * sign(w); 0 * w keeps a zero's sign and a NaN.
          Value pos =
              arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, w, zero);
          Value neg =
              arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, w, zero);
          Value other = arith::MulFOp::create(b, l, zero, w);
          return arith::SelectOp::create(
              b, l, pos, coef,
              arith::SelectOp::create(b, l, neg, negCoef, other));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void nn::populateRegularizerPatterns(RewritePatternSet &patterns) {
  patterns.add<RegularizerLowering, RegularizerGradLowering>(
      patterns.getContext());
}
