//===- Vectorize.cpp - register tiling and vectorization of linalg --------===//
//
// `nn-vectorize`: runs on buffers, after bufferization. Each linalg op is
// generalized, tiled with scf.for so that one tile is a register block,
// stripped of its unit dimensions and vectorized; the vector code is lowered
// to 1-D vector ops (contractions to vector.fma outer products) with the
// accumulators hoisted out of the reduction loops.
//
// Only parallel dimensions are vectorized or register-blocked, and reduction
// loops stay in their original order: every floating-point sum is computed in
// the same order as the scalar loops of convert-linalg-to-loops would.
//
//===----------------------------------------------------------------------===//
#include "modelc/Transforms/Passes.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "nn-vectorize"

namespace mlir::nn {
#define GEN_PASS_DEF_NNVECTORIZE
#include "modelc/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

/// How one op is tiled: a tile size per loop (0: the whole extent, no loop),
/// the order of the tile loops, and the unit dimensions that must survive
/// (the `m` and `k` dimensions of a contraction).
struct TileConfig {
  SmallVector<int64_t> tileSizes;
  SmallVector<unsigned> interchange;
  llvm::SmallDenseSet<unsigned> keepDims;
  bool contraction = false;
};

/// True if the body only has ops the vectorizer turns into vector code.
bool hasVectorizableBody(linalg::GenericOp op) {
  for (Operation &nested : op.getRegion().front()) {
    if (isa<linalg::YieldOp, linalg::IndexOp>(nested))
      continue;
    Dialect *dialect = nested.getDialect();
    if (!dialect || !isa<arith::ArithDialect, math::MathDialect>(dialect))
      return false;
    if (nested.getNumRegions() != 0)
      return false;
    for (Type t : nested.getResultTypes())
      if (!t.isIntOrIndexOrFloat())
        return false;
  }
  return true;
}

/// `out = out + a * b` with `a`, `b` the two inputs (floats).
bool isMulAddBody(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return false;
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getValues()[0].getDefiningOp<arith::AddFOp>();
  if (!add || body.getOperations().size() != 3)
    return false;
  Value out = body.getArgument(2);
  Value prod = add.getLhs() == out ? add.getRhs() : add.getLhs();
  if (add.getLhs() != out && add.getRhs() != out)
    return false;
  auto mul = prod.getDefiningOp<arith::MulFOp>();
  if (!mul)
    return false;
  Value a = body.getArgument(0), b = body.getArgument(1);
  return (mul.getLhs() == a && mul.getRhs() == b) ||
         (mul.getLhs() == b && mul.getRhs() == a);
}

/// Replaces every dim not in `live` by 0 in `map` (what tiling those dims by
/// 1 and dropping them does to the access).
AffineMap keepOnly(AffineMap map, ArrayRef<bool> live) {
  SmallVector<AffineExpr> repl;
  for (unsigned d = 0; d < map.getNumDims(); ++d)
    repl.push_back(live[d] ? getAffineDimExpr(d, map.getContext())
                           : getAffineConstantExpr(0, map.getContext()));
  return map.replaceDimsAndSymbols(repl, {}, map.getNumDims(), 0);
}

/// After keeping only the `live` dims, every result of `map` is a constant
/// or a single live dim (what the vectorizer needs).
bool isPureAfter(AffineMap map, ArrayRef<bool> live) {
  AffineMap m = keepOnly(map, live);
  for (AffineExpr e : m.getResults()) {
    if (isa<AffineConstantExpr>(e) || isa<AffineDimExpr>(e))
      continue;
    return false;
  }
  return true;
}

bool usesDim(AffineMap map, unsigned d) {
  return map.isFunctionOfDim(d);
}

/// Position of dim `d` among the results of `map`, if it is one by itself.
std::optional<unsigned> resultPos(AffineMap map, unsigned d) {
  for (auto [i, e] : llvm::enumerate(map.getResults()))
    if (auto dim = dyn_cast<AffineDimExpr>(e); dim && dim.getPosition() == d)
      return i;
  return std::nullopt;
}

/// Divisors of `n` up to `limit`.
SmallVector<int64_t> divisors(int64_t n, int64_t limit) {
  SmallVector<int64_t> out;
  for (int64_t d = 1; d <= std::min(n, limit); ++d)
    if (n % d == 0)
      out.push_back(d);
  return out;
}

class Planner {
public:
  Planner(int64_t lanes, int64_t accRegs) : lanes(lanes), accRegs(accRegs) {}

  std::optional<TileConfig> plan(linalg::GenericOp op) const {
    if (!hasVectorizableBody(op))
      return std::nullopt;
    for (Value v : op->getOperands()) {
      auto t = dyn_cast<MemRefType>(v.getType());
      if (!t || !t.getElementType().isIntOrFloat())
        return std::nullopt;
    }
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    unsigned numLoops = op.getNumLoops();
    SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();

    // The vector dimension: the innermost result of every output map.
    std::optional<unsigned> vDim;
    for (OpOperand &init : op.getDpsInitsMutable()) {
      AffineMap map = op.getMatchingIndexingMap(&init);
      if (map.getNumResults() == 0)
        return std::nullopt;
      auto last = dyn_cast<AffineDimExpr>(map.getResults().back());
      if (!last)
        return std::nullopt;
      if (vDim && *vDim != last.getPosition())
        return std::nullopt;
      vDim = last.getPosition();
      // The output must be contiguous in it.
      auto type = cast<MemRefType>(init.get().getType());
      int64_t offset;
      SmallVector<int64_t> strides;
      if (failed(type.getStridesAndOffset(strides, offset)) ||
          strides.back() != 1)
        return std::nullopt;
    }
    unsigned v = *vDim;
    if (iters[v] != utils::IteratorType::parallel ||
        ShapedType::isDynamic(ranges[v]) || ranges[v] < 2)
      return std::nullopt;
    int64_t ev = ranges[v];

    TileConfig config;
    config.tileSizes.assign(numLoops, 1);
    // Parallel loops outside, reductions inside, each in original order.
    for (unsigned d = 0; d < numLoops; ++d)
      if (iters[d] == utils::IteratorType::parallel)
        config.interchange.push_back(d);
    for (unsigned d = 0; d < numLoops; ++d)
      if (iters[d] != utils::IteratorType::parallel)
        config.interchange.push_back(d);

    if (planContraction(op, v, ranges, config))
      return config;

    // Element-wise ops and reductions into the vector dimension: one vector
    // along v, everything else scalar loops.
    int64_t best = 1;
    double bestScore = -1;
    for (int64_t d : divisors(ev, 4 * lanes)) {
      int64_t regs = (d + lanes - 1) / lanes;
      double score = double(d) / double(regs * lanes) * 4 + std::min<int64_t>(regs, 4);
      if (score > bestScore) {
        bestScore = score;
        best = d;
      }
    }
    if (best < 2)
      return std::nullopt;
    config.tileSizes[v] = best == ev ? 0 : best;
    // All other maps must be pure once only v is kept.
    SmallVector<bool> live(numLoops, false);
    live[v] = true;
    for (AffineMap map : op.getIndexingMapsArray())
      if (!isPureAfter(map, live))
        return std::nullopt;
    // Inputs that depend on v should be contiguous in it, otherwise the
    // scalar loop (which LLVM may vectorize) is as good.
    for (OpOperand *in : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(in);
      if (!usesDim(map, v))
        continue;
      auto pos = resultPos(map, v);
      if (!pos || *pos != map.getNumResults() - 1)
        return std::nullopt;
      auto type = cast<MemRefType>(in->get().getType());
      int64_t offset;
      SmallVector<int64_t> strides;
      if (failed(type.getStridesAndOffset(strides, offset)) ||
          strides.back() != 1)
        return std::nullopt;
    }
    return config;
  }

private:
  /// `out[.., m, .., v] += lhs[.., m, .., k, ..] * rhs[.., k, .., v]`: picks
  /// the register block m x v and the kept reduction dim k.
  bool planContraction(linalg::GenericOp op, unsigned v,
                       ArrayRef<int64_t> ranges, TileConfig &config) const {
    if (!isMulAddBody(op) || op.getNumReductionLoops() == 0)
      return false;
    SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
    unsigned numLoops = op.getNumLoops();
    AffineMap a = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
    AffineMap b = op.getMatchingIndexingMap(op.getDpsInputOperand(1));
    AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    Value lhsVal = op.getDpsInputOperand(0)->get();
    Value rhsVal = op.getDpsInputOperand(1)->get();
    if (usesDim(a, v) == usesDim(b, v))
      return false;
    if (usesDim(a, v)) {
      std::swap(a, b);
      std::swap(lhsVal, rhsVal);
    }
    // rhs must be contiguous along v.
    {
      auto pos = resultPos(b, v);
      if (!pos || *pos != b.getNumResults() - 1)
        return false;
      auto type = cast<MemRefType>(rhsVal.getType());
      int64_t offset;
      SmallVector<int64_t> strides;
      if (failed(type.getStridesAndOffset(strides, offset)) ||
          strides.back() != 1)
        return false;
    }
    int64_t ev = ranges[v];
    struct Choice {
      unsigned m, k;
      int64_t r, vt;
      double score;
    };
    std::optional<Choice> best;
    for (unsigned m = 0; m < numLoops; ++m) {
      if (m == v || iters[m] != utils::IteratorType::parallel)
        continue;
      if (!resultPos(out, m) || !resultPos(a, m) || usesDim(b, m))
        continue;
      for (unsigned k = 0; k < numLoops; ++k) {
        if (iters[k] != utils::IteratorType::reduction)
          continue;
        if (!resultPos(a, k) || !resultPos(b, k) || usesDim(out, k))
          continue;
        SmallVector<bool> live(numLoops, false);
        live[v] = live[m] = live[k] = true;
        if (!isPureAfter(a, live) || !isPureAfter(b, live) ||
            !isPureAfter(out, live))
          continue;
        // Register block sizes.
        SmallVector<int64_t> rs = ShapedType::isDynamic(ranges[m])
                                      ? SmallVector<int64_t>{1}
                                      : divisors(ranges[m], 8);
        for (int64_t vt : divisors(ev, 8 * lanes)) {
          int64_t vregs = (vt + lanes - 1) / lanes;
          double fill = double(vt) / double(vregs * lanes);
          for (int64_t r : rs) {
            if (r * vregs > accRegs)
              continue;
            // FMAs per load (broadcasts of lhs + vectors of rhs).
            double score = double(r * vregs) / double(r + vregs) * fill;
            // Prefer the innermost k (unit stride in memory), then large v.
            score += 1e-3 * k + 1e-6 * vt;
            if (!best || score > best->score)
              best = Choice{m, k, r, vt, score};
          }
        }
      }
    }
    if (!best)
      return false;
    config.contraction = true;
    config.tileSizes[v] = best->vt == ev ? 0 : best->vt;
    config.tileSizes[best->m] =
        (!ShapedType::isDynamic(ranges[best->m]) && best->r == ranges[best->m])
            ? 0
            : best->r;
    config.keepDims.insert(best->m);
    config.keepDims.insert(best->k);
    LLVM_DEBUG(llvm::dbgs() << "contraction m=" << best->m << " k=" << best->k
                            << " v=" << v << " r=" << best->r
                            << " vt=" << best->vt << "\n");
    return true;
  }

  int64_t lanes;
  int64_t accRegs;
};

/// Tiles, drops unit dims and vectorizes one generic; returns failure (and
/// leaves the op, maybe tiled) when it cannot.
LogicalResult vectorizeOne(RewriterBase &rewriter, linalg::GenericOp op,
                           const TileConfig &config) {
  linalg::GenericOp tiled = op;
  if (llvm::any_of(config.tileSizes, [](int64_t t) { return t != 0; })) {
    linalg::LinalgTilingOptions options;
    options.setTileSizes(config.tileSizes);
    options.setInterchange(config.interchange);
    options.setLoopType(linalg::LinalgTilingLoopType::Loops);
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::TiledLinalgOp> result =
        linalg::tileLinalgOp(rewriter, op, options);
    if (failed(result))
      return failure();
    rewriter.eraseOp(op);
    tiled = dyn_cast<linalg::GenericOp>(result->op.getOperation());
    if (!tiled)
      return failure();
  }
  // The tile must be static.
  for (int64_t r : tiled.getStaticLoopRanges())
    if (ShapedType::isDynamic(r))
      return failure();

  linalg::ControlDropUnitDims control;
  control.rankReductionStrategy =
      linalg::ControlDropUnitDims::RankReductionStrategy::ExtractInsertSlice;
  llvm::SmallDenseSet<unsigned> keep = config.keepDims;
  control.controlFn = [keep](Operation *o) {
    SmallVector<unsigned> dims;
    auto g = cast<linalg::GenericOp>(o);
    for (unsigned d = 0; d < g.getNumLoops(); ++d)
      if (!keep.contains(d))
        dims.push_back(d);
    return dims;
  };
  rewriter.setInsertionPoint(tiled);
  FailureOr<linalg::DropUnitDimsResult> dropped =
      linalg::dropUnitDims(rewriter, tiled, control);
  Operation *toVectorize = tiled;
  if (succeeded(dropped)) {
    rewriter.eraseOp(tiled);
    toVectorize = dropped->resultOp;
  }
  if (failed(linalg::vectorizeOpPrecondition(toVectorize)))
    return failure();
  rewriter.setInsertionPoint(toVectorize);
  FailureOr<linalg::VectorizationResult> vectorized = linalg::vectorize(
      rewriter, toVectorize, /*inputVectorSizes=*/{},
      /*inputScalableVecDims=*/{}, /*vectorizeNDExtract=*/false,
      /*flatten1DDepthwiseConv=*/false,
      /*assumeDynamicDimsMatchVecSizes=*/false,
      /*createNamedContraction=*/config.contraction);
  if (failed(vectorized))
    return failure();
  rewriter.eraseOp(toVectorize);
  return success();
}

struct NNVectorizePass : public nn::impl::NNVectorizeBase<NNVectorizePass> {
  using NNVectorizeBase::NNVectorizeBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    IRRewriter rewriter(ctx);

    // 1. Generalize, plan, tile, vectorize.
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics() && !isa<linalg::FillOp>(op))
        ops.push_back(op);
    });
    Planner planner(vectorLanes, accumulatorRegisters);
    for (linalg::LinalgOp op : ops) {
      linalg::GenericOp generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      std::optional<TileConfig> config;
      if (!generic) {
        // Plan on a generalized clone-free basis: generalize in place only if
        // the plan succeeds (generalization is semantics-preserving anyway).
        rewriter.setInsertionPoint(op);
        FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rewriter, op);
        if (failed(g))
          continue;
        generic = *g;
      }
      config = planner.plan(generic);
      if (!config)
        continue;
      (void)vectorizeOne(rewriter, generic, *config);
    }

    // 2. Clean up, fold views into the transfers, hoist accumulators.
    {
      RewritePatternSet patterns(ctx);
      memref::populateFoldMemRefAliasOpPatterns(patterns);
      vector::populateVectorReductionToContractPatterns(patterns);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      vector::populateSinkVectorOpsPatterns(patterns);
      for (Dialect *d : ctx->getLoadedDialects())
        d->getCanonicalizationPatterns(patterns);
      for (RegisteredOperationName name : ctx->getRegisteredOperations())
        if (isa<vector::VectorDialect, memref::MemRefDialect,
                affine::AffineDialect, arith::ArithDialect, scf::SCFDialect>(
                name.getDialect()))
          name.getCanonicalizationPatterns(patterns, ctx);
      (void)applyPatternsGreedily(func, std::move(patterns));
    }
    func.walk([&](LoopLikeOpInterface loop) { moveLoopInvariantCode(loop); });
    linalg::hoistRedundantVectorTransfers(func);

    // 3. Lower to 1-D vector ops.
    {
      RewritePatternSet patterns(ctx);
      vector::populateVectorContractLoweringPatterns(
          patterns, vector::VectorContractLowering::OuterProduct);
      vector::populateVectorOuterProductLoweringPatterns(patterns);
      vector::populateVectorMultiReductionLoweringPatterns(
          patterns, vector::VectorMultiReductionLowering::InnerParallel);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      vector::populateVectorBroadcastLoweringPatterns(patterns);
      vector::populateVectorShapeCastLoweringPatterns(patterns);
      vector::populateVectorTransposeLoweringPatterns(
          patterns, vector::VectorTransposeLowering::EltWise);
      vector::populateVectorMaskOpLoweringPatterns(patterns);
      vector::populateVectorStepLoweringPatterns(patterns);
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorTransferDropUnitDimsPatterns(patterns);
      vector::ExtractOp::getCanonicalizationPatterns(patterns, ctx);
      vector::BroadcastOp::getCanonicalizationPatterns(patterns, ctx);
      vector::ShapeCastOp::getCanonicalizationPatterns(patterns, ctx);
      vector::TransferReadOp::getCanonicalizationPatterns(patterns, ctx);
      vector::TransferWriteOp::getCanonicalizationPatterns(patterns, ctx);
      (void)applyPatternsGreedily(func, std::move(patterns));
    }
    {
      RewritePatternSet patterns(ctx);
      populateVectorToSCFConversionPatterns(
          patterns, VectorTransferToSCFOptions().setTargetRank(1).enableFullUnroll());
      vector::populateVectorTransferLoweringPatterns(patterns,
                                                     /*maxTransferRank=*/1);
      vector::populateVectorShapeCastLoweringPatterns(patterns);
      vector::populateVectorBroadcastLoweringPatterns(patterns);
      vector::ExtractOp::getCanonicalizationPatterns(patterns, ctx);
      vector::BroadcastOp::getCanonicalizationPatterns(patterns, ctx);
      (void)applyPatternsGreedily(func, std::move(patterns));
    }
  }
};

} // namespace
