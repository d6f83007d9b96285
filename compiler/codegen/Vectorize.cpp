//===- Vectorize.cpp - register tiling and vectorization of linalg --------===//
//
// `codegen-vectorize`: runs on buffers, after bufferization, and carries out
// the plan codegen-plan-tiles recorded on each linalg op (TilePlanner.cpp):
// the op is generalized, tiled with scf.for so that one tile is a register
// block, and vectorized: a contraction's tiles become FMA micro-kernels
// (ContractionKernel.cpp), with the element-wise consumer
// codegen-fuse-epilogues paired with it fused in (EpilogueFusion.cpp); other
// tiles are stripped of their unit dimensions, vectorized upstream and their
// accumulators hoisted out of the reduction loops. codegen-lower-vectors then
// lowers everything to 1-D vector ops and codegen-tile-loops makes the
// marked tile loops scf.parallel.
//
// Only parallel dimensions are vectorized, register-blocked or split over
// threads, and reduction loops stay in their original order: every
// floating-point sum is computed in the same order as the scalar loops of
// convert-linalg-to-loops would.
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "VectorizeInternal.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/ComposeSubView.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "codegen-vectorize"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENVECTORIZE
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

using namespace mlir::nn::vectorize;

namespace {

/// Marks the tiles of the op being vectorized across peeling.
constexpr llvm::StringLiteral kTileAttr = "nn.tile";

/// Drops the loops in `drop` (all of static extent 1) from a generic on
/// buffers. Operand dimensions that only such loops index (a constant 0 once
/// they are replaced by 0) and that have size 1 are removed with
/// rank-reducing subviews; `linalg.index` of a dropped loop becomes 0.
FailureOr<linalg::GenericOp>
dropUnitLoops(RewriterBase &rewriter, linalg::GenericOp op,
              const llvm::SmallDenseSet<unsigned> &drop) {
  MLIRContext *ctx = op.getContext();
  Location loc = op.getLoc();
  unsigned numLoops = op.getNumLoops();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<AffineExpr> repl;
  SmallVector<int64_t> newPos(numLoops, -1);
  SmallVector<utils::IteratorType> iters;
  unsigned next = 0;
  for (unsigned d = 0; d < numLoops; ++d) {
    if (drop.contains(d)) {
      if (ranges[d] != 1)
        return failure();
      repl.push_back(getAffineConstantExpr(0, ctx));
      continue;
    }
    newPos[d] = next;
    repl.push_back(getAffineDimExpr(next++, ctx));
    iters.push_back(op.getIteratorTypesArray()[d]);
  }
  if (next == numLoops)
    return op;

  // Check everything before creating any op.
  struct OperandPlan {
    AffineMap map;
    SmallVector<int64_t> keptShape;
    /// The subview that drops the constant-indexed dimensions: the constant
    /// index and size 1 there, offset 0 and the whole extent elsewhere.
    SmallVector<int64_t> offsets, sizes;
    bool reduce;
  };
  SmallVector<OperandPlan> plans;
  for (OpOperand &operand : op->getOpOperands()) {
    // A scalar operand keeps its empty map.
    if (operand.get().getType().isIntOrFloat()) {
      OperandPlan plan;
      plan.map = AffineMap::get(next, 0, {}, ctx);
      plan.reduce = false;
      plans.push_back(plan);
      continue;
    }
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type || !type.hasStaticShape())
      return failure();
    AffineMap map = simplifyAffineMap(
        op.getMatchingIndexingMap(&operand).replaceDimsAndSymbols(repl, {},
                                                                  next, 0));
    OperandPlan plan;
    plan.offsets.assign(type.getRank(), 0);
    plan.sizes.assign(type.getShape().begin(), type.getShape().end());
    SmallVector<AffineExpr> results;
    for (auto [i, e] : llvm::enumerate(map.getResults())) {
      // A constant index (a fixed window tap) selects one element.
      if (auto c = dyn_cast<AffineConstantExpr>(e)) {
        if (c.getValue() < 0 || c.getValue() >= type.getDimSize(i))
          return failure();
        plan.offsets[i] = c.getValue();
        plan.sizes[i] = 1;
        continue;
      }
      results.push_back(e);
      plan.keptShape.push_back(type.getDimSize(i));
    }
    plan.map = AffineMap::get(next, 0, results, ctx);
    plan.reduce = static_cast<int64_t>(results.size()) != type.getRank();
    plans.push_back(plan);
  }

  rewriter.setInsertionPoint(op);
  SmallVector<Value> newOperands;
  for (auto [operand, plan] : llvm::zip(op->getOpOperands(), plans)) {
    Value value = operand.get();
    if (plan.reduce) {
      auto type = cast<MemRefType>(value.getType());
      SmallVector<int64_t> offsets(plan.offsets), sizes(plan.sizes),
          strides(type.getRank(), 1);
      auto reducedType = memref::SubViewOp::inferRankReducedResultType(
          plan.keptShape, type, offsets, sizes, strides);
      SmallVector<OpFoldResult> ofrOffsets, ofrSizes, ofrStrides;
      for (int64_t i = 0; i < type.getRank(); ++i) {
        ofrOffsets.push_back(rewriter.getIndexAttr(offsets[i]));
        ofrSizes.push_back(rewriter.getIndexAttr(sizes[i]));
        ofrStrides.push_back(rewriter.getIndexAttr(1));
      }
      value = memref::SubViewOp::create(rewriter, loc,
                                        cast<MemRefType>(reducedType), value,
                                        ofrOffsets, ofrSizes, ofrStrides);
    }
    newOperands.push_back(value);
  }
  SmallVector<AffineMap> maps;
  for (const OperandPlan &plan : plans)
    maps.push_back(plan.map);
  unsigned numInputs = op.getNumDpsInputs();
  auto newOp = linalg::GenericOp::create(
      rewriter, loc, TypeRange{}, ValueRange(newOperands).take_front(numInputs),
      ValueRange(newOperands).drop_front(numInputs), maps, iters);
  rewriter.inlineRegionBefore(op.getRegion(), newOp.getRegion(),
                              newOp.getRegion().begin());
  SmallVector<linalg::IndexOp> indices;
  newOp.getRegion().walk([&](linalg::IndexOp idx) { indices.push_back(idx); });
  for (linalg::IndexOp idx : indices) {
    unsigned d = idx.getDim();
    if (newPos[d] < 0) {
      rewriter.setInsertionPoint(idx);
      rewriter.replaceOp(
          idx, arith::ConstantIndexOp::create(rewriter, idx.getLoc(), 0));
    } else {
      rewriter.modifyOpInPlace(idx, [&] { idx.setDim(newPos[d]); });
    }
  }
  rewriter.eraseOp(op);
  return newOp;
}

/// Hoists a `transfer_read`/`transfer_write` pair of loop-invariant indices
/// on the same buffer out of an scf.for, carrying the vector in iter_args
/// (the accumulator of a contraction or a reduction). Unlike
/// linalg::hoistRedundantVectorTransfers this does not give up when the
/// buffer has view users elsewhere in the function: it requires instead that
/// the loop writes nothing else and reads nothing else from the same root
/// buffer (distinct allocations and the entry point's restrict arguments do
/// not alias).
FailureOr<scf::ForOp> hoistAccumulators(RewriterBase &rewriter,
                                        scf::ForOp loop) {
  Block *body = loop.getBody();
  SmallVector<vector::TransferWriteOp> writes;
  bool otherWrites = false;
  loop.getBody()->walk([&](Operation *op) {
    if (auto w = dyn_cast<vector::TransferWriteOp>(op)) {
      if (w->getBlock() == body)
        writes.push_back(w);
      else
        otherWrites = true;
      return;
    }
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects) {
      if (!op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() &&
          !isa<scf::YieldOp>(op))
        otherWrites = true;
      return;
    }
    if (effects.hasEffect<MemoryEffects::Write>() ||
        effects.hasEffect<MemoryEffects::Free>() ||
        effects.hasEffect<MemoryEffects::Allocate>())
      otherWrites = true;
  });
  if (otherWrites || writes.empty())
    return failure();
  // One read per write (a reduction with several outputs has several
  // accumulators), each pair alone on its root buffer.
  SmallVector<vector::TransferReadOp> reads;
  llvm::SmallPtrSet<Value, 4> roots;
  auto invariant = [&](Value v) { return loop.isDefinedOutsideOfLoop(v); };
  for (vector::TransferWriteOp write : writes) {
    if (!isa<MemRefType>(write.getBase().getType()))
      return failure();
    Value root = rootBuffer(write.getBase());
    if (!roots.insert(root).second)
      return failure();
    vector::TransferReadOp read;
    bool conflict = false;
    loop.getBody()->walk([&](Operation *op) {
      if (op == write.getOperation())
        return;
      auto r = dyn_cast<vector::TransferReadOp>(op);
      SmallVector<Value> buffers;
      if (r) {
        buffers.push_back(r.getBase());
      } else {
        for (Value operand : op->getOperands())
          if (isa<MemRefType>(operand.getType()))
            buffers.push_back(operand);
      }
      for (Value b : buffers) {
        if (rootBuffer(b) != root)
          continue;
        if (r && !read && r->getBlock() == body &&
            r.getBase() == write.getBase() &&
            r.getIndices() == write.getIndices() &&
            r.getVectorType() == write.getVectorType() &&
            r.getPermutationMap() == write.getPermutationMap() &&
            r.getInBounds() == write.getInBounds() && !r.getMask() &&
            !write.getMask()) {
          read = r;
          continue;
        }
        conflict = true;
      }
    });
    if (conflict || !read)
      return failure();
    // Indices and buffer must be loop invariant, the write must store what
    // the iteration computed from the read.
    if (!invariant(read.getBase()) ||
        !llvm::all_of(read.getIndices(), invariant) ||
        !invariant(read.getPadding()))
      return failure();
    if (!write->isBeforeInBlock(body->getTerminator()) ||
        !read->isBeforeInBlock(write))
      return failure();
    reads.push_back(read);
  }
  SmallVector<Value> initial;
  for (auto [read, write] : llvm::zip(reads, writes)) {
    read->moveBefore(loop);
    write->moveAfter(loop);
    initial.push_back(read.getVector());
  }
  NewYieldValuesFn yieldFn = [&](OpBuilder &, Location,
                                 ArrayRef<BlockArgument>) {
    SmallVector<Value> yielded;
    for (vector::TransferWriteOp write : writes)
      yielded.push_back(write.getVector());
    return yielded;
  };
  FailureOr<LoopLikeOpInterface> newLoop = loop.replaceWithAdditionalYields(
      rewriter, initial, /*replaceInitOperandUsesInLoop=*/true, yieldFn);
  if (failed(newLoop))
    return failure();
  unsigned first = (*newLoop)->getNumResults() - writes.size();
  for (unsigned i = 0; i < writes.size(); ++i) {
    vector::TransferWriteOp write = writes[i];
    rewriter.modifyOpInPlace(write, [&] {
      write.getValueToStoreMutable().assign(
          (*newLoop)->getResults()[first + i]);
    });
  }
  return cast<scf::ForOp>(newLoop->getOperation());
}

/// Tiles `op` with scf.for loops and returns the tiled op. Window sizes
/// (`oh + kh`) come out of tiling as affine.min of loop ivs: they are folded
/// with the loop bounds so that the tile is static where it can be.
FailureOr<linalg::GenericOp>
tileOnce(RewriterBase &rewriter, linalg::GenericOp op, ArrayRef<int64_t> sizes,
         ArrayRef<unsigned> interchange,
         SmallVectorImpl<Operation *> *loops = nullptr) {
  // linalg::tileLinalgOp offsets a `linalg.index d` by the iv of the d-th
  // loop of the interchanged nest, not of the loop over d (a batch-norm
  // backward fused with a max pool's, tiled channels outermost, compared
  // window positions with the batch index: wrong gradients). With index
  // ops, the op's own dims are interchanged instead (interchangeGenericOp
  // remaps them), tiled in order, and the tile's dims put back.
  bool permuted = llvm::any_of(llvm::enumerate(interchange),
                               [](auto e) { return e.value() != e.index(); });
  if (permuted && !op.getBody()->getOps<linalg::IndexOp>().empty()) {
    FailureOr<linalg::GenericOp> swapped =
        linalg::interchangeGenericOp(rewriter, op, interchange);
    if (failed(swapped))
      return failure();
    SmallVector<int64_t> swappedSizes;
    SmallVector<unsigned> back(interchange.size());
    for (auto [i, d] : llvm::enumerate(interchange)) {
      swappedSizes.push_back(sizes[d]);
      back[d] = i;
    }
    FailureOr<linalg::GenericOp> tiled =
        tileOnce(rewriter, *swapped, swappedSizes, {}, loops);
    if (failed(tiled))
      return failure();
    return linalg::interchangeGenericOp(rewriter, *tiled, back);
  }
  linalg::LinalgTilingOptions options;
  options.setTileSizes(sizes);
  if (!interchange.empty())
    options.setInterchange(interchange);
  options.setLoopType(linalg::LinalgTilingLoopType::Loops);
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::TiledLinalgOp> result =
      linalg::tileLinalgOp(rewriter, op, options);
  if (failed(result))
    return failure();
  rewriter.eraseOp(op);
  auto tiled = dyn_cast<linalg::GenericOp>(result->op.getOperation());
  if (!tiled)
    return failure();
  if (loops)
    loops->assign(result->loops.begin(), result->loops.end());
  if (result->loops.empty())
    return tiled;
  Operation *nest = result->loops.front();
  MLIRContext *ctx = nest->getContext();
  RewritePatternSet patterns(ctx);
  scf::populateSCFForLoopCanonicalizationPatterns(patterns);
  affine::AffineMinOp::getCanonicalizationPatterns(patterns, ctx);
  affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
  memref::SubViewOp::getCanonicalizationPatterns(patterns, ctx);
  memref::CastOp::getCanonicalizationPatterns(patterns, ctx);
  linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
  SmallVector<Operation *> nested;
  nest->walk([&](Operation *o) { nested.push_back(o); });
  (void)applyOpPatternsGreedily(nested, std::move(patterns));
  tiled = nullptr;
  nest->walk([&](linalg::GenericOp g) { tiled = g; });
  if (!tiled)
    return failure();
  return tiled;
}

/// The output dimension that is the lanes `v` of `op` (its last result
/// that is `v` by itself).
std::optional<unsigned> lanePosition(linalg::LinalgOp op, unsigned v) {
  AffineMap map = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  for (int64_t i = map.getNumResults() - 1; i >= 0; --i)
    if (auto d = dyn_cast<AffineDimExpr>(map.getResult(i));
        d && d.getPosition() == v)
      return i;
  return std::nullopt;
}

/// A linalg.broadcast of a 1-D buffer along the lanes `v` of contraction
/// `op` into its whole output: the bias the contraction adds to.
bool broadcastsAlongLanes(linalg::BroadcastOp broadcast, linalg::LinalgOp op,
                          unsigned v) {
  if (!broadcast.hasPureBufferSemantics() ||
      broadcast.getInit() != op.getDpsInitOperand(0)->get())
    return false;
  std::optional<unsigned> pos = lanePosition(op, v);
  auto inType = dyn_cast<MemRefType>(broadcast.getInput().getType());
  if (!pos || !inType || inType.getRank() != 1)
    return false;
  ArrayRef<int64_t> added = broadcast.getDimensions();
  auto outType = cast<MemRefType>(broadcast.getInit().getType());
  return static_cast<int64_t>(added.size()) + 1 == outType.getRank() &&
         !llvm::is_contained(added, static_cast<int64_t>(*pos));
}

/// The offsets of `view` in `source`, when `view` is a window of it through
/// unit-stride, rank-preserving subviews.
std::optional<SmallVector<OpFoldResult>>
windowOffsets(RewriterBase &rewriter, Location loc, Value view, Value source) {
  int64_t rank = cast<MemRefType>(view.getType()).getRank();
  AffineExpr d0 = rewriter.getAffineDimExpr(0),
             d1 = rewriter.getAffineDimExpr(1);
  SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
  while (view != source) {
    auto subview = view.getDefiningOp<memref::SubViewOp>();
    if (!subview || subview.getSourceType().getRank() != rank ||
        !llvm::all_of(subview.getStaticStrides(),
                      [](int64_t s) { return s == 1; }))
      return std::nullopt;
    for (auto [i, offset] : llvm::enumerate(subview.getMixedOffsets()))
      offsets[i] = affine::makeComposedFoldedAffineApply(rewriter, loc, d0 + d1,
                                                         {offsets[i], offset});
    view = subview.getSource();
  }
  return offsets;
}

/// A contraction tile's window of the 1-D buffer `bias` broadcast along its
/// lanes into the whole output `whole`; none if the tile's output is no
/// window of it found through subviews, or of a dynamic lane extent.
Value biasWindow(RewriterBase &rewriter, linalg::GenericOp tile, unsigned v,
                 Value bias, Value whole) {
  Location loc = tile.getLoc();
  rewriter.setInsertionPoint(tile);
  Value view = tile.getDpsInitOperand(0)->get();
  std::optional<SmallVector<OpFoldResult>> window =
      windowOffsets(rewriter, loc, view, whole);
  std::optional<unsigned> pos = lanePosition(tile, v);
  auto viewType = cast<MemRefType>(view.getType());
  if (!window || !pos || viewType.isDynamicDim(*pos))
    return nullptr;
  return memref::SubViewOp::create(
      rewriter, loc, bias, ArrayRef<OpFoldResult>{(*window)[*pos]},
      ArrayRef<OpFoldResult>{rewriter.getIndexAttr(viewType.getDimSize(*pos))},
      ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1)});
}

/// Joins a parallel tile loop peeled into full tiles (`main`) and its
/// remainder tile (`partial`, one iteration) back into one loop whose first
/// iteration is the remainder and the others the full tiles: `scf.for iv {
/// scf.if (iv != lb) {full tile at iv - step} else {remainder} }`, each
/// branch static. Threads then share the remainder too, instead of one
/// thread running it after all the others (a dense layer's weight gradient:
/// 522 tiles of 6 rows and one of 4). First, because OpenMP's static
/// schedule (libomp's default) gives threads contiguous chunks: the first
/// chunk trades a full tile for the remainder, so the busiest thread does
/// no more than before, whatever the thread count.
scf::ForOp joinRemainder(RewriterBase &rewriter, scf::ForOp main,
                         scf::ForOp partial) {
  // The remainder's start, ub - (ub - lb) mod step, not folded yet.
  std::optional<int64_t> lb = getConstantIntValue(main.getLowerBound());
  std::optional<int64_t> ub = getConstantIntValue(partial.getUpperBound());
  std::optional<int64_t> step = getConstantIntValue(main.getStep());
  if (!lb || !ub || !step || *step <= 0 || *ub <= *lb)
    return main;
  int64_t start = *ub - (*ub - *lb) % *step;
  // (No full tile: nothing to share.)
  if (start == *ub || start == *lb || main.getNumRegionIterArgs() != 0 ||
      partial.getNumRegionIterArgs() != 0)
    return main;
  Location loc = main.getLoc();
  rewriter.setInsertionPoint(main);
  auto joined = scf::ForOp::create(rewriter, loc, main.getLowerBound(),
                                   partial.getUpperBound(), main.getStep());
  joined->setAttrs(main->getAttrs());
  rewriter.setInsertionPointToStart(joined.getBody());
  Value iv = joined.getInductionVar();
  Value isFull = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ne,
                                       iv, main.getLowerBound());
  auto branch = scf::IfOp::create(rewriter, loc, isFull,
                                  /*withElseRegion=*/true);
  rewriter.setInsertionPointToStart(branch.thenBlock());
  Value full = arith::SubIOp::create(rewriter, loc, iv, main.getStep());
  rewriter.eraseOp(main.getBody()->getTerminator());
  rewriter.inlineBlockBefore(main.getBody(),
                             branch.thenBlock()->getTerminator(), {full});
  rewriter.eraseOp(partial.getBody()->getTerminator());
  rewriter.setInsertionPointToStart(branch.elseBlock());
  Value at = arith::ConstantIndexOp::create(rewriter, loc, start);
  rewriter.inlineBlockBefore(partial.getBody(),
                             branch.elseBlock()->getTerminator(), {at});
  rewriter.eraseOp(main);
  rewriter.eraseOp(partial);
  return joined;
}

/// Composes the views in `scope` that are views of views into one view of
/// the whole operand, in which an epilogue, a bias or a panel finds a tile's
/// window (windowOf takes one subview).
void composeViews(Operation *scope) {
  MLIRContext *ctx = scope->getContext();
  RewritePatternSet compose(ctx);
  memref::populateComposeSubViewPatterns(compose, ctx);
  SmallVector<Operation *> views;
  scope->walk([&](memref::SubViewOp view) { views.push_back(view); });
  (void)applyOpPatternsGreedily(views, std::move(compose));
}

/// Where a contraction's row tail (plan `tail_rows`) starts: the rows the
/// row block tiles exactly end there, the tail's tiles take the rest. None
/// when the plan has no tail or it does not fit `op` (the tail is then
/// ignored): the vector dimension must need no remainder tile either (the
/// other tile loops have tiles of 1).
std::optional<int64_t> tailStart(linalg::GenericOp op,
                                 const TileConfig &config) {
  if (!config.contraction || config.tailRows <= 0)
    return std::nullopt;
  unsigned m = config.mDim, v = config.vectorDim;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t rows = config.tileSizes[m], tv = config.tileSizes[v];
  if (rows <= 0 || ShapedType::isDynamic(ranges[m]) ||
      ShapedType::isDynamic(ranges[v]) || (tv != 0 && ranges[v] % tv != 0))
    return std::nullopt;
  int64_t start = ranges[m] - config.tailRows * config.tailTiles;
  if (start < 0 || start % rows != 0)
    return std::nullopt;
  return start;
}

/// Drops the unit loops of one static tile and vectorizes it. `initial`: a
/// contraction tile's own start (config.initial, or its window of a
/// broadcast bias).
LogicalResult vectorizeTile(RewriterBase &rewriter, linalg::GenericOp tiled,
                            const TileConfig &config, Value initial) {
  if (config.contraction) {
    std::optional<nn::Epilogue> epilogue;
    if (config.epilogue) {
      epilogue = tileEpilogue(rewriter, tiled, config);
      if (!epilogue)
        return failure();
    }
    if (succeeded(nn::emitContractionKernel(
            rewriter, tiled, config.mDim, config.vectorDim, config.lanes,
            epilogue ? &*epilogue : nullptr, initial)))
      return success();
    if (!epilogue)
      return failure();
    // The epilogue as its own op on the tile, after the contraction (then
    // left to the scalar loops: rare, and never slower than unfused).
    epilogueAsGeneric(rewriter, tiled, *epilogue, config.epilogue);
    return nn::emitContractionKernel(rewriter, tiled, config.mDim,
                                     config.vectorDim, config.lanes, nullptr,
                                     initial);
  }
  // The tile must be static.
  for (int64_t r : tiled.getStaticLoopRanges())
    if (ShapedType::isDynamic(r))
      return failure();

  llvm::SmallDenseSet<unsigned> drop;
  SmallVector<int64_t> tileRanges = tiled.getStaticLoopRanges();
  for (unsigned d = 0; d < tiled.getNumLoops(); ++d)
    if (tileRanges[d] == 1)
      drop.insert(d);
  FailureOr<linalg::GenericOp> dropped = dropUnitLoops(rewriter, tiled, drop);
  if (failed(dropped))
    return failure();
  // (A body upstream's vectorizer takes is no gather.)
  if (!hasVectorizableBody(*dropped) &&
      succeeded(vectorizeGatherTile(rewriter, *dropped)))
    return success();
  Operation *toVectorize = *dropped;
  if (failed(linalg::vectorizeOpPrecondition(toVectorize)))
    return failure();
  rewriter.setInsertionPoint(toVectorize);
  FailureOr<linalg::VectorizationResult> vectorized = linalg::vectorize(
      rewriter, toVectorize, /*inputVectorSizes=*/{},
      /*inputScalableVecDims=*/{}, /*vectorizeNDExtract=*/false,
      /*flatten1DDepthwiseConv=*/false,
      /*assumeDynamicDimsMatchVecSizes=*/false,
      /*createNamedContraction=*/false);
  if (failed(vectorized))
    return failure();
  rewriter.eraseOp(toVectorize);
  return success();
}

/// The input of contraction `op` that varies along its vector dimension `v`
/// (the rhs of its kernels).
OpOperand *rhsOperand(linalg::GenericOp op, unsigned v) {
  for (OpOperand *in : op.getDpsInputOperands())
    if (op.getMatchingIndexingMap(in).isFunctionOfDim(v))
      return in;
  return nullptr;
}

/// Copies the full panels of `source` (its innermost dimension split into
/// panels of `width`) into a new buffer, panels[j, i.., l] =
/// source[i.., j * width + l], each panel contiguous; none if the innermost
/// extent is dynamic or narrower than a panel. `copy` is the copy, a generic.
Value copyToPanels(RewriterBase &rewriter, Location loc, Value source,
                   int64_t width, linalg::GenericOp &copy) {
  auto type = cast<MemRefType>(source.getType());
  int64_t rank = type.getRank();
  int64_t extent = type.getDimSize(rank - 1);
  if (ShapedType::isDynamic(extent) || extent < width)
    return nullptr;
  SmallVector<int64_t> shape = {extent / width};
  SmallVector<Value> dynamic;
  for (int64_t i = 0; i + 1 < rank; ++i) {
    shape.push_back(type.getDimSize(i));
    if (type.isDynamicDim(i))
      dynamic.push_back(memref::DimOp::create(rewriter, loc, source, i));
  }
  shape.push_back(width);
  Value panels = memref::AllocOp::create(
      rewriter, loc, MemRefType::get(shape, type.getElementType()), dynamic,
      rewriter.getI64IntegerAttr(64));
  MLIRContext *ctx = rewriter.getContext();
  unsigned dims = rank + 1;
  SmallVector<AffineExpr> read;
  for (unsigned i = 1; i + 1 < dims; ++i)
    read.push_back(getAffineDimExpr(i, ctx));
  read.push_back(getAffineDimExpr(0, ctx) * width +
                 getAffineDimExpr(dims - 1, ctx));
  SmallVector<AffineMap> maps = {AffineMap::get(dims, 0, read, ctx),
                                 AffineMap::getMultiDimIdentityMap(dims, ctx)};
  copy = linalg::GenericOp::create(
      rewriter, loc, TypeRange{}, ValueRange{source}, ValueRange{panels}, maps,
      SmallVector<utils::IteratorType>(dims, utils::IteratorType::parallel),
      [](OpBuilder &b, Location l, ValueRange args) {
        linalg::YieldOp::create(b, l, args[0]);
      });
  return panels;
}

/// Makes a full tile of a contraction read its rhs from `panels` (see
/// copyToPanels) instead of `source`: the tile's view of `source`, through
/// unit-stride subviews, becomes the same window of its panel. Tiles whose
/// window is not one whole panel wide (the remainder) keep reading `source`.
void readFromPanel(RewriterBase &rewriter, linalg::GenericOp tile, unsigned v,
                   Value source, Value panels, int64_t width) {
  OpOperand *rhs = rhsOperand(tile, v);
  if (!rhs)
    return;
  Value view = rhs->get();
  auto viewType = cast<MemRefType>(view.getType());
  int64_t rank = viewType.getRank();
  if (viewType.getDimSize(rank - 1) != width)
    return;
  Location loc = tile.getLoc();
  rewriter.setInsertionPoint(tile);
  SmallVector<OpFoldResult> viewSizes =
      memref::getMixedSizes(rewriter, loc, view);
  std::optional<SmallVector<OpFoldResult>> window =
      windowOffsets(rewriter, loc, view, source);
  if (!window)
    return;
  SmallVector<OpFoldResult> offsets = *window;
  AffineExpr d0 = rewriter.getAffineDimExpr(0);
  SmallVector<OpFoldResult> panelOffsets = {
      affine::makeComposedFoldedAffineApply(rewriter, loc, d0.floorDiv(width),
                                            {offsets[rank - 1]})};
  SmallVector<OpFoldResult> sizes = {rewriter.getIndexAttr(1)};
  for (int64_t i = 0; i + 1 < rank; ++i) {
    panelOffsets.push_back(offsets[i]);
    sizes.push_back(viewSizes[i]);
  }
  panelOffsets.push_back(rewriter.getIndexAttr(0));
  sizes.push_back(rewriter.getIndexAttr(width));
  SmallVector<OpFoldResult> strides(rank + 1, rewriter.getIndexAttr(1));
  auto type = memref::SubViewOp::inferRankReducedResultType(
      viewType.getShape(), cast<MemRefType>(panels.getType()), panelOffsets,
      sizes, strides);
  Value panel = memref::SubViewOp::create(rewriter, loc, type, panels,
                                          panelOffsets, sizes, strides);
  rewriter.modifyOpInPlace(tile, [&] { rhs->set(panel); });
}

/// A transposed copy of a contraction's input (pack_input) made earlier in
/// the function. Another contraction that packs the same input the same way
/// reads it too, while nothing writes the input in between: a text CNN's
/// three filter gradients all transpose the embedded batch (0.55 ms each
/// on a Zen 3).
struct PackedInput {
  Value source;
  SmallVector<int64_t> perm;
  Value packed;
  Operation *dealloc;
};

/// True if `o` (or an op inside it) may write the buffer `root`: a write to
/// it, to one that may alias it (buffers are distinct only when both are
/// allocations, or one is and the other an argument of the function), or an
/// op whose effects are unknown.
bool mayWrite(Operation *o, Value root) {
  return anyMemoryEffect(o, [&](const MemoryEffects::EffectInstance &e) {
    if (!isa<MemoryEffects::Write>(e.getEffect()))
      return false;
    Value written = e.getValue() ? rootBuffer(e.getValue()) : Value();
    return !written || !distinctBuffers(written, root);
  });
}

/// True if some op after `from` and before `to` (same block) may write
/// `source` (see mayWrite).
bool mayWriteBetween(Operation *from, Operation *to, Value source) {
  Value root = rootBuffer(source);
  for (Operation *o = from->getNextNode(); o && o != to; o = o->getNextNode())
    if (mayWrite(o, root))
      return true;
  return false;
}

/// Where a copy of `source` that `op` reads is made: before `op`, or before
/// the outermost loop over blocks of images (codegen-block-images) around
/// it from which `source` comes and which may not write it: a filter's
/// transposed copy (pack_input) and panels are made once per call, not once
/// per block.
Operation *copyAnchor(Operation *op, Value source) {
  Operation *anchor = op;
  for (auto loop = op->getParentOfType<scf::ForallOp>(); loop;
       loop = loop->getParentOfType<scf::ForallOp>()) {
    if (!loop.isDefinedOutsideOfLoop(source) ||
        mayWrite(loop, rootBuffer(source)))
      break;
    anchor = loop;
  }
  return anchor;
}

/// A copy of `source` transposed by `perm` (`copy[i..] = source[perm(i..)]`),
/// made just before `op` (the contraction or its copyAnchor), at `loc` (the
/// contraction's). A large copy (a text CNN's embedded batch, 3 MB) runs on
/// threads, one slice of its outermost dim each (the batch counted as 64;
/// unit dims skipped).
Value packInputCopy(RewriterBase &rewriter, Operation *op, Location loc,
                    Value source, ArrayRef<int64_t> perm) {
  auto type = cast<MemRefType>(source.getType());
  SmallVector<int64_t> shape;
  SmallVector<Value> dynamic;
  rewriter.setInsertionPoint(op);
  for (int64_t d : perm) {
    shape.push_back(type.getDimSize(d));
    if (type.isDynamicDim(d))
      dynamic.push_back(memref::DimOp::create(rewriter, loc, source, d));
  }
  Value packed = memref::AllocOp::create(
      rewriter, loc, MemRefType::get(shape, type.getElementType()), dynamic,
      rewriter.getI64IntegerAttr(64));
  auto transpose =
      linalg::TransposeOp::create(rewriter, loc, source, packed, perm);
  // (Threads split the first dim that is not 1.)
  auto split = llvm::find_if(shape, [](int64_t d) { return d != 1; });
  if (!insideBlocksOfImages(op) &&
      plannedElements(shape) >= kParallelElements && split != shape.end()) {
    FailureOr<linalg::GenericOp> copy =
        linalg::generalizeNamedOp(rewriter, transpose);
    SmallVector<int64_t> sizes(shape.size(), 0);
    sizes[split - shape.begin()] = 1;
    SmallVector<Operation *> loops;
    if (succeeded(copy) &&
        succeeded(tileOnce(rewriter, *copy, sizes, {}, &loops)) &&
        !loops.empty())
      loops.front()->setAttr(kParallelAttr,
                             UnitAttr::get(rewriter.getContext()));
  }
  return packed;
}

/// Tiles, drops unit dims and vectorizes one generic; returns failure (and
/// leaves the op, maybe tiled) when it cannot. `initialUsed`: every tile
/// started from a broadcast bias (config.initial a buffer).
LogicalResult vectorizeOne(RewriterBase &rewriter, linalg::GenericOp op,
                           TileConfig config, bool &fusedEpilogue,
                           bool *initialUsed = nullptr,
                           SmallVectorImpl<PackedInput> *packs = nullptr) {
  fusedEpilogue = false;
  if (initialUsed)
    *initialUsed = false;
  if (config.packInput >= 0) {
    OpOperand *in = op.getDpsInputOperand(config.packInput);
    Value source = in->get();
    // A filter's transposed copy is made once per call, not once per block
    // of images (a text CNN's three input gradients in blocks of 3 images:
    // 22 copies of 240 K floats each per step).
    Operation *anchor = copyAnchor(op, source);
    Value packed;
    if (packs)
      for (PackedInput &p : *packs)
        if (p.source == source && p.perm == config.packPerm &&
            p.dealloc->getBlock() == anchor->getBlock() &&
            p.packed.getDefiningOp()->getBlock() == anchor->getBlock() &&
            p.packed.getDefiningOp()->isBeforeInBlock(anchor) &&
            !mayWriteBetween(p.packed.getDefiningOp(), anchor, source)) {
          packed = p.packed;
          // Only ever later: an op findEpilogue moved before an earlier
          // reader of the copy is processed after that reader.
          if (p.dealloc->isBeforeInBlock(anchor))
            rewriter.moveOpAfter(p.dealloc, anchor);
          break;
        }
    if (!packed) {
      packed =
          packInputCopy(rewriter, anchor, op.getLoc(), source, config.packPerm);
      rewriter.setInsertionPointAfter(anchor);
      auto dealloc = memref::DeallocOp::create(rewriter, op.getLoc(), packed);
      if (packs)
        packs->push_back({source, config.packPerm, packed, dealloc});
    }
    AffineMap map = op.getMatchingIndexingMap(in).getSubMap(
        llvm::to_vector_of<unsigned>(config.packPerm));
    SmallVector<Attribute> maps(op.getIndexingMaps().getValue());
    maps[in->getOperandNumber()] = AffineMapAttr::get(map);
    rewriter.modifyOpInPlace(op, [&] {
      in->set(packed);
      op.setIndexingMapsAttr(rewriter.getArrayAttr(maps));
    });
  }
  Value panelSource, panels;
  if (config.packPanels) {
    Location loc = op.getLoc();
    panelSource = rhsOperand(op, config.vectorDim)->get();
    Operation *anchor = copyAnchor(op, panelSource);
    rewriter.setInsertionPoint(anchor);
    linalg::GenericOp copy;
    panels = copyToPanels(rewriter, loc, panelSource,
                          config.tileSizes[config.vectorDim], copy);
    if (panels) {
      rewriter.setInsertionPointAfter(anchor);
      memref::DeallocOp::create(rewriter, loc, panels);
      // The copy moves one panel row (a vector) at a time, its panels on
      // threads when it is large (a Fashion CNN's conv2 output gradient:
      // 800 K floats, 0.3 ms on one thread).
      TileConfig rows;
      rows.parallel =
          !insideBlocksOfImages(anchor) &&
          plannedElements(cast<MemRefType>(panels.getType()).getShape()) >=
              kParallelElements;
      unsigned dims = copy.getNumLoops();
      rows.vectorDim = dims - 1;
      rows.lanes = config.lanes;
      rows.tileSizes.assign(dims, 1);
      rows.tileSizes.back() = 0;
      rows.interchange = llvm::to_vector(llvm::seq<unsigned>(0, dims));
      bool unused;
      (void)vectorizeOne(rewriter, copy, rows, unused);
    }
  }
  // The tiles are the generics inside the loop nests tiling creates (the
  // main nest, and the peeled remainder loop when it is a sibling of it).
  SmallVector<Operation *> roots;
  linalg::GenericOp tiled = op;
  // Tiling and peeling put everything in the place of `op`: the marked
  // tiles are found between its neighbours (walking the whole function for
  // each op made this pass quadratic in a model's depth).
  Block *block = op->getBlock();
  Operation *before = op->getPrevNode(), *after = op->getNextNode();
  bool marked = false;
  if (config.outerDim >= 0) {
    SmallVector<int64_t> sizes(op.getNumLoops(), 0);
    sizes[config.outerDim] = config.outerBlock;
    SmallVector<Operation *> loops;
    FailureOr<linalg::GenericOp> inner =
        tileOnce(rewriter, tiled, sizes, {}, &loops);
    if (failed(inner))
      return failure();
    tiled = *inner;
    if (!loops.empty()) {
      roots.push_back(loops.front());
      loops.front()->setAttr(kReductionBlocksAttr, rewriter.getUnitAttr());
    }
  }
  auto nonZero = [](ArrayRef<int64_t> sizes) {
    return llvm::any_of(sizes, [](int64_t t) { return t != 0; });
  };
  if (nonZero(config.tileSizes)) {
    SmallVector<Operation *> loops;
    unsigned v = config.vectorDim;
    // With a row tail, the tile loops from the rows' inwards are made after
    // the op is split (inside the loops before them).
    std::optional<int64_t> split = tailStart(tiled, config);
    SmallVector<int64_t> sizes = config.tileSizes;
    SmallVector<int64_t> partSizes(sizes.size(), 0);
    if (split) {
      auto rows = llvm::find(config.interchange, config.mDim);
      for (unsigned d : llvm::make_range(rows, config.interchange.end()))
        std::swap(partSizes[d], sizes[d]);
    }
    if (nonZero(sizes)) {
      FailureOr<linalg::GenericOp> inner =
          tileOnce(rewriter, tiled, sizes, config.interchange, &loops);
      if (failed(inner))
        return failure();
      tiled = *inner;
    }
    if (roots.empty() && !loops.empty())
      roots.push_back(loops.front());
    // The outermost tile loop of a parallel dimension writes disjoint slices
    // of the output: a candidate for threads.
    for (unsigned d : config.interchange) {
      if (sizes[d] == 0)
        continue;
      if (config.parallel && !loops.empty() &&
          tiled.getIteratorTypesArray()[d] == utils::IteratorType::parallel)
        loops.front()->setAttr(kParallelAttr,
                               UnitAttr::get(rewriter.getContext()));
      break;
    }
    if (split) {
      // The head (rows before the tail) in blocks of the row block, the
      // tail in blocks of tail_rows; each part a window of the op's views.
      unsigned m = config.mDim;
      SmallVector<std::pair<linalg::GenericOp, int64_t>> parts;
      if (*split > 0) {
        rewriter.setInsertionPoint(tiled);
        auto [head, tail] = linalg::splitOp(
            rewriter, cast<TilingInterface>(tiled.getOperation()), m,
            rewriter.getIndexAttr(*split));
        auto headOp = dyn_cast_or_null<linalg::GenericOp>(head.getOperation());
        auto tailOp = dyn_cast_or_null<linalg::GenericOp>(tail.getOperation());
        if (!headOp || !tailOp)
          return failure();
        parts = {{headOp, config.tileSizes[m]}, {tailOp, config.tailRows}};
      } else {
        parts = {{tiled, config.tailRows}};
      }
      for (auto [part, rows] : parts) {
        SmallVector<int64_t> rowSizes = partSizes;
        rowSizes[m] = rows;
        SmallVector<Operation *> rowLoops;
        FailureOr<linalg::GenericOp> tile =
            tileOnce(rewriter, part, rowSizes, config.interchange, &rowLoops);
        if (failed(tile))
          return failure();
        (*tile)->setAttr(kTileAttr, rewriter.getUnitAttr());
        // The part's views are views of the op's.
        composeViews((*tile)->getParentOp());
        // Without outer tile loops, the row loops are the ones threads
        // share.
        if (loops.empty() && !rowLoops.empty()) {
          roots.push_back(rowLoops.front());
          if (config.parallel)
            rowLoops.front()->setAttr(kParallelAttr, rewriter.getUnitAttr());
        }
      }
      marked = true;
    }
    // Peel the vector loop (and a contraction's row loop) when its tile does
    // not divide the extent: full tiles, then one remainder tile. Inner loops
    // first, so that peeling an outer loop copies the inner ones peeled.
    SmallVector<std::pair<unsigned, unsigned>> toPeel; // (loop index, dim)
    SmallVector<unsigned> peelDims;
    if (!split)
      peelDims.push_back(v);
    if (config.contraction && !split)
      peelDims.push_back(config.mDim);
    for (unsigned d : peelDims) {
      int64_t t = config.tileSizes[d];
      int64_t e = tiled.getStaticLoopRanges()[d];
      if (t == 0 || (!ShapedType::isDynamic(e) && e % t == 0))
        continue;
      unsigned idx = 0;
      for (unsigned i : config.interchange) {
        if (i == d)
          break;
        if (config.tileSizes[i] != 0)
          ++idx;
      }
      toPeel.push_back({idx, d});
    }
    llvm::sort(toPeel, [](auto x, auto y) { return x.first > y.first; });
    // Peeling clones the tile: the marker finds all the copies.
    if (!split)
      tiled->setAttr(kTileAttr, rewriter.getUnitAttr());
    marked = true;
    for (auto [idx, d] : toPeel) {
      auto forOp = dyn_cast_or_null<scf::ForOp>(idx < loops.size() ? loops[idx]
                                                                   : nullptr);
      if (!forOp)
        return failure();
      bool outermost = roots.front() == forOp.getOperation();
      scf::ForOp partial;
      if (failed(scf::peelForLoopAndSimplifyBounds(rewriter, forOp, partial)))
        continue;
      if (config.contraction && forOp->hasAttr(kParallelAttr)) {
        scf::ForOp joined = joinRemainder(rewriter, forOp, partial);
        if (joined != forOp) {
          for (Operation *&root : roots)
            if (root == forOp.getOperation())
              root = joined;
          continue;
        }
      }
      if (outermost)
        roots.push_back(partial);
    }
    // Fold the remainder tiles' bounds so that they become static (`op`
    // itself is gone: tiling replaced it). Single-iteration loops go away.
    if (!toPeel.empty()) {
      MLIRContext *ctx = rewriter.getContext();
      RewritePatternSet patterns(ctx);
      scf::populateSCFForLoopCanonicalizationPatterns(patterns);
      scf::ForOp::getCanonicalizationPatterns(patterns, ctx);
      arith::ConstantOp::getCanonicalizationPatterns(patterns, ctx);
      affine::AffineMinOp::getCanonicalizationPatterns(patterns, ctx);
      affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
      memref::SubViewOp::getCanonicalizationPatterns(patterns, ctx);
      memref::CastOp::getCanonicalizationPatterns(patterns, ctx);
      linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
      SmallVector<Operation *> nested;
      for (Operation *root : roots)
        root->walk([&](Operation *o) { nested.push_back(o); });
      // The rewrite may also erase ops that fed the loops (a constant just
      // before them): keep `before` on a live op.
      struct KeepBefore : RewriterBase::Listener {
        Operation *&anchor;
        explicit KeepBefore(Operation *&anchor) : anchor(anchor) {}
        void notifyOperationErased(Operation *erased) override {
          if (erased == anchor)
            anchor = erased->getPrevNode();
        }
      } keepBefore(before);
      (void)applyOpPatternsGreedily(
          nested, std::move(patterns),
          GreedyRewriteConfig().setListener(&keepBefore));
    }
  }
  SmallVector<linalg::GenericOp> tiles;
  if (marked) {
    auto first = before ? std::next(before->getIterator()) : block->begin();
    auto last = after ? after->getIterator() : block->end();
    for (Operation &top : llvm::make_range(first, last))
      top.walk([&](linalg::GenericOp g) {
        if (g->hasAttr(kTileAttr)) {
          g->removeAttr(kTileAttr);
          tiles.push_back(g);
        }
      });
  } else {
    tiles.push_back(tiled);
  }
  // A contraction's remainder rows of a dynamic extent (the last rows of a
  // batch that the row block does not divide): one row at a time, each a
  // static tile its kernel vectorizes, not scalar loops (a lane per FMA).
  if (config.contraction)
    for (linalg::GenericOp &tile : tiles) {
      if (!ShapedType::isDynamic(tile.getStaticLoopRanges()[config.mDim]))
        continue;
      SmallVector<int64_t> rowSizes(tile.getNumLoops(), 0);
      rowSizes[config.mDim] = 1;
      FailureOr<linalg::GenericOp> row = tileOnce(rewriter, tile, rowSizes, {});
      if (failed(row))
        return failure();
      tile = *row;
      // A row's views are views of the remainder's.
      composeViews(tile->getParentOp());
    }
  if (panels)
    for (linalg::GenericOp tile : tiles)
      readFromPanel(rewriter, tile, config.vectorDim, panelSource, panels,
                    config.tileSizes[config.vectorDim]);
  // The epilogue is fused only if every tile can apply it (the consumer is
  // then erased by the caller).
  if (config.epilogue && !llvm::all_of(tiles, [&](linalg::GenericOp tile) {
        return hasTileWindow(tile, config.epilogue);
      }))
    config.epilogue = nullptr;
  fusedEpilogue = static_cast<bool>(config.epilogue);
  // A bias start needs every tile's window (else all tiles load the output,
  // which the broadcast, kept, has written).
  SmallVector<Value> starts(tiles.size(), config.initial);
  if (config.initial && isa<MemRefType>(config.initial.getType())) {
    for (auto [i, tile] : llvm::enumerate(tiles))
      if (!(starts[i] = biasWindow(rewriter, tile, config.vectorDim,
                                   config.initial, config.wholeOutput))) {
        starts.assign(tiles.size(), Value());
        break;
      }
    if (initialUsed)
      *initialUsed = static_cast<bool>(starts.front());
  }
  // A tile that cannot be vectorized (one the kernel emitter refuses) is
  // left to the scalar loops.
  bool all = true;
  for (auto [tile, start] : llvm::zip(tiles, starts))
    all &= succeeded(vectorizeTile(rewriter, tile, config, start));
  return success(all);
}

/// Panels need the rhs (after its packing) to vary along the lanes in its
/// innermost dimension, of a static extent.
bool panelsFit(linalg::GenericOp op, nn::TilePlanAttr plan) {
  unsigned v = plan.getVectorDim();
  OpOperand *rhs = rhsOperand(op, v);
  if (!rhs)
    return false;
  AffineMap map = op.getMatchingIndexingMap(rhs);
  auto type = cast<MemRefType>(rhs->get().getType());
  if (plan.getPackInput() == static_cast<int64_t>(rhs->getOperandNumber())) {
    SmallVector<unsigned> perm;
    SmallVector<int64_t> shape;
    for (int64_t d : plan.getPackPerm()) {
      if (d >= map.getNumResults())
        return false;
      perm.push_back(d);
      shape.push_back(type.getDimSize(d));
    }
    map = map.getSubMap(perm);
    type = MemRefType::get(shape, type.getElementType());
  }
  auto last = dyn_cast<AffineDimExpr>(map.getResults().back());
  return last && last.getPosition() == v &&
         !type.isDynamicDim(type.getRank() - 1);
}

struct CodegenVectorizePass
    : public nn::impl::CodegenVectorizeBase<CodegenVectorizePass> {
  using CodegenVectorizeBase::CodegenVectorizeBase;

  /// The plan recorded on `op` by codegen-plan-tiles, if it fits the op
  /// (an error otherwise: a plan written by hand may not).
  std::optional<TileConfig> recordedPlan(linalg::GenericOp op,
                                         nn::TilePlanAttr plan) {
    // (The attribute's verifier checked that its fields fit together.)
    unsigned loops = op.getNumLoops();
    int64_t pack = plan.getPackInput();
    auto parallel = [&](int64_t d) {
      return d >= 0 && d < static_cast<int64_t>(loops) &&
             linalg::isParallelIterator(op.getIteratorTypesArray()[d]);
    };
    bool fits =
        plan.getTiles().size() == loops && parallel(plan.getVectorDim()) &&
        (hasVectorizableBody(op) ||
         (!plan.getContraction() && gathersAlong(op, plan.getVectorDim()))) &&
        (!plan.getContraction() ||
         (isMulAddBody(op) && parallel(plan.getMDim()))) &&
        (pack < 0 || (pack < static_cast<int64_t>(op.getNumDpsInputs()) &&
                      plan.getPackPerm().size() ==
                          op.getMatchingIndexingMap(op.getDpsInputOperand(pack))
                              .getNumResults())) &&
        (plan.getOuterDim() < 0 ||
         (plan.getOuterDim() < static_cast<int64_t>(loops) &&
          !parallel(plan.getOuterDim()))) &&
        (!plan.getPackPanels() || panelsFit(op, plan));
    if (!fits) {
      op.emitError() << "the tile plan " << plan << " does not fit the op ("
                     << loops << " loops)";
      signalPassFailure();
      return std::nullopt;
    }
    return fromPlanAttr(plan);
  }

  /// The consumer codegen-fuse-epilogues paired with `op`, found again by
  /// the same rule now that the consumers fused before are gone (it moves
  /// the ops in between before `op`); it must carry that pass's mark. An
  /// error when it does not (a plan written by hand).
  linalg::GenericOp pairedEpilogue(linalg::GenericOp op,
                                   bool &storeAccumulators) {
    linalg::GenericOp consumer =
        findEpilogue(op, storeAccumulators, EpiloguePairs());
    if (consumer && consumer->hasAttr(kEpilogueAttr))
      return consumer;
    op.emitError("the plan's epilogue is not a fusable consumer marked by "
                 "codegen-fuse-epilogues after the op");
    signalPassFailure();
    return nullptr;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    IRRewriter rewriter(ctx);

    // 1. Generalize, tile and vectorize each op as its plan says.
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics() && !isa<linalg::FillOp>(op))
        ops.push_back(op);
    });
    llvm::SmallPtrSet<Operation *, 8> erased;
    SmallVector<PackedInput> packs;
    // A bias broadcast into a contraction's output just before it waits for
    // the contraction, whose kernels start from the bias instead (one pass
    // over the output less); it is vectorized at the end if they did not.
    auto touchesRoot = [](Operation *op, Value root) {
      bool found = false;
      op->walk([&](Operation *nested) {
        for (Value v : nested->getOperands())
          found |= isa<MemRefType>(v.getType()) && rootBuffer(v) == root;
      });
      return found;
    };
    llvm::SmallPtrSet<Operation *, 8> deferred;
    for (linalg::LinalgOp op : ops) {
      auto broadcast = dyn_cast<linalg::BroadcastOp>(op.getOperation());
      if (!broadcast || !broadcast.hasPureBufferSemantics())
        continue;
      Value root = rootBuffer(broadcast.getInit());
      Operation *next = broadcast->getNextNode();
      while (next && (isMemoryEffectFree(next) || !touchesRoot(next, root)))
        next = next->getNextNode();
      auto consumer = dyn_cast_or_null<linalg::LinalgOp>(next);
      auto plan = consumer
                      ? consumer->getAttrOfType<nn::TilePlanAttr>(kPlanAttr)
                      : nn::TilePlanAttr();
      if (plan && plan.getContraction() && plan.getOuterDim() < 0 &&
          broadcastsAlongLanes(broadcast, consumer, plan.getVectorDim()))
        deferred.insert(broadcast);
    }
    auto vectorizeLinalg = [&](linalg::LinalgOp op) {
      auto plan = op->getAttrOfType<nn::TilePlanAttr>(kPlanAttr);
      op->removeAttr(kPlanAttr);
      linalg::GenericOp generic =
          dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        // Every op is generalized, planned or not (then left to the scalar
        // loops).
        rewriter.setInsertionPoint(op);
        FailureOr<linalg::GenericOp> g =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(g))
          return;
        generic = *g;
      }
      if (!plan)
        return;
      std::optional<TileConfig> config = recordedPlan(generic, plan);
      if (!config)
        return;
      if (plan.getEpilogue()) {
        config->epilogue = pairedEpilogue(generic, config->storeAccumulators);
        if (!config->epilogue)
          return;
      }
      // The zero fill of the accumulators, when nothing else reads it: the
      // kernels start from the value instead (one pass over memory less).
      linalg::FillOp fill;
      linalg::BroadcastOp bias;
      // (Only when the op writes every element of its output.)
      if (config->contraction && config->outerDim < 0 &&
          generic.getMatchingIndexingMap(generic.getDpsInitOperand(0))
              .isProjectedPermutation()) {
        // Ops in between that do not touch the output do not matter.
        Value root = rootBuffer(generic.getDpsInitOperand(0)->get());
        auto touches = [&](Operation *op) { return touchesRoot(op, root); };
        // (A fill of another buffer, such as a weight gradient's, computed
        // in between, is one of them.)
        Operation *prev = generic->getPrevNode();
        while (prev && (isMemoryEffectFree(prev) || !touches(prev)))
          prev = prev->getPrevNode();
        fill = dyn_cast_or_null<linalg::FillOp>(prev);
        if (fill && fill.hasPureBufferSemantics() &&
            fill.getDpsInitOperand(0)->get() ==
                generic.getDpsInitOperand(0)->get())
          config->initial = fill.getDpsInputOperand(0)->get();
        else
          fill = nullptr;
        // A bias broadcast into the output, deferred for this op: the
        // kernels read the bias later than the broadcast did, so nothing in
        // between (the epilogue's moved ops among them) nor the epilogue may
        // write it.
        auto broadcast = dyn_cast_or_null<linalg::BroadcastOp>(prev);
        auto biasUntouched = [&] {
          Value biasRoot = rootBuffer(broadcast.getInput());
          for (Operation *op = broadcast->getNextNode(); op != generic;
               op = op->getNextNode())
            if (!isMemoryEffectFree(op) && touchesRoot(op, biasRoot))
              return false;
          return !config->epilogue || !touchesRoot(config->epilogue, biasRoot);
        };
        if (broadcast && deferred.contains(broadcast) &&
            broadcastsAlongLanes(broadcast, generic, config->vectorDim) &&
            biasUntouched()) {
          config->initial = broadcast.getInput();
          config->wholeOutput = generic.getDpsInitOperand(0)->get();
          bias = broadcast;
        }
      }
      bool fused = false;
      linalg::GenericOp consumer = config->epilogue;
      bool biasUsed = false;
      LogicalResult done =
          vectorizeOne(rewriter, generic, *config, fused, &biasUsed, &packs);
      if (fill && succeeded(done))
        rewriter.eraseOp(fill);
      if (bias && biasUsed && succeeded(done)) {
        deferred.erase(bias);
        rewriter.eraseOp(bias);
      }
      if (fused) {
        erased.insert(consumer);
        rewriter.eraseOp(consumer);
      }
    };
    for (linalg::LinalgOp op : ops)
      if (!erased.contains(op) && !deferred.contains(op))
        vectorizeLinalg(op);
    for (linalg::LinalgOp op : ops)
      if (deferred.contains(op))
        vectorizeLinalg(op);
    // Fills no kernel took as its accumulators' start come last (the walk
    // above sees them before their consumers): vector stores over threads,
    // like any element-wise op.
    SmallVector<linalg::LinalgOp> fills;
    func.walk([&](linalg::FillOp fill) {
      if (fill.hasPureBufferSemantics())
        fills.push_back(fill);
    });
    for (linalg::LinalgOp fill : fills)
      vectorizeLinalg(fill);
    // Plans and marks of ops that were not vectorized go too.
    func.walk([](Operation *op) {
      op->removeAttr(kPlanAttr);
      op->removeAttr(kEpilogueAttr);
    });
    // Contractions (element-wise mul-adds, epilogues among them, are not)
    // left to the scalar loops (no plan, or a tile no kernel takes)
    // multiply-add as the kernels do: one rounding per step. (With separate
    // mul and add, rows the scalar loops computed came out an ulp apart
    // from the same rows computed by a kernel under another plan.)
    func.walk([&](linalg::GenericOp op) {
      if (op.getNumReductionLoops() == 0 || !isMulAddBody(op))
        return;
      Block &body = *op.getBlock();
      auto yield = cast<linalg::YieldOp>(body.getTerminator());
      auto add = yield.getValues()[0].getDefiningOp<arith::AddFOp>();
      auto mul =
          (add.getLhs() == body.getArgument(2) ? add.getRhs() : add.getLhs())
              .getDefiningOp<arith::MulFOp>();
      rewriter.setInsertionPoint(yield);
      Value fma = math::FmaOp::create(rewriter, add.getLoc(), mul.getLhs(),
                                      mul.getRhs(), body.getArgument(2));
      rewriter.modifyOpInPlace(yield, [&] { yield->setOperand(0, fma); });
      rewriter.eraseOp(add);
      rewriter.eraseOp(mul);
    });

    // 2. Hoist the accumulators out of the reduction loops (on the tiles'
    // views, before anything reshapes the transfers), then clean up and
    // fold the views into the transfers.
    auto canonicalize = [&](bool foldViews) {
      RewritePatternSet patterns(ctx);
      if (foldViews) {
        memref::populateFoldMemRefAliasOpPatterns(patterns);
        vector::populateVectorReductionToContractPatterns(patterns);
        vector::populateSinkVectorOpsPatterns(patterns);
      }
      for (Dialect *d : ctx->getLoadedDialects())
        d->getCanonicalizationPatterns(patterns);
      for (RegisteredOperationName name : ctx->getRegisteredOperations())
        if (isa<vector::VectorDialect, memref::MemRefDialect,
                affine::AffineDialect, arith::ArithDialect, scf::SCFDialect>(
                name.getDialect()))
          name.getCanonicalizationPatterns(patterns, ctx);
      GreedyRewriteConfig config;
      config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
      (void)applyPatternsGreedily(func, std::move(patterns), config);
    };
    auto hoist = [&] {
      func.walk([&](LoopLikeOpInterface loop) { moveLoopInvariantCode(loop); });
      // Innermost loops first, so an accumulator climbs out loop by loop.
      SmallVector<scf::ForOp> loops;
      func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
      for (scf::ForOp loop : loops) {
        for (scf::ForOp cur = loop;;) {
          FailureOr<scf::ForOp> next = hoistAccumulators(rewriter, cur);
          if (failed(next))
            break;
          cur = *next;
        }
      }
    };
    canonicalize(/*foldViews=*/false);
    {
      DominanceInfo dom(func);
      mlir::eliminateCommonSubExpressions(rewriter, dom, func);
    }
    hoist();
    canonicalize(/*foldViews=*/true);
    {
      RewritePatternSet patterns(ctx);
      populateRecollapsePatterns(patterns);
      (void)applyPatternsGreedily(func, std::move(patterns));
    }
    hoist();
    linalg::hoistRedundantVectorTransfers(func);
  }
};

} // namespace
