//===- BatchNorm.cpp - nn.batch_norm to linalg ----------------------------===//
//
// Every mode ends in one elementwise pass y = (x - mean) * scale + shift with
// per-channel (per sub-batch and channel, for ghost batches) mean, scale and
// shift computed first on the small statistics tensors:
//
// - inference: mean = moving_mean, scale = gamma / sqrt(moving_var + eps),
//   shift = beta; the moving statistics are returned unchanged.
// - training: two passes over x, mean then the mean of squared deviations
//   (biased), which is accurate where E[x^2] - E[x]^2 cancels;
//   scale = gamma / sqrt(var + eps), shift = beta.
// - ghost batches (virtual_batch_size V): x [N, ...] is viewed as
//   [V, N/V, ...] as TensorFlow reshapes it, so sub-batch g holds examples
//   g, g + N/V, ...; statistics are [N/V, C] and the returned batch
//   statistics are their means over sub-batches.
// - renorm (training only): r and d from the batch statistics (over
//   sub-batches: mean of means, sqrt(mean of variances + eps)) fold into
//   scale = gamma * r / sigma_b and shift = gamma * d + beta.
//
// Subtracting the mean before scaling (rather than x * scale + shift with
// shift = beta - mean * scale) keeps the result accurate when |mean| is
// large compared to the spread of x.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace mlir::nn;

namespace {

/// The input as the statistics see it and which of its dimensions they keep:
/// {channel}, or {sub-batch, channel} for ghost batches.
struct StatsLayout {
  Value x;
  unsigned rank = 0;
  int64_t channelDim = 0;
  SmallVector<int64_t> kept;
  SmallVector<int64_t> reduced;
};

StatsLayout makeLayout(Value x, ArrayRef<int64_t> kept, int64_t channelDim) {
  StatsLayout layout;
  layout.x = x;
  layout.rank = cast<RankedTensorType>(x.getType()).getRank();
  layout.channelDim = channelDim;
  layout.kept.assign(kept.begin(), kept.end());
  for (int64_t d = 0; d < static_cast<int64_t>(layout.rank); ++d)
    if (!llvm::is_contained(kept, d))
      layout.reduced.push_back(d);
  return layout;
}

class BatchNormBuilder {
public:
  BatchNormBuilder(OpBuilder &b, Location loc, BatchNormOp op)
      : b(b), loc(loc), ctx(b.getContext()), op(op),
        epsilon(op.getEpsilon().convertToFloat()) {}

  /// Sizes of the statistics of `layout` ([C] or [G, C]).
  SmallVector<OpFoldResult> statsSizes(const StatsLayout &layout) {
    SmallVector<OpFoldResult> sizes;
    for (int64_t d : layout.kept)
      sizes.push_back(sizeOf(b, loc, layout.x, d));
    return sizes;
  }

  AffineMap statsMap(const StatsLayout &layout) {
    return projection(ctx, layout.rank, layout.kept);
  }

  /// Sums `body(x, extras...)` into the statistics' shape.
  Value reduceToStats(const StatsLayout &layout, ValueRange extras,
                      BodyFn body) {
    SmallVector<Value> inputs = {layout.x};
    llvm::append_range(inputs, extras);
    SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(layout.rank)};
    maps.append(extras.size(), statsMap(layout));
    SmallVector<utils::IteratorType> iterators(layout.rank,
                                               utils::IteratorType::reduction);
    for (int64_t d : layout.kept)
      iterators[d] = utils::IteratorType::parallel;
    Value init = filledF32(b, loc, statsSizes(layout), 0.0);
    return buildGeneric(b, loc, inputs, maps, init, statsMap(layout), iterators,
                        body);
  }

  /// An elementwise map over statistics-shaped tensors `inputs` (same sizes
  /// as `like`), where `channelInputs` are per-channel [C] vectors broadcast
  /// along the sub-batch dimension.
  Value mapStats(Value like, ValueRange inputs, ValueRange channelInputs,
                 BodyFn body) {
    auto type = cast<RankedTensorType>(like.getType());
    unsigned rank = type.getRank();
    SmallVector<Value> all(inputs);
    llvm::append_range(all, channelInputs);
    SmallVector<AffineMap> maps(inputs.size(), b.getMultiDimIdentityMap(rank));
    maps.append(channelInputs.size(), projection(ctx, rank, {rank - 1}));
    Value init = emptyF32(b, loc, tensor::getMixedSizes(b, loc, like));
    return buildMap(b, loc, all, init, body, maps);
  }

  Value divideBy(Value stats, Value count) {
    return mapStats(stats, stats, {},
                    [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
                      return arith::DivFOp::create(nb, l, args[0], count);
                    });
  }

  /// gamma / sqrt(var + eps) (or 1 / sqrt(var + eps) without gamma), times
  /// `factor` [C] when given; var is [C] or [G, C].
  Value scaleFrom(Value var, Value gamma, Value factor) {
    SmallVector<Value> channel;
    if (gamma)
      channel.push_back(gamma);
    if (factor)
      channel.push_back(factor);
    Value eps = f32Const(b, loc, epsilon);
    return mapStats(var, var, channel,
                    [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
                      Value sigma = math::SqrtOp::create(
                          nb, l, arith::AddFOp::create(nb, l, args[0], eps));
                      Value numerator;
                      if (gamma && factor)
                        numerator =
                            arith::MulFOp::create(nb, l, args[1], args[2]);
                      else if (gamma || factor)
                        numerator = args[1];
                      else
                        numerator = f32Const(nb, l, 1.0);
                      return arith::DivFOp::create(nb, l, numerator, sigma);
                    });
  }

  /// y = (x - mean) * scale (+ shift), mean/scale indexed like the
  /// statistics and shift per channel.
  Value normalize(const StatsLayout &layout, Value mean, Value scale,
                  Value shift) {
    SmallVector<Value> inputs = {layout.x, mean, scale};
    SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(layout.rank),
                                   statsMap(layout), statsMap(layout)};
    if (shift) {
      inputs.push_back(shift);
      maps.push_back(projection(ctx, layout.rank, {layout.channelDim}));
    }
    Value init = emptyF32(b, loc, tensor::getMixedSizes(b, loc, layout.x));
    return buildMap(
        b, loc, inputs, init,
        [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
          Value centered = arith::SubFOp::create(nb, l, args[0], args[1]);
          Value y = arith::MulFOp::create(nb, l, centered, args[2]);
          if (shift)
            y = arith::AddFOp::create(nb, l, y, args[3]);
          return y;
        },
        maps);
  }

  /// The mean over sub-batches (dimension 0) of [G, C] statistics.
  Value meanOverSubBatches(Value stats) {
    Value init = filledF32(b, loc, {sizeOf(b, loc, stats, 1)}, 0.0);
    Value sum =
        linalg::ReduceOp::create(
            b, loc, ValueRange{stats}, ValueRange{init}, ArrayRef<int64_t>{0},
            [](OpBuilder &nb, Location l, ValueRange args) {
              Value s = arith::AddFOp::create(nb, l, args[0], args[1]);
              linalg::YieldOp::create(nb, l, s);
            })
            .getResult(0);
    return divideBy(sum, countAsF32(b, loc, stats, {0}));
  }

  LogicalResult lowerInference(ConversionPatternRewriter &rewriter,
                               BatchNormOp::Adaptor adaptor) {
    int64_t axis = op.getAxis();
    StatsLayout layout = makeLayout(adaptor.getInput(), {axis}, axis);
    Value scale =
        scaleFrom(adaptor.getMovingVariance(), adaptor.getGamma(), {});
    Value y =
        normalize(layout, adaptor.getMovingMean(), scale, adaptor.getBeta());
    rewriter.replaceOp(
        op, {y, adaptor.getMovingMean(), adaptor.getMovingVariance()});
    return success();
  }

  LogicalResult lowerTraining(ConversionPatternRewriter &rewriter,
                              BatchNormOp::Adaptor adaptor) {
    Value x = adaptor.getInput();
    auto xType = cast<RankedTensorType>(x.getType());
    int64_t axis = op.getAxis();
    std::optional<uint64_t> virtualBatch = op.getVirtualBatchSize();
    bool ghost = virtualBatch.has_value();
    if (ghost && axis == 0)
      return op.emitError("virtual_batch_size needs a channel axis other "
                          "than the batch axis");

    StatsLayout layout;
    SmallVector<ReassociationIndices> reassociation = {{0, 1}};
    if (ghost) {
      // [N, ...] -> [V, N/V, ...]: example v * (N/V) + g is in sub-batch g.
      int64_t v = static_cast<int64_t>(*virtualBatch);
      OpFoldResult batch = sizeOf(b, loc, x, 0), groups;
      if (std::optional<int64_t> n = getConstantIntValue(batch))
        groups = b.getIndexAttr(*n / v);
      else
        groups = arith::DivUIOp::create(b, loc, cast<Value>(batch),
                                        indexConst(b, loc, v))
                     .getResult();
      SmallVector<OpFoldResult> outputShape = {b.getIndexAttr(v), groups};
      for (int64_t d = 1; d < xType.getRank(); ++d)
        outputShape.push_back(sizeOf(b, loc, x, d));
      SmallVector<int64_t> expandedShape;
      SmallVector<Value> unusedDynamic;
      dispatchIndexOpFoldResults(outputShape, unusedDynamic, expandedShape);
      for (int64_t d = 2; d <= xType.getRank(); ++d)
        reassociation.push_back({d});
      Value expanded = tensor::ExpandShapeOp::create(
          b, loc, RankedTensorType::get(expandedShape, b.getF32Type()), x,
          reassociation, outputShape);
      layout = makeLayout(expanded, {1, axis + 1}, axis + 1);
    } else {
      layout = makeLayout(x, {axis}, axis);
    }

    // Pass 1: the mean; pass 2: the mean of squared deviations from it.
    Value count = countAsF32(b, loc, layout.x, layout.reduced);
    Value sum = reduceToStats(
        layout, {}, [](OpBuilder &nb, Location l, ValueRange args) {
          return arith::AddFOp::create(nb, l, args[1], args[0]).getResult();
        });
    Value mean = divideBy(sum, count);
    Value squares = reduceToStats(
        layout, mean, [](OpBuilder &nb, Location l, ValueRange args) {
          Value d = arith::SubFOp::create(nb, l, args[0], args[1]);
          Value d2 = arith::MulFOp::create(nb, l, d, d);
          return arith::AddFOp::create(nb, l, args[2], d2).getResult();
        });
    Value var = divideBy(squares, count);

    Value batchMean = mean, batchVar = var;
    if (ghost) {
      batchMean = meanOverSubBatches(mean);
      batchVar = meanOverSubBatches(var);
    }

    Value gamma = adaptor.getGamma(), beta = adaptor.getBeta();
    Value scale, shift = beta;
    if (op.getRenorm()) {
      auto [r, d] =
          renormCorrections(batchMean, batchVar, adaptor.getRenormMean(),
                            adaptor.getRenormStddev());
      scale = scaleFrom(var, gamma, r);
      // shift = gamma * d + beta.
      SmallVector<Value> channel = {d};
      if (gamma)
        channel.push_back(gamma);
      if (beta)
        channel.push_back(beta);
      shift = d;
      if (gamma || beta)
        shift = mapStats(
            d, {}, channel,
            [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
              Value s = args[0];
              if (gamma)
                s = arith::MulFOp::create(nb, l, args[1], s);
              if (beta)
                s = arith::AddFOp::create(nb, l, s, args[gamma ? 2 : 1]);
              return s;
            });
    } else {
      scale = scaleFrom(var, gamma, {});
    }

    Value y = normalize(layout, mean, scale, shift);
    if (ghost)
      y = tensor::CollapseShapeOp::create(b, loc, xType, y, reassociation);
    rewriter.replaceOp(op, {y, batchMean, batchVar});
    return success();
  }

private:
  /// Batch renormalization's r and d [C], clipped where bounds are given:
  /// sigma_B = sqrt(var_B + eps), s = max(renorm_stddev, sqrt(eps)),
  /// r = sigma_B / s, d = (mean_B - renorm_mean) / s.
  std::pair<Value, Value> renormCorrections(Value batchMean, Value batchVar,
                                            Value renormMean,
                                            Value renormStddev) {
    Value eps = f32Const(b, loc, epsilon);
    Value sqrtEps = f32Const(b, loc, std::sqrt(epsilon));
    auto clip = [&](OpBuilder &nb, Location l, Value v,
                    std::optional<double> lo, std::optional<double> hi) {
      if (lo)
        v = arith::MaximumFOp::create(nb, l, v, f32Const(nb, l, *lo));
      if (hi)
        v = arith::MinimumFOp::create(nb, l, v, f32Const(nb, l, *hi));
      return v;
    };
    auto value = [](std::optional<APFloat> f) -> std::optional<double> {
      if (!f)
        return std::nullopt;
      return f->convertToDouble();
    };
    std::optional<double> rmin = value(op.getRenormRmin());
    std::optional<double> rmax = value(op.getRenormRmax());
    std::optional<double> dmax = value(op.getRenormDmax());
    std::optional<double> dmin;
    if (dmax)
      dmin = -*dmax;

    Value r =
        mapStats(batchVar, ValueRange{batchVar, renormStddev}, {},
                 [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
                   Value sigma = math::SqrtOp::create(
                       nb, l, arith::AddFOp::create(nb, l, args[0], eps));
                   Value s = arith::MaximumFOp::create(nb, l, args[1], sqrtEps);
                   return clip(nb, l, arith::DivFOp::create(nb, l, sigma, s),
                               rmin, rmax);
                 });
    Value d = mapStats(
        batchMean, ValueRange{batchMean, renormMean, renormStddev}, {},
        [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
          Value s = arith::MaximumFOp::create(nb, l, args[2], sqrtEps);
          Value diff = arith::SubFOp::create(nb, l, args[0], args[1]);
          return clip(nb, l, arith::DivFOp::create(nb, l, diff, s), dmin, dmax);
        });
    return {r, d};
  }

  OpBuilder &b;
  Location loc;
  MLIRContext *ctx;
  BatchNormOp op;
  float epsilon;
};

struct BatchNormLowering : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<bool> training = getConstantMode(op, op.getTraining());
    if (failed(training))
      return failure();
    BatchNormBuilder builder(rewriter, op.getLoc(), op);
    // Inference ignores renorm and virtual_batch_size.
    if (!*training)
      return builder.lowerInference(rewriter, adaptor);
    return builder.lowerTraining(rewriter, adaptor);
  }
};

} // namespace

void nn::populateBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<BatchNormLowering>(patterns.getContext());
}
