//===- BatchNormUtils.h - what BN and its gradient share --------*- C++ -*-===//
//
// nn.batch_norm and nn.batch_norm_grad see the input the same way (per
// channel, or per sub-batch and channel with ghost batches) and recompute the
// same batch statistics and renorm corrections; this builder is that common
// part.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_CONVERSION_NNTOLINALG_BATCHNORMUTILS_H
#define MODELC_CONVERSION_NNTOLINALG_BATCHNORMUTILS_H

#include "Utils.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Transforms/DialectConversion.h"

#include <optional>
#include <utility>

namespace mlir::nn {

/// The attributes nn.batch_norm and nn.batch_norm_grad share.
struct BatchNormConfig {
  int64_t axis = 0;
  float epsilon = 0.0f;
  std::optional<double> rmin, rmax, dmax;
  std::optional<int64_t> virtualBatch;

  template <typename OpTy> static BatchNormConfig of(OpTy op) {
    auto value = [](std::optional<APFloat> f) -> std::optional<double> {
      if (!f)
        return std::nullopt;
      return f->convertToDouble();
    };
    BatchNormConfig config;
    config.axis = op.getAxis();
    config.epsilon = op.getEpsilon().convertToFloat();
    config.rmin = value(op.getRenormRmin());
    config.rmax = value(op.getRenormRmax());
    config.dmax = value(op.getRenormDmax());
    if (std::optional<uint64_t> v = op.getVirtualBatchSize())
      config.virtualBatch = static_cast<int64_t>(*v);
    return config;
  }
};

/// The input as the statistics see it and which of its dimensions they keep:
/// {channel}, or {sub-batch, channel} for ghost batches.
struct StatsLayout {
  Value x;
  unsigned rank = 0;
  int64_t channelDim = 0;
  SmallVector<int64_t> kept;
  SmallVector<int64_t> reduced;
};

StatsLayout makeStatsLayout(Value x, ArrayRef<int64_t> kept,
                            int64_t channelDim);

class BatchNormBuilder {
public:
  BatchNormBuilder(OpBuilder &b, Location loc, const BatchNormConfig &config)
      : b(b), loc(loc), ctx(b.getContext()), config(config) {}

  /// Ghost batches: [N, ...] viewed as [V, N/V, ...] as TensorFlow reshapes
  /// it, so sub-batch g (dimension 1) holds examples g, g + N/V, ...
  Value expandToSubBatches(Value x);
  /// The inverse of expandToSubBatches, back to `type`.
  Value collapseSubBatches(Value y, RankedTensorType type);

  /// The layout of `x` (already expanded for ghost batches).
  StatsLayout layoutOf(Value x);

  /// Sizes of the statistics of `layout` ([C] or [G, C]).
  SmallVector<OpFoldResult> statsSizes(const StatsLayout &layout);
  AffineMap statsMap(const StatsLayout &layout);

  /// Sums `body(x, extras...)` into the statistics' shape; `extras` are
  /// indexed like the statistics.
  Value reduceToStats(const StatsLayout &layout, ValueRange extras,
                      BodyFn body);

  /// An elementwise map over statistics-shaped tensors `inputs` (same sizes
  /// as `like`), where `channelInputs` are per-channel [C] vectors broadcast
  /// along the sub-batch dimension.
  Value mapStats(Value like, ValueRange inputs, ValueRange channelInputs,
                 BodyFn body);
  Value divideBy(Value stats, Value count);

  /// The batch mean and biased variance (two passes: the mean, then the mean
  /// of squared deviations from it, accurate where E[x^2] - E[x]^2 cancels).
  std::pair<Value, Value> meanAndVariance(const StatsLayout &layout);

  /// For a synchronized op in a data-parallel module, replaces this
  /// process's (mean, var) by those of every process's values; a no-op
  /// otherwise. Ghost batches interleave examples across the shards, so
  /// they cannot be synchronized (an error).
  LogicalResult synchronize(Operation *op, const StatsLayout &layout,
                            Value &mean, Value &var);

  /// gamma / sqrt(var + eps) (or 1 / sqrt(var + eps) without gamma), times
  /// `factor` [C] when given; var is [C] or [G, C].
  Value scaleFrom(Value var, Value gamma, Value factor);

  /// y = (x - mean) * scale (+ shift), mean/scale indexed like the
  /// statistics and shift per channel.
  Value normalize(const StatsLayout &layout, Value mean, Value scale,
                  Value shift);

  /// The mean over sub-batches (dimension 0) of [G, C] statistics.
  Value meanOverSubBatches(Value stats);
  /// The sum over sub-batches (dimension 0) of [G, C] statistics.
  Value sumOverSubBatches(Value stats);

  /// Batch renormalization's r and d [C], clipped where bounds are given:
  /// sigma_B = sqrt(var_B + eps), s = max(renorm_stddev, sqrt(eps)),
  /// r = sigma_B / s, d = (mean_B - renorm_mean) / s.
  std::pair<Value, Value> renormCorrections(Value batchMean, Value batchVar,
                                            Value renormMean,
                                            Value renormStddev);

  const BatchNormConfig &getConfig() const { return config; }

private:
  OpBuilder &b;
  Location loc;
  MLIRContext *ctx;
  BatchNormConfig config;
  SmallVector<ReassociationIndices> groupReassociation;
};

/// The lowering of a batch-norm op (forward or gradient) whose training
/// flag nn-specialize-mode made a constant: one function per mode.
template <typename OpTy>
struct BatchNormModeLowering : OpConversionPattern<OpTy> {
  using Lower = LogicalResult (*)(OpTy, typename OpTy::Adaptor,
                                  ConversionPatternRewriter &);
  BatchNormModeLowering(MLIRContext *ctx, Lower inference, Lower training)
      : OpConversionPattern<OpTy>(ctx), inference(inference),
        training(training) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<bool> mode = getConstantMode(op, op.getTraining());
    if (failed(mode))
      return failure();
    // Inference ignores renorm and virtual_batch_size.
    return (*mode ? training : inference)(op, adaptor, rewriter);
  }

  Lower inference, training;
};

} // namespace mlir::nn

#endif
