//===- RecollapseIndices.cpp - linear indices back on collapsed views -----===//
//
// A kernel that reads a flattened tensor (a dense layer after a conv: the
// memref.collapse_shape of a ?x7x7x64 buffer into ?x3136) walks the
// collapsed dimension with one induction variable. Folding the view into
// the loads (memref's fold-memref-alias-ops patterns, which the vectorizer
// needs for subviews) turns that index into an affine.delinearize_index
// into (7, 7, 64): a division and two remainders in every step of the
// reduction loop, which LLVM does not fold back. Where the delinearized
// dimensions are contiguous, the access goes back to a collapsed view with
// the linear index: the same address.
//
//===----------------------------------------------------------------------===//
#include "VectorizeInternal.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace {

/// The collapse_shape of `memref` by `groups` for `access`, made where the
/// buffer is defined (loops do not recompute it), once per buffer and
/// grouping: an existing one is reused if it comes before `access`.
Value collapsedView(PatternRewriter &rewriter, Value memref,
                    ArrayRef<ReassociationIndices> groups, Operation *access) {
  Block *block = isa<BlockArgument>(memref)
                     ? cast<BlockArgument>(memref).getOwner()
                     : memref.getDefiningOp()->getBlock();
  Operation *accessInBlock = block->findAncestorOpInBlock(*access);
  for (Operation *user : memref.getUsers())
    if (auto view = dyn_cast<memref::CollapseShapeOp>(user))
      if (view->getBlock() == block && accessInBlock &&
          view->isBeforeInBlock(accessInBlock) &&
          view.getReassociationIndices() == groups)
        return view;
  OpBuilder::InsertionGuard guard(rewriter);
  if (isa<BlockArgument>(memref))
    rewriter.setInsertionPointToStart(block);
  else
    rewriter.setInsertionPointAfterValue(memref);
  return memref::CollapseShapeOp::create(rewriter, access->getLoc(), memref,
                                         groups);
}

Value bufferOf(memref::LoadOp op) { return op.getMemRef(); }
Value bufferOf(memref::StoreOp op) { return op.getMemRef(); }
Value bufferOf(vector::LoadOp op) { return op.getBase(); }
Value bufferOf(vector::StoreOp op) { return op.getBase(); }

/// A load or store `op` (memref.load/store, vector.load/store) with indices
/// that are, in order, all the results of one delinearize_index whose basis
/// is the static sizes of the dims they index.
template <typename OpTy>
struct RecollapseDelinearized : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    // An n-D vector spans the trailing dims: collapsing them would change
    // which elements it reads.
    if constexpr (std::is_same_v<OpTy, vector::LoadOp> ||
                  std::is_same_v<OpTy, vector::StoreOp>)
      if (op.getVectorType().getRank() > 1)
        return failure();
    Value memref = bufferOf(op);
    auto type = cast<MemRefType>(memref.getType());
    SmallVector<Value> indices(op.getIndices());
    for (size_t first = 0; first < indices.size(); ++first) {
      auto delinearize =
          indices[first].getDefiningOp<affine::AffineDelinearizeIndexOp>();
      if (!delinearize)
        continue;
      size_t count = delinearize.getNumResults();
      if (count < 2 || first + count > indices.size() ||
          !llvm::equal(ValueRange(indices).slice(first, count),
                       delinearize.getResults()))
        continue;
      ArrayRef<int64_t> basis = delinearize.getStaticBasis();
      // The outer bound may be left out (count - 1 sizes); every given
      // one must be the dimension's size.
      ArrayRef<int64_t> sizes = type.getShape().slice(first, count);
      if (basis.size() != count && basis.size() != count - 1)
        continue;
      if (ShapedType::isDynamicShape(basis) ||
          !llvm::equal(basis, sizes.take_back(basis.size())))
        continue;
      SmallVector<ReassociationIndices> groups;
      for (size_t d = 0; d < indices.size(); ++d) {
        if (d == first) {
          groups.push_back(
              llvm::to_vector(llvm::seq<int64_t>(first, first + count)));
          d += count - 1;
        } else {
          groups.push_back({static_cast<int64_t>(d)});
        }
      }
      if (!memref::CollapseShapeOp::isGuaranteedCollapsible(type, groups))
        continue;
      Value collapsed = collapsedView(rewriter, memref, groups, op);
      // Operands: (the stored value,) the buffer, its indices.
      unsigned start = op.getIndices().getBeginOperandIndex() - 1;
      SmallVector<Value> operands(op->getOperands().take_front(start));
      operands.push_back(collapsed);
      operands.append(indices.begin(), indices.begin() + first);
      operands.push_back(delinearize.getLinearIndex());
      operands.append(indices.begin() + first + count, indices.end());
      rewriter.modifyOpInPlace(op, [&] { op->setOperands(operands); });
      return success();
    }
    return failure();
  }
};

} // namespace

void mlir::nn::vectorize::populateRecollapsePatterns(
    RewritePatternSet &patterns) {
  patterns.add<RecollapseDelinearized<memref::LoadOp>,
               RecollapseDelinearized<memref::StoreOp>,
               RecollapseDelinearized<vector::LoadOp>,
               RecollapseDelinearized<vector::StoreOp>>(patterns.getContext());
}
