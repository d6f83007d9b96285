//===- CopiesToLinalg.cpp - strided copies as linalg.copy -----------------===//
//
// Also erases the copies in-place bufferization leaves from a buffer to
// itself: an operand built in its slice of a concatenation is "inserted"
// with a copy between two different views of the same memory.
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENCOPIESTOLINALG
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

/// True if every path through a loop body yields its buffer `arg` back
/// (directly or from both branches of an scf.if).
bool yieldsBack(Value yielded, Value arg) {
  if (yielded == arg)
    return true;
  auto branch = yielded.getDefiningOp<scf::IfOp>();
  if (!branch || branch.getElseRegion().empty())
    return false;
  unsigned i = cast<OpResult>(yielded).getResultNumber();
  return yieldsBack(branch.thenYield().getOperand(i), arg) &&
         yieldsBack(branch.elseYield().getOperand(i), arg);
}

/// The allocation `v` is a view of, through views that keep the base
/// pointer (so a static strided layout's offset is relative to it).
Value viewRoot(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    // A loop that updates its buffer in place yields what it was given.
    if (auto loop = dyn_cast<scf::ForOp>(def)) {
      unsigned i = cast<OpResult>(v).getResultNumber();
      if (!yieldsBack(loop.getYieldedValues()[i], loop.getRegionIterArgs()[i]))
        break;
      v = loop.getInitArgs()[i];
      continue;
    }
    if (!isa<memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp,
             memref::CastOp>(def))
      break;
    v = def->getOperand(0);
  }
  return v;
}

/// True if `copy` goes between two views of the same elements: same root,
/// same static offset and strides. A copy's operands have the same shape at
/// run time, so a dynamic size (the batch) is the same on both sides too.
bool isSelfCopy(memref::CopyOp copy, MemRefType source, MemRefType target) {
  if (source.getShape() != target.getShape() ||
      viewRoot(copy.getSource()) != viewRoot(copy.getTarget()))
    return false;
  SmallVector<int64_t> sourceStrides, targetStrides;
  int64_t sourceOffset, targetOffset;
  return succeeded(source.getStridesAndOffset(sourceStrides, sourceOffset)) &&
         succeeded(target.getStridesAndOffset(targetStrides, targetOffset)) &&
         sourceOffset == targetOffset && sourceStrides == targetStrides &&
         !ShapedType::isDynamic(sourceOffset) &&
         llvm::none_of(sourceStrides, ShapedType::isDynamic);
}

/// A copy onto itself is erased; a strided one becomes a linalg.copy.
struct CopyLowering : public OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::CopyOp copy,
                                PatternRewriter &rewriter) const override {
    auto source = dyn_cast<MemRefType>(copy.getSource().getType());
    auto target = dyn_cast<MemRefType>(copy.getTarget().getType());
    if (!source || !target)
      return failure();
    if (isSelfCopy(copy, source, target)) {
      rewriter.eraseOp(copy);
      return success();
    }
    if (source.getLayout().isIdentity() && target.getLayout().isIdentity())
      return failure(); // contiguous: llvm.memcpy is best
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                copy.getTarget());
    return success();
  }
};

struct CodegenCopiesToLinalgPass
    : public nn::impl::CodegenCopiesToLinalgBase<CodegenCopiesToLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<CopyLowering>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
