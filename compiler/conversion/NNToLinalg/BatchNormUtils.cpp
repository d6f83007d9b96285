//===- BatchNormUtils.cpp - statistics shared by BN and its gradient ------===//
#include "BatchNormUtils.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace mlir::nn;

StatsLayout nn::makeStatsLayout(Value x, ArrayRef<int64_t> kept,
                                int64_t channelDim) {
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

Value BatchNormBuilder::expandToSubBatches(Value x) {
  auto xType = cast<RankedTensorType>(x.getType());
  // [N, ...] -> [V, N/V, ...]: example v * (N/V) + g is in sub-batch g.
  int64_t v = *config.virtualBatch;
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
  groupReassociation = {{0, 1}};
  for (int64_t d = 2; d <= xType.getRank(); ++d)
    groupReassociation.push_back({d});
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(expandedShape, b.getF32Type()), x,
      groupReassociation, outputShape);
}

Value BatchNormBuilder::collapseSubBatches(Value y, RankedTensorType type) {
  return tensor::CollapseShapeOp::create(b, loc, type, y, groupReassociation);
}

StatsLayout BatchNormBuilder::layoutOf(Value x) {
  int64_t axis = config.axis;
  if (config.virtualBatch)
    return makeStatsLayout(x, {1, axis + 1}, axis + 1);
  return makeStatsLayout(x, {axis}, axis);
}

SmallVector<OpFoldResult>
BatchNormBuilder::statsSizes(const StatsLayout &layout) {
  SmallVector<OpFoldResult> sizes;
  for (int64_t d : layout.kept)
    sizes.push_back(sizeOf(b, loc, layout.x, d));
  return sizes;
}

AffineMap BatchNormBuilder::statsMap(const StatsLayout &layout) {
  return projection(ctx, layout.rank, layout.kept);
}

Value BatchNormBuilder::reduceToStats(const StatsLayout &layout,
                                      ValueRange extras, BodyFn body) {
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

Value BatchNormBuilder::mapStats(Value like, ValueRange inputs,
                                 ValueRange channelInputs, BodyFn body) {
  auto type = cast<RankedTensorType>(like.getType());
  unsigned rank = type.getRank();
  SmallVector<Value> all(inputs);
  llvm::append_range(all, channelInputs);
  SmallVector<AffineMap> maps(inputs.size(), b.getMultiDimIdentityMap(rank));
  maps.append(channelInputs.size(), projection(ctx, rank, {rank - 1}));
  Value init = emptyF32(b, loc, tensor::getMixedSizes(b, loc, like));
  return buildMap(b, loc, all, init, body, maps);
}

Value BatchNormBuilder::divideBy(Value stats, Value count) {
  return mapStats(stats, stats, {},
                  [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
                    return arith::DivFOp::create(nb, l, args[0], count);
                  });
}

std::pair<Value, Value>
BatchNormBuilder::meanAndVariance(const StatsLayout &layout) {
  // One pass over x for both statistics, numerically safe: sums of
  // d = x - k and d * d, with k each group's first element (a sample of the
  // data, so no catastrophic cancellation when the mean is large against the
  // spread): mean = k + S1 / n, var = S2 / n - (S1 / n)^2.
  Value count = countAsF32(b, loc, layout.x, layout.reduced);
  SmallVector<AffineExpr> firstElement;
  for (int64_t d = 0; d < static_cast<int64_t>(layout.rank); ++d) {
    auto kept = llvm::find(layout.kept, d);
    firstElement.push_back(
        kept == layout.kept.end()
            ? getAffineConstantExpr(0, ctx)
            : getAffineDimExpr(kept - layout.kept.begin(), ctx));
  }
  unsigned statsRank = layout.kept.size();
  Value shift = buildMap(
      b, loc, layout.x, emptyF32(b, loc, statsSizes(layout)),
      [](OpBuilder &, Location, ValueRange args) -> Value { return args[0]; },
      {AffineMap::get(statsRank, 0, firstElement, ctx)});

  SmallVector<utils::IteratorType> iterators(layout.rank,
                                             utils::IteratorType::reduction);
  for (int64_t d : layout.kept)
    iterators[d] = utils::IteratorType::parallel;
  Value zero = filledF32(b, loc, statsSizes(layout), 0.0);
  AffineMap stats = statsMap(layout);
  auto sums = linalg::GenericOp::create(
      b, loc, TypeRange{zero.getType(), zero.getType()},
      ValueRange{layout.x, shift}, ValueRange{zero, zero},
      ArrayRef<AffineMap>{b.getMultiDimIdentityMap(layout.rank), stats, stats,
                          stats},
      iterators, [](OpBuilder &nb, Location l, ValueRange args) {
        Value d = arith::SubFOp::create(nb, l, args[0], args[1]);
        Value s1 = arith::AddFOp::create(nb, l, args[2], d);
        Value s2 = arith::AddFOp::create(
            nb, l, args[3], arith::MulFOp::create(nb, l, d, d));
        linalg::YieldOp::create(nb, l, ValueRange{s1, s2});
      });
  Value mean = mapStats(
      shift, ValueRange{shift, sums.getResult(0)}, {},
      [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        return arith::AddFOp::create(
            nb, l, args[0], arith::DivFOp::create(nb, l, args[1], count));
      });
  Value var = mapStats(
      shift, ValueRange{sums.getResult(0), sums.getResult(1)}, {},
      [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        Value m1 = arith::DivFOp::create(nb, l, args[0], count);
        Value m2 = arith::DivFOp::create(nb, l, args[1], count);
        Value v = arith::SubFOp::create(nb, l, m2,
                                        arith::MulFOp::create(nb, l, m1, m1));
        // Rounding can leave a tiny negative value for constant data.
        return arith::MaximumFOp::create(nb, l, v, f32Const(nb, l, 0.0));
      });
  return {mean, var};
}

Value BatchNormBuilder::scaleFrom(Value var, Value gamma, Value factor) {
  SmallVector<Value> channel;
  if (gamma)
    channel.push_back(gamma);
  if (factor)
    channel.push_back(factor);
  Value eps = f32Const(b, loc, config.epsilon);
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

Value BatchNormBuilder::normalize(const StatsLayout &layout, Value mean,
                                  Value scale, Value shift) {
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

Value BatchNormBuilder::sumOverSubBatches(Value stats) {
  Value init = filledF32(b, loc, {sizeOf(b, loc, stats, 1)}, 0.0);
  return linalg::ReduceOp::create(
             b, loc, ValueRange{stats}, ValueRange{init}, ArrayRef<int64_t>{0},
             [](OpBuilder &nb, Location l, ValueRange args) {
               Value s = arith::AddFOp::create(nb, l, args[0], args[1]);
               linalg::YieldOp::create(nb, l, s);
             })
      .getResult(0);
}

Value BatchNormBuilder::meanOverSubBatches(Value stats) {
  return divideBy(sumOverSubBatches(stats), countAsF32(b, loc, stats, {0}));
}

std::pair<Value, Value>
BatchNormBuilder::renormCorrections(Value batchMean, Value batchVar,
                                    Value renormMean, Value renormStddev) {
  Value eps = f32Const(b, loc, config.epsilon);
  Value sqrtEps = f32Const(b, loc, std::sqrt(config.epsilon));
  auto clip = [&](OpBuilder &nb, Location l, Value v, std::optional<double> lo,
                  std::optional<double> hi) {
    if (lo)
      v = arith::MaximumFOp::create(nb, l, v, f32Const(nb, l, *lo));
    if (hi)
      v = arith::MinimumFOp::create(nb, l, v, f32Const(nb, l, *hi));
    return v;
  };
  std::optional<double> dmin;
  if (config.dmax)
    dmin = -*config.dmax;

  Value r =
      mapStats(batchVar, ValueRange{batchVar, renormStddev}, {},
               [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
                 Value sigma = math::SqrtOp::create(
                     nb, l, arith::AddFOp::create(nb, l, args[0], eps));
                 Value s = arith::MaximumFOp::create(nb, l, args[1], sqrtEps);
                 return clip(nb, l, arith::DivFOp::create(nb, l, sigma, s),
                             config.rmin, config.rmax);
               });
  Value d =
      mapStats(batchMean, ValueRange{batchMean, renormMean, renormStddev}, {},
               [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
                 Value s = arith::MaximumFOp::create(nb, l, args[2], sqrtEps);
                 Value diff = arith::SubFOp::create(nb, l, args[0], args[1]);
                 return clip(nb, l, arith::DivFOp::create(nb, l, diff, s), dmin,
                             config.dmax);
               });
  return {r, d};
}

LogicalResult BatchNormBuilder::synchronize(Operation *op,
                                            const StatsLayout &layout,
                                            Value &mean, Value &var) {
  if (!isSynchronized(op))
    return success();
  if (config.virtualBatch)
    return op->emitError("a synchronized batch norm cannot have a "
                         "virtual_batch_size in a data-parallel build: its "
                         "ghost batches interleave examples of every shard");
  auto merged = ReplicaReduceOp::create(
      b, loc, ReplicaReduction::moments, ValueRange{mean, var},
      countAsIndex(b, loc, layout.x, layout.reduced));
  mean = merged.getResult(0);
  var = merged.getResult(1);
  return success();
}
