//===- PoolWinners.cpp - a disjoint max pool's maxima and winners ---------===//
#include "PoolWinners.h"
#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::nn;

std::optional<std::pair<int64_t, int64_t>>
nn::comparedWindowSteps(ArrayRef<int64_t> window, ArrayRef<int64_t> strides,
                        ArrayRef<int64_t> outExtent, bool padded) {
  if (padded || window[0] * window[1] > kMaxComparedTaps)
    return std::nullopt;
  int64_t step[2];
  for (int d = 0; d < 2; ++d) {
    step[d] = outExtent[d] == 1 ? window[d] : strides[d];
    if (step[d] < window[d])
      return std::nullopt;
  }
  return std::make_pair(step[0], step[1]);
}

WindowScan nn::scanMaxWindows(OpBuilder &b, Location loc, Value x,
                              ArrayRef<int64_t> window,
                              std::pair<int64_t, int64_t> step,
                              ArrayRef<int64_t> outExtent, bool withMax) {
  MLIRContext *ctx = b.getContext();
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t steps[2] = {step.first, step.second};
  // The taps are read from x's covered region: every tap stays in bounds,
  // and a tap map that is a loop's own index (a 1-wide window over one
  // output row) gives that loop the output's extent, not x's.
  SmallVector<OpFoldResult> coreSizes = tensor::getMixedSizes(b, loc, x);
  bool sliced = false;
  for (int d = 0; d < 2; ++d) {
    int64_t covered =
        std::min(xType.getDimSize(1 + d), outExtent[d] * steps[d]);
    sliced |= covered < xType.getDimSize(1 + d);
    coreSizes[1 + d] = b.getIndexAttr(covered);
  }
  // A scan with the maxima is marked with its windows: a later lowering of
  // the same windows of x (the forward pass's pool, then its gradient)
  // reuses it. (Of a whole x: the windows cover it when they tile it, as a
  // 2x2 pool's of an even-sized input do.)
  auto mark = b.getDenseI64ArrayAttr(
      {window[0], window[1], steps[0], steps[1], outExtent[0], outExtent[1]});
  Block *block = b.getInsertionBlock();
  auto before = [&](Operation *op) {
    return op->getBlock() == block &&
           (b.getInsertionPoint() == block->end() ||
            op->isBeforeInBlock(&*b.getInsertionPoint()));
  };
  if (!sliced)
    for (Operation *reader : x.getUsers())
      if (reader->getAttr(kWindowScanAttr) == mark && before(reader))
        return {reader->getResult(0), reader->getResult(1)};
  // (Without the maxima: one result, no mark.)
  Value xCore = x;
  if (sliced)
    xCore = tensor::ExtractSliceOp::create(
        b, loc, x, SmallVector<OpFoldResult>(4, b.getIndexAttr(0)), coreSizes,
        SmallVector<OpFoldResult>(4, b.getIndexAttr(1)));
  auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<Value> taps;
  SmallVector<AffineMap> maps;
  for (int64_t a = 0; a < window[0]; ++a)
    for (int64_t c = 0; c < window[1]; ++c) {
      taps.push_back(xCore);
      maps.push_back(AffineMap::get(
          4, 0, {dim(0), dim(1) * steps[0] + a, dim(2) * steps[1] + c, dim(3)},
          ctx));
    }
  SmallVector<OpFoldResult> sizes = {coreSizes[0], b.getIndexAttr(outExtent[0]),
                                     b.getIndexAttr(outExtent[1]),
                                     coreSizes[3]};
  SmallVector<Value> inits;
  if (withMax)
    inits.push_back(emptyF32(b, loc, sizes));
  inits.push_back(emptyF32(b, loc, sizes));
  maps.append(inits.size(), b.getMultiDimIdentityMap(4));
  int64_t n = window[0] * window[1];
  auto generic = linalg::GenericOp::create(
      b, loc, ValueRange(inits).getTypes(), taps, inits, maps,
      SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        SmallVector<Value> results;
        // The maximum as linalg's max pool computes it (maximumf from -inf:
        // max(-inf, a) = a, and a quiet a for a signaling NaN, as max(a, a)
        // gives for a 1x1 window).
        if (withMax) {
          Value max = n == 1
                          ? arith::MaximumFOp::create(nb, l, args[0], args[0])
                                .getResult()
                          : args[0];
          for (int64_t k = 1; k < n; ++k)
            max = arith::MaximumFOp::create(nb, l, max, args[k]);
          results.push_back(max);
        }
        // The winner: a scan that keeps the tap number as a float, so that
        // every condition is a comparison of floats (selects between
        // conditions that do not vary across the vector made AVX2 pack
        // masks to bytes: 2.5x slower).
        Value best = args[0];
        Value tap = f32Const(nb, l, 0.0), ordered;
        for (int64_t k = 1; k < n; ++k) {
          Value greater = arith::CmpFOp::create(
              nb, l, arith::CmpFPredicate::OGT, args[k], best);
          best = arith::SelectOp::create(nb, l, greater, args[k], best);
          tap = arith::SelectOp::create(nb, l, greater,
                                        f32Const(nb, l, double(k)), tap);
        }
        for (int64_t k = 0; k < n; k += 2) {
          Value pair =
              arith::CmpFOp::create(nb, l, arith::CmpFPredicate::ORD, args[k],
                                    args[std::min(k + 1, n - 1)]);
          ordered =
              ordered ? arith::AndIOp::create(nb, l, ordered, pair).getResult()
                      : pair;
        }
        results.push_back(arith::SelectOp::create(nb, l, ordered, tap,
                                                  f32Const(nb, l, -1.0)));
        linalg::YieldOp::create(nb, l, results);
      });
  if (!withMax)
    return {Value(), generic.getResult(0)};
  generic->setAttr(kWindowScanAttr, mark);
  return {generic.getResult(0), generic.getResult(1)};
}
