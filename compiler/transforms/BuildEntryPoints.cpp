//===- BuildEntryPoints.cpp - state arena and runtime entry points --------===//
//
// All float state lives in one arena owned by the runtime; a variable is a
// static slice of it. Entry points take caller-owned memrefs (arena, inputs,
// labels, outputs, scalars) and the results are materialized in place, so
// after one-shot bufferization nothing is copied in or out.
//
//===----------------------------------------------------------------------===//
#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Transforms/Passes.h"

#include "TotalLoss.h"
#include "modelc/Transforms/FlatViews.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::nn {
#define GEN_PASS_DEF_NNBUILDENTRYPOINTS
#include "modelc/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

struct Slot {
  int64_t offset, size;
  RankedTensorType type;
};

/// One argument of an entry point, as the runtime sees it.
struct AbiArg {
  std::string kind, name;
  Type type; // memref type
};

class EntryBuilder {
public:
  EntryBuilder(ModuleOp module, const llvm::StringMap<Slot> &slots,
               int64_t arenaSize)
      : module(module), slots(slots), b(module.getContext()),
        arenaType(MemRefType::get({arenaSize}, b.getF32Type())) {}

  /// forward_infer / forward_train: arena, inputs -> outputs.
  void buildForward(StringRef entryName, func::FuncOp forward) {
    SmallVector<AbiArg> args = {{"arena", "", arenaType}};
    appendArgs(args, "input", forward.getArgumentTypes(), forward, true);
    appendArgs(args, "output", forward.getResultTypes(), forward, false);
    Body body = begin(entryName, args);
    SmallVector<Value> outs =
        inlineCall(forward, body.tensors(1, forward.getNumArguments()));
    finish(body, outs, 1 + forward.getNumArguments());
  }

  /// eval: arena, inputs, labels -> outputs, loss, data_loss (inference).
  void buildEval(func::FuncOp forward, func::FuncOp loss) {
    SmallVector<AbiArg> args = {{"arena", "", arenaType}};
    appendArgs(args, "input", forward.getArgumentTypes(), forward, true);
    unsigned labelsAt = args.size();
    args.push_back({"label", argName(loss, 1).str(),
                    memrefOf(loss.getArgumentTypes()[1])});
    appendArgs(args, "output", forward.getResultTypes(), forward, false);
    auto scalar = MemRefType::get({}, b.getF32Type());
    args.push_back({"loss", "", scalar});
    args.push_back({"data_loss", "", scalar});
    Body body = begin("modelc_eval", args);
    SmallVector<Value> outs =
        inlineCall(forward, body.tensors(1, forward.getNumArguments()));
    // The loss reads the output it names.
    Value predictions;
    StringRef lossOn = argName(loss, 0);
    for (unsigned i = 0; i < forward.getNumResults(); ++i)
      if (resultName(forward, i) == lossOn)
        predictions = outs[i];
    Value dataLoss =
        inlineCall(loss, {predictions, body.tensor(labelsAt)}).front();
    // Class weights weigh the training loss only, as Keras's fit does:
    // evaluate and val_loss are unweighted.
    if (Operation *lossOp = dataLoss.getDefiningOp())
      lossOp->removeAttr("class_weight");
    Value total = addRegularization(body.loc, dataLoss);
    outs.push_back(total);
    outs.push_back(dataLoss);
    finish(body, outs, labelsAt + 1);
  }

  /// train_step: arena, inputs, labels -> outputs, loss, data_loss; reads
  /// step and seed; writes the updated state back into the arena.
  void buildTrainStep(func::FuncOp trainStep) {
    unsigned n = trainStep.getNumArguments(); // inputs..., labels, step, seed
    unsigned numInputs = n - 3;
    SmallVector<AbiArg> args = {{"arena", "", arenaType}};
    for (unsigned i = 0; i < numInputs; ++i)
      args.push_back({"input", argName(trainStep, i).str(),
                      memrefOf(trainStep.getArgumentTypes()[i])});
    args.push_back({"label", argName(trainStep, numInputs).str(),
                    memrefOf(trainStep.getArgumentTypes()[numInputs])});
    unsigned numOutputs = trainStep.getNumResults() - 2;
    for (unsigned i = 0; i < numOutputs; ++i)
      args.push_back({"output", resultName(trainStep, i).str(),
                      memrefOf(trainStep.getResultTypes()[i])});
    auto scalar = MemRefType::get({}, b.getF32Type());
    auto i64 = MemRefType::get({}, b.getI64Type());
    args.push_back({"loss", "", scalar});
    args.push_back({"data_loss", "", scalar});
    args.push_back({"step", "", i64});
    args.push_back({"seed", "", i64});
    Body body = begin("modelc_train_step", args);
    SmallVector<Value> callArgs = body.tensors(1, numInputs + 1);
    unsigned stepAt = 1 + numInputs + 1 + numOutputs + 2;
    callArgs.push_back(body.tensor(stepAt));
    callArgs.push_back(body.tensor(stepAt + 1));
    SmallVector<Value> outs = inlineCall(trainStep, callArgs);
    finish(body, outs, numInputs + 2);
  }

  SmallVector<std::pair<std::string, SmallVector<AbiArg>>> entries;

private:
  struct Body {
    func::FuncOp fn;
    Location loc;
    SmallVector<Value> values; // tensor views of the memref arguments
    Value tensor(unsigned i) { return values[i]; }
    SmallVector<Value> tensors(unsigned from, unsigned count) {
      return SmallVector<Value>(values.begin() + from,
                                values.begin() + from + count);
    }
  };

  static StringRef argName(func::FuncOp fn, unsigned i) {
    auto a = fn.getArgAttrOfType<StringAttr>(i, "nn.name");
    return a ? a.getValue() : "";
  }
  static StringRef resultName(func::FuncOp fn, unsigned i) {
    auto a = fn.getResultAttrOfType<StringAttr>(i, "nn.name");
    return a ? a.getValue() : "";
  }
  static MemRefType memrefOf(Type t) {
    auto rt = cast<RankedTensorType>(t);
    return MemRefType::get(rt.getShape(), rt.getElementType());
  }
  void appendArgs(SmallVector<AbiArg> &args, StringRef kind, TypeRange types,
                  func::FuncOp fn, bool isArg) {
    for (unsigned i = 0; i < types.size(); ++i)
      args.push_back({kind.str(),
                      (isArg ? argName(fn, i) : resultName(fn, i)).str(),
                      memrefOf(types[i])});
  }

  Body begin(StringRef name, ArrayRef<AbiArg> args) {
    Location loc = module.getLoc();
    SmallVector<Type> types;
    for (const AbiArg &a : args)
      types.push_back(a.type);
    b.setInsertionPointToEnd(module.getBody());
    auto fn = func::FuncOp::create(b, loc, name, b.getFunctionType(types, {}));
    fn->setAttr("llvm.emit_c_interface", b.getUnitAttr());
    SmallVector<Attribute> abi;
    for (const AbiArg &a : args)
      abi.push_back(
          b.getStringAttr(a.name.empty() ? a.kind : a.kind + ":" + a.name));
    fn->setAttr("nn.abi", b.getArrayAttr(abi));
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    Body body{fn, loc, {}};
    for (unsigned i = 0; i < args.size(); ++i) {
      auto mt = cast<MemRefType>(args[i].type);
      auto tt = RankedTensorType::get(mt.getShape(), mt.getElementType());
      // The arena (argument 0) is updated in place: writable, or one-shot
      // bufferization copies all of it in and back out on every step.
      body.values.push_back(bufferization::ToTensorOp::create(
          b, loc, tt, entry->getArgument(i), b.getUnitAttr(),
          i == 0 ? b.getUnitAttr() : UnitAttr()));
    }
    arena = updatedArena = body.values.front();
    entries.push_back({name.str(), SmallVector<AbiArg>(args)});
    return body;
  }

  /// Results go straight into the caller's buffers.
  void finish(Body &body, ArrayRef<Value> results, unsigned firstOut) {
    Block &entry = body.fn.getBody().front();
    if (updatedArena != arena)
      bufferization::MaterializeInDestinationOp::create(
          b, body.loc, Type(), updatedArena, entry.getArgument(0),
          /*restrict=*/true, /*writable=*/true);
    for (unsigned i = 0; i < results.size(); ++i)
      bufferization::MaterializeInDestinationOp::create(
          b, body.loc, Type(), results[i], entry.getArgument(firstOut + i),
          /*restrict=*/true, /*writable=*/true);
    func::ReturnOp::create(b, body.loc);
  }

  /// A state variable as a view of the arena.
  Value readVariable(Location loc, StringRef name) {
    const Slot &slot = slots.lookup(name);
    return nn::unflatten(b, loc, readRange(loc, slot.offset, slot.size),
                         slot.type);
  }

  /// An update is an insert_slice into the arena; every read has happened
  /// before (the train step assigns last), so bufferization does it in place.
  void writeVariable(Location loc, StringRef name, Value value) {
    const Slot &slot = slots.lookup(name);
    writeRange(loc, slot.offset, nn::flatten(b, loc, value));
  }

  /// `size` elements of the arena from `offset`, as a 1-D tensor.
  Value readRange(Location loc, int64_t offset, int64_t size) {
    return tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get({size}, b.getF32Type()), arena,
        ArrayRef<OpFoldResult>{b.getIndexAttr(offset)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(size)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  }

  /// Replaces the arena's elements from `offset` with the 1-D `flat`.
  void writeRange(Location loc, int64_t offset, Value flat) {
    int64_t size = cast<RankedTensorType>(flat.getType()).getDimSize(0);
    updatedArena = tensor::InsertSliceOp::create(
        b, loc, flat, updatedArena,
        ArrayRef<OpFoldResult>{b.getIndexAttr(offset)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(size)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  }

  /// Where the range of consecutive variables starts in the arena.
  int64_t offsetOf(ArrayAttr variables) {
    return slots.lookup(cast<FlatSymbolRefAttr>(variables[0]).getValue())
        .offset;
  }

  /// Clones `fn`'s body here with `args` for its arguments; returns what it
  /// returns. State reads become arena slices.
  SmallVector<Value> inlineCall(func::FuncOp fn, ValueRange args) {
    IRMapping map;
    Block &body = fn.getBody().front();
    map.map(body.getArguments(), args);
    SmallVector<Value> results;
    for (Operation &op : body) {
      if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        for (Value v : ret.getOperands())
          results.push_back(map.lookup(v));
        break;
      }
      if (auto write = dyn_cast<nn::AssignOp>(op)) {
        writeVariable(write.getLoc(), write.getVariable(),
                      map.lookup(write.getValue()));
        continue;
      }
      if (auto read = dyn_cast<nn::ReadOp>(op)) {
        map.map(read.getResult(),
                readVariable(read.getLoc(), read.getVariable()));
        continue;
      }
      // Consecutive variables (the verifier checked) are one arena range.
      if (auto read = dyn_cast<nn::ReadFlatOp>(op)) {
        map.map(read.getResult(),
                readRange(read.getLoc(), offsetOf(read.getVariables()),
                          read.getType().getDimSize(0)));
        continue;
      }
      if (auto write = dyn_cast<nn::AssignFlatOp>(op)) {
        writeRange(write.getLoc(), offsetOf(write.getVariables()),
                   map.lookup(write.getValue()));
        continue;
      }
      b.clone(op, map);
    }
    return results;
  }

  /// data_loss + every variable's weight penalty.
  Value addRegularization(Location loc, Value dataLoss) {
    return nn::buildTotalLoss(b, loc, module, dataLoss,
                              [&](nn::VariableOp var) {
                                return readVariable(loc, var.getSymName());
                              });
  }

  ModuleOp module;
  const llvm::StringMap<Slot> &slots;
  OpBuilder b;
  MemRefType arenaType;
  Value arena;        // the state as the entry point found it
  Value updatedArena; // after this entry's nn.assign ops
};

/// A named tensor of the interface: {name, shape (-1: any size), dtype,
/// range of valid ids when it indexes embedding tables}.
DictionaryAttr tensorDecl(Builder &b, StringRef name, Type type,
                          std::optional<int64_t> range = std::nullopt) {
  auto shaped = cast<ShapedType>(type);
  SmallVector<int64_t> shape;
  for (int64_t d : shaped.getShape())
    shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
  std::string dtype;
  llvm::raw_string_ostream(dtype) << shaped.getElementType();
  SmallVector<NamedAttribute> decl = {
      b.getNamedAttr("name", b.getStringAttr(name)),
      b.getNamedAttr("shape", b.getDenseI64ArrayAttr(shape)),
      b.getNamedAttr("dtype", b.getStringAttr(dtype))};
  if (range)
    decl.push_back(
        b.getNamedAttr("range", b.getDenseI64ArrayAttr({0, *range})));
  return b.getDictionaryAttr(decl);
}

StringRef nameOf(func::FuncOp fn, unsigned i, bool isArg) {
  auto a = isArg ? fn.getArgAttrOfType<StringAttr>(i, "nn.name")
                 : fn.getResultAttrOfType<StringAttr>(i, "nn.name");
  return a ? a.getValue() : "";
}

/// `nn.interface`: what the runtime needs to know of the model's inputs,
/// labels, outputs and loss, read off the model-level functions before they
/// are inlined, so that every later stage of the module carries it.
DictionaryAttr describeInterface(Builder &b, ModuleOp module,
                                 func::FuncOp infer, func::FuncOp train,
                                 func::FuncOp loss) {
  // Token ids must index every embedding table they feed.
  llvm::DenseMap<unsigned, int64_t> vocab;
  infer.walk([&](nn::EmbeddingOp op) {
    auto arg = dyn_cast<BlockArgument>(op.getIds());
    if (!arg || arg.getOwner() != &infer.getBody().front())
      return;
    int64_t rows = cast<ShapedType>(op.getTable().getType()).getDimSize(0);
    auto [it, fresh] = vocab.try_emplace(arg.getArgNumber(), rows);
    if (!fresh)
      it->second = std::min(it->second, rows);
  });
  SmallVector<Attribute> inputs, labels, outputs;
  for (unsigned i = 0; i < infer.getNumArguments(); ++i) {
    auto it = vocab.find(i);
    inputs.push_back(tensorDecl(
        b, nameOf(infer, i, true), infer.getArgumentTypes()[i],
        it == vocab.end() ? std::nullopt : std::optional(it->second)));
  }
  for (unsigned i = 0; i < infer.getNumResults(); ++i)
    outputs.push_back(
        tensorDecl(b, nameOf(infer, i, false), infer.getResultTypes()[i]));
  SmallVector<NamedAttribute> fields;
  // The labels the model declares (IRGen records them), else the loss's.
  if (auto declared = module->getAttrOfType<ArrayAttr>("nn.labels"))
    labels.assign(declared.begin(), declared.end());
  else if (loss)
    labels.push_back(
        tensorDecl(b, nameOf(loss, 1, true), loss.getArgumentTypes()[1]));
  if (loss) {
    auto ret = cast<func::ReturnOp>(loss.getBody().front().getTerminator());
    Operation *op = ret.getOperand(0).getDefiningOp();
    fields.push_back(b.getNamedAttr(
        "loss",
        b.getDictionaryAttr(
            {b.getNamedAttr("op",
                            b.getStringAttr(op->getName().stripDialect())),
             b.getNamedAttr("logits", b.getStringAttr(nameOf(loss, 0, true))),
             b.getNamedAttr("labels",
                            b.getStringAttr(nameOf(loss, 1, true)))})));
  }
  // Ghost batch sizes the batch size must be a multiple of.
  SmallVector<int64_t> ghost;
  train.walk([&](nn::BatchNormOp op) {
    if (auto v = op.getVirtualBatchSize())
      ghost.push_back(*v);
  });
  fields.push_back(b.getNamedAttr("inputs", b.getArrayAttr(inputs)));
  fields.push_back(b.getNamedAttr("labels", b.getArrayAttr(labels)));
  fields.push_back(b.getNamedAttr("outputs", b.getArrayAttr(outputs)));
  fields.push_back(
      b.getNamedAttr("virtual_batch_sizes", b.getDenseI64ArrayAttr(ghost)));
  return b.getDictionaryAttr(fields);
}

/// The multiply-adds per example of each layer's contractions, per entry
/// point (`nn.work`, for `bench --profile`'s GFLOP/s).
void recordLayerWork(Builder &b, ModuleOp module) {
  SmallVector<Attribute> work;
  for (auto fn : module.getOps<func::FuncOp>()) {
    StringRef entry = fn.getSymName();
    if (!fn->hasAttr("nn.abi") || !entry.consume_front("modelc_"))
      continue;
    llvm::MapVector<StringRef, int64_t> perLayer;
    fn.walk([&](nn::ContractionOpInterface op) {
      perLayer[nn::layerOf(op->getLoc())] += op.getMultiplyAddsPerExample();
    });
    for (auto [layer, madds] : perLayer)
      work.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("entry", b.getStringAttr(entry)),
           b.getNamedAttr("layer", b.getStringAttr(layer)),
           b.getNamedAttr("multiply_adds", b.getI64IntegerAttr(madds))}));
  }
  module->setAttr("nn.work", b.getArrayAttr(work));
}

struct NNBuildEntryPointsPass
    : public nn::impl::NNBuildEntryPointsBase<NNBuildEntryPointsPass> {
  using NNBuildEntryPointsBase::NNBuildEntryPointsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Builder b(module.getContext());

    // The arena: variables in declaration order.
    llvm::StringMap<Slot> slots;
    int64_t offset = 0;
    for (auto var : module.getOps<nn::VariableOp>()) {
      auto type = cast<RankedTensorType>(var.getType());
      slots[var.getSymName()] = {offset, type.getNumElements(), type};
      offset += type.getNumElements();
    }
    module->setAttr("nn.state_size", b.getI64IntegerAttr(offset));

    auto infer = module.lookupSymbol<func::FuncOp>("forward_infer");
    auto train = module.lookupSymbol<func::FuncOp>("forward_train");
    if (!infer || !train) {
      module.emitError("expected @forward_infer and @forward_train (run "
                       "nn-specialize-mode first)");
      return signalPassFailure();
    }
    auto loss = module.lookupSymbol<func::FuncOp>("loss");
    module->setAttr("nn.interface",
                    describeInterface(b, module, infer, train, loss));
    // The arena memref needs at least one element even for stateless models.
    EntryBuilder builder(module, slots, std::max<int64_t>(offset, 1));
    builder.buildForward("modelc_forward_infer", infer);
    builder.buildForward("modelc_forward_train", train);
    if (loss)
      builder.buildEval(infer, loss);
    auto trainStep = module.lookupSymbol<func::FuncOp>("train_step");
    if (trainStep) {
      builder.buildTrainStep(trainStep);
      trainStep.erase();
    }

    // The model-level functions have been inlined into the entry points.
    infer.erase();
    train.erase();
    if (loss)
      loss.erase();

    if (recordWork)
      recordLayerWork(b, module);

    // The declarations become a record of the layout; nothing reads them now.
    SmallVector<Attribute> layout;
    for (auto var :
         llvm::make_early_inc_range(module.getOps<nn::VariableOp>())) {
      const Slot &slot = slots[var.getSymName()];
      SmallVector<NamedAttribute> entry = {
          b.getNamedAttr("name", var.getSymNameAttr()),
          b.getNamedAttr("offset", b.getI64IntegerAttr(slot.offset)),
          b.getNamedAttr("size", b.getI64IntegerAttr(slot.size)),
          b.getNamedAttr("shape", b.getDenseI64ArrayAttr(slot.type.getShape())),
          b.getNamedAttr("role", b.getStringAttr(
                                     nn::stringifyVariableRole(var.getRole()))),
          b.getNamedAttr("init", var.getInitAttr()),
          b.getNamedAttr("trainable", b.getBoolAttr(var.getTrainable()))};
      layout.push_back(b.getDictionaryAttr(entry));
      var.erase();
    }
    module->setAttr("nn.state_layout", b.getArrayAttr(layout));
  }
};

} // namespace
