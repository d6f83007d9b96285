//===- Optimizer.cpp - learning rate, clipping and the TF1 updates --------===//
//
// The per-op scalars (learning rate, Adam's bias correction, the global-norm
// scale) are computed once in f64 outside the elementwise loops and rounded
// to f32 once. Each update is then one all-parallel linalg.generic that
// reads the parameter, its slots and the gradient and writes the new
// parameter and slots in the same pass. The formulas are TF1's (SPEC 3):
//
//   sgd       w -= lr*g
//   momentum  accum = mu*accum + g; w -= lr*accum
//             (Nesterov: w -= lr*(g + mu*accum), with the new accum)
//   adam      t = step + 1; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
//             lr_t = lr*sqrt(1-b2^t)/(1-b1^t); w -= lr_t*m/(sqrt(v)+eps)
//   rmsprop   rms = decay*rms + (1-decay)*g^2;
//             mom = momentum*mom + lr*g/sqrt(rms+eps); w -= mom
//
// Complements 1 - beta come from the decimal the user wrote (see
// decimalValue), not from the f32 attribute.
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

#include <cmath>

using namespace mlir;
using namespace mlir::nn;

namespace {

/// The rate at the step before this update's increment, in f64 scalar
/// arithmetic (see the op's description for the schedules).
struct LearningRateLowering : OpConversionPattern<LearningRateOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LearningRateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // The schedule's reals enter as their f32 (the type the rate has),
    // each the f32's shortest decimal and the piecewise values the f32
    // itself, as since the first release: the rates, and so checkpoints,
    // stay bit-identical to those of earlier builds.
    LearningRateAttr lr = op.getSchedule();
    auto real = [](FloatAttr a) {
      return decimalValue(APFloat(float(a.getValueAsDouble())));
    };
    auto stored = [](double v) { return double(float(v)); };
    std::optional<int64_t> warmup = lr.getWarmupSteps();
    if (lr.getKind() == ScheduleKind::constant && !warmup) {
      rewriter.replaceOp(
          op, scalarTensor(rewriter, loc,
                           f32Const(rewriter, loc, real(lr.getInitial()))));
      return success();
    }
    OpBuilder &b = rewriter;
    auto c = [&](double v) { return f64Const(b, loc, v); };
    Value step = arith::SIToFPOp::create(
        b, loc, b.getF64Type(), extractScalar(b, loc, adaptor.getStep()));
    // The schedule runs on the steps after the warmup.
    Value s = step;
    if (warmup)
      s = arith::MaximumFOp::create(
          b, loc, arith::SubFOp::create(b, loc, step, c(double(*warmup))),
          c(0));
    Value rate;
    switch (lr.getKind()) {
    case ScheduleKind::constant:
      rate = c(real(lr.getInitial()));
      break;
    case ScheduleKind::piecewise_constant: {
      ArrayRef<int64_t> bounds = lr.getBoundaries();
      ArrayRef<double> values = lr.getValues().asArrayRef();
      // From the last interval down: values[i] while s <= bounds[i].
      rate = c(stored(values.back()));
      for (size_t i = bounds.size(); i-- > 0;) {
        Value inside = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE,
                                             s, c(double(bounds[i])));
        rate =
            arith::SelectOp::create(b, loc, inside, c(stored(values[i])), rate);
      }
      break;
    }
    case ScheduleKind::cosine_decay: {
      double steps = double(*lr.getDecaySteps()), a = real(lr.getAlpha());
      Value progress = arith::DivFOp::create(
          b, loc, arith::MinimumFOp::create(b, loc, s, c(steps)), c(steps));
      Value cosine = arith::MulFOp::create(
          b, loc, c(0.5),
          arith::AddFOp::create(
              b, loc, c(1),
              math::CosOp::create(
                  b, loc, arith::MulFOp::create(b, loc, c(M_PI), progress))));
      Value decayed = arith::AddFOp::create(
          b, loc, arith::MulFOp::create(b, loc, c(1 - a), cosine), c(a));
      rate = arith::MulFOp::create(b, loc, c(real(lr.getInitial())), decayed);
      break;
    }
    case ScheduleKind::exponential_decay: {
      Value exponent = arith::DivFOp::create(
          b, loc, s, c(static_cast<double>(*lr.getDecaySteps())));
      if (lr.getStaircase().getValue())
        exponent = math::FloorOp::create(b, loc, exponent);
      Value factor =
          math::PowFOp::create(b, loc, c(real(lr.getDecayRate())), exponent);
      rate = arith::MulFOp::create(b, loc, c(real(lr.getInitial())), factor);
      break;
    }
    }
    if (warmup) {
      double from = lr.getWarmupFrom() ? real(lr.getWarmupFrom()) : 0.0;
      double first = lr.getKind() == ScheduleKind::piecewise_constant
                         ? stored(lr.getValues().asArrayRef().front())
                         : real(lr.getInitial());
      Value ramp = arith::AddFOp::create(
          b, loc, c(from),
          arith::MulFOp::create(
              b, loc, arith::DivFOp::create(b, loc, step, c(double(*warmup))),
              c(first - from)));
      Value warming = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT,
                                            step, c(double(*warmup)));
      rate = arith::SelectOp::create(b, loc, warming, ramp, rate);
    }
    rewriter.replaceOp(op, scalarTensor(b, loc, toF32(b, loc, rate)));
    return success();
  }
};

/// g *= c / max(global_norm, c), the norm over every operand: one f64
/// sum of squares across all gradients, then one scaling pass each.
struct ClipGlobalNormLowering : OpConversionPattern<ClipGlobalNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ClipGlobalNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value sumSq = zeroF64Tensor(rewriter, loc);
    for (Value g : adaptor.getGradients())
      sumSq = accumulateF64(rewriter, loc, g, sumSq,
                            [](OpBuilder &b, Location l, Value x) -> Value {
                              return arith::MulFOp::create(b, l, x, x);
                            });
    Value norm = math::SqrtOp::create(rewriter, loc,
                                      extractScalar(rewriter, loc, sumSq));
    Value c = f64Const(rewriter, loc, decimalValue(op.getClipNorm()));
    // A NaN norm makes every gradient NaN (maximumf propagates it), as in TF.
    Value scale = toF32(rewriter, loc,
                        arith::DivFOp::create(
                            rewriter, loc, c,
                            arith::MaximumFOp::create(rewriter, loc, norm, c)));
    SmallVector<Value> clipped;
    for (Value g : adaptor.getGradients())
      clipped.push_back(buildElementwise(
          rewriter, loc, g, {},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::MulFOp::create(b, l, args[0], scale);
          }));
    rewriter.replaceOp(op, clipped);
    return success();
  }
};

/// Keras's decoupled weight decay before the update: w - (lr * wd) * w,
/// with `lrWd` computed once outside the loop (null: no decay).
Value decayed(OpBuilder &b, Location loc, Value w, Value lrWd) {
  if (!lrWd)
    return w;
  return arith::SubFOp::create(b, loc, w,
                               arith::MulFOp::create(b, loc, lrWd, w));
}

/// lr * weight_decay as an f32 scalar, or null when the op has no decay.
template <typename Op>
Value decayFactor(OpBuilder &b, Location loc, Op op, Value lr) {
  double wd = decimalValue(op.getWeightDecay());
  if (wd == 0)
    return Value();
  return arith::MulFOp::create(b, loc, lr, f32Const(b, loc, wd));
}

struct SgdLowering : OpConversionPattern<SgdOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SgdOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lr = extractScalar(rewriter, loc, adaptor.getLr());
    Value lrWd = decayFactor(rewriter, loc, op, lr);
    Value result = buildElementwise(
        rewriter, loc, adaptor.getParam(), {adaptor.getGrad()},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value step = arith::MulFOp::create(b, l, lr, args[1]);
          return arith::SubFOp::create(b, l, decayed(b, l, args[0], lrWd),
                                       step);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct MomentumLowering : OpConversionPattern<MomentumOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MomentumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lr = extractScalar(rewriter, loc, adaptor.getLr());
    Value mu = arith::ConstantOp::create(rewriter, loc, op.getMomentumAttr());
    bool nesterov = op.getUseNesterov();
    Value lrWd = decayFactor(rewriter, loc, op, lr);
    SmallVector<Value> results = buildMultiMap(
        rewriter, loc,
        ValueRange{adaptor.getParam(), adaptor.getAccum(), adaptor.getGrad()},
        2, [&](OpBuilder &b, Location l, ValueRange args) {
          Value w = decayed(b, l, args[0], lrWd), accum = args[1], g = args[2];
          Value newAccum = arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, mu, accum), g);
          Value direction = newAccum;
          if (nesterov)
            direction = arith::AddFOp::create(
                b, l, g, arith::MulFOp::create(b, l, mu, newAccum));
          Value newW = arith::SubFOp::create(
              b, l, w, arith::MulFOp::create(b, l, lr, direction));
          return SmallVector<Value>{newW, newAccum};
        });
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct AdamLowering : OpConversionPattern<AdamOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AdamOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    double beta1 = decimalValue(op.getBeta1());
    double beta2 = decimalValue(op.getBeta2());
    // lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t), t = step + 1, in f64: for
    // small t, 1 - b^t cancels and f32 powers would lose digits.
    Value step = extractScalar(rewriter, loc, adaptor.getStep());
    Value t = arith::AddFOp::create(
        rewriter, loc,
        arith::SIToFPOp::create(rewriter, loc, rewriter.getF64Type(), step),
        f64Const(rewriter, loc, 1.0));
    Value one = f64Const(rewriter, loc, 1.0);
    auto oneMinusPow = [&](double beta) -> Value {
      Value p =
          math::PowFOp::create(rewriter, loc, f64Const(rewriter, loc, beta), t);
      return arith::SubFOp::create(rewriter, loc, one, p);
    };
    Value lr32 = extractScalar(rewriter, loc, adaptor.getLr());
    Value lrWd = decayFactor(rewriter, loc, op, lr32);
    Value lr = toF64(rewriter, loc, lr32);
    Value lrT = arith::DivFOp::create(
        rewriter, loc,
        arith::MulFOp::create(
            rewriter, loc, lr,
            math::SqrtOp::create(rewriter, loc, oneMinusPow(beta2))),
        oneMinusPow(beta1));
    lrT = toF32(rewriter, loc, lrT);

    Value b1 = f32Const(rewriter, loc, beta1);
    Value b2 = f32Const(rewriter, loc, beta2);
    Value oneMinusB1 = f32Const(rewriter, loc, 1.0 - beta1);
    Value oneMinusB2 = f32Const(rewriter, loc, 1.0 - beta2);
    Value eps = arith::ConstantOp::create(rewriter, loc, op.getEpsilonAttr());
    SmallVector<Value> results = buildMultiMap(
        rewriter, loc,
        ValueRange{adaptor.getParam(), adaptor.getM(), adaptor.getV(),
                   adaptor.getGrad()},
        3, [&](OpBuilder &b, Location l, ValueRange args) {
          Value w = decayed(b, l, args[0], lrWd), m = args[1], v = args[2],
                g = args[3];
          Value newM =
              arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, b1, m),
                                    arith::MulFOp::create(b, l, oneMinusB1, g));
          Value g2 = arith::MulFOp::create(b, l, g, g);
          Value newV = arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, b2, v),
              arith::MulFOp::create(b, l, oneMinusB2, g2));
          Value denom = arith::AddFOp::create(
              b, l, math::SqrtOp::create(b, l, newV), eps);
          Value delta = arith::DivFOp::create(
              b, l, arith::MulFOp::create(b, l, lrT, newM), denom);
          Value newW = arith::SubFOp::create(b, l, w, delta);
          return SmallVector<Value>{newW, newM, newV};
        });
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct RmspropLowering : OpConversionPattern<RmspropOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RmspropOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    double decay = decimalValue(op.getDecay());
    Value rho = f32Const(rewriter, loc, decay);
    Value oneMinusRho = f32Const(rewriter, loc, 1.0 - decay);
    Value mu = arith::ConstantOp::create(rewriter, loc, op.getMomentumAttr());
    Value eps = arith::ConstantOp::create(rewriter, loc, op.getEpsilonAttr());
    Value lr = extractScalar(rewriter, loc, adaptor.getLr());
    Value lrWd = decayFactor(rewriter, loc, op, lr);
    SmallVector<Value> results =
        buildMultiMap(rewriter, loc,
                      ValueRange{adaptor.getParam(), adaptor.getRms(),
                                 adaptor.getMom(), adaptor.getGrad()},
                      3, [&](OpBuilder &b, Location l, ValueRange args) {
                        Value w = decayed(b, l, args[0], lrWd), rms = args[1],
                              mom = args[2], g = args[3];
                        Value g2 = arith::MulFOp::create(b, l, g, g);
                        Value newRms = arith::AddFOp::create(
                            b, l, arith::MulFOp::create(b, l, rho, rms),
                            arith::MulFOp::create(b, l, oneMinusRho, g2));
                        Value denom = math::SqrtOp::create(
                            b, l, arith::AddFOp::create(b, l, newRms, eps));
                        Value step = arith::DivFOp::create(
                            b, l, arith::MulFOp::create(b, l, lr, g), denom);
                        Value newMom = arith::AddFOp::create(
                            b, l, arith::MulFOp::create(b, l, mu, mom), step);
                        Value newW = arith::SubFOp::create(b, l, w, newMom);
                        return SmallVector<Value>{newW, newRms, newMom};
                      });
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void nn::populateOptimizerPatterns(RewritePatternSet &patterns) {
  patterns.add<LearningRateLowering, ClipGlobalNormLowering, SgdLowering,
               MomentumLowering, AdamLowering, RmspropLowering>(
      patterns.getContext());
}
