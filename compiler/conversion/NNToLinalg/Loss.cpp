//===- Loss.cpp - the nn losses to linalg reductions ----------------------===//
//
// Each loss reduces to a rank-0 tensor: a sum over the batch (or over every
// element) in a linalg.generic, then one division by the run-time count.
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

/// The rank-0 tensor holding sum / count.
Value meanOfSum(OpBuilder &b, Location loc, Value sum, Value count) {
  Value init = emptyF32(b, loc, {});
  return buildMap(b, loc, sum, init,
                  [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
                    return arith::DivFOp::create(nb, l, args[0], count);
                  });
}

/// Sums `term(args...)` over every element of the same-shaped `inputs` and
/// divides by their number.
Value meanOverElements(OpBuilder &b, Location loc, ValueRange inputs,
                       BodyFn term) {
  Value first = inputs.front();
  unsigned rank = cast<RankedTensorType>(first.getType()).getRank();
  SmallVector<AffineMap> maps(inputs.size(), b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::reduction);
  Value init = filledF32(b, loc, {}, 0.0);
  Value sum = buildGeneric(
      b, loc, inputs, maps, init, AffineMap::get(rank, 0, {}, b.getContext()),
      iterators, [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        Value t = term(nb, l, args.drop_back());
        return arith::AddFOp::create(nb, l, args.back(), t);
      });
  SmallVector<int64_t> all(rank);
  std::iota(all.begin(), all.end(), 0);
  return meanOfSum(b, loc, sum, countAsF32(b, loc, first, all));
}

struct SoftmaxCrossEntropyLowering
    : OpConversionPattern<SoftmaxCrossEntropyOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SoftmaxCrossEntropyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value logits = adaptor.getLogits(), labels = adaptor.getLabels();

    // Per example: the max logit m and sum_k exp(logit_k - m).
    auto [maxLogit, sumExp] = softmaxRowStatistics(rewriter, loc, logits);

    // sum_n log(sumExp) - (logit[label] - m). A label outside [0, K) reads
    // nothing and makes the loss NaN, which the runtime reports.
    Value classes = getValueOrCreateConstantIndexOp(
        rewriter, loc, sizeOf(rewriter, loc, logits, 1));
    Value zeroIndex = indexConst(rewriter, loc, 0);
    Value nan =
        f32Const(rewriter, loc, std::numeric_limits<double>::quiet_NaN());
    AffineMap identity1 = rewriter.getMultiDimIdentityMap(1);
    Value total = buildGeneric(
        rewriter, loc, ValueRange{maxLogit, sumExp, labels},
        {identity1, identity1, identity1}, filledF32(rewriter, loc, {}, 0.0),
        AffineMap::get(1, 0, {}, ctx), {utils::IteratorType::reduction},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value label =
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[2]);
          Value valid = isClassLabel(b, l, label, classes);
          Value column = arith::SelectOp::create(b, l, valid, label, zeroIndex);
          Value row = linalg::IndexOp::create(b, l, 0);
          Value picked =
              tensor::ExtractOp::create(b, l, logits, ValueRange{row, column});
          Value shifted = arith::SubFOp::create(b, l, picked, args[0]);
          Value loss = arith::SubFOp::create(
              b, l, math::LogOp::create(b, l, args[1]), shifted);
          if (std::optional<ArrayRef<float>> w = op.getClassWeight())
            loss = arith::MulFOp::create(b, l, loss,
                                         classWeightAt(b, l, *w, column));
          loss = arith::SelectOp::create(b, l, valid, loss, nan);
          return arith::AddFOp::create(b, l, args[3], loss);
        });
    rewriter.replaceOp(op, meanOfSum(rewriter, loc, total,
                                     countAsF32(rewriter, loc, logits, {0})));
    return success();
  }
};

struct SigmoidCrossEntropyLowering
    : OpConversionPattern<SigmoidCrossEntropyOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SigmoidCrossEntropyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value zero = f32Const(rewriter, loc, 0.0);
    // max(x, 0) - x * z + log(1 + exp(-|x|)): never overflows.
    Value loss = meanOverElements(
        rewriter, loc, ValueRange{adaptor.getLogits(), adaptor.getLabels()},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value x = args[0], z = args[1];
          Value relu = arith::MaximumFOp::create(b, l, x, zero);
          Value xz = arith::MulFOp::create(b, l, x, z);
          Value negAbs =
              arith::NegFOp::create(b, l, math::AbsFOp::create(b, l, x));
          Value softplus =
              math::Log1pOp::create(b, l, math::ExpOp::create(b, l, negAbs));
          Value loss = arith::AddFOp::create(
              b, l, arith::SubFOp::create(b, l, relu, xz), softplus);
          if (std::optional<ArrayRef<float>> w = op.getClassWeight())
            loss = arith::MulFOp::create(b, l, loss,
                                         binaryClassWeight(b, l, *w, z));
          return loss;
        });
    rewriter.replaceOp(op, loss);
    return success();
  }
};

struct MeanSquaredErrorLowering : OpConversionPattern<MeanSquaredErrorOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MeanSquaredErrorOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value loss = meanOverElements(
        rewriter, op.getLoc(),
        ValueRange{adaptor.getPredictions(), adaptor.getLabels()},
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value d = arith::SubFOp::create(b, l, args[0], args[1]);
          return arith::MulFOp::create(b, l, d, d);
        });
    rewriter.replaceOp(op, loss);
    return success();
  }
};

} // namespace

void nn::populateLossPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxCrossEntropyLowering, SigmoidCrossEntropyLowering,
               MeanSquaredErrorLowering>(patterns.getContext());
}
