//===- Elementwise.cpp - activations, bias_add, add ----------------------===//
//
// Each op becomes one all-parallel linalg.generic (later fused with its
// neighbours by linalg's elementwise fusion).
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

/// A one-input activation; `compute` maps x to y.
template <typename OpTy> struct ActivationLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  virtual Value compute(OpTy op, OpBuilder &b, Location loc, Value x) const = 0;

  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value result =
        buildElementwise(rewriter, op.getLoc(), adaptor.getInput(), {},
                         [&](OpBuilder &b, Location loc, ValueRange args) {
                           return compute(op, b, loc, args[0]);
                         });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ReluLowering : ActivationLowering<ReluOp> {
  using ActivationLowering::ActivationLowering;
  Value compute(ReluOp, OpBuilder &b, Location loc, Value x) const override {
    return arith::MaximumFOp::create(b, loc, x, f32Const(b, loc, 0.0));
  }
};

struct Relu6Lowering : ActivationLowering<Relu6Op> {
  using ActivationLowering::ActivationLowering;
  Value compute(Relu6Op, OpBuilder &b, Location loc, Value x) const override {
    Value relu = arith::MaximumFOp::create(b, loc, x, f32Const(b, loc, 0.0));
    return arith::MinimumFOp::create(b, loc, relu, f32Const(b, loc, 6.0));
  }
};

struct ClipLowering : ActivationLowering<ClipOp> {
  using ActivationLowering::ActivationLowering;
  Value compute(ClipOp op, OpBuilder &b, Location loc, Value x) const override {
    Value lo = arith::MaximumFOp::create(
        b, loc, x, f32Const(b, loc, op.getMin().convertToDouble()));
    return arith::MinimumFOp::create(
        b, loc, lo, f32Const(b, loc, op.getMax().convertToDouble()));
  }
};

struct SigmoidLowering : ActivationLowering<SigmoidOp> {
  using ActivationLowering::ActivationLowering;
  Value compute(SigmoidOp, OpBuilder &b, Location loc, Value x) const override {
    // 1 / (1 + exp(-x)): exp overflowing to +inf for very negative x still
    // gives the right limit, 0.
    Value one = f32Const(b, loc, 1.0);
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
    return arith::DivFOp::create(b, loc, one,
                                 arith::AddFOp::create(b, loc, one, e));
  }
};

struct TanhLowering : ActivationLowering<TanhOp> {
  using ActivationLowering::ActivationLowering;
  Value compute(TanhOp, OpBuilder &b, Location loc, Value x) const override {
    return math::TanhOp::create(b, loc, x);
  }
};

struct LeakyReluLowering : ActivationLowering<LeakyReluOp> {
  using ActivationLowering::ActivationLowering;
  Value compute(LeakyReluOp op, OpBuilder &b, Location loc,
                Value x) const override {
    Value alpha = arith::ConstantOp::create(b, loc, op.getAlphaAttr());
    Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                           f32Const(b, loc, 0.0));
    Value scaled = arith::MulFOp::create(b, loc, alpha, x);
    return arith::SelectOp::create(b, loc, positive, x, scaled);
  }
};

struct EluLowering : ActivationLowering<EluOp> {
  using ActivationLowering::ActivationLowering;
  Value compute(EluOp op, OpBuilder &b, Location loc, Value x) const override {
    // alpha * (exp(x) - 1) below 0, as TensorFlow's kernel computes it.
    Value alpha = arith::ConstantOp::create(b, loc, op.getAlphaAttr());
    Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                           f32Const(b, loc, 0.0));
    Value e = arith::SubFOp::create(b, loc, math::ExpOp::create(b, loc, x),
                                    f32Const(b, loc, 1.0));
    Value scaled = arith::MulFOp::create(b, loc, alpha, e);
    return arith::SelectOp::create(b, loc, positive, x, scaled);
  }
};

struct BiasAddLowering : OpConversionPattern<BiasAddOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BiasAddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    unsigned rank = type.getRank();
    Value init = emptyF32(rewriter, loc, sizesLike(rewriter, loc, type, x));
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap lastDim = projection(rewriter.getContext(), rank, {rank - 1});
    Value result =
        buildMap(rewriter, loc, ValueRange{x, adaptor.getBias()}, init,
                 [](OpBuilder &b, Location l, ValueRange args) -> Value {
                   return arith::AddFOp::create(b, l, args[0], args[1]);
                 },
                 {identity, lastDim});
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct AddLowering : OpConversionPattern<AddOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ValueRange inputs = adaptor.getInputs();
    size_t count = inputs.size();
    Value result = buildElementwise(
        rewriter, op.getLoc(), inputs.front(), inputs.drop_front(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          // Left to right, as the inputs are listed.
          Value sum = args[0];
          for (Value v : args.take_front(count).drop_front())
            sum = arith::AddFOp::create(b, l, sum, v);
          return sum;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void nn::populateElementwisePatterns(RewritePatternSet &patterns) {
  patterns.add<ReluLowering, Relu6Lowering, ClipLowering, SigmoidLowering,
               TanhLowering, LeakyReluLowering, EluLowering, BiasAddLowering,
               AddLowering>(patterns.getContext());
}
