//===- VectorizeInternal.h - pieces of the code generator -------*- C++ -*-===//
//
// Shared by the passes that plan (codegen-plan-tiles, TilePlanner.cpp), pair
// epilogues (codegen-fuse-epilogues, EpilogueFusion.cpp) and carry the plans
// out (codegen-vectorize, Vectorize.cpp). The plan travels between them as a
// #nn.tile_plan attribute on the op.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_TRANSFORMS_VECTORIZEINTERNAL_H
#define MODELC_TRANSFORMS_VECTORIZEINTERNAL_H

#include "ContractionKernel.h"
#include "modelc/Codegen/TargetModel.h"
#include "modelc/Dialect/NN/NNDialect.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseMap.h"

#include <optional>

namespace mlir::nn::vectorize {

/// How one op is tiled: a tile size per loop (0: the whole extent, no loop),
/// the order of the tile loops, and what the tiles become.
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
  /// before it, or the 1-D buffer a linalg.broadcast along the lanes copied
  /// into it (a bias): the kernels start their accumulators from it.
  Value initial;
  /// The contraction's whole output (a tile finds its window of a broadcast
  /// `initial` from its own view of it).
  Value wholeOutput;
  /// An element-wise consumer of a contraction fused into its kernel.
  linalg::GenericOp epilogue;
  bool storeAccumulators = false;
  /// Input to copy first into a buffer where the vector dimension is
  /// contiguous (-1: none), and the permutation of its dims for that copy.
  int packInput = -1;
  SmallVector<int64_t> packPerm;
  /// Copy the input that varies along the vector dimension into panels of
  /// one vector tile each, contiguous over the reduction (full tiles read
  /// them).
  bool packPanels = false;
  /// A reduction loop blocked outside the parallel tile loops (-1: none), so
  /// that the inputs a block reads stay in cache across the output tiles.
  int outerDim = -1;
  int64_t outerBlock = 0;
  /// A contraction's last tailTiles * tailRows rows (of mDim) in tiles of
  /// tailRows (0: none): the row block tiles the rest exactly.
  int64_t tailRows = 0;
  int64_t tailTiles = 0;
};

/// The tile plan of `op` on `target` (of a named op: the plan of its
/// generalization, which has the same loops); none if the op is left to the
/// scalar loops.
std::optional<TileConfig> planTiles(linalg::LinalgOp op,
                                    const nn::TargetModel &target);

/// The discardable attribute holding an op's plan (a TilePlanAttr).
constexpr llvm::StringLiteral kPlanAttr = "codegen.plan";
/// Marks the element-wise consumer a contraction's plan fuses (`epilogue`).
constexpr llvm::StringLiteral kEpilogueAttr = "codegen.epilogue";

/// The plan as an attribute, and back (the epilogue op itself is not in
/// the attribute: only whether there is one).
TilePlanAttr toPlanAttr(MLIRContext *ctx, const TileConfig &config);
TileConfig fromPlanAttr(TilePlanAttr plan);

/// `out = out + a * b` with `a`, `b` the op's two inputs: a contraction's
/// body.
bool isMulAddBody(linalg::LinalgOp op);

/// Loads and stores whose indices delinearize one linear index over
/// contiguous dimensions go back to a collapsed view of the buffer and that
/// index (RecollapseIndices.cpp).
void populateRecollapsePatterns(RewritePatternSet &patterns);

/// True if the body only has ops the vectorizer turns into vector code.
bool hasVectorizableBody(linalg::LinalgOp op);

/// True if `op` (all loops parallel) gathers along its loop `v`: its body
/// loads consecutive elements along `v` (`memref.load %t[.., f(i) + v]`,
/// the other indices the same for every `v`: an embedding's rows) and
/// computes on them element-wise; its inputs do not vary along `v` and its
/// outputs are only written (VectorizeGather.cpp).
bool gathersAlong(linalg::LinalgOp op, unsigned v);

/// Vector code for a one-loop tile of such a gather (its inputs 0-d, its
/// outputs contiguous vectors): one vector load per gathered row, the rest
/// element-wise on vectors. Fails, changing nothing, on any other op.
LogicalResult vectorizeGatherTile(RewriterBase &rewriter, linalg::GenericOp op);

/// The buffer a view chain starts from.
Value rootBuffer(Value v);

/// True if the buffers `a` and `b` (roots of view chains) are certainly
/// different memory: different values, at least one an allocation, the
/// other an allocation or an argument of the function (two arguments may
/// be views of one buffer).
bool distinctBuffers(Value a, Value b);

/// True if `o` or an op inside it has a memory effect for which `hits` is
/// true, or effects it does not declare (an op without the interface).
bool anyMemoryEffect(
    Operation *o,
    llvm::function_ref<bool(const MemoryEffects::EffectInstance &)> hits);

/// The pairs codegen-fuse-epilogues has chosen so far, both ways. A
/// consumer in them counts as gone (the kernel applies it), and its
/// contraction as touching what it touches.
struct EpiloguePairs {
  llvm::DenseMap<Operation *, Operation *> consumerOf, contractionOf;
};

/// An element-wise consumer of the contraction `op` to fuse into its
/// kernels as an epilogue (see EpilogueFusion.cpp), or null. Moves ops that
/// sit between the two and touch neither before `op`. `storeAccumulators`
/// tells if `op`'s output must still be written.
linalg::GenericOp findEpilogue(linalg::LinalgOp op, bool &storeAccumulators,
                               const EpiloguePairs &pairs);

/// True if the tile's output is a window of the whole output the consumer
/// reads, so the epilogue can be cut to it.
bool hasTileWindow(linalg::GenericOp tiled, linalg::GenericOp consumer);

/// The epilogue `config.epilogue` restricted to one tile.
std::optional<Epilogue> tileEpilogue(RewriterBase &rewriter,
                                     linalg::GenericOp tiled,
                                     const TileConfig &config);

/// The epilogue as its own op on the tile's window, after the tile (for a
/// tile the kernel could not take it in).
void epilogueAsGeneric(RewriterBase &rewriter, linalg::GenericOp tiled,
                       const Epilogue &epilogue, linalg::GenericOp consumer);

/// Splits large reductions into the channels into a fixed number of chunks
/// summed in parallel, then added up in order (SplitReductions.cpp).
void splitReductions(Operation *func);

/// Marks the tile loops codegen-vectorize found worth running on threads,
/// and the blocks' loops of codegen-block-images that are (codegen-tile-loops
/// makes them scf.parallel).
constexpr llvm::StringLiteral kParallelAttr = "nn.parallel_tiles";

/// Marks a contraction's loop over blocks of a reduction (the plan's
/// outer_dim): each block adds into the same output tiles, so a thread that
/// owns a tile in one block owns it in all (codegen-widen-parallel-regions).
constexpr llvm::StringLiteral kReductionBlocksAttr = "nn.reduction_blocks";

/// Below this many iterations an element-wise op or a copy (memory bound)
/// runs on one thread: a parallel region costs a few microseconds, more
/// when the other core was busy.
constexpr double kParallelElements = 1 << 18;

/// Below this, a contraction runs on one thread (kParallelElements is the
/// element-wise ops' and reductions' threshold): cycles of its vector FMAs
/// (at the target's lanes and FMAs per cycle).
constexpr double kParallelFmaCycles = 1 << 19;

/// Elements of `shape` as the thread thresholds count them: a dynamic
/// extent (the batch) as 64.
inline double plannedElements(ArrayRef<int64_t> shape) {
  double elements = 1;
  for (int64_t d : shape)
    elements *= ShapedType::isDynamic(d) ? 64.0 : double(d);
  return elements;
}

/// Whether `op` runs inside a loop over blocks of images of
/// codegen-block-images: its own loops get no threads (the blocks have
/// them, or the chain has too little work for them).
inline bool insideBlocksOfImages(Operation *op) {
  return op->getParentOfType<scf::ForallOp>() != nullptr;
}

} // namespace mlir::nn::vectorize

#endif // MODELC_TRANSFORMS_VECTORIZEINTERNAL_H
