//===- BatchNormGrad.cpp - nn.batch_norm_grad to linalg -------------------===//
//
// With xhat = (x - mean) * inv, inv = 1 / sqrt(var + eps), one pass over
// (x, dy) sums, per statistic (channel, or sub-batch and channel),
// Sdy = sum(dy) and Sdx = sum(dy * xhat); everything else is on the small
// statistics tensors plus one elementwise pass for dx:
//
// - training: the batch statistics are recomputed as the forward pass does
//   (same passes, so the same values) and the gradient flows through them:
//   dx = k * ((dy - Sdy/n) - xhat * Sdx/n), k = gamma * r * inv, where r is
//   1 without renorm. Renorm's r and d are constants (from the pooled batch
//   statistics, as the forward pass computes them), so they only scale:
//   dgamma = r * Sdx + d * Sdy. Ghost batches reduce per sub-batch (the same
//   [V, N/V, ...] view as the forward pass) and sum the partial dgamma and
//   dbeta over sub-batches.
// - inference: the moving statistics are constants, dx = dy * gamma * inv;
//   dgamma and dbeta are the same sums with the moving mean and variance.
//
// Synchronized (data-parallel module): the statistics and the means of the
// two sums are over every process's shard (nn.replica_reduce).
//
// dgamma and dbeta are computed even when the layer has no gamma or beta;
// the train step simply does not use them.
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

/// {sum(dy), sum(dy * (x - mean) * inv)} over the reduced dimensions of
/// `layout`, in one pass; `mean` and `inv` are indexed like the statistics.
std::pair<Value, Value> sumGradients(OpBuilder &b, Location loc,
                                     BatchNormBuilder &builder,
                                     const StatsLayout &layout, Value dy,
                                     Value mean, Value inv) {
  AffineMap identity = b.getMultiDimIdentityMap(layout.rank);
  AffineMap stats = builder.statsMap(layout);
  SmallVector<utils::IteratorType> iterators(layout.rank,
                                             utils::IteratorType::reduction);
  for (int64_t d : layout.kept)
    iterators[d] = utils::IteratorType::parallel;
  SmallVector<OpFoldResult> sizes = builder.statsSizes(layout);
  Value sumInit = filledF32(b, loc, sizes, 0.0);
  Value dotInit = filledF32(b, loc, sizes, 0.0);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{sumInit.getType(), dotInit.getType()},
      ValueRange{layout.x, dy, mean, inv}, ValueRange{sumInit, dotInit},
      {identity, identity, stats, stats, stats, stats}, iterators,
      [](OpBuilder &nb, Location l, ValueRange args) {
        Value centered = arith::SubFOp::create(nb, l, args[0], args[2]);
        Value xhat = arith::MulFOp::create(nb, l, centered, args[3]);
        Value sum = arith::AddFOp::create(nb, l, args[4], args[1]);
        Value dot = arith::AddFOp::create(
            nb, l, args[5], arith::MulFOp::create(nb, l, args[1], xhat));
        linalg::YieldOp::create(nb, l, ValueRange{sum, dot});
      });
  return {generic.getResult(0), generic.getResult(1)};
}

LogicalResult lowerInference(BatchNormGradOp op,
                             BatchNormGradOp::Adaptor adaptor,
                             ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  BatchNormBuilder builder(rewriter, loc, BatchNormConfig::of(op));
  int64_t axis = op.getAxis();
  Value x = adaptor.getInput(), dy = adaptor.getGradOutput();
  Value gamma = adaptor.getGamma(), variance = adaptor.getMovingVariance();
  StatsLayout layout = makeStatsLayout(x, {axis}, axis);

  Value inv = builder.scaleFrom(variance, {}, {});
  Value scale = gamma ? builder.scaleFrom(variance, gamma, {}) : inv;
  unsigned rank = layout.rank;
  Value init =
      emptyF32(rewriter, loc, tensor::getMixedSizes(rewriter, loc, dy));
  Value dx = buildMap(rewriter, loc, ValueRange{dy, scale}, init,
                      [](OpBuilder &nb, Location l, ValueRange args) -> Value {
                        return arith::MulFOp::create(nb, l, args[0], args[1]);
                      },
                      {rewriter.getMultiDimIdentityMap(rank),
                       projection(rewriter.getContext(), rank, {axis})});
  auto [sumDy, sumDyXhat] = sumGradients(rewriter, loc, builder, layout, dy,
                                         adaptor.getMovingMean(), inv);
  rewriter.replaceOp(op, {dx, sumDyXhat, sumDy});
  return success();
}

LogicalResult lowerTraining(BatchNormGradOp op,
                            BatchNormGradOp::Adaptor adaptor,
                            ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  BatchNormConfig config = BatchNormConfig::of(op);
  bool ghost = config.virtualBatch.has_value();
  if (ghost && config.axis == 0)
    return op.emitError("virtual_batch_size needs a channel axis other "
                        "than the batch axis");
  BatchNormBuilder builder(rewriter, loc, config);
  Value x = adaptor.getInput(), dy = adaptor.getGradOutput();
  Value gamma = adaptor.getGamma();
  if (ghost) {
    x = builder.expandToSubBatches(x);
    dy = builder.expandToSubBatches(dy);
  }
  StatsLayout layout = builder.layoutOf(x);
  auto [mean, var] = builder.meanAndVariance(layout);
  if (failed(builder.synchronize(op, layout, mean, var)))
    return failure();

  Value r, d;
  if (op.getRenorm()) {
    Value batchMean = mean, batchVar = var;
    if (ghost) {
      batchMean = builder.meanOverSubBatches(mean);
      batchVar = builder.meanOverSubBatches(var);
    }
    std::tie(r, d) =
        builder.renormCorrections(batchMean, batchVar, adaptor.getRenormMean(),
                                  adaptor.getRenormStddev());
  }

  Value inv = builder.scaleFrom(var, {}, {});
  auto [sumDy, sumDyXhat] =
      sumGradients(rewriter, loc, builder, layout, dy, mean, inv);
  Value meanDy, meanDyXhat;
  if (isSynchronized(op)) {
    // Over every process's values (see nn.replica_reduce grad_means).
    auto means = ReplicaReduceOp::create(
        rewriter, loc, ReplicaReduction::grad_means,
        ValueRange{sumDy, sumDyXhat},
        countAsIndex(rewriter, loc, layout.x, layout.reduced));
    meanDy = means.getResult(0);
    meanDyXhat = means.getResult(1);
  } else {
    Value count = countAsF32(rewriter, loc, layout.x, layout.reduced);
    meanDy = builder.divideBy(sumDy, count);
    meanDyXhat = builder.divideBy(sumDyXhat, count);
  }
  Value scale = (gamma || r) ? builder.scaleFrom(var, gamma, r) : inv;

  // dx = scale * ((dy - mean(dy)) - xhat * mean(dy * xhat)).
  AffineMap stats = builder.statsMap(layout);
  AffineMap identity = rewriter.getMultiDimIdentityMap(layout.rank);
  Value init = emptyF32(rewriter, loc, tensor::getMixedSizes(rewriter, loc, x));
  Value dx = buildMap(
      rewriter, loc, ValueRange{x, dy, mean, inv, scale, meanDy, meanDyXhat},
      init,
      [](OpBuilder &nb, Location l, ValueRange args) -> Value {
        Value centered = arith::SubFOp::create(nb, l, args[0], args[2]);
        Value xhat = arith::MulFOp::create(nb, l, centered, args[3]);
        Value t = arith::SubFOp::create(nb, l, args[1], args[5]);
        t = arith::SubFOp::create(nb, l, t,
                                  arith::MulFOp::create(nb, l, xhat, args[6]));
        return arith::MulFOp::create(nb, l, args[4], t);
      },
      {identity, identity, stats, stats, stats, stats, stats});
  if (ghost) {
    dx = builder.collapseSubBatches(
        dx, cast<RankedTensorType>(adaptor.getInput().getType()));
    sumDy = builder.sumOverSubBatches(sumDy);
    sumDyXhat = builder.sumOverSubBatches(sumDyXhat);
  }

  Value dgamma = sumDyXhat;
  if (r)
    dgamma = builder.mapStats(
        sumDyXhat, ValueRange{sumDyXhat, sumDy, r, d}, {},
        [](OpBuilder &nb, Location l, ValueRange args) -> Value {
          Value scaled = arith::MulFOp::create(nb, l, args[2], args[0]);
          Value shifted = arith::MulFOp::create(nb, l, args[3], args[1]);
          return arith::AddFOp::create(nb, l, scaled, shifted);
        });
  rewriter.replaceOp(op, {dx, dgamma, sumDy});
  return success();
}

} // namespace

void nn::populateBatchNormGradPatterns(RewritePatternSet &patterns) {
  patterns.add<BatchNormModeLowering<BatchNormGradOp>>(
      patterns.getContext(), lowerInference, lowerTraining);
}
