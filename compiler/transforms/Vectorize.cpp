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

#include "ContractionKernel.h"
#include "TrailingUnitDims.h"

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
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/CSE.h"
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

/// Marks the tile loops that may run on threads.
constexpr llvm::StringLiteral kParallelAttr = "nn.parallel_tiles";
/// Below these, an op runs on one thread (a parallel region costs a few
/// microseconds, more when the other core was busy): iterations of an
/// element-wise op or reduction (memory bound), multiply-adds of a
/// contraction (vectorized and register-blocked: some 20x cheaper each).
constexpr double kParallelElements = 1 << 18;
constexpr double kParallelMultiplyAdds = 1 << 23;
/// Marks the tiles of the op being vectorized across peeling.
constexpr llvm::StringLiteral kTileAttr = "nn.tile";

/// How one op is tiled: a tile size per loop (0: the whole extent, no loop),
/// the order of the tile loops, and the unit dimensions that must survive
/// (the `m` and `k` dimensions of a contraction).
struct TileConfig {
  SmallVector<int64_t> tileSizes;
  SmallVector<unsigned> interchange;
  bool contraction = false;
  unsigned vectorDim = 0;
  /// The register-blocked parallel dimension of a contraction (its rows).
  unsigned mDim = 0;
  /// Lanes of one vector register.
  int64_t lanes = 16;
  /// Worth running on threads.
  bool parallel = false;
  /// The value a linalg.fill wrote to a contraction's whole output just
  /// before it: the kernels start their accumulators from it.
  Value initial;
  /// An element-wise consumer of a contraction fused into its kernel.
  linalg::GenericOp epilogue;
  bool storeAccumulators = false;
  /// Input to copy first into a buffer where the vector dimension is
  /// contiguous (-1: none), and the permutation of its dims for that copy.
  int packInput = -1;
  SmallVector<int64_t> packPerm;
  /// A reduction loop blocked outside the parallel tile loops (-1: none), so
  /// that the inputs a block reads stay in cache across the output tiles.
  int outerDim = -1;
  int64_t outerBlock = 0;
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

/// True if the memref has unit stride in dimension `pos`.
bool contiguousAlong(Value memref, int64_t pos) {
  auto type = cast<MemRefType>(memref.getType());
  int64_t offset;
  SmallVector<int64_t> strides;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides[pos] == 1;
}

/// Divisors of `n` up to `limit`.
SmallVector<int64_t> divisors(int64_t n, int64_t limit) {
  SmallVector<int64_t> out;
  for (int64_t d = 1; d <= std::min(n, limit); ++d)
    if (n % d == 0)
      out.push_back(d);
  return out;
}

/// Tile sizes for the vector dimension of extent `ev`: the whole extent when
/// it fits one register, else multiples of the register width up to `limit`
/// whose remainder (peeled into a second, smaller vector tile) is at most one
/// register. Odd sizes like 50 would cost LLVM (and the machine) a lot.
SmallVector<int64_t> vectorTiles(int64_t ev, int64_t lanes, int64_t limit) {
  if (ev <= lanes)
    return {ev};
  SmallVector<int64_t> out;
  // The whole extent as one tile (no loop, no remainder tile): LLVM splits
  // it into full registers and one partial one.
  if (ev <= limit)
    out.push_back(ev);
  for (int64_t t = lanes; t < std::min(ev, limit + 1); t += lanes)
    if (ev % t == 0 || ev % t <= lanes)
      out.push_back(t);
  if (out.empty())
    out.push_back(lanes);
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

    // The vector dimension: the innermost result of every output map
    // (trailing dims of size 1 aside) along which the output is contiguous.
    std::optional<unsigned> vDim;
    for (OpOperand &init : op.getDpsInitsMutable()) {
      AffineMap map = op.getMatchingIndexingMap(&init);
      auto type = cast<MemRefType>(init.get().getType());
      int64_t pos = static_cast<int64_t>(map.getNumResults()) - 1;
      while (pos > 0 && type.getDimSize(pos) == 1)
        --pos;
      if (pos < 0)
        return std::nullopt;
      auto last = dyn_cast<AffineDimExpr>(map.getResult(pos));
      if (!last)
        return std::nullopt;
      if (vDim && *vDim != last.getPosition())
        return std::nullopt;
      vDim = last.getPosition();
      if (!contiguousAlong(init.get(), pos))
        return std::nullopt;
    }
    unsigned v = *vDim;
    if (iters[v] != utils::IteratorType::parallel ||
        ShapedType::isDynamic(ranges[v]) || ranges[v] < 2)
      return std::nullopt;
    int64_t ev = ranges[v];

    TileConfig config;
    config.vectorDim = v;
    config.lanes = lanes;
    config.tileSizes.assign(numLoops, 1);
    // Parallel loops outside, reductions inside, each in original order.
    for (unsigned d = 0; d < numLoops; ++d)
      if (iters[d] == utils::IteratorType::parallel)
        config.interchange.push_back(d);
    for (unsigned d = 0; d < numLoops; ++d)
      if (iters[d] != utils::IteratorType::parallel)
        config.interchange.push_back(d);

    if (planContraction(op, v, ranges, config))
      return finish(op, config);

    // Element-wise ops and reductions into the vector dimension: one vector
    // along v, everything else scalar loops.
    // A reduction into v (batch-norm statistics) streams its input once per
    // vector tile: one tile over all of v (up to 8 registers) reads whole
    // cache lines in order, where narrower tiles would read every other
    // part of each line, and the prefetchers fetch the rest anyway.
    bool reduction = op.getNumReductionLoops() != 0;
    int64_t best = 1;
    double bestScore = -1;
    for (int64_t d : vectorTiles(ev, lanes, (reduction ? 8 : 2) * lanes)) {
      int64_t regs = (d + lanes - 1) / lanes;
      double score = (ev % d == 0 ? 1.0 : 0.5) + std::min<int64_t>(regs, 4) +
                     (d == ev ? 2.0 : 0.0);
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
      if (!pos || !contiguousAlong(in->get(), *pos))
        return std::nullopt;
    }
    return finish(op, config);
  }

private:
  /// Threads: the parallel tile loop with the most tiles goes outermost (the
  /// one that becomes an OpenMP loop: 3 kernel rows split 2:1 on two cores,
  /// 64 batch entries evenly), and only ops with enough work get threads.
  TileConfig finish(linalg::GenericOp op, TileConfig config) const {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    auto ext = [&](unsigned d) {
      return ShapedType::isDynamic(ranges[d]) ? int64_t(64) : ranges[d];
    };
    auto tiles = [&](unsigned d) {
      int64_t t = config.tileSizes[d];
      return t == 0 ? int64_t(1) : (ext(d) + t - 1) / t;
    };
    SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
    auto firstReduction =
        llvm::find_if(config.interchange, [&](unsigned d) {
          return iters[d] != utils::IteratorType::parallel;
        });
    // A stable insertion sort (a handful of loops).
    for (auto it = config.interchange.begin(); it != firstReduction; ++it)
      for (auto j = it; j != config.interchange.begin() &&
                        tiles(*(j - 1)) < tiles(*j);
           --j)
        std::iter_swap(j - 1, j);
    double work = 1;
    for (unsigned d = 0; d < op.getNumLoops(); ++d)
      work *= double(ext(d));
    config.parallel =
        work >= (config.contraction ? kParallelMultiplyAdds : kParallelElements);
    return config;
  }

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
    // rhs must be contiguous along v, or be copied (transposed) first so
    // that it is: the copy is paid once, the strided reads at every reuse.
    int packInput = -1;
    SmallVector<int64_t> packPerm;
    {
      auto pos = resultPos(b, v);
      if (!pos)
        return false;
      auto type = cast<MemRefType>(rhsVal.getType());
      bool contiguous = contiguousAlong(rhsVal, *pos);
      if (!contiguous) {
        if (!type.hasStaticShape())
          return false;
        packInput = rhsVal == op.getDpsInputOperand(0)->get() ? 0 : 1;
        for (int64_t i = 0; i < type.getRank(); ++i)
          if (i != static_cast<int64_t>(*pos))
            packPerm.push_back(i);
        packPerm.push_back(*pos);
        b = b.getSubMap(llvm::to_vector_of<unsigned>(packPerm));
      }
    }
    int64_t ev = ranges[v];
    // The register block r x vt: rows of m (broadcast loads of lhs) times
    // registers of v (vector loads of rhs). Scored by a throughput model of
    // one reduction step of every tile, remainder tiles included: FMAs issue
    // one per cycle, loads two per cycle, and each accumulator's FMA chain
    // needs about 4 cycles (the FMA latency).
    auto chunks = [&](int64_t w) { return (w + lanes - 1) / lanes; };
    auto cycles = [&](int64_t rows, int64_t w) {
      double fmas = double(rows * chunks(w));
      return std::max({fmas, double(rows + chunks(w)) / 2.0, 4.0});
    };
    struct Choice {
      unsigned m;
      int64_t r, vt;
      double score;
    };
    std::optional<Choice> best;
    for (unsigned m = 0; m < numLoops; ++m) {
      if (m == v || iters[m] != utils::IteratorType::parallel ||
          !usesDim(a, m) || usesDim(b, m) || !usesDim(out, m))
        continue;
      bool dynamic = ShapedType::isDynamic(ranges[m]);
      // A dynamic extent (the batch) is scored as 64; its remainder tile,
      // when there is one at run time, is left to scalar loops.
      int64_t em = dynamic ? 64 : ranges[m];
      for (int64_t vt : vectorTiles(ev, lanes, 8 * lanes)) {
        for (int64_t r = 1; r <= std::min<int64_t>(em, 8); ++r) {
          if (r * chunks(vt) > accRegs)
            continue;
          double time = 0;
          for (auto [rows, nrows] : {std::pair{r, em / r},
                                     std::pair{em % r, int64_t(1)}}) {
            if (rows == 0)
              continue;
            time += double(nrows) * double(ev / vt) * cycles(rows, vt);
            if (ev % vt)
              time += double(nrows) * cycles(rows, ev % vt);
          }
          double score = double(em * ev) / double(lanes) / time;
          if (dynamic)
            score *= 0.95;
          // Ties: larger blocks (fewer loop iterations).
          score += 1e-4 * double(r * vt) / double(8 * 8 * lanes);
          if (!best || score > best->score)
            best = Choice{m, r, vt, score};
        }
      }
    }
    if (!best)
      return false;
    config.contraction = true;
    config.packInput = packInput;
    config.packPerm = packPerm;
    config.mDim = best->m;
    config.tileSizes[v] = best->vt == ev ? 0 : best->vt;
    config.tileSizes[best->m] =
        (!ShapedType::isDynamic(ranges[best->m]) && best->r == ranges[best->m])
            ? 0
            : best->r;
    // The kernel runs all the reduction loops of a tile itself.
    for (unsigned d = 0; d < numLoops; ++d)
      if (iters[d] == utils::IteratorType::reduction)
        config.tileSizes[d] = 0;

    // Cache blocking: when the reduction streams more than fits in L2 for
    // every output tile, block the outermost reduction loop outside the
    // tiles. The sum of each output element keeps its order.
    auto ext = [&](unsigned d) {
      return ShapedType::isDynamic(ranges[d]) ? int64_t(64) : ranges[d];
    };
    int64_t parallelTiles = 1, reduction = 1;
    SmallVector<unsigned> reds;
    for (unsigned d = 0; d < numLoops; ++d) {
      if (iters[d] == utils::IteratorType::parallel) {
        int64_t t = config.tileSizes[d] == 0 ? ext(d) : config.tileSizes[d];
        parallelTiles *= (ext(d) + t - 1) / t;
      } else {
        reds.push_back(d);
        reduction *= ext(d);
      }
    }
    // Half of a 1 MB L2 (Zen 4).
    const int64_t budget = 512 * 1024;
    int64_t footprint = (best->r + best->vt) * 4 * reduction;
    if (parallelTiles > 1 && footprint > budget) {
      unsigned r0 = reds.front();
      int64_t per = footprint / ext(r0);
      int64_t block = std::max<int64_t>(1, budget / std::max<int64_t>(per, 1));
      // A block that divides the extent: no short last block, whose
      // accumulator loads and stores would not be paid back. A dynamic
      // extent (the batch) gets a power of two.
      if (!ShapedType::isDynamic(ranges[r0]))
        block = divisors(ranges[r0], block).back();
      else
        block = int64_t(1) << llvm::Log2_64(block);
      if (block < ext(r0)) {
        config.outerDim = r0;
        config.outerBlock = block;
      }
    }
    LLVM_DEBUG(llvm::dbgs() << "contraction m=" << best->m
                            << " v=" << v << " r=" << best->r
                            << " vt=" << best->vt << "\n");
    return true;
  }

  int64_t lanes;
  int64_t accRegs;
};

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
    bool reduce;
  };
  SmallVector<OperandPlan> plans;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type || !type.hasStaticShape())
      return failure();
    AffineMap map = simplifyAffineMap(
        op.getMatchingIndexingMap(&operand).replaceDimsAndSymbols(repl, {},
                                                                  next, 0));
    OperandPlan plan;
    SmallVector<AffineExpr> results;
    for (auto [i, e] : llvm::enumerate(map.getResults())) {
      if (auto c = dyn_cast<AffineConstantExpr>(e)) {
        if (c.getValue() != 0 || type.getDimSize(i) != 1)
          return failure();
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
      SmallVector<int64_t> offsets(type.getRank(), 0), strides(type.getRank(), 1);
      SmallVector<int64_t> sizes(type.getShape());
      auto reducedType = memref::SubViewOp::inferRankReducedResultType(
          plan.keptShape, type, offsets, sizes, strides);
      SmallVector<OpFoldResult> ofrOffsets, ofrSizes, ofrStrides;
      for (int64_t i = 0; i < type.getRank(); ++i) {
        ofrOffsets.push_back(rewriter.getIndexAttr(0));
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
      rewriter, loc, TypeRange{},
      ValueRange(newOperands).take_front(numInputs),
      ValueRange(newOperands).drop_front(numInputs), maps, iters);
  rewriter.inlineRegionBefore(op.getRegion(), newOp.getRegion(),
                              newOp.getRegion().begin());
  SmallVector<linalg::IndexOp> indices;
  newOp.getRegion().walk([&](linalg::IndexOp idx) { indices.push_back(idx); });
  for (linalg::IndexOp idx : indices) {
    unsigned d = idx.getDim();
    if (newPos[d] < 0) {
      rewriter.setInsertionPoint(idx);
      rewriter.replaceOp(idx, arith::ConstantIndexOp::create(rewriter, idx.getLoc(), 0));
    } else {
      rewriter.modifyOpInPlace(idx, [&] { idx.setDim(newPos[d]); });
    }
  }
  rewriter.eraseOp(op);
  return newOp;
}

/// The buffer a view chain starts from.
Value rootBuffer(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  return v;
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
FailureOr<linalg::GenericOp> tileOnce(RewriterBase &rewriter,
                                      linalg::GenericOp op,
                                      ArrayRef<int64_t> sizes,
                                      ArrayRef<unsigned> interchange,
                                      SmallVectorImpl<Operation *> *loops =
                                          nullptr) {
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

/// The offsets and sizes of a contraction tile's output within the whole
/// output `whole` (the tile's output is `whole` or a unit-stride subview).
std::optional<std::pair<SmallVector<OpFoldResult>, SmallVector<OpFoldResult>>>
tileWindow(RewriterBase &rewriter, Location loc, Value tileOut, Value whole) {
  while (auto cast = tileOut.getDefiningOp<memref::CastOp>())
    tileOut = cast.getSource();
  if (tileOut == whole) {
    int64_t rank = cast<MemRefType>(whole.getType()).getRank();
    return std::pair{SmallVector<OpFoldResult>(rank, rewriter.getIndexAttr(0)),
                     memref::getMixedSizes(rewriter, loc, whole)};
  }
  auto view = tileOut.getDefiningOp<memref::SubViewOp>();
  if (!view || view.getSource() != whole ||
      !llvm::all_of(view.getMixedStrides(), [](OpFoldResult s) {
        return isConstantIntValue(s, 1);
      }) ||
      view.getSourceType().getRank() != view.getType().getRank())
    return std::nullopt;
  return std::pair{view.getMixedOffsets(), view.getMixedSizes()};
}

/// True if a buffer (through its views) has a user other than `a` and `b`,
/// deallocations and ops before `a` in its block (the zero fill of an
/// accumulator).
bool usedElsewhere(Value buffer, Operation *a, Operation *b) {
  for (Operation *user : buffer.getUsers()) {
    if (user == a || user == b || isa<memref::DeallocOp>(user))
      continue;
    if (auto view = dyn_cast<ViewLikeOpInterface>(user)) {
      if (view.getViewSource() == buffer &&
          llvm::any_of(user->getResults(), [&](Value r) {
            return usedElsewhere(r, a, b);
          }))
        return true;
      continue;
    }
    Operation *ancestor = a->getBlock()->findAncestorOpInBlock(*user);
    if (ancestor && ancestor->isBeforeInBlock(a))
      continue;
    return true;
  }
  return false;
}

/// An element-wise consumer of a contraction's output that can be fused into
/// its kernel as an epilogue (conv + bias + batch norm + relu at inference):
/// the next op with memory effects after `op`, all-parallel over the output's
/// shape, reading the output with the identity map, with a body the kernel
/// can apply to registers, and writing either the output itself or a buffer
/// neither op reads. `storeAccumulators` tells if the output must still be
/// written (it is read after the consumer).
linalg::GenericOp findEpilogue(linalg::GenericOp op, bool &storeAccumulators) {
  Value out = op.getDpsInitOperand(0)->get();
  Value root = rootBuffer(out);
  llvm::SmallPtrSet<Value, 4> inputRoots;
  for (Value in : op.getDpsInputs())
    inputRoots.insert(rootBuffer(in));
  // Ops between the two that neither touch the output nor write what `op`
  // reads (per-channel constants of a batch norm) can run before `op`.
  SmallVector<Operation *> between;
  Operation *next = op->getNextNode();
  auto independent = [&](Operation *x) {
    if (isMemoryEffectFree(x) || isa<memref::AllocOp>(x))
      return true;
    bool ok = true;
    x->walk([&](Operation *nested) {
      for (Value v : nested->getOperands())
        if (isa<MemRefType>(v.getType()) && rootBuffer(v) == root)
          ok = false;
      if (auto dps = dyn_cast<DestinationStyleOpInterface>(nested)) {
        for (Value v : dps.getDpsInits())
          if (inputRoots.contains(rootBuffer(v)))
            ok = false;
        return;
      }
      auto effects = dyn_cast<MemoryEffectOpInterface>(nested);
      if (!effects) {
        if (!nested->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
          ok = false;
        return;
      }
      SmallVector<MemoryEffects::EffectInstance> list;
      effects.getEffects(list);
      for (auto &effect : list) {
        if (!isa<MemoryEffects::Write, MemoryEffects::Free>(effect.getEffect()))
          continue;
        Value v = effect.getValue();
        if (!v || inputRoots.contains(rootBuffer(v)))
          ok = false;
      }
    });
    return ok;
  };
  auto readsOutput = [&](Operation *x) {
    return llvm::any_of(x->getOperands(), [&](Value v) {
      return isa<MemRefType>(v.getType()) && rootBuffer(v) == root;
    });
  };
  while (next && !readsOutput(next) && independent(next)) {
    between.push_back(next);
    next = next->getNextNode();
  }
  auto consumer = dyn_cast_or_null<linalg::GenericOp>(next);
  if (!consumer || !consumer.hasPureBufferSemantics() ||
      consumer.getNumDpsInits() != 1 ||
      consumer.getNumLoops() != consumer.getNumParallelLoops() ||
      !hasVectorizableBody(consumer) ||
      !consumer.getRegion().front().getOps<linalg::IndexOp>().empty())
    return {};
  auto outType = cast<MemRefType>(out.getType());
  if (consumer.getNumLoops() != outType.getRank())
    return {};
  OpOperand *init = consumer.getDpsInitOperand(0);
  Value result = init->get();
  auto resultType = cast<MemRefType>(result.getType());
  if (resultType.getShape() != outType.getShape() ||
      !consumer.getMatchingIndexingMap(init).isIdentity())
    return {};
  bool readsOut = false;
  for (OpOperand &operand : consumer->getOpOperands()) {
    AffineMap map = consumer.getMatchingIndexingMap(&operand);
    if (!map.isProjectedPermutation())
      return {};
    Value root2 = rootBuffer(operand.get());
    if (root2 == root) {
      if (operand.get() != out || !map.isIdentity())
        return {};
      readsOut |= !consumer.isDpsInit(&operand) ||
                  consumer.payloadUsesValueFromOperand(&operand);
    } else if (root2 == rootBuffer(result) && &operand != init) {
      return {};
    }
  }
  if (!readsOut)
    return {};
  if (rootBuffer(result) != root) {
    // The kernel writes the result while later tiles still read the inputs.
    for (Value in : op.getDpsInputs())
      if (rootBuffer(in) == rootBuffer(result))
        return {};
    storeAccumulators = usedElsewhere(root, op, consumer);
  } else {
    storeAccumulators = false;
  }
  for (Operation *x : between)
    x->moveBefore(op);
  return consumer;
}

/// The consumer's operand that is the contraction's whole output.
Value consumedOutput(linalg::GenericOp consumer, Value tileOut) {
  for (OpOperand &operand : consumer->getOpOperands())
    if (rootBuffer(operand.get()) == rootBuffer(tileOut))
      return operand.get();
  return nullptr;
}

/// True if the tile's output is a window of the whole output the epilogue
/// can be cut to.
bool hasTileWindow(linalg::GenericOp tiled, linalg::GenericOp consumer) {
  Value tileOut = tiled.getDpsInitOperand(0)->get();
  while (auto cast = tileOut.getDefiningOp<memref::CastOp>())
    tileOut = cast.getSource();
  Value whole = consumedOutput(consumer, tileOut);
  if (!whole)
    return false;
  if (tileOut == whole)
    return true;
  auto view = tileOut.getDefiningOp<memref::SubViewOp>();
  return view && view.getSource() == whole &&
         llvm::all_of(view.getMixedStrides(),
                      [](OpFoldResult st) { return isConstantIntValue(st, 1); }) &&
         view.getSourceType().getRank() == view.getType().getRank();
}

/// The epilogue restricted to one tile: each operand of `consumer` (indexed
/// through its map by the dimensions of the contraction's output) cut to the
/// tile's window; operands that are the contraction's output become null
/// (the kernel feeds them the accumulators).
std::optional<nn::Epilogue> tileEpilogue(RewriterBase &rewriter,
                                         linalg::GenericOp tiled,
                                         const TileConfig &config) {
  linalg::GenericOp consumer = config.epilogue;
  Value tileOut = tiled.getDpsInitOperand(0)->get();
  Location loc = tiled.getLoc();
  // The whole output: what the consumer reads as the contraction's result.
  Value whole = consumedOutput(consumer, tileOut);
  rewriter.setInsertionPoint(tiled);
  auto window = tileWindow(rewriter, loc, tileOut, whole);
  if (!window)
    return std::nullopt;
  SmallVector<OpFoldResult> offsets = window->first, sizes = window->second;
  nn::Epilogue epilogue;
  epilogue.body = &consumer.getRegion().front();
  epilogue.storeAccumulators = config.storeAccumulators;
  SmallVector<OpFoldResult> ones(offsets.size(), rewriter.getIndexAttr(1));
  auto cut = [&](Value memref, AffineMap map) -> Value {
    SmallVector<OpFoldResult> o, z, st;
    for (AffineExpr e : map.getResults()) {
      unsigned d = cast<AffineDimExpr>(e).getPosition();
      o.push_back(offsets[d]);
      z.push_back(sizes[d]);
      st.push_back(rewriter.getIndexAttr(1));
    }
    return memref::SubViewOp::create(rewriter, loc, memref, o, z, st);
  };
  for (OpOperand &operand : consumer->getOpOperands()) {
    AffineMap map = consumer.getMatchingIndexingMap(&operand);
    epilogue.maps.push_back(map);
    bool isResult = operand.get() == whole;
    epilogue.views.push_back(isResult ? Value() : cut(operand.get(), map));
  }
  OpOperand *init = consumer.getDpsInitOperand(0);
  epilogue.out = init->get() == whole
                     ? tileOut
                     : cut(init->get(), consumer.getMatchingIndexingMap(init));
  return epilogue;
}

/// Applies the epilogue to a tile the kernel could not handle: a copy of the
/// consumer on the tile's window, after the tile.
void epilogueAsGeneric(RewriterBase &rewriter, linalg::GenericOp tiled,
                       const nn::Epilogue &epilogue,
                       linalg::GenericOp consumer) {
  rewriter.setInsertionPointAfter(tiled);
  Operation *copy = rewriter.clone(*consumer);
  Value tileOut = tiled.getDpsInitOperand(0)->get();
  for (auto [i, view] : llvm::enumerate(epilogue.views))
    copy->setOperand(i, view ? view : tileOut);
  copy->setOperand(copy->getNumOperands() - 1, epilogue.out);
}

/// Drops the unit loops of one static tile and vectorizes it.
LogicalResult vectorizeTile(RewriterBase &rewriter, linalg::GenericOp tiled,
                            const TileConfig &config) {
  if (config.contraction) {
    std::optional<nn::Epilogue> epilogue;
    if (config.epilogue) {
      epilogue = tileEpilogue(rewriter, tiled, config);
      if (!epilogue)
        return failure();
    }
    if (succeeded(nn::emitContractionKernel(
            rewriter, tiled, config.mDim, config.vectorDim, config.lanes,
            epilogue ? &*epilogue : nullptr, config.initial)))
      return success();
    if (!epilogue)
      return failure();
    // The epilogue as its own op on the tile, after the contraction (then
    // left to the scalar loops: rare, and never slower than unfused).
    epilogueAsGeneric(rewriter, tiled, *epilogue, config.epilogue);
    return nn::emitContractionKernel(rewriter, tiled, config.mDim,
                                     config.vectorDim, config.lanes, nullptr,
                                     config.initial);
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

/// Tiles, drops unit dims and vectorizes one generic; returns failure (and
/// leaves the op, maybe tiled) when it cannot.
LogicalResult vectorizeOne(RewriterBase &rewriter, linalg::GenericOp op,
                           TileConfig config, bool &fusedEpilogue) {
  fusedEpilogue = false;
  if (config.packInput >= 0) {
    OpOperand *in = op.getDpsInputOperand(config.packInput);
    auto type = cast<MemRefType>(in->get().getType());
    SmallVector<int64_t> shape;
    for (int64_t d : config.packPerm)
      shape.push_back(type.getDimSize(d));
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    Value packed = memref::AllocOp::create(
        rewriter, loc, MemRefType::get(shape, type.getElementType()),
        rewriter.getI64IntegerAttr(64));
    linalg::TransposeOp::create(rewriter, loc, in->get(), packed,
                                config.packPerm);
    AffineMap map = op.getMatchingIndexingMap(in).getSubMap(
        llvm::to_vector_of<unsigned>(config.packPerm));
    SmallVector<Attribute> maps(op.getIndexingMaps().getValue());
    maps[in->getOperandNumber()] = AffineMapAttr::get(map);
    rewriter.modifyOpInPlace(op, [&] {
      in->set(packed);
      op.setIndexingMapsAttr(rewriter.getArrayAttr(maps));
    });
    rewriter.setInsertionPointAfter(op);
    memref::DeallocOp::create(rewriter, loc, packed);
  }
  // The tiles are the generics inside the loop nests tiling creates (the
  // main nest, and the peeled remainder loop when it is a sibling of it).
  SmallVector<Operation *> roots;
  linalg::GenericOp tiled = op;
  Operation *func = op->getParentOfType<FunctionOpInterface>();
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
    if (!loops.empty())
      roots.push_back(loops.front());
  }
  if (llvm::any_of(config.tileSizes, [](int64_t t) { return t != 0; })) {
    SmallVector<Operation *> loops;
    unsigned v = config.vectorDim;
    int64_t ev = tiled.getStaticLoopRanges()[v];
    FailureOr<linalg::GenericOp> inner = tileOnce(
        rewriter, tiled, config.tileSizes, config.interchange, &loops);
    if (failed(inner))
      return failure();
    tiled = *inner;
    if (roots.empty() && !loops.empty())
      roots.push_back(loops.front());
    // The outermost tile loop of a parallel dimension writes disjoint slices
    // of the output: a candidate for threads.
    for (unsigned d : config.interchange) {
      if (config.tileSizes[d] == 0)
        continue;
      if (config.parallel && !loops.empty() &&
          tiled.getIteratorTypesArray()[d] == utils::IteratorType::parallel)
        loops.front()->setAttr(kParallelAttr,
                               UnitAttr::get(rewriter.getContext()));
      break;
    }
    // Peel the vector loop (and a contraction's row loop) when its tile does
    // not divide the extent: full tiles, then one remainder tile. Inner loops
    // first, so that peeling an outer loop copies the inner ones peeled.
    SmallVector<std::pair<unsigned, unsigned>> toPeel; // (loop index, dim)
    SmallVector<unsigned> peelDims = {v};
    if (config.contraction)
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
    (void)ev;
    // Peeling clones the tile: the marker finds all the copies.
    tiled->setAttr(kTileAttr, rewriter.getUnitAttr());
    marked = true;
    for (auto [idx, d] : toPeel) {
      auto forOp = dyn_cast_or_null<scf::ForOp>(
          idx < loops.size() ? loops[idx] : nullptr);
      if (!forOp)
        return failure();
      bool outermost = roots.front() == forOp.getOperation();
      scf::ForOp partial;
      if (failed(scf::peelForLoopAndSimplifyBounds(rewriter, forOp, partial)))
        continue;
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
      (void)applyOpPatternsGreedily(nested, std::move(patterns));
    }
  }
  SmallVector<linalg::GenericOp> tiles;
  if (marked) {
    func->walk([&](linalg::GenericOp g) {
      if (g->hasAttr(kTileAttr)) {
        g->removeAttr(kTileAttr);
        tiles.push_back(g);
      }
    });
  } else {
    tiles.push_back(tiled);
  }
  // The epilogue is fused only if every tile can apply it (the consumer is
  // then erased by the caller).
  if (config.epilogue &&
      !llvm::all_of(tiles, [&](linalg::GenericOp tile) {
        return hasTileWindow(tile, config.epilogue);
      }))
    config.epilogue = nullptr;
  fusedEpilogue = static_cast<bool>(config.epilogue);
  // A tile that cannot be vectorized (a dynamic remainder) is left to the
  // scalar loops.
  bool all = true;
  for (linalg::GenericOp tile : tiles)
    all &= succeeded(vectorizeTile(rewriter, tile, config));
  return success(all);
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
    llvm::SmallPtrSet<Operation *, 8> erased;
    for (linalg::LinalgOp op : ops) {
      if (erased.contains(op))
        continue;
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
      if (fuseEpilogues && config->contraction && config->outerDim < 0)
        config->epilogue =
            findEpilogue(generic, config->storeAccumulators);
      // The zero fill of the accumulators, when nothing else reads it: the
      // kernels start from the value instead (one pass over memory less).
      linalg::FillOp fill;
      if (config->contraction && config->outerDim < 0) {
        // Ops in between that do not touch the output do not matter.
        Value root = rootBuffer(generic.getDpsInitOperand(0)->get());
        auto touches = [&](Operation *op) {
          bool found = false;
          op->walk([&](Operation *nested) {
            for (Value v : nested->getOperands())
              found |= isa<MemRefType>(v.getType()) && rootBuffer(v) == root;
          });
          return found;
        };
        Operation *prev = generic->getPrevNode();
        while (prev && (isMemoryEffectFree(prev) ||
                        (!isa<linalg::FillOp>(prev) && !touches(prev))))
          prev = prev->getPrevNode();
        fill = dyn_cast_or_null<linalg::FillOp>(prev);
        if (fill && fill.hasPureBufferSemantics() &&
            fill.getDpsInitOperand(0)->get() ==
                generic.getDpsInitOperand(0)->get())
          config->initial = fill.getDpsInputOperand(0)->get();
        else
          fill = nullptr;
      }
      bool fused = false;
      linalg::GenericOp consumer = config->epilogue;
      LogicalResult done = vectorizeOne(rewriter, generic, *config, fused);
      if (fill && succeeded(done))
        rewriter.eraseOp(fill);
      if (fused) {
        erased.insert(consumer);
        rewriter.eraseOp(consumer);
      }
    }

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
      (void)applyPatternsGreedily(func, std::move(patterns));
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
    hoist();
    linalg::hoistRedundantVectorTransfers(func);

    if (!lowerVectors)
      return;
    // 3. Lower to 1-D vector ops, one family at a time.
    auto apply = [&](llvm::function_ref<void(RewritePatternSet &)> populate) {
      RewritePatternSet patterns(ctx);
      populate(patterns);
      vector::ExtractOp::getCanonicalizationPatterns(patterns, ctx);
      vector::BroadcastOp::getCanonicalizationPatterns(patterns, ctx);
      vector::ShapeCastOp::getCanonicalizationPatterns(patterns, ctx);
      vector::TransposeOp::getCanonicalizationPatterns(patterns, ctx);
      (void)applyPatternsGreedily(func, std::move(patterns));
    };
    // Folded views left transfers that skip trailing unit dimensions: make
    // them minor identities again before their permutations are lowered.
    apply([&](RewritePatternSet &patterns) {
      nn::populateDropTrailingUnitDimsPatterns(patterns);
    });
    apply([&](RewritePatternSet &patterns) {
      vector::populateVectorContractLoweringPatterns(
          patterns, vector::VectorContractLowering::OuterProduct);
      vector::populateVectorOuterProductLoweringPatterns(patterns);
    });
    apply([&](RewritePatternSet &patterns) {
      vector::populateVectorMultiReductionLoweringPatterns(
          patterns, vector::VectorMultiReductionLowering::InnerParallel);
    });
    apply([&](RewritePatternSet &patterns) {
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      vector::populateVectorBroadcastLoweringPatterns(patterns);
      vector::populateVectorTransposeLoweringPatterns(
          patterns, vector::VectorTransposeLowering::EltWise);
      vector::populateVectorMaskOpLoweringPatterns(patterns);
      vector::populateVectorStepLoweringPatterns(patterns);
    });
    apply([&](RewritePatternSet &patterns) {
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorTransferDropUnitDimsPatterns(patterns);
    });
    apply([&](RewritePatternSet &patterns) {
      populateVectorToSCFConversionPatterns(
          patterns,
          VectorTransferToSCFOptions().setTargetRank(1).enableFullUnroll());
    });
    apply([&](RewritePatternSet &patterns) {
      vector::populateVectorTransferLoweringPatterns(patterns,
                                                     /*maxTransferRank=*/1);
      vector::populateVectorShapeCastLoweringPatterns(patterns);
      vector::populateVectorBroadcastLoweringPatterns(patterns);
    });

    // The tile loops already hold register-sized bodies (a contraction's
    // outer products, whole-channel vectors): LLVM's unroller would only
    // multiply the code (and the compile time), so it is told not to.
    auto noUnroll = LLVM::LoopAnnotationAttr::get(
        ctx, /*disableNonforced=*/nullptr, /*vectorize=*/nullptr,
        /*interleave=*/nullptr,
        LLVM::LoopUnrollAttr::get(ctx, /*disable=*/BoolAttr::get(ctx, true),
                                  nullptr, nullptr, nullptr, nullptr, nullptr,
                                  nullptr),
        /*unrollAndJam=*/nullptr, /*licm=*/nullptr, /*distribute=*/nullptr,
        /*pipeline=*/nullptr, /*peeled=*/nullptr, /*unswitch=*/nullptr,
        /*mustProgress=*/nullptr, /*isVectorized=*/nullptr,
        /*startLoc=*/nullptr, /*endLoc=*/nullptr, /*parallelAccesses=*/{});
    // Threads: marked tile loops (no loop-carried values, more than one
    // iteration) become scf.parallel, for convert-scf-to-openmp. Each
    // iteration computes its own output slice with the same operations in
    // the same order, so results do not depend on the thread count.
    if (parallel) {
      SmallVector<scf::ForOp> marked;
      func.walk([&](scf::ForOp loop) {
        if (loop->hasAttr(kParallelAttr))
          marked.push_back(loop);
      });
      for (scf::ForOp loop : marked) {
        loop->removeAttr(kParallelAttr);
        if (loop.getNumRegionIterArgs() != 0 ||
            loop->getParentOfType<scf::ParallelOp>())
          continue;
        std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
        std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
        std::optional<int64_t> step = getConstantIntValue(loop.getStep());
        if (lb && ub && step && *ub - *lb <= *step)
          continue;
        // Few iterations (the 3 kernel rows of a weight gradient split 2:1
        // over two cores) take in the perfectly nested constant tile loops
        // below, as one loop over their linearized index.
        auto trips = [](scf::ForOp l) -> std::optional<int64_t> {
          std::optional<int64_t> lo = getConstantIntValue(l.getLowerBound());
          std::optional<int64_t> hi = getConstantIntValue(l.getUpperBound());
          std::optional<int64_t> st = getConstantIntValue(l.getStep());
          if (!lo || !hi || !st || *st <= 0 || *hi <= *lo)
            return std::nullopt;
          return (*hi - *lo + *st - 1) / *st;
        };
        SmallVector<scf::ForOp> nest = {loop};
        int64_t total = trips(loop).value_or(0);
        while (total > 0 && total < 16) {
          Block *b = nest.back().getBody();
          auto inner = dyn_cast<scf::ForOp>(&b->front());
          if (!inner || b->getOperations().size() != 2 ||
              inner.getNumRegionIterArgs() != 0 || !trips(inner))
            break;
          nest.push_back(inner);
          total *= *trips(inner);
        }
        Location loc = loop.getLoc();
        rewriter.setInsertionPoint(loop);
        scf::ParallelOp par;
        if (nest.size() == 1) {
          par = scf::ParallelOp::create(
              rewriter, loc, ValueRange{loop.getLowerBound()},
              ValueRange{loop.getUpperBound()}, ValueRange{loop.getStep()});
        } else {
          par = scf::ParallelOp::create(
              rewriter, loc,
              ValueRange{arith::ConstantIndexOp::create(rewriter, loc, 0)},
              ValueRange{arith::ConstantIndexOp::create(rewriter, loc, total)},
              ValueRange{arith::ConstantIndexOp::create(rewriter, loc, 1)});
        }
        Block *body = par.getBody();
        rewriter.eraseOp(body->getTerminator());
        SmallVector<Value> ivs;
        if (nest.size() == 1) {
          ivs.push_back(body->getArgument(0));
        } else {
          // iv_i = lb_i + ((index / inner trips) mod trips_i) * step_i.
          rewriter.setInsertionPointToStart(body);
          int64_t inner = total;
          for (scf::ForOp l : nest) {
            int64_t t = *trips(l);
            inner /= t;
            auto c = [&](int64_t v) {
              return arith::ConstantIndexOp::create(rewriter, loc, v);
            };
            Value q = arith::DivUIOp::create(rewriter, loc,
                                             body->getArgument(0), c(inner));
            Value r = arith::RemUIOp::create(rewriter, loc, q, c(t));
            Value scaled = arith::MulIOp::create(
                rewriter, loc, r, c(*getConstantIntValue(l.getStep())));
            ivs.push_back(arith::AddIOp::create(
                rewriter, loc, scaled,
                c(*getConstantIntValue(l.getLowerBound()))));
          }
        }
        rewriter.inlineBlockBefore(nest.back().getBody(), body, body->end(),
                                   ValueRange{ivs.back()});
        for (unsigned i = 0; i + 1 < nest.size(); ++i)
          rewriter.replaceAllUsesWith(nest[i].getInductionVar(), ivs[i]);
        auto yield = cast<scf::YieldOp>(body->getTerminator());
        rewriter.setInsertionPoint(yield);
        rewriter.replaceOpWithNewOp<scf::ReduceOp>(yield);
        rewriter.eraseOp(loop);
      }
    } else {
      func.walk([&](scf::ForOp loop) { loop->removeAttr(kParallelAttr); });
    }
    func.walk([&](scf::ForOp loop) {
      bool vectorBody = false;
      loop.getBody()->walk([&](Operation *op) {
        if (isa<vector::VectorDialect>(op->getDialect()))
          vectorBody = true;
      });
      if (vectorBody)
        loop->setAttr("loop_annotation", noUnroll);
    });
  }
};

} // namespace
