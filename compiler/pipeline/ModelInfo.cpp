//===- ModelInfo.cpp - the modelc_model_info document ---------------------===//
//
// Everything the runtime needs to drive a compiled model without
// model-specific code: names, shapes, the arena layout with initializers,
// and the argument list of each entry point (docs/RUNTIME_ABI.md).
//
//===----------------------------------------------------------------------===//
#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Pipeline/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace modelc;

namespace {

json attrToJson(Attribute a) {
  if (auto d = dyn_cast<DictionaryAttr>(a)) {
    json o = json::object();
    for (NamedAttribute n : d)
      o[n.getName().str()] = attrToJson(n.getValue());
    return o;
  }
  if (auto list = dyn_cast<ArrayAttr>(a)) {
    json o = json::array();
    for (Attribute item : list)
      o.push_back(attrToJson(item));
    return o;
  }
  if (auto list = dyn_cast<DenseI64ArrayAttr>(a))
    return std::vector<int64_t>(list.asArrayRef());
  if (auto s = dyn_cast<StringAttr>(a))
    return s.str();
  // A BoolAttr is also an IntegerAttr (of i1): test it first.
  if (auto b = dyn_cast<BoolAttr>(a))
    return b.getValue();
  if (auto i = dyn_cast<IntegerAttr>(a))
    return i.getInt();
  if (auto f = dyn_cast<FloatAttr>(a))
    return f.getValueAsDouble();
  return nullptr;
}

/// The module attribute `name` as JSON; `fallback` when it is absent.
json moduleAttr(ModuleOp module, StringRef name, json fallback = nullptr) {
  Attribute a = module->getAttr(name);
  return a ? attrToJson(a) : fallback;
}

/// The learning rate as the model file spells it after the front end's
/// normalization: a number or {"<schedule>": {fields}}, possibly under
/// {"warmup": {from, schedule, steps}}, keys in alphabetical order (the
/// order of the dictionary attribute it once was: the runtime's `info` and
/// checkpoint fingerprints print it).
json learningRateJson(nn::LearningRateAttr lr) {
  auto real = [](FloatAttr a) { return a.getValueAsDouble(); };
  json schedule;
  switch (lr.getKind()) {
  case nn::ScheduleKind::constant:
    schedule = real(lr.getInitial());
    break;
  case nn::ScheduleKind::exponential_decay:
    schedule = {{"exponential_decay",
                 {{"decay_rate", real(lr.getDecayRate())},
                  {"decay_steps", *lr.getDecaySteps()},
                  {"initial", real(lr.getInitial())},
                  {"staircase", lr.getStaircase().getValue()}}}};
    break;
  case nn::ScheduleKind::cosine_decay:
    schedule = {{"cosine_decay",
                 {{"alpha", real(lr.getAlpha())},
                  {"decay_steps", *lr.getDecaySteps()},
                  {"initial", real(lr.getInitial())}}}};
    break;
  case nn::ScheduleKind::piecewise_constant:
    schedule = {
        {"piecewise_constant",
         {{"boundaries", std::vector<int64_t>(lr.getBoundaries())},
          {"values", std::vector<double>(lr.getValues().asArrayRef())}}}};
    break;
  }
  if (!lr.getWarmupSteps())
    return schedule;
  return {{"warmup",
           {{"from", lr.getWarmupFrom() ? real(lr.getWarmupFrom()) : 0.0},
            {"schedule", schedule},
            {"steps", *lr.getWarmupSteps()}}}};
}

/// The optimizer as the model file spells it (the parameters it has).
json optimizerJson(nn::OptimizerAttr optimizer) {
  if (!optimizer)
    return nullptr;
  json o = json::object();
  o["op"] = nn::stringifyOptimizerKind(optimizer.getKind()).str();
  o["learning_rate"] = learningRateJson(optimizer.getLearningRate());
  for (auto [key, value] :
       {std::pair<const char *, Attribute>{"momentum", optimizer.getMomentum()},
        {"use_nesterov", optimizer.getUseNesterov()},
        {"beta1", optimizer.getBeta1()},
        {"beta2", optimizer.getBeta2()},
        {"decay", optimizer.getDecay()},
        {"epsilon", optimizer.getEpsilon()},
        {"weight_decay", optimizer.getWeightDecay()},
        {"clip_global_norm", optimizer.getClipGlobalNorm()}})
    if (value)
      o[key] = attrToJson(value);
  return o;
}

/// Calls `fn(value, offset)` for each variable of the layout initialized by
/// imported values, with its offset in `modelc_initial_values`: the values
/// one after another in layout order.
void forEachInitialValue(ArrayAttr layout,
                         function_ref<void(ElementsAttr, int64_t)> fn) {
  int64_t offset = 0;
  for (auto entry : layout.getAsRange<DictionaryAttr>()) {
    auto init = entry.getAs<DictionaryAttr>("init");
    auto value = init ? init.getAs<ElementsAttr>("value") : ElementsAttr();
    if (!value)
      continue;
    fn(value, offset);
    offset += value.getNumElements();
  }
}

} // namespace

FailureOr<std::vector<float>> modelc::collectInitialValues(ModuleOp module,
                                                           std::string &error) {
  std::vector<float> blob;
  auto layout = module->getAttrOfType<ArrayAttr>("nn.state_layout");
  if (!layout)
    return blob;
  bool ok = true;
  forEachInitialValue(layout, [&](ElementsAttr value, int64_t offset) {
    blob.resize(offset + value.getNumElements());
    float *out = blob.data() + offset;
    if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(value)) {
      if (std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef()) {
        llvm::copy(*data, out);
        return;
      }
    } else if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
      if (dense.getElementType().isF32()) {
        for (float v : dense.getValues<float>())
          *out++ = v;
        return;
      }
    }
    // An elided resource (--mlir-elide-resource-strings-if-larger) or
    // another kind of elements: the values are not in the module.
    ok = false;
  });
  if (!ok) {
    error = "the module's imported initial values are not all present as "
            "f32 data (was the .mlir printed with elided resources?)";
    return failure();
  }
  return blob;
}

FailureOr<std::string> modelc::buildModelInfo(ModuleOp module) {
  auto interface = module->getAttrOfType<DictionaryAttr>("nn.interface");
  auto layout = module->getAttrOfType<ArrayAttr>("nn.state_layout");
  if (!interface || !layout) {
    module.emitError("the module has no nn.interface or nn.state_layout: "
                     "give a module of the nn stage or of a later one "
                     "(nn-build-entry-points records them)");
    return failure();
  }
  json described = attrToJson(interface);
  json info = json::object();
  info["name"] = module.getSymName() ? module.getSymName()->str() : "model";
  info["fingerprint"] = moduleAttr(module, "nn.fingerprint", "");
  info["seed"] = moduleAttr(module, "nn.seed", 0);
  for (const char *key : {"inputs", "labels", "outputs"})
    info[key] = described.value(key, json::array());
  info["loss"] = described.value("loss", json());
  auto optimizer = module->getAttrOfType<nn::OptimizerAttr>("nn.optimizer");
  info["optimizer"] = optimizerJson(optimizer);
  if (Attribute metrics = module->getAttr("nn.metrics"))
    info["metrics"] = attrToJson(metrics);
  info["virtual_batch_sizes"] =
      described.value("virtual_batch_sizes", json::array());
  info["layers"] = moduleAttr(module, "nn.layers", json::array());
  // With --profile, the timed kernels in the order of their ids.
  if (Attribute kernels = module->getAttr("nn.kernels"))
    info["kernels"] = attrToJson(kernels);
  // Multiply-adds per example of each layer's contractions, per entry.
  if (Attribute work = module->getAttr("nn.work"))
    info["work"] = attrToJson(work);

  // The state is what the module laid out: the model's variables and the
  // optimizer slots the train step declared.
  llvm::DenseMap<Attribute, int64_t> valueOffsets;
  forEachInitialValue(layout, [&](ElementsAttr value, int64_t offset) {
    valueOffsets[value] = offset;
  });
  json state = json::array();
  for (Attribute a : layout) {
    json s = attrToJson(a);
    if (s["init"].value("kind", "") == "values") {
      auto init = cast<DictionaryAttr>(a).getAs<DictionaryAttr>("init");
      s["init"] = {{"kind", "values"},
                   {"offset", valueOffsets[init.get("value")]}};
    }
    state.push_back({{"name", s["name"]},
                     {"shape", s["shape"]},
                     {"offset", s["offset"]},
                     {"size", s["size"]},
                     {"role", s["role"]},
                     {"trainable", s["trainable"]},
                     {"init", s["init"]}});
  }
  // What `export` needs: the ONNX graph's state initializers (the graph
  // itself is `modelc_onnx_graph`), or why the model has no ONNX form.
  if (auto graph = module->getAttrOfType<StringAttr>("nn.onnx_graph"))
    info["onnx"] = {{"graph_bytes", (int64_t)graph.size()},
                    {"state", moduleAttr(module, "nn.onnx_state")}};
  else if (Attribute reason = module->getAttr("nn.onnx_unsupported"))
    info["onnx"] = {{"unsupported", attrToJson(reason)}};
  info["state_size"] = moduleAttr(module, "nn.state_size", 0);
  int64_t values = 0;
  forEachInitialValue(layout, [&](ElementsAttr value, int64_t offset) {
    values = offset + value.getNumElements();
  });
  if (values)
    info["initial_values"] = values;
  info["state"] = state;

  // Entry points at any stage: func.func, or llvm.func after the lowering
  // (whose C-interface wrappers carry the attribute too).
  json entries = json::object();
  for (auto fn : module.getOps<FunctionOpInterface>()) {
    auto abi = fn->getAttrOfType<ArrayAttr>("nn.abi");
    std::string symbol = fn.getName().str();
    if (!abi || symbol.rfind("_mlir_ciface_", 0) == 0)
      continue;
    std::string entry = symbol;
    if (entry.rfind("modelc_", 0) == 0)
      entry = entry.substr(7);
    json args = json::array();
    for (Attribute a : abi) {
      std::string text = cast<StringAttr>(a).str();
      json arg = json::object();
      size_t colon = text.find(':');
      arg["kind"] = text.substr(0, colon);
      if (colon != std::string::npos)
        arg["name"] = text.substr(colon + 1);
      args.push_back(arg);
    }
    json e = json::object();
    e["symbol"] = "modelc_entry_" + entry;
    e["function"] = "_mlir_ciface_" + symbol;
    e["args"] = args;
    entries[entry] = e;
  }
  info["entries"] = entries;

  // An --inference-only build reads checkpoints of the training build of the
  // same model: it may skip their optimizer slots (named as
  // nn-build-train-step names them).
  json ignorable = json::array();
  if (!entries.contains("train_step") && optimizer)
    for (const json &v : state)
      if (v["trainable"] == true && v["role"] == "param")
        for (auto [slot, init] : optimizer.getSlots())
          ignorable.push_back(v["name"].get<std::string>() + "/" + slot.str());
  info["ignorable_state"] = ignorable;
  return dumpJson(info);
}
