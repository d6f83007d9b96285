//===- TrailingUnitDims.cpp - transfers past trailing unit dims -----------===//
//
// Folding rank-reducing subviews into vector transfers (which the vectorizer
// relies on to clean up its tiles) turns a contiguous access of
// `memref<...x200x1xf32>` along the 200 into a transfer with permutation map
// `(d0, d1, d2, d3) -> (d2)`. The upstream permutation lowering makes that a
// transpose into `vector<32x1xf32>`, which ends as one scalar access per
// element. These patterns undo the fold once views are no longer folded.
//
//===----------------------------------------------------------------------===//
#include "TrailingUnitDims.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace {

/// The number of trailing memref dimensions the transfer does not access
/// (all of size 1, at index 0), if its map is a minor identity once they are
/// removed and the access is contiguous; 0 otherwise.
template <typename OpTy> int64_t droppableTrailingDims(OpTy op) {
  auto type = dyn_cast<MemRefType>(op.getBase().getType());
  if (!type || op.getMask())
    return 0;
  AffineMap map = op.getPermutationMap();
  int64_t rank = type.getRank(), results = map.getNumResults();
  if (results == 0 || map.isMinorIdentity())
    return 0;
  auto last = dyn_cast<AffineDimExpr>(map.getResult(results - 1));
  if (!last)
    return 0;
  int64_t k = last.getPosition(), drop = rank - 1 - k;
  if (drop <= 0 || k + 1 < results)
    return 0;
  for (int64_t i = 0; i < results; ++i) {
    auto dim = dyn_cast<AffineDimExpr>(map.getResult(i));
    if (!dim || dim.getPosition() != k + 1 - results + i)
      return 0;
  }
  for (int64_t d = k + 1; d < rank; ++d) {
    std::optional<int64_t> index = getConstantIntValue(op.getIndices()[d]);
    if (type.getDimSize(d) != 1 || !index || *index != 0)
      return 0;
  }
  int64_t offset;
  SmallVector<int64_t> strides;
  if (failed(type.getStridesAndOffset(strides, offset)) || strides[k] != 1)
    return 0;
  return drop;
}

/// The memref without its last `drop` (unit) dimensions.
Value dropTrailing(PatternRewriter &rewriter, Location loc, Value memref,
                   int64_t drop) {
  auto type = cast<MemRefType>(memref.getType());
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes =
      memref::getMixedSizes(rewriter, loc, memref);
  SmallVector<OpFoldResult> steps(rank, rewriter.getIndexAttr(1));
  MemRefType reduced = memref::SubViewOp::inferRankReducedResultType(
      type.getShape().drop_back(drop), type, offsets, sizes, steps);
  return memref::SubViewOp::create(rewriter, loc, reduced, memref, offsets,
                                   sizes, steps);
}

/// The same transfer on `view` at `indices`.
void replaceTransfer(PatternRewriter &rewriter, vector::TransferReadOp op,
                     Value view, ValueRange indices) {
  rewriter.replaceOpWithNewOp<vector::TransferReadOp>(
      op, op.getVectorType(), view, indices, op.getPadding(),
      op.getInBoundsValues());
}

void replaceTransfer(PatternRewriter &rewriter, vector::TransferWriteOp op,
                     Value view, ValueRange indices) {
  rewriter.replaceOpWithNewOp<vector::TransferWriteOp>(
      op, op.getVector(), view, indices, op.getInBoundsValues());
}

template <typename OpTy> struct TransferPastUnitDims : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    int64_t drop = droppableTrailingDims(op);
    if (drop == 0)
      return failure();
    Value view = dropTrailing(rewriter, op.getLoc(), op.getBase(), drop);
    SmallVector<Value> indices(op.getIndices().drop_back(drop));
    replaceTransfer(rewriter, op, view, indices);
    return success();
  }
};

} // namespace

void mlir::nn::populateDropTrailingUnitDimsPatterns(
    RewritePatternSet &patterns) {
  patterns.add<TransferPastUnitDims<vector::TransferReadOp>,
               TransferPastUnitDims<vector::TransferWriteOp>>(
      patterns.getContext());
}
