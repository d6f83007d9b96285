//===- CopiesToLinalg.cpp - strided copies as linalg.copy -----------------===//
//
// Also erases the copies in-place bufferization leaves from a buffer to
// itself: an operand built in its slice of a concatenation is "inserted"
// with a copy between two different views of the same memory. And an
// element-wise op that writes a fresh buffer only to have it copied into a
// view (the optimizer's updates, copied into the state arena) writes the
// view itself, when nothing in between touches that view's elements.
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "VectorizeInternal.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
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

/// The elements of its root buffer a view covers, [first, last], when its
/// offset, strides and sizes are static.
std::optional<std::pair<int64_t, int64_t>> elementRange(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (!type || !type.hasStaticShape() ||
      failed(type.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(offset) || llvm::any_of(strides, [](int64_t st) {
        return ShapedType::isDynamic(st) || st < 0;
      }))
    return std::nullopt;
  int64_t last = offset;
  for (auto [size, stride] : llvm::zip(type.getShape(), strides)) {
    if (size == 0)
      return std::make_pair(offset, offset - 1);
    last += (size - 1) * stride;
  }
  return std::make_pair(offset, last);
}

/// True unless `v` certainly touches none of the elements `target` covers:
/// two distinct buffers (nn::vectorize::distinctBuffers), or disjoint
/// static ranges of the same one. (Any other root, a loop's buffer
/// argument or a reinterpreted view, may be anything.)
bool mayOverlap(Value v, Value target) {
  Value rootV = viewRoot(v), rootT = viewRoot(target);
  if (rootV != rootT)
    return !nn::vectorize::distinctBuffers(rootV, rootT);
  auto a = elementRange(v), b = elementRange(target);
  return !a || !b || !(a->second < b->first || b->second < a->first);
}

/// True if `o` (or an op inside it) may read or write an element of
/// `target`; unknown effects count as both.
bool mayAccess(Operation *o, Value target) {
  return nn::vectorize::anyMemoryEffect(
      o, [&](const MemoryEffects::EffectInstance &e) {
        if (isa<MemoryEffects::Allocate, MemoryEffects::Free>(e.getEffect()))
          return false;
        return !e.getValue() || mayOverlap(e.getValue(), target);
      });
}

/// `copy` moves a fresh allocation that one element-wise linalg.generic
/// wrote (and nothing else uses) into a view: the generic writes the view
/// instead, and the allocation and copy go. Not when the generic reads its
/// initial values, reads elements of the view other than the ones it
/// writes at the same index, or an op between it and the copy touches the
/// view's elements. The optimizer's update of the state arena: 3 copies of
/// 1.24 M floats per text CNN train step.
bool forwardCopy(memref::CopyOp copy, DominanceInfo &dominance) {
  Value src = copy.getSource(), dst = copy.getTarget();
  auto alloc = src.getDefiningOp<memref::AllocOp>();
  if (!alloc || src == dst || !isa<MemRefType>(dst.getType()))
    return false;
  linalg::GenericOp writer;
  SmallVector<Operation *> deallocs;
  for (OpOperand &use : src.getUses()) {
    Operation *user = use.getOwner();
    if (user == copy.getOperation())
      continue;
    if (isa<memref::DeallocOp>(user)) {
      deallocs.push_back(user);
      continue;
    }
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!generic || writer || !generic.isDpsInit(&use))
      return false;
    writer = generic;
  }
  if (!writer || writer->getBlock() != copy->getBlock() ||
      !writer->isBeforeInBlock(copy) ||
      !dominance.properlyDominates(dst, writer))
    return false;
  // Element-wise: every loop parallel, every operand indexed by the loops.
  if (writer.getNumReductionLoops() != 0 ||
      !llvm::all_of(writer.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }))
    return false;
  OpOperand *init = nullptr;
  for (OpOperand &o : writer.getDpsInitsMutable())
    if (o.get() == src)
      init = &o;
  if (!init || writer.payloadUsesValueFromOperand(init))
    return false;
  // Another operand may be the view's own elements at the same index (the
  // parameter the update reads), not any other part of them.
  for (OpOperand &o : writer->getOpOperands())
    if (&o != init && mayOverlap(o.get(), dst) &&
        !(writer.isDpsInput(&o) && o.get().getType() == dst.getType() &&
          viewRoot(o.get()) == viewRoot(dst) && elementRange(dst)))
      return false;
  for (Operation *o = writer->getNextNode(); o != copy.getOperation();
       o = o->getNextNode())
    if (mayAccess(o, dst))
      return false;
  init->set(dst);
  copy->erase();
  for (Operation *d : deallocs)
    d->erase();
  alloc->erase();
  return true;
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
    DominanceInfo &dominance = getAnalysis<DominanceInfo>();
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp c) { copies.push_back(c); });
    for (memref::CopyOp c : copies)
      (void)forwardCopy(c, dominance);
    RewritePatternSet patterns(&getContext());
    patterns.add<CopyLowering>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
