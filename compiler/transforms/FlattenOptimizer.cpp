//===- FlattenOptimizer.cpp - every parameter update in one sweep ---------===//
//
// `nn-flatten-optimizer`: the train step updates each trainable variable with
// its own optimizer op, that is one small loop per variable (a ResNet block
// has a dozen of a few hundred elements each, too small to thread). The
// update is the same element-wise map for every variable, so this pass
// declares the parameters one after another, each slot kind likewise in the
// same order, and replaces the per-variable ops by one op on 1-D views of
// those arena ranges (`nn.read_flat` / `nn.assign_flat`). Only the gradients
// are gathered (`tensor.concat`); parameters and slots are read and written
// in place.
//
// An update joins the sweep when its parameter and slots are plain reads of
// variables and its results go straight back to them; a constrained
// parameter (its new value passes through `nn.constraint`) keeps its own op.
//
//===----------------------------------------------------------------------===//
#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Transforms/Passes.h"

#include "modelc/Transforms/FlatViews.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace mlir::nn {
#define GEN_PASS_DEF_NNFLATTENOPTIMIZER
#include "modelc/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

/// One per-variable update: operands (param, slots..., grad, scalars...),
/// results (param, slots...), each result assigned back to its variable.
struct Update {
  Operation *op;
  SmallVector<StringRef> variables; // param, slots...
  SmallVector<nn::AssignOp> assigns;
  unsigned numState() const { return variables.size(); }
};

bool isOptimizer(Operation *op) {
  return isa<nn::SgdOp, nn::MomentumOp, nn::AdamOp, nn::RmspropOp>(op);
}

/// The update as a candidate for the sweep, or nullopt when any state
/// operand is not a read of a variable or any result is not assigned
/// straight back to the variable it came from.
std::optional<Update> matchUpdate(Operation *op) {
  Update u{op, {}, {}};
  unsigned numState = op->getNumResults();
  for (unsigned i = 0; i < numState; ++i) {
    auto read = op->getOperand(i).getDefiningOp<nn::ReadOp>();
    if (!read || !op->getResult(i).hasOneUse())
      return std::nullopt;
    auto assign = dyn_cast<nn::AssignOp>(*op->getResult(i).user_begin());
    if (!assign || assign.getVariable() != read.getVariable() ||
        assign->getBlock() != op->getBlock())
      return std::nullopt;
    u.variables.push_back(read.getVariable());
    u.assigns.push_back(assign);
  }
  return u;
}

/// Ops that can share one sweep: same op, attributes and scalar operands
/// (learning rate, step).
bool sameKind(const Update &a, const Update &b) {
  Operation *x = a.op, *y = b.op;
  if (x->getName() != y->getName() ||
      x->getAttrDictionary() != y->getAttrDictionary() ||
      x->getNumOperands() != y->getNumOperands())
    return false;
  for (unsigned i = a.numState() + 1; i < x->getNumOperands(); ++i)
    if (x->getOperand(i) != y->getOperand(i))
      return false;
  return true;
}

/// The gradients `grads` as one range of a 1-D tensor, when each is (a
/// reshape of) the slice that follows the previous one's: a data-parallel
/// train step reduced them as one concatenation in this order
/// (nn.replica_reduce), and concatenating them again would copy it.
Value consecutiveSlices(OpBuilder &b, Location loc, ArrayRef<Value> grads) {
  Value source;
  int64_t first = 0, next = 0;
  for (Value g : grads) {
    if (auto expand = g.getDefiningOp<tensor::ExpandShapeOp>())
      g = expand.getSrc();
    auto slice = g.getDefiningOp<tensor::ExtractSliceOp>();
    if (!slice || slice.getSourceType().getRank() != 1 ||
        !slice.hasUnitStride() || slice.getStaticOffsets()[0] < 0 ||
        slice.getStaticSizes()[0] < 0)
      return {};
    int64_t offset = slice.getStaticOffsets()[0];
    if (!source) {
      source = slice.getSource();
      first = next = offset;
    }
    if (slice.getSource() != source || offset != next)
      return {};
    next += slice.getStaticSizes()[0];
  }
  if (first == 0 &&
      next == cast<RankedTensorType>(source.getType()).getNumElements())
    return source;
  return tensor::ExtractSliceOp::create(
      b, loc, source, ArrayRef<OpFoldResult>{b.getIndexAttr(first)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(next - first)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
}

struct NNFlattenOptimizerPass
    : nn::impl::NNFlattenOptimizerBase<NNFlattenOptimizerPass> {
  using NNFlattenOptimizerBase::NNFlattenOptimizerBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto step = module.lookupSymbol<func::FuncOp>("train_step");
    if (!step)
      return;
    SmallVector<Update> updates;
    step.walk([&](Operation *op) {
      if (!isOptimizer(op))
        return;
      if (std::optional<Update> u = matchUpdate(op))
        if (updates.empty() || sameKind(updates.front(), *u))
          updates.push_back(*u);
    });
    if (updates.size() < 2)
      return;
    // Parameters keep the model's order (the arena's and checkpoints' order).
    DenseMap<StringRef, unsigned> position;
    for (auto var : module.getOps<nn::VariableOp>())
      position[var.getSymName()] = position.size();
    llvm::stable_sort(updates, [&](const Update &a, const Update &b) {
      return position.lookup(a.variables[0]) < position.lookup(b.variables[0]);
    });
    // The sweep goes after the last update and before the first write back.
    Operation *last = updates.front().op;
    Operation *firstAssign = updates.front().assigns.front();
    for (const Update &u : updates) {
      if (last->isBeforeInBlock(u.op))
        last = u.op;
      for (nn::AssignOp a : u.assigns)
        if (a->isBeforeInBlock(firstAssign))
          firstAssign = a;
    }
    if (firstAssign->isBeforeInBlock(last))
      return;

    declareConsecutively(module, updates);
    OpBuilder b(last->getNextNode());
    // Consecutive updates, hence consecutive arena ranges, per sweep. A
    // last group of one keeps its own op, which reads its variables by name.
    size_t chunk = std::max(2u, unsigned(maxVariables));
    size_t swept = 0;
    for (size_t first = 0; first + 1 < updates.size(); first += chunk) {
      swept = std::min(first + chunk, updates.size());
      emitSweep(b, last->getLoc(), firstAssign,
                ArrayRef<Update>(updates).slice(first, swept - first));
    }

    for (Update &u : MutableArrayRef<Update>(updates).take_front(swept)) {
      SmallVector<Operation *> reads;
      for (unsigned i = 0; i < u.numState(); ++i)
        reads.push_back(u.op->getOperand(i).getDefiningOp());
      for (nn::AssignOp a : u.assigns)
        a.erase();
      u.op->erase();
      for (Operation *read : reads)
        if (read->use_empty())
          read->erase();
    }
  }

  /// One op over the flat ranges of `group`'s variables, placed at `b`; its
  /// results are written back before `firstAssign`.
  void emitSweep(OpBuilder &b, Location loc, Operation *firstAssign,
                 ArrayRef<Update> group) {
    MLIRContext *ctx = &getContext();
    unsigned numState = group.front().numState();
    int64_t total = 0;
    for (const Update &u : group)
      total += cast<RankedTensorType>(u.op->getOperand(0).getType())
                   .getNumElements();
    auto flatType = RankedTensorType::get({total}, b.getF32Type());

    SmallVector<ArrayAttr> groups;
    SmallVector<Value> operands;
    for (unsigned role = 0; role < numState; ++role) {
      SmallVector<Attribute> refs;
      for (const Update &u : group)
        refs.push_back(FlatSymbolRefAttr::get(ctx, u.variables[role]));
      groups.push_back(ArrayAttr::get(ctx, refs));
      operands.push_back(
          nn::ReadFlatOp::create(b, loc, flatType, groups.back()));
    }
    SmallVector<Value> raw;
    for (const Update &u : group)
      raw.push_back(u.op->getOperand(numState));
    if (Value range = consecutiveSlices(b, loc, raw)) {
      operands.push_back(range);
    } else {
      // Each gradient is flattened where it is computed, so
      // codegen-concat-in-place can insert it there (see that pass).
      SmallVector<Value> grads;
      for (Value g : raw) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointAfterValue(g);
        grads.push_back(nn::flatten(b, loc, g));
      }
      operands.push_back(tensor::ConcatOp::create(b, loc, 0, grads));
    }
    Operation *first = group.front().op;
    for (Value scalar : first->getOperands().drop_front(numState + 1))
      operands.push_back(scalar);
    OperationState state(loc, first->getName());
    state.addOperands(operands);
    state.addTypes(SmallVector<Type>(numState, flatType));
    state.addAttributes(first->getAttrs());
    Operation *sweep = b.create(state);

    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(firstAssign);
    for (unsigned role = 0; role < numState; ++role)
      nn::AssignFlatOp::create(b, loc, groups[role], sweep->getResult(role));
  }

  /// Moves the updated variables to the end of the declarations: every
  /// parameter in update order, then each slot kind in the same order, so
  /// each role is one range of the arena.
  static void declareConsecutively(ModuleOp module, ArrayRef<Update> updates) {
    Operation *lastVar = nullptr;
    for (auto var : module.getOps<nn::VariableOp>())
      lastVar = var;
    Operation *anchor = lastVar->getNextNode();
    for (unsigned role = 0; role < updates.front().numState(); ++role)
      for (const Update &u : updates) {
        Operation *var = SymbolTable::lookupSymbolIn(module, u.variables[role]);
        if (anchor)
          var->moveBefore(anchor);
        else
          var->moveBefore(module.getBody(), module.getBody()->end());
      }
  }
};

} // namespace
