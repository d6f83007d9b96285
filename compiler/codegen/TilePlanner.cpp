//===- TilePlanner.cpp - how codegen-plan-tiles tiles one linalg op -------===//
//
// `codegen-plan-tiles`: the tile plan of each linalg op on buffers, recorded
// on the op as a #nn.tile_plan (`codegen.plan`): which dimension becomes
// vectors, a contraction's register block (rows x lanes, from a throughput
// model of the target), cache blocking of its outermost reduction, the order
// of the tile loops and whether the op runs on threads.
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "VectorizeInternal.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "codegen-plan-tiles"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENPLANTILES
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;
using namespace mlir::nn::vectorize;

bool mlir::nn::vectorize::hasVectorizableBody(linalg::LinalgOp op) {
  for (Operation &nested : *op.getBlock()) {
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
bool mlir::nn::vectorize::isMulAddBody(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return false;
  Block &body = *op.getBlock();
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

namespace {

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

bool usesDim(AffineMap map, unsigned d) { return map.isFunctionOfDim(d); }

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

/// Elements between the accesses of `memref` through `map` in two
/// consecutive iterations of loop `d` (nullopt when the layout is not
/// strided, a stride is dynamic, or an index has a floordiv or mod, which
/// move by different amounts from one iteration to the next).
std::optional<int64_t> loopStride(Value memref, AffineMap map, unsigned d) {
  auto type = cast<MemRefType>(memref.getType());
  int64_t offset;
  SmallVector<int64_t> strides;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return std::nullopt;
  MLIRContext *ctx = map.getContext();
  SmallVector<AffineExpr> at0(map.getNumDims(), getAffineConstantExpr(0, ctx));
  SmallVector<AffineExpr> at1 = at0;
  at1[d] = getAffineConstantExpr(1, ctx);
  int64_t total = 0;
  for (auto [i, e] : llvm::enumerate(map.getResults())) {
    bool linear = true;
    e.walk([&](AffineExpr sub) {
      if (sub.getKind() == AffineExprKind::FloorDiv ||
          sub.getKind() == AffineExprKind::CeilDiv ||
          sub.getKind() == AffineExprKind::Mod)
        linear = false;
    });
    if (!linear)
      return std::nullopt;
    auto c0 = dyn_cast<AffineConstantExpr>(e.replaceDims(at0));
    auto c1 = dyn_cast<AffineConstantExpr>(e.replaceDims(at1));
    if (!c0 || !c1)
      return std::nullopt;
    int64_t delta = c1.getValue() - c0.getValue();
    if (delta == 0)
      continue;
    if (ShapedType::isDynamic(strides[i]))
      return std::nullopt;
    total += delta * strides[i];
  }
  return total;
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
  explicit Planner(const nn::TargetModel &target)
      : target(target), lanes(target.lanes),
        accRegs(target.accumulatorRegisters) {}

  std::optional<TileConfig> plan(linalg::LinalgOp op) const {
    // (A gather's loads are checked once its vector dim is known.)
    bool gather = !hasVectorizableBody(op);
    for (OpOperand &operand : op->getOpOperands()) {
      Type type = operand.get().getType();
      // A scalar input (a generalized fill's value) is broadcast.
      if (type.isIntOrFloat() && op.isDpsInput(&operand))
        continue;
      auto t = dyn_cast<MemRefType>(type);
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
    if (gather && !gathersAlong(op, v))
      return std::nullopt;

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

    // finish() may drop the row tail the register block was chosen with:
    // then planned again without tails (for every row dim, also those
    // whose tail it would have kept: a rare case).
    TileConfig base = config;
    if (planContraction(op, v, ranges, config, /*tails=*/true)) {
      TileConfig done = finish(op, config);
      if (config.tailRows == 0 || done.tailRows > 0)
        return done;
      config = base;
      (void)planContraction(op, v, ranges, config, /*tails=*/false);
      return finish(op, config);
    }

    // Element-wise ops and reductions into the vector dimension: one vector
    // along v, everything else scalar loops.
    // A reduction into v (batch-norm statistics) streams its input once per
    // vector tile: one tile over all of v (up to 8 registers) reads whole
    // cache lines in order, where narrower tiles would read every other
    // part of each line, and the prefetchers fetch the rest anyway.
    bool reduction = op.getNumReductionLoops() != 0;
    int64_t best = 1;
    double bestScore = -1;
    auto tiles = vectorTiles(ev, lanes, (reduction ? 8 : 2) * lanes);
    auto pow2 = [&](int64_t d) {
      return llvm::isPowerOf2_64(d) &&
             (ev % d == 0 || llvm::isPowerOf2_64(ev % d));
    };
    bool anyPow2 = llvm::any_of(tiles, pow2);
    for (int64_t d : tiles) {
      // A reduction carries its accumulator through its loops, and LLVM
      // passes a vector between blocks in registers only when its width
      // is a power of two, otherwise lane by lane (a text CNN's pools and
      // batch norms over 100 channels as one 100- or 96-lane tile ran 3-6x
      // slower than their memory traffic): the tile and its remainder
      // must be powers of two (100 channels: 3 x 32 + 4).
      // (When none is, as 10 lanes on AVX-512, the best of the others.)
      if (reduction && anyPow2 && !pow2(d))
        continue;
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
  TileConfig finish(linalg::LinalgOp op, TileConfig config) const {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    auto ext = [&](unsigned d) {
      return ShapedType::isDynamic(ranges[d]) ? int64_t(64) : ranges[d];
    };
    auto tiles = [&](unsigned d) {
      int64_t t = config.tileSizes[d];
      return t == 0 ? int64_t(1) : (ext(d) + t - 1) / t;
    };
    SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
    auto firstReduction = llvm::find_if(config.interchange, [&](unsigned d) {
      return iters[d] != utils::IteratorType::parallel;
    });
    if (config.contraction) {
      // A stable insertion sort (a handful of loops).
      for (auto it = config.interchange.begin(); it != firstReduction; ++it)
        for (auto j = it;
             j != config.interchange.begin() && tiles(*(j - 1)) < tiles(*j);
             --j)
          std::iter_swap(j - 1, j);
    } else {
      // Element-wise ops and reductions stream their operands: only the loop
      // with the most tiles moves out, the others stay in the op's order,
      // which walks identity-mapped operands in memory order (sorted by
      // tiles, a ResNet block's relu gradient over 32 x 32 pixels in 8 x 4
      // Winograd rows walked the rows innermost, 2 KB apart: 0.42 ms on one
      // thread, 0.36 ms in memory order).
      auto most = std::max_element(
          config.interchange.begin(), firstReduction,
          [&](unsigned x, unsigned y) { return tiles(x) < tiles(y); });
      if (most != firstReduction)
        std::rotate(config.interchange.begin(), most, most + 1);
    }
    double work = 1;
    for (unsigned d = 0; d < op.getNumLoops(); ++d)
      work *= double(ext(d));
    // Other ops are memory bound: their threshold is on the data they move,
    // counted in streams (operands indexed by a parallel dim other than the
    // vector dim: a per-channel vector stays in the L1) against a copy's
    // two. A max pool's gradient reads four taps of its input per output
    // (the Fashion CNN's pool2, 200K outputs: 0.23 ms on one thread).
    double streams = 0;
    for (OpOperand &operand : op->getOpOperands()) {
      if (!isa<MemRefType>(operand.get().getType()))
        continue;
      AffineMap map = op.getMatchingIndexingMap(&operand);
      for (unsigned d = 0; d < op.getNumLoops(); ++d)
        if (d != config.vectorDim &&
            iters[d] == utils::IteratorType::parallel &&
            map.isFunctionOfDim(d)) {
          streams += 1;
          break;
        }
    }
    double traffic = work * std::max(streams, 2.0) / 2;
    // A contraction with few terms per output is memory bound too: the
    // Winograd transforms (a constant 8x8 matrix over a text CNN's rows:
    // 1.3 M outputs, 0.3-0.5 ms on one thread) count their outputs' traffic
    // as an element-wise op would.
    double outputs = 1;
    for (unsigned d = 0; d < op.getNumLoops(); ++d)
      if (iters[d] == utils::IteratorType::parallel)
        outputs *= double(ext(d));
    config.parallel =
        !insideBlocksOfImages(op) &&
        (config.contraction
             ? work >= kParallelFmaCycles * double(lanes) *
                           target.fmasPerCycle ||
                   outputs * std::max(streams, 2.0) / 2 >= kParallelElements
             : traffic >= kParallelElements);
    // A contraction's tail is split off its row loop inside the tile loops
    // before it (codegen-vectorize): the rows must not be the loop threads
    // share (head and tail would be two loops, each its own fork and join).
    if (config.tailRows > 0 && config.parallel) {
      auto first = llvm::find_if(config.interchange, [&](unsigned d) {
        return config.tileSizes[d] != 0 && tiles(d) > 1;
      });
      // (The rows have more than one tile when there is a tail.)
      assert(first != config.interchange.end());
      if (*first == config.mDim)
        config.tailRows = config.tailTiles = 0;
    }
    return config;
  }

  /// `out[.., m, .., v] += lhs[.., m, .., k, ..] * rhs[.., k, .., v]`: picks
  /// the register block m x v and the kept reduction dim k (and a row tail,
  /// if `tails`).
  bool planContraction(linalg::LinalgOp op, unsigned v,
                       ArrayRef<int64_t> ranges, TileConfig &config,
                       bool tails) const {
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
    int lhsIndex = 0;
    if (usesDim(a, v)) {
      std::swap(a, b);
      std::swap(lhsVal, rhsVal);
      lhsIndex = 1;
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
        packInput = 1 - lhsIndex;
        for (int64_t i = 0; i < type.getRank(); ++i)
          if (i != static_cast<int64_t>(*pos))
            packPerm.push_back(i);
        packPerm.push_back(*pos);
        b = b.getSubMap(llvm::to_vector_of<unsigned>(packPerm));
      }
    }
    int64_t ev = ranges[v];
    SmallVector<unsigned> reds;
    for (unsigned d = 0; d < numLoops; ++d)
      if (iters[d] == utils::IteratorType::reduction)
        reds.push_back(d);
    // The rhs a tile reads: `w` lanes at each step of the reduction dims it
    // uses. When that panel does not stay in the L1 (half of it: the lhs
    // rows and the outputs need the rest), every step fetches its lanes
    // from the L2: whole cache lines, one more when the panel's rows are
    // not line-aligned (a 100-channel weight: 400-byte rows).
    int64_t rhsSteps = 1;
    for (unsigned d : reds)
      if (usesDim(b, d))
        rhsSteps *= ShapedType::isDynamic(ranges[d]) ? 64 : ranges[d];
    constexpr int64_t kLine = 64;
    bool alignedRows = (ev * 4) % kLine == 0;
    auto l2Cycles = [&](int64_t w) {
      if (rhsSteps * w * 4 <= target.l1Bytes / 2)
        return 0.0;
      int64_t lines = (w * 4 + kLine - 1) / kLine + (alignedRows ? 0 : 1);
      return double(lines * kLine) / double(target.l2BytesPerCycle);
    };
    // The register block r x vt: rows of m (broadcast loads of lhs) times
    // registers of v (vector loads of rhs). Scored by a throughput model of
    // one reduction step of every tile, remainder tiles included: the
    // target's FMAs and loads per cycle, each accumulator's FMA chain needs
    // the FMA latency, and a streamed rhs the L2's bandwidth.
    auto chunks = [&](int64_t w) { return (w + lanes - 1) / lanes; };
    auto cycles = [&](int64_t rows, int64_t w) {
      double fmas = double(rows * chunks(w));
      return std::max({fmas / target.fmasPerCycle,
                       double(rows + chunks(w)) / target.loadsPerCycle,
                       double(target.fmaLatency), l2Cycles(w)});
    };
    struct Choice {
      unsigned m;
      int64_t r, vt;
      double score;
      int64_t tailRows = 0, tailTiles = 0;
      bool known = false;
    };
    // A constant lhs over few steps (a Winograd transform's matrix) is read
    // at compile time by the kernel when a tile holds all of its rows: the
    // rows' offsets are then known (zeros skipped, 1 and -1 an add and a
    // subtract). Such a block beats any other; on AVX2, 2 rows x 4 registers
    // would otherwise beat 4 x 2 on ties and bring back the dense FMAs (the
    // Fashion CNN's Winograd inference, x86-64-v3 with a 1 MB L2: 4.73 ->
    // 4.52 ms on 1 thread).
    int64_t allSteps = 1;
    for (unsigned d : reds) {
      allSteps *= ShapedType::isDynamic(ranges[d]) ? nn::kMaxConstantSteps + 1
                                                   : ranges[d];
      if (allSteps > nn::kMaxConstantSteps)
        break;
    }
    bool constantLhs =
        allSteps <= nn::kMaxConstantSteps && nn::isConstantView(lhsVal);
    std::optional<Choice> best;
    for (unsigned m = 0; m < numLoops; ++m) {
      if (m == v || iters[m] != utils::IteratorType::parallel ||
          !usesDim(a, m) || usesDim(b, m) || !usesDim(out, m))
        continue;
      bool dynamic = ShapedType::isDynamic(ranges[m]);
      // A dynamic extent (the batch) is scored as 64.
      int64_t em = dynamic ? 64 : ranges[m];
      for (int64_t vt : vectorTiles(ev, lanes, 8 * lanes)) {
        // Up to 8 rows; 16 when one register covers the whole vector dim
        // (at most 16 output channels) and the rows' extent is known: 8
        // such rows leave two FMA pipes of latency 4 no slack (the ResNet
        // block's convolutions, 8 -> 16 rows on a Xeon: train step 7.98 ->
        // 7.31 ms), while a batch known only at run time could leave up to
        // 15 one-row tiles. The accumulators bound both.
        int64_t maxRows = (vt == ev && chunks(vt) == 1 && !dynamic) ? 16 : 8;
        for (int64_t r = 1; r <= std::min<int64_t>(em, maxRows); ++r) {
          // The accumulators, the step's rhs vectors (each read by every
          // row) and a broadcast must all be in registers, or LLVM spills
          // in the innermost loop (AVX2: 3 rows x 4 registers ran at half
          // the speed of 6 x 2).
          if (r * chunks(vt) > accRegs ||
              (r + 1) * chunks(vt) + 1 > target.vectorRegisters)
            continue;
          // n tiles of `rows` rows, across the whole vector dimension.
          auto rowTiles = [&](int64_t rows, int64_t n) {
            if (rows == 0 || n == 0)
              return 0.0;
            double time = double(n) * double(ev / vt) * cycles(rows, vt);
            if (ev % vt)
              time += double(n) * cycles(rows, ev % vt);
            return time;
          };
          // A dynamic extent's remainder rows run one row at a time
          // (codegen-vectorize): em % r tiles of one row.
          double time = dynamic ? rowTiles(r, em / r) + rowTiles(1, em % r)
                                : rowTiles(r, em / r) + rowTiles(em % r, 1);
          // A static extent's short remainder is latency-bound (2 pixels x
          // 2 registers: 4 FMA chains). A tail of smaller, equal tiles may
          // cover it and the last j full tiles instead: 32 pixels as
          // 6 + 6 + 6 + 6 + 4 + 4, not 6 x 5 + 2 (codegen-vectorize splits
          // the op there). Only where the vector dimension needs no
          // remainder tile of its own.
          int64_t tailRows = 0, tailTiles = 0;
          double tailTime = time;
          bool canTail = tails && !dynamic && em % r != 0 && ev % vt == 0;
          // (At least one full tile before the tail: a tail of all the
          // rows is another row block, scored as such.)
          for (int64_t j = 1; canTail && j <= 2 && j * r + em % r < em; ++j) {
            int64_t len = j * r + em % r;
            for (int64_t t = 1; t < r; ++t) {
              double tail = rowTiles(r, (em - len) / r) + rowTiles(t, len / t);
              if (len % t == 0 && tail < tailTime) {
                tailTime = tail;
                tailRows = t;
                tailTiles = len / t;
              }
            }
          }
          auto scoreOf = [&](double cycles) {
            double score = double(em * ev) / double(lanes) / cycles;
            if (dynamic)
              score *= 0.95;
            // Ties: larger blocks (fewer loop iterations); between row
            // dims, the later one (in a convolution, w rather than h: the
            // rows' broadcasts then read neighbouring pixels of one image
            // row, not eight image rows).
            return score + 1e-4 * double(r * vt) / double(8 * 8 * lanes);
          };
          // A tail only if it still scores better after a penalty that
          // outweighs the ties (one loop nest, not two; on a Zen 3 the
          // Fashion CNN's conv2 ran as fast as 5 + 5 + 4 pixels as
          // 6 + 4 + 4).
          double score = scoreOf(time);
          if (tailRows > 0 && scoreOf(tailTime) - 2e-4 > score)
            score = scoreOf(tailTime) - 2e-4;
          else
            tailRows = tailTiles = 0;
          bool known = constantLhs && !dynamic && r == em;
          if (!best || known > best->known ||
              (known == best->known &&
               (score > best->score || (score == best->score && m != best->m))))
            best = Choice{m, r, vt, score, tailRows, tailTiles, known};
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
    config.tailRows = best->tailRows;
    config.tailTiles = best->tailTiles;
    // The kernel runs all the reduction loops of a tile itself.
    for (unsigned d = 0; d < numLoops; ++d)
      if (iters[d] == utils::IteratorType::reduction)
        config.tileSizes[d] = 0;

    // Cache blocking: when the reduction streams more than fits in half the
    // L2 for every output tile (or more than 8 L1s, below), block the
    // outermost reduction loop outside the tiles. The sum of each output
    // element keeps its order.
    auto ext = [&](unsigned d) {
      return ShapedType::isDynamic(ranges[d]) ? int64_t(64) : ranges[d];
    };
    // The tiles that read the same operand window: those of the parallel
    // dims its map does not use.
    auto readersOf = [&](AffineMap map) {
      int64_t readers = 1;
      for (unsigned d = 0; d < numLoops; ++d)
        if (iters[d] == utils::IteratorType::parallel && !usesDim(map, d)) {
          int64_t t = config.tileSizes[d] == 0 ? ext(d) : config.tileSizes[d];
          readers *= (ext(d) + t - 1) / t;
        }
      return readers;
    };
    int64_t parallelTiles = 1, reduction = 1;
    for (unsigned d = 0; d < numLoops; ++d) {
      if (iters[d] == utils::IteratorType::parallel) {
        int64_t t = config.tileSizes[d] == 0 ? ext(d) : config.tileSizes[d];
        parallelTiles *= (ext(d) + t - 1) / t;
      } else {
        reduction *= ext(d);
      }
    }
    // Half of the L2 for what one tile streams. Its lhs rows pull 4 bytes
    // a row at each step when the innermost reduction loop moves along the
    // rows (a matmul's rows of k share each line with the next 15 steps);
    // otherwise whole new lines (a weight gradient's r channels of the next
    // pixel: a 64-byte line for 16 bytes; counted as 16, a Zen 3 conv
    // weight gradient got a batch block of 16 where 8 ran 1.5x faster).
    int64_t lhsStep = best->r * 4;
    // (Its innermost reduction loop is the last of extent > 1: a unit one,
    // like a text CNN's 1-pixel-wide w, runs once per step of the others.)
    unsigned innerRed = reds.back();
    for (unsigned d : llvm::reverse(reds))
      if (ext(d) != 1) {
        innerRed = d;
        break;
      }
    auto inner = loopStride(lhsVal, a, innerRed);
    if (!inner || std::abs(*inner) * 4 >= kLine) {
      auto row = loopStride(lhsVal, a, best->m);
      lhsStep = row && std::abs(*row) == 1
                    ? kLine * ((best->r * 4 + kLine - 1) / kLine)
                    : kLine * best->r;
      // Such an lhs is first transposed, so that the innermost reduction
      // dim is its innermost and each step reads r floats of lines the next
      // steps reuse, when it streams from the L2, at least 4 tiles read it
      // (those of the parallel dims it does not use), and the step's lines
      // keep the L2 busy for at least half of the step's FMA time. On a
      // Zen 3 (32 bytes a cycle): the Fashion conv2 filter gradient 6.8 ->
      // 5.4 ms for a 0.3 ms copy, the text CNN's three 24.8 -> 20.4 ms for
      // one 0.55 ms copy they share (codegen-vectorize).
      int64_t lhsSteps = 1;
      for (unsigned d : reds)
        if (usesDim(a, d))
          lhsSteps *= ext(d);
      SmallVector<unsigned> innerResults;
      for (auto [i, e] : llvm::enumerate(a.getResults()))
        if (e.isFunctionOfDim(innerRed))
          innerResults.push_back(i);
      double stepCycles =
          std::max(double(best->r * chunks(best->vt)) / target.fmasPerCycle,
                   double(target.fmaLatency));
      double l2StepCycles =
          l2Cycles(best->vt) + double(lhsStep) / target.l2BytesPerCycle;
      if (config.packInput < 0 && innerResults.size() == 1 &&
          innerResults[0] + 1 != a.getNumResults() && readersOf(a) >= 4 &&
          lhsSteps * lhsStep > target.l1Bytes / 2 &&
          2 * l2StepCycles >= stepCycles) {
        config.packInput = lhsIndex;
        config.packPerm.clear();
        for (unsigned i = 0; i < a.getNumResults(); ++i)
          if (i != innerResults[0])
            config.packPerm.push_back(i);
        config.packPerm.push_back(innerResults[0]);
        lhsStep = best->r * 4;
      }
    }
    int64_t footprint = (lhsStep + best->vt * 4) * reduction;
    unsigned r0 = reds.front();
    int64_t per =
        std::max<int64_t>(footprint / std::max<int64_t>(ext(r0), 1), 1);
    // The block streams what fits in the (whole) L1 when one step of r0
    // fits in half of it, meant for the next tiles (a convolution's other
    // taps, the other column tiles) to re-read it from there. Measured on a
    // Zen 3: the Fashion conv2 filter gradient ran 6.1 -> 5.1 ms with a
    // batch block of 2 instead of 16, the text CNN's 5.6 -> 5.0 ms (4, not
    // 32); blocks of 1 ran as fast as 2. Otherwise the block is one step:
    // the next tiles re-read it from the L2 either way, and the stream from
    // the L3 spreads over the whole loop instead of coming in bursts for
    // the first tile of each block (the ResNet block's filter gradients, 34
    // KB per image and tile: 0.86 -> 0.73 ms on a Zen 4 in blocks of 1
    // image instead of 16, half the L2).
    bool l1Blocks = per <= target.l1Bytes / 2;
    // Such L1 blocks pay even when the whole stream fits in the L2, once it
    // is more than 8 L1s that at least 4 tiles re-read from the L2: on a
    // 2 MB-L2 Xeon the text CNN's filter gradients (a 640 KB stream per
    // tile, its input re-read by 4 tiles of channels and 3-5 taps) ran
    // 18.7 -> 13.9 ms in blocks of 4 images. (Not inside a block of
    // images, whose size codegen-block-images chose for the L2.)
    int64_t threshold = target.l2Bytes / 2;
    if (l1Blocks && !insideBlocksOfImages(op) &&
        std::max(readersOf(a), readersOf(b)) >= 4)
      threshold = std::min(threshold, 8 * target.l1Bytes);
    if (parallelTiles > 1 && footprint > threshold) {
      int64_t block = l1Blocks ? std::max<int64_t>(1, target.l1Bytes / per) : 1;
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
    // Panels: when a tile's rhs panel streams from the L2 and is read again
    // for several output tiles, copy it once into panels of vt lanes, each
    // contiguous: every step then reads whole, aligned lines in order (not
    // vt lanes out of each long row, straddling lines). The copy is read
    // once; each panel at least 4 times (by the tiles of the parallel dims
    // the rhs does not depend on).
    if (best->vt < ev && resultPos(b, v) == b.getNumResults() - 1 &&
        l2Cycles(best->vt) > 0 && readersOf(b) >= 4)
      config.packPanels = true;
    LLVM_DEBUG(llvm::dbgs() << "contraction m=" << best->m << " v=" << v
                            << " r=" << best->r << " vt=" << best->vt << "\n");
    return true;
  }

  nn::TargetModel target;
  int64_t lanes;
  int64_t accRegs;
};

} // namespace

std::optional<TileConfig>
mlir::nn::vectorize::planTiles(linalg::LinalgOp op, const TargetModel &target) {
  return Planner(target).plan(op);
}

nn::TilePlanAttr mlir::nn::vectorize::toPlanAttr(MLIRContext *ctx,
                                                 const TileConfig &config) {
  SmallVector<int64_t> interchange(config.interchange.begin(),
                                   config.interchange.end());
  return TilePlanAttr::get(
      ctx, config.tileSizes, interchange, config.contraction, config.vectorDim,
      config.contraction ? int64_t(config.mDim) : -1, config.lanes,
      config.parallel, config.packInput, config.packPerm, config.packPanels,
      config.outerDim, config.outerDim >= 0 ? config.outerBlock : 0,
      /*epilogue=*/false, /*storeAccumulators=*/false, config.tailRows,
      config.tailTiles);
}

TileConfig mlir::nn::vectorize::fromPlanAttr(TilePlanAttr plan) {
  TileConfig config;
  config.tileSizes.assign(plan.getTiles().begin(), plan.getTiles().end());
  for (int64_t d : plan.getInterchange())
    config.interchange.push_back(static_cast<unsigned>(d));
  config.contraction = plan.getContraction();
  config.vectorDim = plan.getVectorDim();
  config.mDim = plan.getContraction() ? plan.getMDim() : 0;
  config.lanes = plan.getLanes();
  config.parallel = plan.getParallel();
  config.packInput = plan.getPackInput();
  config.packPerm.assign(plan.getPackPerm().begin(), plan.getPackPerm().end());
  config.packPanels = plan.getPackPanels();
  config.outerDim = plan.getOuterDim();
  config.outerBlock = plan.getOuterBlock();
  config.storeAccumulators = plan.getStoreAccumulators();
  config.tailRows = plan.getTailRows();
  config.tailTiles = plan.getTailTiles();
  return config;
}

namespace {

struct CodegenPlanTilesPass
    : public nn::impl::CodegenPlanTilesBase<CodegenPlanTilesPass> {
  using CodegenPlanTilesBase::CodegenPlanTilesBase;

  nn::TargetModel targetModel() const {
    nn::TargetModel t;
    t.lanes = vectorLanes;
    t.vectorRegisters = vectorRegisters;
    t.accumulatorRegisters = accumulatorRegisters;
    t.fmaLatency = fmaLatency;
    t.fmasPerCycle = fmasPerCycle;
    t.loadsPerCycle = loadsPerCycle;
    t.l1Bytes = l1Bytes;
    t.l2Bytes = l2Bytes;
    t.l2BytesPerCycle = l2BytesPerCycle;
    return t;
  }

  void report(linalg::LinalgOp op, const TileConfig &config) {
    InFlightDiagnostic remark = op.emitRemark("plan: tiles [");
    llvm::interleaveComma(config.tileSizes, remark);
    remark << "]";
    if (config.contraction) {
      int64_t rows = config.tileSizes[config.mDim];
      remark << ", register block ";
      if (rows)
        remark << rows;
      else
        remark << "all";
      remark << " rows of d" << config.mDim << " x d" << config.vectorDim;
      if (config.tailRows > 0)
        remark << ", tail " << config.tailTiles << " x " << config.tailRows
               << " rows";
    }
    if (config.packInput >= 0) {
      remark << ", input " << config.packInput << " transposed [";
      llvm::interleaveComma(config.packPerm, remark);
      remark << "]";
    }
    if (config.packPanels)
      remark << ", rhs in panels";
    if (config.outerDim >= 0)
      remark << ", cache block " << config.outerBlock << " of d"
             << config.outerDim;
    remark << (config.parallel ? ", worth threads" : ", one thread");
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    nn::TargetModel target = targetModel();
    // Fills last, in the order codegen-vectorize takes the ops (its remarks
    // come in that order too).
    SmallVector<linalg::LinalgOp> ops, fills;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics())
        (isa<linalg::FillOp>(op) ? fills : ops).push_back(op);
    });
    ops.append(fills.begin(), fills.end());
    for (linalg::LinalgOp op : ops) {
      std::optional<TileConfig> config = planTiles(op, target);
      if (!config)
        continue;
      if (reportPlans)
        report(op, *config);
      op->setAttr(kPlanAttr, toPlanAttr(&getContext(), *config));
    }
  }
};

} // namespace
