//===- BlockImages.cpp - per-image chains one block of images at a time ---===//
//
// `codegen-block-images`: convolutions, pooling and their element-wise
// neighbours compute each image from the same image. Run op after op over
// the whole batch, each writes its output to memory and the next reads it
// back (the Fashion CNN's first convolution writes 6.4 MB at batch 64, its
// pool reads them). Tiled along the batch as one loop over blocks of images,
// with its producers fused in (upstream's tile-and-fuse on tensors), a
// chain keeps a block's intermediates in the L2, and the loop over blocks,
// when the chain has the work for threads, is the one loop they share.
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "VectorizeInternal.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENBLOCKIMAGES
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

/// Bytes of one image of `value` (a tensor whose dim 0 is the batch and
/// whose other dims are static), or nullopt.
std::optional<int64_t> bytesPerImage(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getRank() == 0 || !type.getElementType().isIntOrFloat() ||
      type.getElementTypeBitWidth() % 8 != 0)
    return std::nullopt;
  int64_t bytes = type.getElementTypeBitWidth() / 8;
  for (int64_t size : type.getShape().drop_front()) {
    if (ShapedType::isDynamic(size))
      return std::nullopt;
    bytes *= size;
  }
  return bytes;
}

/// Bytes of a value that does not depend on the batch (a filter), or
/// nullopt when its shape is not static.
std::optional<int64_t> bytesOf(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape() ||
      !type.getElementType().isIntOrFloat() ||
      type.getElementTypeBitWidth() % 8 != 0)
    return std::nullopt;
  return type.getNumElements() * (type.getElementTypeBitWidth() / 8);
}

/// An op of a chain and what it reads per image.
struct Member {
  /// The loop the batch passes through (linalg ops).
  unsigned batchLoop = 0;
  /// The operands that depend on the batch.
  SmallVector<Value> perImage;
  /// Iterations per image (a contraction's multiply-adds, an element-wise
  /// op's elements).
  int64_t iterations = 0;
  bool contraction = false;
};

class ChainFinder {
public:
  explicit ChainFinder(int64_t l2Bytes) : l2Bytes(l2Bytes) {}

  /// The ops of the chain that ends at `root` (root first), empty if there is
  /// none worth blocking.
  llvm::SetVector<Operation *> chainOf(Operation *root);
  /// The bytes the chain writes and reads from outside per image.
  int64_t footprint(const llvm::SetVector<Operation *> &chain);
  /// Whether the chain, for `batch` images, has the work for which the tile
  /// planner gives an op threads: its contractions' FMA cycles and its
  /// other ops' elements, as fractions of the planner's thresholds, add up
  /// to one or more.
  bool worthThreads(const llvm::SetVector<Operation *> &chain, int64_t batch,
                    int64_t lanes, double fmasPerCycle);
  /// The bytes per image of the values only the chain reads (what blocks
  /// keep in the L2): results of its ops but the root, fills and
  /// broadcasts (those are written over by their consumers).
  int64_t intermediates(const llvm::SetVector<Operation *> &chain);
  const Member &member(Operation *op) { return members.find(op)->second; }

  /// Whether the batch passes through `op` as a chain member needs it.
  bool admit(Operation *op);

private:
  int64_t l2Bytes;
  DenseMap<Operation *, Member> members;
  DenseMap<Operation *, bool> admitted;
};

bool ChainFinder::admit(Operation *op) {
  auto [it, inserted] = admitted.try_emplace(op, false);
  if (!inserted)
    return it->second;
  Member member;
  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    // The batch must not be padded, and the value padded with a constant.
    if (!bytesPerImage(pad.getSource()) || !bytesPerImage(pad.getResult()) ||
        pad.getStaticLow()[0] != 0 || pad.getStaticHigh()[0] != 0 ||
        !pad.getConstantPaddingValue())
      return false;
    member.perImage.push_back(pad.getSource());
    member.iterations = *bytesPerImage(pad.getResult()) /
                        (pad.getResultType().getElementTypeBitWidth() / 8);
  } else if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    if (!linalgOp.hasPureTensorSemantics() || op->getNumResults() != 1 ||
        linalgOp.getNumDpsInits() != 1 || !bytesPerImage(op->getResult(0)))
      return false;
    AffineMap out =
        linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0));
    if (out.getNumResults() == 0)
      return false;
    auto batch = dyn_cast<AffineDimExpr>(out.getResult(0));
    if (!batch || linalgOp.getIteratorTypesArray()[batch.getPosition()] !=
                      utils::IteratorType::parallel)
      return false;
    member.batchLoop = batch.getPosition();
    member.iterations = 1;
    member.contraction = nn::vectorize::isMulAddBody(linalgOp) &&
                         linalgOp.getNumReductionLoops() > 0;
    for (auto [d, range] : llvm::enumerate(linalgOp.getStaticLoopRanges()))
      if (d != member.batchLoop) {
        if (ShapedType::isDynamic(range))
          return false;
        member.iterations *= range;
      }
    int64_t weights = 0;
    for (OpOperand &operand : op->getOpOperands()) {
      AffineMap map = linalgOp.getMatchingIndexingMap(&operand);
      bool uses = false;
      for (auto [i, expr] : llvm::enumerate(map.getResults())) {
        if (!expr.isFunctionOfDim(member.batchLoop))
          continue;
        // Only as dim 0 itself: a slice of images is a slice of dim 0.
        if (i != 0 || expr != batch)
          return false;
        uses = true;
      }
      if (uses) {
        if (!bytesPerImage(operand.get()))
          return false;
        member.perImage.push_back(operand.get());
        continue;
      }
      if (!isa<RankedTensorType>(operand.get().getType()))
        continue; // A scalar (a fill's value).
      std::optional<int64_t> bytes = bytesOf(operand.get());
      if (!bytes)
        return false;
      weights += *bytes;
    }
    // Filters larger than this are read once per block: a dense layer's
    // 1.6 MB would be read once per image instead of once per call.
    if (weights > nn::maxBlockedFilterBytes(l2Bytes))
      return false;
  } else {
    return false;
  }
  members[op] = std::move(member);
  admitted[op] = true;
  return true;
}

llvm::SetVector<Operation *> ChainFinder::chainOf(Operation *root) {
  llvm::SetVector<Operation *> chain;
  if (!isa<linalg::LinalgOp>(root) || !admit(root))
    return chain;
  chain.insert(root);
  // (The root's destination is not a chain member: each block writes its
  // slice; block() fuses a fill or broadcast it accumulates onto.)
  auto inits = cast<DestinationStyleOpInterface>(root).getDpsInits();
  for (size_t i = 0; i < chain.size(); ++i)
    // (A copy: admitting a producer may grow `members`, moving its entries.)
    for (Value value : SmallVector<Value>(member(chain[i]).perImage))
      if (Operation *producer = value.getDefiningOp())
        if ((i > 0 || !llvm::is_contained(inits, value)) &&
            !chain.contains(producer) && admit(producer))
          chain.insert(producer);
  // A producer whose result is also used outside the chain stays outside;
  // so does one read twice in it (fusion computes a producer once per
  // slice read of it); then so do their own producers. A fill or a
  // broadcast, a destination, is cheap to compute once per reader.
  bool changed = true;
  while (changed) {
    changed = false;
    for (Operation *op : llvm::drop_begin(chain.getArrayRef())) {
      // (A tensor.dim, the batch size of a padded input read off the pad,
      // is no reader: block() has it read the size from elsewhere.)
      auto reads = [](OpOperand &use) {
        auto dim = dyn_cast<tensor::DimOp>(use.getOwner());
        return !dim || !dim.getConstantIndex();
      };
      bool inside = llvm::all_of(op->getUses(), [&](OpOperand &use) {
        return !reads(use) || chain.contains(use.getOwner());
      });
      inside &= isa<linalg::FillOp, linalg::BroadcastOp>(op) ||
                llvm::count_if(op->getUses(), reads) == 1;
      // A pad of a value computed outside: codegen-pad-in-place has its
      // producer write into the padded buffer, in a block it is copied. (An
      // argument is copied either way.)
      if (auto pad = dyn_cast<tensor::PadOp>(op))
        if (Operation *source = pad.getSource().getDefiningOp())
          inside &=
              chain.contains(source) || isa<bufferization::ToTensorOp>(source);
      if (!inside) {
        chain.remove(op);
        changed = true;
        break;
      }
    }
  }
  // Two ops that compute (not a fill or a broadcast of a bias) or more.
  int computing = llvm::count_if(chain, [](Operation *op) {
    return !isa<linalg::FillOp, linalg::BroadcastOp>(op);
  });
  if (computing < 2)
    chain.clear();
  return chain;
}

int64_t ChainFinder::footprint(const llvm::SetVector<Operation *> &chain) {
  int64_t bytes = 0;
  for (Operation *op : chain) {
    bytes += *bytesPerImage(op->getResult(0));
    for (Value value : member(op).perImage) {
      Operation *producer = value.getDefiningOp();
      // (An empty tensor is only a destination, never read.)
      if (!chain.contains(producer) &&
          !isa_and_nonnull<tensor::EmptyOp>(producer))
        bytes += *bytesPerImage(value);
    }
  }
  return bytes;
}

int64_t ChainFinder::intermediates(const llvm::SetVector<Operation *> &chain) {
  int64_t bytes = 0;
  for (Operation *op : llvm::drop_begin(chain.getArrayRef()))
    if (!isa<linalg::FillOp, linalg::BroadcastOp>(op))
      bytes += *bytesPerImage(op->getResult(0));
  return bytes;
}

bool ChainFinder::worthThreads(const llvm::SetVector<Operation *> &chain,
                               int64_t batch, int64_t lanes,
                               double fmasPerCycle) {
  double share = 0;
  for (Operation *op : chain) {
    const Member &m = member(op);
    double iterations = double(m.iterations) * double(batch);
    share += m.contraction ? iterations / (double(lanes) * fmasPerCycle) /
                                 nn::vectorize::kParallelFmaCycles
                           : iterations / nn::vectorize::kParallelElements;
  }
  return share >= 1;
}

/// Simplifies a block loop's body: the slices of empty tensors become
/// block-sized empty tensors (the buffers bufferization allocates per
/// block), and the guards tiled pads get against empty slices fold away
/// (their conditions are constants).
void cleanUp(scf::ForallOp loop) {
  MLIRContext *ctx = loop.getContext();
  RewritePatternSet patterns(ctx);
  tensor::populateFoldTensorEmptyPatterns(patterns);
  scf::IfOp::getCanonicalizationPatterns(patterns, ctx);
  affine::AffineMinOp::getCanonicalizationPatterns(patterns, ctx);
  affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
  tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns, ctx);
  tensor::EmptyOp::getCanonicalizationPatterns(patterns, ctx);
  tensor::DimOp::getCanonicalizationPatterns(patterns, ctx);
  SmallVector<Operation *> body;
  loop.getBody()->walk([&](Operation *op) { body.push_back(op); });
  GreedyRewriteConfig config;
  config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
  (void)applyOpPatternsGreedily(body, std::move(patterns), config);
}

struct CodegenBlockImagesPass
    : nn::impl::CodegenBlockImagesBase<CodegenBlockImagesPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    ChainFinder finder(l2Bytes);
    // Consumers first, so that each chain is maximal.
    SmallVector<Operation *> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (op->getParentOp() == func)
        ops.push_back(op);
    });
    DenseSet<Operation *> taken;
    for (Operation *root : llvm::reverse(ops)) {
      if (taken.contains(root))
        continue;
      llvm::SetVector<Operation *> chain = finder.chainOf(root);
      // Blocks pay when a batch's intermediates do not fit in the L2
      // (counted for 64 images when the batch is dynamic; the digits CNN's
      // 282 KB in a 512 KB L2 ran 10% slower in blocks of 24 images).
      if (chain.empty() ||
          batchSize(root) * finder.intermediates(chain) <= l2Bytes)
        continue;
      int64_t images =
          std::max<int64_t>(1, l2Bytes / 2 / finder.footprint(chain));
      // Its ops are gone after tiling; a producer outside may root another.
      for (Operation *op : chain)
        taken.insert(op);
      block(root, chain, finder, images, taken);
    }
    // The blocks' bounds may read the batch size from a root's destination
    // (a zero fill it accumulates onto): read it from what the fill fills,
    // or that fill would look shared and be copied (codegen-unshare-fills),
    // a whole unblocked write that nothing reads (the ResNet block's train
    // step: 0.2 ms per convolution along the rows).
    SmallVector<Operation *> dims;
    func.walk([&](tensor::DimOp op) { dims.push_back(op); });
    RewritePatternSet patterns(&getContext());
    tensor::DimOp::getCanonicalizationPatterns(patterns, &getContext());
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    (void)applyOpPatternsGreedily(dims, std::move(patterns), config);
    // The whole destinations fused into blocks, now unused: fills and
    // broadcasts of empty tensors.
    SmallVector<Operation *> unused;
    for (Operation &op : func.getBody().front())
      if (op.use_empty() && isa<linalg::FillOp, linalg::BroadcastOp>(op) &&
          cast<DestinationStyleOpInterface>(op)
              .getDpsInitOperand(0)
              ->get()
              .getDefiningOp<tensor::EmptyOp>())
        unused.push_back(&op);
    for (Operation *op : unused)
      op->erase();
  }

  static int64_t batchSize(Operation *root) {
    int64_t size =
        cast<RankedTensorType>(root->getResult(0).getType()).getDimSize(0);
    return ShapedType::isDynamic(size) ? 64 : size;
  }

  /// Tiles `root` along the batch in blocks of `images`, fusing `chain`
  /// (left as it is if upstream's tiling fails). A destination it fuses
  /// joins `taken` (runOnOperation erases it once nothing reads it).
  void block(Operation *root, const llvm::SetVector<Operation *> &chain,
             ChainFinder &finder, int64_t images,
             DenseSet<Operation *> &taken) {
    // (Measured before tiling erases the chain.)
    bool threads =
        finder.worthThreads(chain, batchSize(root), vectorLanes, fmasPerCycle);
    IRRewriter rewriter(root->getContext());
    rewriter.setInsertionPoint(root);
    auto consumer = cast<TilingInterface>(root);
    SmallVector<OpFoldResult> sizes(consumer.getLoopIteratorTypes().size(),
                                    rewriter.getIndexAttr(0));
    sizes[finder.member(root).batchLoop] = rewriter.getIndexAttr(images);
    scf::SCFTilingOptions tiling;
    tiling.setTileSizes(sizes).setLoopType(
        scf::SCFTilingOptions::LoopType::ForallOp);
    scf::SCFTileAndFuseOptions options;
    options.setTilingOptions(tiling);
    // The root's destination, when it is a zero fill or a bias broadcast of
    // its own, is fused too: each block fills or broadcasts into its own
    // slice just before the root, and the root's kernels start from the
    // zeros or the bias instead of loading them (outside the blocks it was
    // one more pass over the whole output: 0.17-0.2 ms per convolution of
    // the ResNet block). A fused op's own fill (made outside the chain: CSE
    // shares one among a text CNN's three input gradients) is fused too, a
    // block-sized fill: bufferization would copy a slice of the whole fill
    // into each block's buffer, where a fill is the kernels' zero
    // accumulators.
    // (Only a destination the root accumulates onto: an element-wise root
    // overwrites its slice, and a fill of it would be one more write.)
    auto ownInit = [](Operation *op) {
      if (auto fill = dyn_cast_or_null<linalg::FillOp>(op))
        return static_cast<bool>(
            fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>());
      auto bcast = dyn_cast_or_null<linalg::BroadcastOp>(op);
      return bcast && bcast.getInit().getDefiningOp<tensor::EmptyOp>();
    };
    auto linalgRoot = dyn_cast<linalg::LinalgOp>(root);
    Operation *destination =
        linalgRoot ? linalgRoot.getDpsInitOperand(0)->get().getDefiningOp()
                   : nullptr;
    // (A destination that is also a chain member, the init of a fused op
    // too, is fused as one.)
    if (!ownInit(destination) || chain.contains(destination) ||
        !linalgRoot.payloadUsesValueFromOperand(
            linalgRoot.getDpsInitOperand(0)))
      destination = nullptr;
    options.setFusionControlFn(
        [&](tensor::ExtractSliceOp, OpResult producer, bool isDestination)
            -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          Operation *op = producer.getOwner();
          if (isDestination && op == destination)
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
          bool ownFill = isa<linalg::FillOp>(op) && ownInit(op);
          if (isDestination || (!chain.contains(op) && !ownFill))
            return std::nullopt;
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        });
    FailureOr<scf::SCFTileAndFuseResult> result =
        scf::tileConsumerAndFuseProducersUsingSCF(rewriter, consumer, options);
    if (failed(result))
      return;
    for (OpResult value : root->getResults())
      rewriter.replaceAllUsesWith(value, result->replacements.lookup(value));
    // The loop's bounds read the batch size from the untiled ops' results;
    // read from the values they were built from, those ops are unused.
    // (Only those dims and what they become: the untiled ops are erased
    // below, not by the driver.)
    SmallVector<Operation *> dimOps;
    for (Operation *op : chain)
      for (Operation *user : op->getUsers())
        if (isa<tensor::DimOp>(user))
          dimOps.push_back(user);
    RewritePatternSet dims(root->getContext());
    memref::populateResolveRankedShapedTypeResultDimsPatterns(dims);
    memref::populateResolveShapedTypeResultDimsPatterns(dims);
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    (void)applyOpPatternsGreedily(dimOps, std::move(dims), config);
    // The untiled ops, now unused (but for the slices fusion took of them,
    // themselves unused): erased until none is left unused. (One still used
    // would be computed over the whole batch too.)
    DenseSet<Operation *> gone;
    bool erased = true;
    while (erased) {
      erased = false;
      for (Operation *op : chain) {
        if (gone.contains(op))
          continue;
        for (Operation *user : llvm::make_early_inc_range(op->getUsers()))
          if (isa<tensor::ExtractSliceOp>(user) && user->use_empty())
            rewriter.eraseOp(user);
        if (op->use_empty()) {
          rewriter.eraseOp(op);
          gone.insert(op);
          erased = true;
        }
      }
    }
    // (A fused destination is erased at the end, once unused: several roots
    // may share it.)
    if (destination)
      taken.insert(destination);
    for (LoopLikeOpInterface loop : result->loops)
      if (auto forall = dyn_cast<scf::ForallOp>(loop.getOperation())) {
        cleanUp(forall);
        // (Else codegen-tile-loops makes it a sequential loop; the ops
        // inside still get no threads.)
        if (threads)
          forall->setAttr(nn::vectorize::kParallelAttr, rewriter.getUnitAttr());
      }
  }
};

} // namespace
