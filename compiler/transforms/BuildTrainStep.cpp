//===- BuildTrainStep.cpp - forward, loss, gradients and updates ----------===//
//
// Reverse-mode differentiation over nn ops: the forward pass is cloned in
// training mode, then every op is visited in reverse order and emits the
// gradient op of each operand that leads back to a trainable variable. The
// gradients feed the optimizer ops; the batch statistics each nn.batch_norm
// returns feed the moving averages. Every write is an nn.assign at the end
// of the function, after every read.
//
//===----------------------------------------------------------------------===//
#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Dialect/NN/Replicas.h"
#include "modelc/Transforms/Passes.h"

#include "modelc/Transforms/FlatViews.h"
#include "TotalLoss.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::nn {
#define GEN_PASS_DEF_NNBUILDTRAINSTEP
#include "modelc/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

class TrainStepBuilder {
public:
  TrainStepBuilder(ModuleOp module, func::FuncOp forward, func::FuncOp loss,
                   nn::OptimizerAttr optimizer)
      : module(module), forward(forward), loss(loss), optimizer(optimizer),
        b(module.getContext()),
        dataParallel(nn::inDataParallelModule(module)) {}

  LogicalResult build();

private:
  Location loc() { return forward.getLoc(); }
  RankedTensorType scalarF32() {
    return RankedTensorType::get({}, b.getF32Type());
  }
  FloatAttr f32(double v) { return b.getF32FloatAttr(v); }
  nn::VariableOp variable(StringRef name) {
    return module.lookupSymbol<nn::VariableOp>(name);
  }

  void cloneForward();
  Value buildLoss();
  void accumulate(Value of, Value grad);
  void backward();
  void backwardOp(Operation *op, Value dy);
  void applyOptimizer();
  void updateMovingStatistics();
  /// Data-parallel builds: every per-shard mean (trainable gradients, the
  /// moving statistics of batch norms that are not synchronized) becomes
  /// the global batch's, in one nn.replica_reduce.
  void reduceAcrossReplicas();
  nn::VariableOp declareSlot(nn::VariableOp param, StringRef slot,
                             StringRef init);
  /// The current value of a variable in this step (its newest assignment).
  Value current(StringRef name);
  void assign(StringRef name, Value value);

  ModuleOp module;
  func::FuncOp forward, loss;
  nn::OptimizerAttr optimizer;
  OpBuilder b;

  func::FuncOp step;
  Value stepArg, seedArg;
  IRMapping map;              // forward values -> train-step values
  SmallVector<Value> outputs; // training-mode outputs
  Value dataLoss, totalLoss;
  /// Values whose gradient is needed (they depend on a trainable variable).
  llvm::DenseSet<Value> needsGrad;
  llvm::DenseMap<Value, Value> grads;
  llvm::MapVector<StringRef, Value> paramGrads;
  llvm::MapVector<StringRef, Value> updates;
  SmallVector<Operation *> forwardOps; // cloned, in order
  bool dataParallel = false;
  /// Moving statistics reduceAcrossReplicas averages (data-parallel).
  llvm::SetVector<StringRef> shardStatistics;
};

void TrainStepBuilder::accumulate(Value of, Value grad) {
  auto it = grads.find(of);
  if (it == grads.end()) {
    grads[of] = grad;
    return;
  }
  it->second =
      nn::AddOp::create(b, loc(), grad.getType(), ValueRange{it->second, grad});
}

Value TrainStepBuilder::current(StringRef name) {
  auto it = updates.find(name);
  if (it != updates.end())
    return it->second;
  nn::VariableOp var = variable(name);
  return nn::ReadOp::create(b, loc(), var.getType(),
                            FlatSymbolRefAttr::get(b.getContext(), name));
}

void TrainStepBuilder::assign(StringRef name, Value value) {
  updates[name] = value;
}

/// The forward pass in training mode; dropout gets the run's key.
void TrainStepBuilder::cloneForward() {
  Block &body = forward.getBody().front();
  Block &entry = step.getBody().front();
  unsigned numInputs = forward.getNumArguments() - 1;
  for (unsigned i = 0; i < numInputs; ++i)
    map.map(body.getArgument(i), entry.getArgument(i));
  Value training = arith::ConstantOp::create(b, loc(), b.getBoolAttr(true));
  map.map(body.getArgument(numInputs), training);
  for (Operation &op : body) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value v : ret.getOperands())
        outputs.push_back(map.lookup(v));
      break;
    }
    Operation *clone = b.clone(op, map);
    if (auto drop = dyn_cast<nn::DropoutOp>(clone))
      drop.getKeyMutable().assign(ValueRange{seedArg, stepArg});
    forwardOps.push_back(clone);
    // A value needs a gradient if it reads a trainable variable or
    // depends on one.
    bool needs = false;
    if (auto read = dyn_cast<nn::ReadOp>(clone))
      needs = variable(read.getVariable()).getTrainable();
    for (Value operand : clone->getOperands())
      needs |= needsGrad.contains(operand);
    if (needs)
      for (Value r : clone->getResults())
        needsGrad.insert(r);
  }
}

/// Data loss on the training-mode outputs, plus every regularizer.
Value TrainStepBuilder::buildLoss() {
  Block &lossBody = loss.getBody().front();
  StringRef on = loss.getArgAttrOfType<StringAttr>(0, "nn.name").getValue();
  Value predictions;
  for (unsigned i = 0; i < forward.getNumResults(); ++i)
    if (forward.getResultAttrOfType<StringAttr>(i, "nn.name").getValue() == on)
      predictions = outputs[i];
  unsigned numInputs = forward.getNumArguments() - 1;
  Value labels = step.getArgument(numInputs);
  IRMapping lossMap;
  lossMap.map(lossBody.getArgument(0), predictions);
  lossMap.map(lossBody.getArgument(1), labels);
  Value result;
  for (Operation &op : lossBody) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      result = lossMap.lookup(ret.getOperand(0));
      break;
    }
    b.clone(op, lossMap);
  }
  dataLoss = result;

  // d(data loss)/d(predictions), the seed of the backward pass.
  Operation *lossOp = result.getDefiningOp();
  Value dPred;
  if (auto sce = dyn_cast<nn::SoftmaxCrossEntropyOp>(lossOp))
    dPred = nn::SoftmaxCrossEntropyGradOp::create(
        b, loc(), predictions.getType(), predictions, labels,
        sce.getClassWeightAttr());
  else if (auto bce = dyn_cast<nn::SigmoidCrossEntropyOp>(lossOp))
    dPred = nn::SigmoidCrossEntropyGradOp::create(
        b, loc(), predictions.getType(), predictions, labels,
        bce.getClassWeightAttr());
  else
    dPred = nn::MeanSquaredErrorGradOp::create(b, loc(), predictions, labels);
  if (needsGrad.contains(predictions))
    accumulate(predictions, dPred);

  // Regularizers add to the loss and to their variable's gradient.
  return nn::buildTotalLoss(
      b, loc(), module, dataLoss,
      [&](nn::VariableOp var) { return current(var.getSymName()); },
      [&](nn::VariableOp var, Value g) {
        auto it = paramGrads.find(var.getSymName());
        paramGrads[var.getSymName()] =
            it == paramGrads.end()
                ? g
                : nn::AddOp::create(b, loc(), g.getType(),
                                    ValueRange{it->second, g})
                      .getResult();
      });
}

/// Emits the gradients of `op`'s operands given the gradient of its (first)
/// result.
void TrainStepBuilder::backwardOp(Operation *op, Value dy) {
  Location l = op->getLoc();
  auto wants = [&](Value v) { return v && needsGrad.contains(v); };

  if (auto read = dyn_cast<nn::ReadOp>(op)) {
    StringRef name = read.getVariable();
    auto it = paramGrads.find(name);
    paramGrads[name] =
        it == paramGrads.end()
            ? dy
            : nn::AddOp::create(b, l, dy.getType(), ValueRange{it->second, dy})
                  .getResult();
    return;
  }
  // Every other op builds its own gradients (NNGradients.cpp).
  if (auto differentiable = dyn_cast<nn::DifferentiableOpInterface>(op))
    differentiable.buildGradients(
        b, dy, wants, [&](Value of, Value grad) { accumulate(of, grad); });
}

void TrainStepBuilder::backward() {
  for (Operation *op : llvm::reverse(forwardOps)) {
    if (op->getNumResults() == 0)
      continue;
    auto it = grads.find(op->getResult(0));
    if (it == grads.end())
      continue;
    backwardOp(op, it->second);
  }
}

nn::VariableOp TrainStepBuilder::declareSlot(nn::VariableOp param,
                                             StringRef slot, StringRef init) {
  std::string name = (param.getSymName() + "/" + slot).str();
  if (auto existing = variable(name))
    return existing;
  OpBuilder mb(module.getContext());
  mb.setInsertionPointToEnd(module.getBody());
  // Keep slots after the model's own variables, before the functions.
  Operation *firstFunc = nullptr;
  for (Operation &op : *module.getBody())
    if (isa<func::FuncOp>(op)) {
      firstFunc = &op;
      break;
    }
  if (firstFunc)
    mb.setInsertionPoint(firstFunc);
  auto initAttr =
      mb.getDictionaryAttr({mb.getNamedAttr("kind", mb.getStringAttr(init))});
  return nn::VariableOp::create(
      mb, param.getLoc(), mb.getStringAttr(name), param.getTypeAttr(),
      nn::VariableRoleAttr::get(module.getContext(), nn::VariableRole::slot),
      initAttr, mb.getBoolAttr(false), DictionaryAttr(), DictionaryAttr());
}

void TrainStepBuilder::applyOptimizer() {
  // Named, so that the update's kernels say what they are (bench --profile).
  Location optimizerLoc = NameLoc::get(b.getStringAttr("optimizer"), loc());
  SmallVector<StringRef> names;
  SmallVector<Value> gs;
  for (auto &[name, g] : paramGrads)
    if (variable(name).getTrainable()) {
      names.push_back(name);
      gs.push_back(g);
    }
  if (names.empty())
    return;
  if (FloatAttr clip = optimizer.getClipGlobalNorm()) {
    SmallVector<Type> types;
    for (Value g : gs)
      types.push_back(g.getType());
    auto clipped = nn::ClipGlobalNormOp::create(b, optimizerLoc, types, gs,
                                                f32(clip.getValueAsDouble()));
    for (unsigned i = 0; i < gs.size(); ++i)
      gs[i] = clipped.getResult(i);
  }

  // The learning rate at the step before its increment.
  Value lr = nn::LearningRateOp::create(b, loc(), scalarF32(), stepArg,
                                        optimizer.getLearningRate());

  // Keras's decoupled weight decay rides on each update op (one loop).
  FloatAttr decay = f32(optimizer.getWeightDecay()
                            ? optimizer.getWeightDecay().getValueAsDouble()
                            : 0.0);
  auto hyper = [&](FloatAttr a) { return f32(a.getValueAsDouble()); };
  for (unsigned i = 0; i < names.size(); ++i) {
    nn::VariableOp param = variable(names[i]);
    Value w = current(names[i]);
    Value g = gs[i];
    Type t = w.getType();
    // The slots, in the order the update op takes and returns them.
    SmallVector<Value> slots;
    SmallVector<StringRef> slotNames;
    for (auto [slot, init] : optimizer.getSlots()) {
      nn::VariableOp v = declareSlot(param, slot, init);
      slotNames.push_back(v.getSymName());
      slots.push_back(current(v.getSymName()));
    }
    Operation *update;
    switch (optimizer.getKind()) {
    case nn::OptimizerKind::sgd:
      update = nn::SgdOp::create(b, optimizerLoc, t, w, g, lr, decay);
      break;
    case nn::OptimizerKind::momentum:
      update = nn::MomentumOp::create(b, optimizerLoc, t, t, w, slots[0], g, lr,
                                      hyper(optimizer.getMomentum()),
                                      optimizer.getUseNesterov(), decay);
      break;
    case nn::OptimizerKind::adam:
      update = nn::AdamOp::create(
          b, optimizerLoc, t, t, t, w, slots[0], slots[1], g, lr, stepArg,
          hyper(optimizer.getBeta1()), hyper(optimizer.getBeta2()),
          hyper(optimizer.getEpsilon()), decay);
      break;
    case nn::OptimizerKind::rmsprop:
      update = nn::RmspropOp::create(
          b, optimizerLoc, t, t, t, w, slots[0], slots[1], g, lr,
          hyper(optimizer.getDecay()), hyper(optimizer.getMomentum()),
          hyper(optimizer.getEpsilon()), decay);
      break;
    }
    Value newW = update->getResult(0);
    for (auto [j, slot] : llvm::enumerate(slotNames))
      assign(slot, update->getResult(1 + j));
    if (DictionaryAttr constraint = param.getConstraintAttr())
      newW = nn::ConstraintOp::create(b, optimizerLoc, newW, constraint);
    assign(names[i], newW);
  }
}

/// Every batch norm's moving statistics follow the batch statistics of this
/// step's forward pass (layers that `reuse` one state update it in turn).
void TrainStepBuilder::updateMovingStatistics() {
  for (Operation *op : forwardOps) {
    auto bn = dyn_cast<nn::BatchNormOp>(op);
    if (!bn)
      continue;
    // A shard's statistics are averaged over the processes (SPEC 8), after
    // every layer that shares them has updated them; a synchronized
    // layer's are the global batch's already.
    auto assign = [&](StringRef name, Value value) {
      this->assign(name, value);
      if (dataParallel && !bn.getSynchronized())
        shardStatistics.insert(name);
    };
    auto readName = [](Value v) {
      return cast<nn::ReadOp>(v.getDefiningOp()).getVariable();
    };
    Location l = bn.getLoc();
    FloatAttr momentum = bn.getMomentumAttr();
    StringRef mm = readName(bn.getMovingMean());
    StringRef mv = readName(bn.getMovingVariance());
    Value c = nn::VarianceCorrectionOp::create(
        b, l, scalarF32(), bn.getInput(), bn.getAxisAttr(),
        b.getBoolAttr(bn.getVarianceCorrection() ==
                      nn::VarianceCorrection::unbiased),
        bn.getVirtualBatchSizeAttr(), bn.getSynchronizedAttr());
    assign(mm, nn::MovingAverageOp::create(b, l, current(mm), bn.getBatchMean(),
                                           Value(), momentum));
    assign(mv, nn::MovingAverageOp::create(b, l, current(mv),
                                           bn.getBatchVariance(), c, momentum));
    if (bn.getRenorm()) {
      StringRef rm = readName(bn.getRenormMean());
      StringRef rs = readName(bn.getRenormStddev());
      Value sigma = nn::StddevOp::create(b, l, bn.getBatchVariance(),
                                         bn.getEpsilonAttr());
      assign(rm,
             nn::MovingAverageOp::create(b, l, current(rm), bn.getBatchMean(),
                                         Value(), bn.getRenormMomentumAttr()));
      assign(rs, nn::MovingAverageOp::create(b, l, current(rs), sigma, Value(),
                                             bn.getRenormMomentumAttr()));
    }
  }
}

void TrainStepBuilder::reduceAcrossReplicas() {
  // The fixed order of the message: trainable gradients in the order of
  // the variables' declarations (nn-flatten-optimizer's order, so its sweep
  // reads them as one range), then the statistics in layer order.
  DenseMap<StringRef, unsigned> position;
  for (auto var : module.getOps<nn::VariableOp>())
    position[var.getSymName()] = position.size();
  SmallVector<std::pair<unsigned, Value *>> gradients;
  for (auto &[name, g] : paramGrads)
    if (variable(name).getTrainable())
      gradients.push_back({position.lookup(name), &g});
  llvm::sort(gradients, llvm::less_first());
  SmallVector<Value *> parts;
  for (auto &[pos, g] : gradients)
    parts.push_back(g);
  for (StringRef name : shardStatistics)
    parts.push_back(&updates[name]);
  if (parts.empty())
    return;
  Location l = NameLoc::get(b.getStringAttr("replica_reduce"), loc());
  SmallVector<Value> flat;
  for (Value *v : parts)
    flat.push_back(nn::flatten(b, l, *v));
  Value all = flat.size() == 1
                  ? flat.front()
                  : tensor::ConcatOp::create(b, l, 0, flat).getResult();
  Value reduced =
      nn::ReplicaReduceOp::create(b, l, nn::ReplicaReduction::mean, all)
          .getResult(0);
  int64_t offset = 0;
  for (Value *v : parts) {
    auto type = cast<RankedTensorType>(v->getType());
    int64_t size = type.getNumElements();
    Value slice = reduced;
    if (flat.size() > 1)
      slice = tensor::ExtractSliceOp::create(
          b, l, reduced, ArrayRef<OpFoldResult>{b.getIndexAttr(offset)},
          ArrayRef<OpFoldResult>{b.getIndexAttr(size)},
          ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
    *v = nn::unflatten(b, l, slice, type);
    offset += size;
  }
}

LogicalResult TrainStepBuilder::build() {
  // Signature: inputs..., labels, step, seed -> outputs..., loss, data_loss.
  SmallVector<Type> args, results;
  unsigned numInputs = forward.getNumArguments() - 1;
  for (unsigned i = 0; i < numInputs; ++i)
    args.push_back(forward.getArgumentTypes()[i]);
  args.push_back(loss.getArgumentTypes()[1]);
  auto i64 = RankedTensorType::get({}, b.getI64Type());
  args.push_back(i64);
  args.push_back(i64);
  for (Type t : forward.getResultTypes())
    results.push_back(t);
  results.push_back(scalarF32());
  results.push_back(scalarF32());
  b.setInsertionPointToEnd(module.getBody());
  step = func::FuncOp::create(b, forward.getLoc(), "train_step",
                              b.getFunctionType(args, results));
  step.setPrivate();
  for (unsigned i = 0; i < numInputs; ++i)
    step.setArgAttr(i, "nn.name", forward.getArgAttr(i, "nn.name"));
  step.setArgAttr(numInputs, "nn.name", loss.getArgAttr(1, "nn.name"));
  step.setArgAttr(numInputs + 1, "nn.name", b.getStringAttr("step"));
  step.setArgAttr(numInputs + 2, "nn.name", b.getStringAttr("seed"));
  for (unsigned i = 0; i < forward.getNumResults(); ++i)
    step.setResultAttr(i, "nn.name", forward.getResultAttr(i, "nn.name"));
  Block *entry = step.addEntryBlock();
  b.setInsertionPointToStart(entry);
  stepArg = entry->getArgument(numInputs + 1);
  seedArg = entry->getArgument(numInputs + 2);

  cloneForward();
  if (dataParallel)
    for (Operation *op : forwardOps)
      if (auto bn = dyn_cast<nn::BatchNormOp>(op);
          bn && bn.getSynchronized() && bn.getVirtualBatchSize())
        return bn.emitError(
            "a synchronized batch norm cannot have a virtual_batch_size in "
            "a data-parallel build (--mpi): its ghost batches interleave "
            "examples of every process's shard");
  totalLoss = buildLoss();
  backward();
  if (dataParallel) {
    updateMovingStatistics();
    reduceAcrossReplicas();
    applyOptimizer();
  } else {
    applyOptimizer();
    updateMovingStatistics();
  }
  for (auto &[name, value] : updates)
    nn::AssignOp::create(b, loc(), FlatSymbolRefAttr::get(b.getContext(), name),
                         value);
  SmallVector<Value> rets(outputs);
  rets.push_back(totalLoss);
  rets.push_back(dataLoss);
  func::ReturnOp::create(b, loc(), rets);
  return success();
}

struct NNBuildTrainStepPass
    : public nn::impl::NNBuildTrainStepBase<NNBuildTrainStepPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>("forward");
    auto loss = module.lookupSymbol<func::FuncOp>("loss");
    auto optimizer = module->getAttrOfType<nn::OptimizerAttr>("nn.optimizer");
    if (!forward || !loss || !optimizer ||
        module.lookupSymbol<func::FuncOp>("train_step"))
      return;
    if (failed(TrainStepBuilder(module, forward, loss, optimizer).build()))
      signalPassFailure();
  }
};

} // namespace
