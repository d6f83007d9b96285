//===- EpilogueFusion.cpp - element-wise consumers in contraction kernels -===//
//
// `codegen-fuse-epilogues`: finds the element-wise consumer of a planned
// contraction's output that its kernels can apply to their accumulator
// registers (conv + bias + batch norm + relu as one loop nest) and records
// the pairing (the plan's `epilogue`, the consumer's `codegen.epilogue`).
// codegen-vectorize then cuts the consumer to each tile.
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "VectorizeInternal.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENFUSEEPILOGUES
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;
using namespace mlir::nn::vectorize;

/// The buffer a view chain starts from.
Value mlir::nn::vectorize::rootBuffer(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  return v;
}

bool mlir::nn::vectorize::distinctBuffers(Value a, Value b) {
  auto allocated = [](Value v) {
    return isa_and_nonnull<memref::AllocOp, memref::AllocaOp>(
        v.getDefiningOp());
  };
  auto argument = [](Value v) {
    auto arg = dyn_cast<BlockArgument>(v);
    return arg && arg.getOwner()->isEntryBlock() &&
           isa<FunctionOpInterface>(arg.getOwner()->getParentOp());
  };
  return a != b && ((allocated(a) && (allocated(b) || argument(b))) ||
                    (allocated(b) && argument(a)));
}

bool mlir::nn::vectorize::anyMemoryEffect(
    Operation *o,
    llvm::function_ref<bool(const MemoryEffects::EffectInstance &)> hits) {
  WalkResult result = o->walk([&](Operation *nested) {
    // (Ops with regions may have effects of their own, a linalg op's on
    // its operands, and those of the ops inside, which the walk visits.)
    auto iface = dyn_cast<MemoryEffectOpInterface>(nested);
    if (!iface)
      return nested->hasTrait<OpTrait::HasRecursiveMemoryEffects>()
                 ? WalkResult::advance()
                 : WalkResult::interrupt();
    SmallVector<MemoryEffects::EffectInstance> effects;
    iface.getEffects(effects);
    return llvm::any_of(effects, hits) ? WalkResult::interrupt()
                                       : WalkResult::advance();
  });
  return result.wasInterrupted();
}

namespace {

/// How a contraction tile's output sits in the whole output `whole`: the
/// whole itself (no view), a unit-stride rank-preserving subview of it, or
/// neither (failure). Casts from canonicalization are looked through.
FailureOr<memref::SubViewOp> windowOf(Value tileOut, Value whole) {
  while (auto cast = tileOut.getDefiningOp<memref::CastOp>())
    tileOut = cast.getSource();
  if (tileOut == whole)
    return memref::SubViewOp();
  auto view = tileOut.getDefiningOp<memref::SubViewOp>();
  if (!view || view.getSource() != whole ||
      !llvm::all_of(
          view.getMixedStrides(),
          [](OpFoldResult st) { return isConstantIntValue(st, 1); }) ||
      view.getSourceType().getRank() != view.getType().getRank())
    return failure();
  return view;
}

/// True if a buffer (through its views) has a user other than `a` and `b`,
/// deallocations and ops before `a` in its block (the zero fill of an
/// accumulator). A consumer already paired is used where its contraction
/// is (the kernel applies it).
bool usedElsewhere(Value buffer, Operation *a, Operation *b,
                   const EpiloguePairs &pairs) {
  for (Operation *user : buffer.getUsers()) {
    if (user == a || user == b || isa<memref::DeallocOp>(user))
      continue;
    if (auto view = dyn_cast<ViewLikeOpInterface>(user)) {
      if (view.getViewSource() == buffer &&
          llvm::any_of(user->getResults(),
                       [&](Value r) { return usedElsewhere(r, a, b, pairs); }))
        return true;
      continue;
    }
    Operation *ancestor = a->getBlock()->findAncestorOpInBlock(*user);
    if (ancestor)
      ancestor = pairs.contractionOf.lookup_or(ancestor, ancestor);
    if (ancestor && ancestor->isBeforeInBlock(a))
      continue;
    return true;
  }
  return false;
}

} // namespace

/// An element-wise consumer of a contraction's output that can be fused into
/// its kernel as an epilogue (conv + bias + batch norm + relu at inference):
/// the next op with memory effects after `op`, all-parallel over the output's
/// shape, reading the output with the identity map, with a body the kernel
/// can apply to registers, and writing either the output itself or a buffer
/// neither op reads. `storeAccumulators` tells if the output must still be
/// written (it is read after the consumer).
linalg::GenericOp
mlir::nn::vectorize::findEpilogue(linalg::LinalgOp op, bool &storeAccumulators,
                                  const EpiloguePairs &pairs) {
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
  // A consumer paired with an earlier contraction is gone by the time the
  // kernels are built: skip it, and count what it touches as its
  // contraction's.
  auto pairedIndependent = [&](Operation *x) {
    Operation *consumer = pairs.consumerOf.lookup(x);
    return !consumer || independent(consumer);
  };
  while (next && (pairs.contractionOf.contains(next) ||
                  (!readsOutput(next) && independent(next) &&
                   pairedIndependent(next)))) {
    if (!pairs.contractionOf.contains(next))
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
    storeAccumulators = usedElsewhere(root, op, consumer, pairs);
  } else {
    storeAccumulators = false;
  }
  for (Operation *x : between)
    x->moveBefore(op);
  return consumer;
}

/// The consumer's operand that is the contraction's whole output.
static Value consumedOutput(linalg::GenericOp consumer, Value tileOut) {
  for (OpOperand &operand : consumer->getOpOperands())
    if (rootBuffer(operand.get()) == rootBuffer(tileOut))
      return operand.get();
  return nullptr;
}

/// The epilogue restricted to one tile: each operand of `consumer` (indexed
/// through its map by the dimensions of the contraction's output) cut to the
/// tile's window; operands that are the contraction's output become null
/// (the kernel feeds them the accumulators).
std::optional<nn::Epilogue> mlir::nn::vectorize::tileEpilogue(
    RewriterBase &rewriter, linalg::GenericOp tiled, const TileConfig &config) {
  linalg::GenericOp consumer = config.epilogue;
  Value tileOut = tiled.getDpsInitOperand(0)->get();
  Location loc = tiled.getLoc();
  // The whole output: what the consumer reads as the contraction's result.
  Value whole = consumedOutput(consumer, tileOut);
  FailureOr<memref::SubViewOp> window = windowOf(tileOut, whole);
  if (failed(window))
    return std::nullopt;
  rewriter.setInsertionPoint(tiled);
  int64_t rank = cast<MemRefType>(whole.getType()).getRank();
  SmallVector<OpFoldResult> offsets =
      *window ? window->getMixedOffsets()
              : SmallVector<OpFoldResult>(rank, rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes =
      *window ? window->getMixedSizes()
              : memref::getMixedSizes(rewriter, loc, whole);
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
void mlir::nn::vectorize::epilogueAsGeneric(RewriterBase &rewriter,
                                            linalg::GenericOp tiled,
                                            const nn::Epilogue &epilogue,
                                            linalg::GenericOp consumer) {
  rewriter.setInsertionPointAfter(tiled);
  Operation *copy = rewriter.clone(*consumer);
  Value tileOut = tiled.getDpsInitOperand(0)->get();
  for (auto [i, view] : llvm::enumerate(epilogue.views))
    copy->setOperand(i, view ? view : tileOut);
  copy->setOperand(copy->getNumOperands() - 1, epilogue.out);
}

bool mlir::nn::vectorize::hasTileWindow(linalg::GenericOp tiled,
                                        linalg::GenericOp consumer) {
  Value tileOut = tiled.getDpsInitOperand(0)->get();
  Value whole = consumedOutput(consumer, tileOut);
  return whole && succeeded(windowOf(tileOut, whole));
}

namespace {

struct CodegenFuseEpiloguesPass
    : public nn::impl::CodegenFuseEpiloguesBase<CodegenFuseEpiloguesPass> {
  using CodegenFuseEpiloguesBase::CodegenFuseEpiloguesBase;

  void runOnOperation() override {
    if (!enabled)
      return;
    // The contractions in the order codegen-vectorize builds their kernels.
    SmallVector<linalg::LinalgOp> contractions;
    getOperation().walk([&](linalg::LinalgOp op) {
      auto plan = op->getAttrOfType<nn::TilePlanAttr>(kPlanAttr);
      if (plan && plan.getContraction() && plan.getOuterDim() < 0 &&
          !plan.getEpilogue())
        contractions.push_back(op);
    });
    // findEpilogue moves the ops between a contraction and its consumer
    // before the contraction, as codegen-vectorize will when it builds that
    // contraction's kernels: the later choices see the order they will
    // have. Then the blocks get their order back, so that codegen-vectorize
    // takes the ops in the same order as before the pairing.
    llvm::MapVector<Block *, SmallVector<Operation *>> order;
    for (linalg::LinalgOp op : contractions) {
      Block *block = op->getBlock();
      if (!order.contains(block))
        order[block] = llvm::to_vector(
            llvm::map_range(*block, [](Operation &x) { return &x; }));
    }
    EpiloguePairs pairs;
    for (linalg::LinalgOp op : contractions) {
      bool storeAccumulators = false;
      linalg::GenericOp consumer = findEpilogue(op, storeAccumulators, pairs);
      if (!consumer)
        continue;
      pairs.consumerOf[op] = consumer;
      pairs.contractionOf[consumer] = op;
      auto plan = op->getAttrOfType<nn::TilePlanAttr>(kPlanAttr);
      op->setAttr(kPlanAttr,
                  nn::TilePlanAttr::get(
                      plan.getContext(), plan.getTiles(), plan.getInterchange(),
                      plan.getContraction(), plan.getVectorDim(),
                      plan.getMDim(), plan.getLanes(), plan.getParallel(),
                      plan.getPackInput(), plan.getPackPerm(),
                      plan.getPackPanels(), plan.getOuterDim(),
                      plan.getOuterBlock(),
                      /*epilogue=*/true, storeAccumulators, plan.getTailRows(),
                      plan.getTailTiles()));
      consumer->setAttr(kEpilogueAttr, UnitAttr::get(&getContext()));
    }
    if (pairs.consumerOf.empty())
      return;
    for (auto &[block, ops] : order)
      for (Operation *x : ops)
        x->moveBefore(block, block->end());
  }
};

} // namespace
