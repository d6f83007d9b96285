//===- FuseElementwise.cpp - element-wise fusion without recomputation ----===//
//
// `nn-fuse-elementwise`: linalg-fuse-elementwise-ops with a cost rule. The
// upstream pass fuses an element-wise producer into any consumer, also into
// one that reads each produced element many times (a convolution's weight
// gradient reads its output gradient once per kernel tap; an element-wise op
// reads a per-channel vector once per pixel): the producer's body is then
// recomputed at every read, e.g. batch norm's backward (divisions and a
// square root) nine times per pixel in a 3x3 weight gradient. Here a
// producer is fused only where the consumer reads each of its elements once
// (the operand's indexing map is a permutation of the consumer's loops, or
// a disjoint window, see injective) and
// the producer has no other use, or every use is such a reader and copying
// the producer into each moves less memory than storing its result (see
// cheapToRecompute). Values are unchanged: the same f32
// operations run in the same order, only where they are stored differs.
//
//===----------------------------------------------------------------------===//
#include "modelc/Transforms/Passes.h"

#include "TilesInPlace.h"

#include "mlir/Analysis/FlatLinearValueConstraints.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace mlir::nn {
#define GEN_PASS_DEF_NNFUSEELEMENTWISE
#include "modelc/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

/// Operations varying along the vectorized loop (terminator included) of a
/// body worth copying into readers.
constexpr size_t kMaxRecomputedOps = 8;

/// The largest body fusion makes. Each fusion copies the producer's body
/// into the consumer, so an unbounded chain of n element-wise ops costs
/// O(n^2) copies to compile (2,000 relus: 6.6 s); real chains (bias, batch
/// norm, activation, their gradients) stay far below it.
constexpr size_t kMaxFusedOps = 64;

/// True if `map` reads each element at most once over the loop `ranges`:
/// every result is linear in at most two loops, a loop `d` alone (any
/// coefficient: `d`, `d * s`) or a window `d * s + t` whose tap loop `t` has
/// a static extent of at most |s|, plus constants; no loop appears twice,
/// and every loop but those of extent 1 appears (else the others read the
/// same element again). A disjoint pooling window (2x2, stride 2) reads its
/// input so.
bool injective(AffineMap map, ArrayRef<int64_t> ranges) {
  unsigned dims = map.getNumDims(), symbols = map.getNumSymbols();
  llvm::SmallBitVector seen(dims);
  for (AffineExpr e : map.getResults()) {
    // Coefficients of the dims, the symbols, then the constant; more means
    // a floordiv or mod (local variables), which read some elements twice.
    SmallVector<int64_t> coeffs;
    if (failed(getFlattenedAffineExpr(e, dims, symbols, &coeffs)) ||
        coeffs.size() != dims + symbols + 1)
      return false;
    SmallVector<unsigned> used;
    for (unsigned d = 0; d < dims; ++d)
      if (coeffs[d] != 0)
        used.push_back(d);
    if (used.size() > 2)
      return false;
    if (used.size() == 2) {
      // The tap has coefficient 1 and fits in the other's stride.
      auto fits = [&](unsigned tap, unsigned outer) {
        return coeffs[tap] == 1 && !ShapedType::isDynamic(ranges[tap]) &&
               ranges[tap] <= std::abs(coeffs[outer]);
      };
      if (!fits(used[0], used[1]) && !fits(used[1], used[0]))
        return false;
    }
    for (unsigned d : used) {
      if (seen.test(d))
        return false;
      seen.set(d);
    }
  }
  for (unsigned d = 0; d < dims; ++d)
    if (!seen.test(d) && ranges[d] != 1)
      return false;
  return true;
}

/// True if `op` multiplies two of its inputs in a reduction (a convolution
/// written as a generic, e.g. depthwise): the code generator's contraction
/// kernels take only a bare multiply-add, so nothing is fused into it
/// through a window.
bool multipliesInputs(linalg::GenericOp op) {
  if (op.getNumReductionLoops() == 0)
    return false;
  auto isInput = [&](Value v) {
    auto arg = dyn_cast<BlockArgument>(v);
    return arg && arg.getOwner() == op.getBody() &&
           arg.getArgNumber() < op.getNumDpsInputs();
  };
  return llvm::any_of(op.getBody()->getOps<arith::MulFOp>(),
                      [&](arith::MulFOp mul) {
                        return isInput(mul.getLhs()) && isInput(mul.getRhs());
                      });
}

/// True if `use` reads each element of its value once (at most).
bool readsOnce(OpOperand &use) {
  auto consumer = dyn_cast<linalg::GenericOp>(use.getOwner());
  if (!consumer || !consumer.isDpsInput(&use))
    return false;
  AffineMap map = consumer.getMatchingIndexingMap(&use);
  return map.isPermutation() ||
         (injective(map, consumer.getStaticLoopRanges()) &&
          !multipliesInputs(consumer));
}

/// Operations of a body that vary along its innermost loop (the one
/// vectorized), terminator included: those on its elements and on that
/// loop's index (a dropout mask's hash). Index arithmetic from the outer
/// loops' indices (a pooling window's tap number) is the same across a
/// vector and not counted.
size_t varyingOps(linalg::GenericOp op) {
  llvm::SmallPtrSet<Value, 16> varying;
  for (BlockArgument arg : op.getBody()->getArguments())
    varying.insert(arg);
  unsigned innermost = op.getNumLoops() - 1;
  size_t count = 0;
  for (Operation &inner : op.getBody()->getOperations()) {
    auto index = dyn_cast<linalg::IndexOp>(inner);
    bool varies = (index && index.getDim() == innermost) ||
                  inner.getNumRegions() != 0 ||
                  llvm::any_of(inner.getOperands(),
                               [&](Value v) { return varying.contains(v); });
    if (!varies)
      continue;
    ++count;
    for (Value result : inner.getResults())
      varying.insert(result);
  }
  return count;
}

/// True if fusing `producer` into `consumer` keeps the fused body within
/// kMaxFusedOps.
bool fitsFusedBody(linalg::GenericOp producer, linalg::LinalgOp consumer) {
  auto generic = dyn_cast<linalg::GenericOp>(consumer.getOperation());
  return !generic || producer.getBody()->getOperations().size() +
                             generic.getBody()->getOperations().size() <=
                         kMaxFusedOps;
}

/// A producer with several readers is copied into each (and then gone) when
/// that moves less memory. Stored, it reads its full-size inputs and writes
/// its result once, and each reader reads the result; copied, each reader
/// reads those of the producer's full-size inputs it does not read already
/// (the rest are broadcasts, per-channel vectors). A relu gradient feeding
/// both passes of batch norm's backward reads one; the ResNet block's
/// residual sum (batch norm of the convolution, plus the block's input)
/// reads two, and two of its three readers read the convolution already.
/// Every reader must take the copy (a reader left reading the stored result
/// would make the others' extra reads a loss).
bool cheapToRecompute(linalg::GenericOp producer) {
  if (producer->getNumResults() != 1 || producer.getNumReductionLoops() != 0)
    return false;
  // A producer that already absorbed others is no longer cheap: copying a
  // fused chain into each reader would recompute the whole chain there (a
  // chain of n relus copied into its n gradients: O(n^2) work at run time
  // and O(n^3) to compile).
  if (varyingOps(producer) > kMaxRecomputedOps)
    return false;
  llvm::SetVector<Value> full;
  for (OpOperand *in : producer.getDpsInputOperands())
    if (producer.getMatchingIndexingMap(in).isPermutation())
      full.insert(in->get());
  int64_t stored = int64_t(full.size()) + 1, copied = 0;
  llvm::SmallPtrSet<Operation *, 4> readers;
  for (OpOperand &use : producer->getResult(0).getUses()) {
    if (!readsOnce(use))
      return false;
    auto reader = cast<linalg::GenericOp>(use.getOwner());
    if (!fitsFusedBody(producer, reader))
      return false;
    // (A reader that reads the result twice reads it once.)
    if (!readers.insert(reader).second)
      continue;
    ++stored;
    for (Value v : full)
      copied += llvm::none_of(reader.getDpsInputOperands(), [&](OpOperand *o) {
        return o->get() == v &&
               reader.getMatchingIndexingMap(o).isPermutation();
      });
  }
  return copied < stored;
}

/// Fuse only when the consumer reads each produced element exactly once,
/// and the producer has no other use or is cheap to recompute.
bool fuseWithoutRecompute(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  if (!producer)
    return false;
  auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
  if (!consumer)
    return producer->hasOneUse(); // reshapes and the like: the upstream rule
  if (!readsOnce(*fused))
    return false;
  auto generic = dyn_cast<linalg::GenericOp>(producer);
  if (generic && !fitsFusedBody(generic, consumer))
    return false;
  if (producer->hasOneUse())
    return true;
  return generic && cheapToRecompute(generic);
}

struct NNFuseElementwisePass
    : public nn::impl::NNFuseElementwiseBase<NNFuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // The fusion patterns take linalg.generic consumers only: a reduction
    // written as linalg.reduce (global average pooling) becomes one, so that
    // the activation before it is applied while it reads (no full-size
    // activation output), and so does pooling (batch norm's output, read by
    // a 2x2 max pool and its gradient's window winners, is never stored).
    {
      SmallVector<linalg::LinalgOp> named;
      getOperation()->walk([&](linalg::LinalgOp op) {
        if (isa<linalg::ReduceOp, linalg::PoolingNhwcMaxOp,
                linalg::PoolingNhwcSumOp>(op))
          named.push_back(op);
      });
      IRRewriter rewriter(ctx);
      for (linalg::LinalgOp op : named) {
        rewriter.setInsertionPoint(op);
        (void)linalg::generalizeNamedOp(rewriter, op);
      }
    }
    RewritePatternSet patterns(ctx);
    // What linalg-fuse-elementwise-ops runs, with the control above for the
    // fusion itself and the upstream one-use rule for reshapes/constants.
    linalg::ControlFusionFn oneUse = [](OpOperand *fused) {
      Operation *producer = fused->get().getDefiningOp();
      return producer && producer->hasOneUse();
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns,
                                                 fuseWithoutRecompute);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, oneUse);
    nn::populateTilesInPlacePatterns(patterns);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
        patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, oneUse);
    (void)applyPatternsGreedily(
        getOperation(), std::move(patterns),
        GreedyRewriteConfig().setUseTopDownTraversal(true));
  }
};

} // namespace
