//===- BatchNorm.cpp - nn.batch_norm to linalg ----------------------------===//
//
// Every mode ends in one elementwise pass y = (x - mean) * scale + shift with
// per-channel (per sub-batch and channel, for ghost batches) mean, scale and
// shift computed first on the small statistics tensors:
//
// - inference: mean = moving_mean, scale = gamma / sqrt(moving_var + eps),
//   shift = beta; the moving statistics are returned unchanged.
// - training: one pass over x for the mean and the biased variance, as sums
//   of deviations from a sample of each group (shifted sums, accurate where
//   E[x^2] - E[x]^2 cancels; BatchNormUtils.cpp);
//   scale = gamma / sqrt(var + eps), shift = beta.
// - ghost batches (virtual_batch_size V): x [N, ...] is viewed as
//   [V, N/V, ...] as TensorFlow reshapes it, so sub-batch g holds examples
//   g, g + N/V, ...; statistics are [N/V, C] and the returned batch
//   statistics are their means over sub-batches.
// - renorm (training only): r and d from the batch statistics (over
//   sub-batches: mean of means, sqrt(mean of variances + eps)) fold into
//   scale = gamma * r / sigma_b and shift = gamma * d + beta.
//
// - synchronized, in a data-parallel module: the statistics of every
//   process's shard merged into the global batch's (nn.replica_reduce
//   moments) before anything uses them.
//
// Subtracting the mean before scaling (rather than x * scale + shift with
// shift = beta - mean * scale) keeps the result accurate when |mean| is
// large compared to the spread of x.
//
//===----------------------------------------------------------------------===//
#include "BatchNormUtils.h"
#include "Patterns.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::nn;

namespace {

LogicalResult lowerInference(BatchNormOp op, BatchNormOp::Adaptor adaptor,
                             ConversionPatternRewriter &rewriter) {
  BatchNormBuilder builder(rewriter, op.getLoc(), BatchNormConfig::of(op));
  int64_t axis = op.getAxis();
  StatsLayout layout = makeStatsLayout(adaptor.getInput(), {axis}, axis);
  Value scale =
      builder.scaleFrom(adaptor.getMovingVariance(), adaptor.getGamma(), {});
  Value y = builder.normalize(layout, adaptor.getMovingMean(), scale,
                              adaptor.getBeta());
  rewriter.replaceOp(op,
                     {y, adaptor.getMovingMean(), adaptor.getMovingVariance()});
  return success();
}

LogicalResult lowerTraining(BatchNormOp op, BatchNormOp::Adaptor adaptor,
                            ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  Value x = adaptor.getInput();
  auto xType = cast<RankedTensorType>(x.getType());
  BatchNormConfig config = BatchNormConfig::of(op);
  bool ghost = config.virtualBatch.has_value();
  if (ghost && config.axis == 0)
    return op.emitError("virtual_batch_size needs a channel axis other "
                        "than the batch axis");

  BatchNormBuilder builder(rewriter, loc, config);
  StatsLayout layout =
      builder.layoutOf(ghost ? builder.expandToSubBatches(x) : x);
  auto [mean, var] = builder.meanAndVariance(layout);
  if (failed(builder.synchronize(op, layout, mean, var)))
    return failure();

  Value batchMean = mean, batchVar = var;
  if (ghost) {
    batchMean = builder.meanOverSubBatches(mean);
    batchVar = builder.meanOverSubBatches(var);
  }

  Value gamma = adaptor.getGamma(), beta = adaptor.getBeta();
  Value scale, shift = beta;
  if (op.getRenorm()) {
    auto [r, d] =
        builder.renormCorrections(batchMean, batchVar, adaptor.getRenormMean(),
                                  adaptor.getRenormStddev());
    scale = builder.scaleFrom(var, gamma, r);
    // shift = gamma * d + beta.
    SmallVector<Value> channel = {d};
    if (gamma)
      channel.push_back(gamma);
    if (beta)
      channel.push_back(beta);
    shift = d;
    if (gamma || beta)
      shift = builder.mapStats(
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
    scale = builder.scaleFrom(var, gamma, {});
  }

  Value y = builder.normalize(layout, mean, scale, shift);
  if (ghost)
    y = builder.collapseSubBatches(y, xType);
  rewriter.replaceOp(op, {y, batchMean, batchVar});
  return success();
}

} // namespace

void nn::populateBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<BatchNormModeLowering<BatchNormOp>>(
      patterns.getContext(), lowerInference, lowerTraining);
}
