//===- ElementwiseGrad.cpp - nn.activation_grad to linalg -----------------===//
//
// dy * f'(x) as one all-parallel linalg.generic. The sigmoid and tanh
// derivatives are written in e = exp(-|x|) (e = exp(-2|x|) for tanh):
// s(1-s) = e / (1+e)^2 and 1 - tanh^2 = 4e / (1+e)^2 stay accurate to a few
// ulps where 1 - s or 1 - tanh^2 would cancel (|x| beyond a few units).
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::nn;

namespace {

/// e / (1 + e)^2 * factor with e = exp(-scale * |x|).
Value bellFromAbs(OpBuilder &b, Location loc, Value x, double scale,
                  double factor) {
  Value ax = math::AbsFOp::create(b, loc, x);
  Value e = math::ExpOp::create(
      b, loc, arith::MulFOp::create(b, loc, ax, f32Const(b, loc, -scale)));
  Value onePlus = arith::AddFOp::create(b, loc, f32Const(b, loc, 1.0), e);
  Value numerator = e;
  if (factor != 1.0)
    numerator = arith::MulFOp::create(b, loc, e, f32Const(b, loc, factor));
  return arith::DivFOp::create(b, loc, numerator,
                               arith::MulFOp::create(b, loc, onePlus, onePlus));
}

struct ActivationGradLowering : OpConversionPattern<ActivationGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ActivationGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ActivationKind kind = op.getKind();
    double alpha = op.getAlpha() ? op.getAlpha()->convertToDouble() : 0.0;
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(), adaptor.getGradOutput(),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value x = args[0], dy = args[1];
          auto above = [&](Value v, double bound) -> Value {
            return arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, v,
                                         f32Const(b, l, bound));
          };
          switch (kind) {
          case ActivationKind::relu:
            return arith::SelectOp::create(b, l, above(x, 0.0), dy,
                                           f32Const(b, l, 0.0));
          case ActivationKind::relu6: {
            Value below6 = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OLT, x, f32Const(b, l, 6.0));
            Value inside = arith::AndIOp::create(b, l, above(x, 0.0), below6);
            return arith::SelectOp::create(b, l, inside, dy,
                                           f32Const(b, l, 0.0));
          }
          case ActivationKind::clip: {
            // Inclusive, as TF's clip_by_value and PyTorch's clamp.
            Value lo = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OGE, x,
                f32Const(b, l, op.getMin()->convertToDouble()));
            Value hi = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OLE, x,
                f32Const(b, l, op.getMax()->convertToDouble()));
            Value inside = arith::AndIOp::create(b, l, lo, hi);
            return arith::SelectOp::create(b, l, inside, dy,
                                           f32Const(b, l, 0.0));
          }
          case ActivationKind::leaky_relu: {
            Value scaled =
                arith::MulFOp::create(b, l, dy, f32Const(b, l, alpha));
            return arith::SelectOp::create(b, l, above(x, 0.0), dy, scaled);
          }
          case ActivationKind::elu: {
            // alpha * exp(x) at and below 0 (TensorFlow's EluGrad, from x).
            Value slope = arith::MulFOp::create(b, l, f32Const(b, l, alpha),
                                                math::ExpOp::create(b, l, x));
            Value scaled = arith::MulFOp::create(b, l, dy, slope);
            return arith::SelectOp::create(b, l, above(x, 0.0), dy, scaled);
          }
          case ActivationKind::sigmoid:
            return arith::MulFOp::create(b, l, dy,
                                         bellFromAbs(b, l, x, 1.0, 1.0));
          case ActivationKind::tanh:
            return arith::MulFOp::create(b, l, dy,
                                         bellFromAbs(b, l, x, 2.0, 4.0));
          }
          llvm_unreachable("unknown activation");
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void nn::populateElementwiseGradPatterns(RewritePatternSet &patterns) {
  patterns.add<ActivationGradLowering>(patterns.getContext());
}
