//===- TilesInPlace.cpp - read rearranged tiles where they are ------------===//
//
// Winograd F(2x2, 3x3) writes a convolution's output as 2x2 tiles; a copy
// rearranges them into rows and a collapse_shape makes those the image's
// rows and columns. A 2x2 stride-2 max pool after it reads `(n, 2i + a,
// 2j + b, c)` of the collapsed tensor, which is `(n, i, a, j, b, c)` of the
// copy, and so the tile element the copy took it from. When every reader
// of the collapse reads it so, each reads the tiles where the output
// transform wrote them, and the copy is gone: an inference's pool joins the
// convolution's chain (code generation's image blocks), and the full-size
// output never goes to memory. Each element is read in the same order as
// before: the values are unchanged.
//
// Upstream's reshape propagation (fold by expansion) takes only projected
// permutations, never a window's `2i + a`; and with the collapse folded
// alone, its element-wise fusion would still refuse the copy (with the
// window's taps no longer plain loops of an operand, it finds their extents
// undefined; here the pool's window-shape operand stays). A reader that
// walks the rows as plain loops across tiles (a train step's batch norm
// statistics) keeps the copy, and then the readers leave it alone: reading
// the tiles too would only give the output transform more readers, which
// keeps it out of the chain that writes the copy. The pattern itself takes
// any copy that only rearranges, collapsed, and any linalg.generic reader
// whose indices split.
//
//===----------------------------------------------------------------------===//
#include "TilesInPlace.h"

#include "mlir/Analysis/FlatLinearValueConstraints.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/MapVector.h"

using namespace mlir;

namespace {

/// `index`, an affine expression of the loops into a dimension collapsed
/// from `[outer, inner]`, as the pair of indices into those two, or nullopt.
/// The loops whose coefficients are multiples of `inner` form the outer
/// index; the rest (positive coefficients) and the constant form the inner
/// one, which must stay in [0, inner) over the loops' static `ranges`. Then
/// `index = outer * inner + rest` is exactly that split, with no division.
std::optional<std::pair<AffineExpr, AffineExpr>>
split(AffineExpr index, unsigned dims, int64_t inner,
      ArrayRef<int64_t> ranges) {
  SmallVector<int64_t> coeffs;
  if (failed(getFlattenedAffineExpr(index, dims, /*numSymbols=*/0, &coeffs)) ||
      coeffs.size() != dims + 1)
    return std::nullopt; // a floordiv or mod
  MLIRContext *ctx = index.getContext();
  int64_t constant = coeffs[dims];
  AffineExpr outer = getAffineConstantExpr(0, ctx);
  AffineExpr rest = getAffineConstantExpr(constant, ctx);
  int64_t largest = constant;
  for (unsigned d = 0; d < dims; ++d) {
    if (coeffs[d] == 0)
      continue;
    if (coeffs[d] % inner == 0) {
      outer = outer + getAffineDimExpr(d, ctx) * (coeffs[d] / inner);
      continue;
    }
    if (coeffs[d] < 0 || ShapedType::isDynamic(ranges[d]))
      return std::nullopt;
    rest = rest + getAffineDimExpr(d, ctx) * coeffs[d];
    largest += coeffs[d] * (ranges[d] - 1);
  }
  if (constant < 0 || largest >= inner)
    return std::nullopt;
  return std::make_pair(outer, rest);
}

/// The value `op` copies and the map from `op`'s result indices to that
/// value's, if `op` only rearranges one input (all loops parallel, the body
/// yields the input element, the result's map a permutation).
std::optional<std::pair<Value, AffineMap>> copied(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 0)
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(op.getBody()->getTerminator());
  if (op.getBody()->getOperations().size() != 1 ||
      yield.getValues()[0] != op.getBody()->getArgument(0))
    return std::nullopt;
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (!out.isPermutation())
    return std::nullopt;
  return std::make_pair(op.getDpsInputOperand(0)->get(),
                        op.getMatchingIndexingMap(op.getDpsInputOperand(0))
                            .compose(inversePermutation(out)));
}

/// The map by which `op` reads its operand `input`, a collapse of
/// `source`'s shape with reassociation `groups`, as a map into `source`, or
/// nullopt.
std::optional<AffineMap> uncollapsed(linalg::GenericOp op, OpOperand &input,
                                     ArrayRef<int64_t> source,
                                     ArrayRef<ReassociationIndices> groups) {
  if (!op.isDpsInput(&input))
    return std::nullopt;
  AffineMap map = op.getMatchingIndexingMap(&input);
  if (map.getNumSymbols() != 0)
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<AffineExpr> results;
  for (auto [index, group] : llvm::zip_equal(map.getResults(), groups)) {
    if (group.size() == 1) {
      results.push_back(index);
      continue;
    }
    // Two dimensions, the inner one static (more would need a mixed radix;
    // no lowering makes them).
    if (group.size() != 2 || ShapedType::isDynamic(source[group[1]]) ||
        source[group[1]] <= 0)
      return std::nullopt;
    std::optional<std::pair<AffineExpr, AffineExpr>> parts =
        split(index, map.getNumDims(), source[group[1]], ranges);
    if (!parts)
      return std::nullopt;
    results.push_back(parts->first);
    results.push_back(parts->second);
  }
  return AffineMap::get(map.getNumDims(), 0, results, op.getContext());
}

struct TilesInPlace : OpRewritePattern<tensor::CollapseShapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::CollapseShapeOp collapse,
                                PatternRewriter &rewriter) const override {
    auto copy = collapse.getSrc().getDefiningOp<linalg::GenericOp>();
    if (!copy || !copy->hasOneUse())
      return failure();
    std::optional<std::pair<Value, AffineMap>> from = copied(copy);
    if (!from)
      return failure();
    ArrayRef<int64_t> source = collapse.getSrcType().getShape();
    SmallVector<ReassociationIndices> groups =
        collapse.getReassociationIndices();
    // Every reader, or none: the new maps of the generics' operands.
    SmallVector<std::pair<OpOperand *, AffineMap>> reads;
    SmallVector<tensor::DimOp> dims;
    for (OpOperand &use : collapse->getUses()) {
      if (auto dim = dyn_cast<tensor::DimOp>(use.getOwner())) {
        // A destination's batch size: one dimension of the copy.
        std::optional<int64_t> index = dim.getConstantIndex();
        if (!index || *index < 0 || *index >= int64_t(groups.size()) ||
            groups[*index].size() != 1)
          return failure();
        dims.push_back(dim);
        continue;
      }
      auto reader = dyn_cast<linalg::GenericOp>(use.getOwner());
      std::optional<AffineMap> map;
      if (reader)
        map = uncollapsed(reader, use, source, groups);
      if (!map)
        return failure();
      reads.emplace_back(&use, from->second.compose(*map));
    }
    // Each reader's new maps, all of its reads of the collapse replaced.
    llvm::MapVector<Operation *, SmallVector<AffineMap>> readers;
    for (auto [use, map] : reads) {
      auto reader = cast<linalg::GenericOp>(use->getOwner());
      auto [it, inserted] = readers.try_emplace(reader);
      if (inserted)
        it->second = reader.getIndexingMapsArray();
      it->second[use->getOperandNumber()] = map;
    }
    // A loop must still be some operand's plain index, or its extent is
    // lost: a reduction over the rows of one 2x2 tile (a global pool of a
    // 2x2 output) reads `2a + b` with neither loop left plain.
    for (auto &[reader, maps] : readers)
      if (!inversePermutation(concatAffineMaps(maps, getContext())))
        return failure();
    for (auto &[reader, maps] : readers) {
      auto generic = cast<linalg::GenericOp>(reader);
      rewriter.modifyOpInPlace(generic, [&] {
        generic.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      });
    }
    for (auto [use, map] : reads)
      rewriter.modifyOpInPlace(use->getOwner(), [&] { use->set(from->first); });
    // The dims read the copy's destination (or what that is written into,
    // or the size an empty one is made with).
    for (tensor::DimOp dim : dims) {
      Value into = copy.getDpsInitOperand(0)->get();
      while (auto result = dyn_cast<OpResult>(into)) {
        auto writer = dyn_cast<DestinationStyleOpInterface>(result.getOwner());
        if (!writer)
          break;
        into = writer.getTiedOpOperand(result)->get();
      }
      int64_t index = groups[*dim.getConstantIndex()][0];
      auto empty = into.getDefiningOp<tensor::EmptyOp>();
      if (empty && empty.getType().isDynamicDim(index)) {
        rewriter.replaceOp(dim, empty.getDynamicSize(index));
        continue;
      }
      rewriter.setInsertionPoint(dim);
      rewriter.replaceOpWithNewOp<tensor::DimOp>(dim, into, index);
    }
    rewriter.eraseOp(collapse);
    rewriter.eraseOp(copy);
    return success();
  }
};

} // namespace

void mlir::nn::populateTilesInPlacePatterns(RewritePatternSet &patterns) {
  patterns.add<TilesInPlace>(patterns.getContext());
}
