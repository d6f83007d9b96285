//===- SplitReductions.cpp - channel reductions over threads --------------===//
//
// `codegen-split-reductions` (before codegen-vectorize, with threads): a
// reduction into the channels (batch-norm statistics and their backward sums,
// bias gradients) has no parallel tile loop worth threads: its parallel
// dimension is a few registers wide. A convolution's weight gradient (a sum
// over the batch and the pixels into a few thousand weights) has a few tiles
// only: the 3 kernel rows of the Fashion CNN's first one, 3 tiles of input
// channels in the ResNet block's, split 2:1 over two threads; the first also
// reads the whole batch's output gradient on each thread. Either is split into
// a fixed number of chunks of its outermost reduction dimension (the batch),
// each summed into its own partial result (in parallel), then the partials are
// added to the output in chunk order. The chunk count is a constant, so the
// result does not depend on the number of threads; the order of the sums
// differs from the scalar loops' one (partial sums, as in a pairwise
// summation).
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "VectorizeInternal.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENSPLITREDUCTIONS
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;
using namespace mlir::nn::vectorize;

namespace {

/// Chunks of a split reduction (and so at most this many threads).
constexpr int64_t kChunks = 4;
/// Iterations a reduction needs to be split (as for threads in element-wise
/// ops: below, the fork and join cost more than the second core gains).
constexpr double kSplitElements = 1 << 18;
/// Multiply-adds a contraction needs to be split: 2^19 cycles of 8-lane FMAs
/// at 2 a cycle (codegen-plan-tiles' threshold for threads on AVX2; this
/// pass does not know the target, so on AVX-512 it splits from half that
/// threshold), and outputs it may have at most (beyond, its tiles are enough
/// for threads).
constexpr double kSplitMultiplyAdds = double(1 << 19) * 8 * 2;
constexpr double kSplitContractionOutputs = 1 << 15;

/// True if every result is `out_i + f(...)` with `out_i` used only there:
/// partial sums can then be added up.
bool isSumBody(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  for (auto [i, value] : llvm::enumerate(yield.getValues())) {
    BlockArgument acc = body.getArgument(op.getNumDpsInputs() + i);
    auto add = value.getDefiningOp<arith::AddFOp>();
    if (!add || (add.getLhs() != acc && add.getRhs() != acc) ||
        !acc.hasOneUse() || add.getLhs() == add.getRhs())
      return false;
  }
  return true;
}

/// The position of dimension `d` among the results of `map` (alone), or -1
/// if the map does not use it; failure if it uses it otherwise.
FailureOr<int64_t> positionOf(AffineMap map, unsigned d) {
  int64_t pos = -1;
  for (auto [i, e] : llvm::enumerate(map.getResults())) {
    if (!e.isFunctionOfDim(d))
      continue;
    auto dim = dyn_cast<AffineDimExpr>(e);
    if (!dim || pos != -1)
      return failure();
    pos = i;
  }
  return pos;
}

LogicalResult splitOne(RewriterBase &rewriter, linalg::GenericOp op) {
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  if (iters.empty() || op.getNumParallelLoops() == 0 || !isSumBody(op) ||
      !hasVectorizableBody(op))
    return failure();
  // Worth it: the parallel part is small (no threads, or too few tiles
  // for them, otherwise), the reduction large. The dimension split into
  // chunks: a channel reduction's first loop, a contraction's first
  // reduction loop.
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  double parallelPart = 1, total = 1;
  for (auto [d, r] : llvm::enumerate(ranges)) {
    double e = ShapedType::isDynamic(r) ? 64 : double(r);
    total *= e;
    if (iters[d] == utils::IteratorType::parallel)
      parallelPart *= e;
  }
  auto first = llvm::find(iters, utils::IteratorType::reduction);
  if (first == iters.end())
    return failure();
  bool channels =
      first == iters.begin() && total >= kSplitElements && parallelPart <= 1024;
  bool contraction = isMulAddBody(op) && total >= kSplitMultiplyAdds &&
                     parallelPart <= kSplitContractionOutputs;
  if (!channels && !contraction)
    return failure();
  unsigned split = first - iters.begin();
  if (!ShapedType::isDynamic(ranges[split]) && ranges[split] < 2 * kChunks)
    return failure();
  // Inputs are sliced along that dimension; outputs must not use it.
  SmallVector<int64_t> inputPos;
  for (OpOperand *in : op.getDpsInputOperands()) {
    FailureOr<int64_t> pos = positionOf(op.getMatchingIndexingMap(in), split);
    if (failed(pos) || !isa<MemRefType>(in->get().getType()))
      return failure();
    inputPos.push_back(*pos);
  }
  for (OpOperand &init : op.getDpsInitsMutable())
    if (op.getMatchingIndexingMap(&init).isFunctionOfDim(split) ||
        !cast<MemRefType>(init.get().getType()).hasStaticShape())
      return failure();

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  auto c = [&](int64_t v) {
    return arith::ConstantIndexOp::create(rewriter, loc, v);
  };
  // The extent of the split dimension, from the first input that has it.
  Value extent;
  for (auto [in, pos] : llvm::zip(op.getDpsInputOperands(), inputPos))
    if (pos >= 0 && !extent)
      extent = getValueOrCreateConstantIndexOp(
          rewriter, loc, memref::getMixedSize(rewriter, loc, in->get(), pos));
  if (!extent)
    return failure();

  // partials_i: [kChunks, out_i shape...], zero.
  Value zero = arith::ConstantOp::create(
      rewriter, loc, rewriter.getFloatAttr(rewriter.getF32Type(), 0.0));
  SmallVector<Value> partials;
  for (Value out : op.getDpsInits()) {
    auto type = cast<MemRefType>(out.getType());
    if (!type.getElementType().isF32())
      return failure();
    SmallVector<int64_t> shape = {kChunks};
    llvm::append_range(shape, type.getShape());
    Value p = memref::AllocOp::create(
        rewriter, loc, MemRefType::get(shape, type.getElementType()),
        rewriter.getI64IntegerAttr(64));
    linalg::FillOp::create(rewriter, loc, ValueRange{zero}, ValueRange{p});
    partials.push_back(p);
  }

  // Chunk p covers [p * size, min((p + 1) * size, extent)).
  Value size = arith::CeilDivUIOp::create(rewriter, loc, extent, c(kChunks));
  auto par = scf::ParallelOp::create(rewriter, loc, ValueRange{c(0)},
                                     ValueRange{c(kChunks)}, ValueRange{c(1)});
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(par.getBody());
    Value p = par.getInductionVars()[0];
    Value lo = arith::MinUIOp::create(
        rewriter, loc, arith::MulIOp::create(rewriter, loc, p, size), extent);
    Value hi = arith::MinUIOp::create(
        rewriter, loc, arith::AddIOp::create(rewriter, loc, lo, size), extent);
    Value len = arith::SubIOp::create(rewriter, loc, hi, lo);
    SmallVector<Value> operands;
    for (auto [in, pos] : llvm::zip(op.getDpsInputOperands(), inputPos)) {
      Value v = in->get();
      if (pos < 0) {
        operands.push_back(v);
        continue;
      }
      auto type = cast<MemRefType>(v.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes = memref::getMixedSizes(rewriter, loc, v);
      SmallVector<OpFoldResult> strides(type.getRank(),
                                        rewriter.getIndexAttr(1));
      offsets[pos] = lo;
      sizes[pos] = len;
      operands.push_back(
          memref::SubViewOp::create(rewriter, loc, v, offsets, sizes, strides));
    }
    for (Value partial : partials) {
      auto type = cast<MemRefType>(partial.getType());
      int64_t rank = type.getRank();
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      offsets[0] = p;
      SmallVector<OpFoldResult> sizes;
      sizes.push_back(rewriter.getIndexAttr(1));
      for (int64_t d = 1; d < rank; ++d)
        sizes.push_back(rewriter.getIndexAttr(type.getDimSize(d)));
      SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
      auto reduced = memref::SubViewOp::inferRankReducedResultType(
          type.getShape().drop_front(), type, offsets, sizes, strides);
      operands.push_back(
          memref::SubViewOp::create(rewriter, loc, cast<MemRefType>(reduced),
                                    partial, offsets, sizes, strides));
    }
    Operation *chunk = rewriter.clone(*op);
    chunk->setOperands(operands);
  }

  // out_i += partial_i[0] + ... in chunk order.
  for (auto [out, partial] : llvm::zip(op.getDpsInits(), partials)) {
    auto type = cast<MemRefType>(out.getType());
    int64_t rank = type.getRank();
    SmallVector<Value> ins;
    for (int64_t p = 0; p < kChunks; ++p) {
      SmallVector<OpFoldResult> offsets(rank + 1, rewriter.getIndexAttr(0));
      offsets[0] = rewriter.getIndexAttr(p);
      SmallVector<OpFoldResult> sizes = {rewriter.getIndexAttr(1)};
      for (int64_t d : type.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      SmallVector<OpFoldResult> strides(rank + 1, rewriter.getIndexAttr(1));
      auto ptype = cast<MemRefType>(partial.getType());
      auto reduced = memref::SubViewOp::inferRankReducedResultType(
          type.getShape(), ptype, offsets, sizes, strides);
      ins.push_back(
          memref::SubViewOp::create(rewriter, loc, cast<MemRefType>(reduced),
                                    partial, offsets, sizes, strides));
    }
    SmallVector<AffineMap> maps(kChunks + 1,
                                rewriter.getMultiDimIdentityMap(rank));
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    linalg::GenericOp::create(rewriter, loc, ins, ValueRange{out}, maps,
                              parallel,
                              [](OpBuilder &b, Location l, ValueRange args) {
                                Value acc = args.back();
                                for (Value v : args.drop_back())
                                  acc = arith::AddFOp::create(b, l, acc, v);
                                linalg::YieldOp::create(b, l, acc);
                              });
  }
  rewriter.setInsertionPointAfter(op);
  for (Value partial : partials)
    memref::DeallocOp::create(rewriter, loc, partial);
  rewriter.eraseOp(op);
  return success();
}

} // namespace

void mlir::nn::vectorize::splitReductions(Operation *func) {
  SmallVector<linalg::GenericOp> candidates;
  func->walk([&](linalg::GenericOp op) {
    if (op.hasPureBufferSemantics() && !insideBlocksOfImages(op))
      candidates.push_back(op);
  });
  IRRewriter rewriter(func->getContext());
  for (linalg::GenericOp op : candidates)
    (void)splitOne(rewriter, op);
}

namespace {
struct CodegenSplitReductionsPass
    : nn::impl::CodegenSplitReductionsBase<CodegenSplitReductionsPass> {
  void runOnOperation() override { splitReductions(getOperation()); }
};
} // namespace
