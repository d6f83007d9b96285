//===- ModelInfo.cpp - the modelc_model_info document ---------------------===//
//
// Everything the runtime needs to drive a compiled model without
// model-specific code: names, shapes, the arena layout with initializers,
// and the argument list of each entry point (docs/RUNTIME_ABI.md).
//
//===----------------------------------------------------------------------===//
#include "modelc/Pipeline/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace modelc;

namespace {

json tensorDecl(const std::string &name, const TensorInfo &t) {
  json d = json::object();
  d["name"] = name;
  d["shape"] = t.shape;
  d["dtype"] = t.dtype;
  return d;
}

json attrToJson(Attribute a) {
  if (auto d = dyn_cast<DictionaryAttr>(a)) {
    json o = json::object();
    for (NamedAttribute n : d)
      o[n.getName().str()] = attrToJson(n.getValue());
    return o;
  }
  if (auto s = dyn_cast<StringAttr>(a))
    return s.str();
  if (auto i = dyn_cast<IntegerAttr>(a))
    return i.getInt();
  if (auto f = dyn_cast<FloatAttr>(a))
    return f.getValueAsDouble();
  if (auto b = dyn_cast<BoolAttr>(a))
    return b.getValue();
  return nullptr;
}

int64_t count(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

} // namespace

std::string modelc::buildModelInfo(const Model &model, ModuleOp module) {
  json info = json::object();
  info["name"] = model.name;
  info["fingerprint"] = model.fingerprint;
  info["seed"] = model.seed;
  info["inputs"] = json::array();
  for (auto &[n, t] : model.inputs) {
    json d = tensorDecl(n, t);
    // Token ids must index the embedding tables they feed.
    for (const LayerInfo &l : model.layers)
      if (l.op == "embedding" && l.inputs[0] == n) {
        int64_t vocab = l.attrs["vocab_size"].get<int64_t>();
        if (!d.contains("range") || d["range"][1].get<int64_t>() > vocab)
          d["range"] = {0, vocab};
      }
    info["inputs"].push_back(d);
  }
  info["labels"] = json::array();
  for (auto &[n, t] : model.labels)
    info["labels"].push_back(tensorDecl(n, t));
  info["outputs"] = json::array();
  for (const std::string &o : model.outputs)
    info["outputs"].push_back(tensorDecl(o, model.findLayer(o)->output));
  info["loss"] = model.loss;
  info["optimizer"] = model.optimizer;
  if (!model.metrics.is_null()) {
    info["metrics"] = json::array();
    for (const json &m : model.metrics) {
      json d = {{"name", metricKey(m)}, {"kind", metricKind(m)}};
      if (!m.is_string())
        d["k"] = m["top_k_accuracy"]["k"];
      info["metrics"].push_back(d);
    }
  }

  json vbs = json::array();
  json layers = json::array();
  for (const LayerInfo &l : model.layers) {
    json layer = json::object();
    layer["name"] = l.name;
    layer["op"] = l.op;
    layer["shape"] = l.output.shape;
    int64_t params = 0;
    for (auto &[what, var] : l.vars)
      for (const VariableInfo &v : model.variables)
        if (v.name == var && v.role == "param" &&
            var.rfind(l.name + "/", 0) == 0)
          params += count(v.shape);
    layer["params"] = params;
    layers.push_back(layer);
    if (l.op == "batch_norm" && !l.attrs["virtual_batch_size"].is_null())
      vbs.push_back(l.attrs["virtual_batch_size"]);
  }
  info["virtual_batch_sizes"] = vbs;
  info["layers"] = layers;

  // The state is what the module laid out: the model's variables and the
  // optimizer slots the train step declared.
  json state = json::array();
  if (auto layout = module->getAttrOfType<ArrayAttr>("nn.state_layout"))
    for (Attribute a : layout) {
      auto d = cast<DictionaryAttr>(a);
      json s = json::object();
      s["name"] = d.getAs<StringAttr>("name").str();
      s["shape"] = std::vector<int64_t>(
          d.getAs<DenseI64ArrayAttr>("shape").asArrayRef());
      s["offset"] = d.getAs<IntegerAttr>("offset").getInt();
      s["size"] = d.getAs<IntegerAttr>("size").getInt();
      s["role"] = d.getAs<StringAttr>("role").str();
      s["trainable"] = d.getAs<BoolAttr>("trainable").getValue();
      s["init"] = attrToJson(d.getAs<DictionaryAttr>("init"));
      state.push_back(s);
    }
  auto size = module->getAttrOfType<IntegerAttr>("nn.state_size");
  info["state_size"] = size ? size.getInt() : 0;
  info["state"] = state;

  json entries = json::object();
  for (auto fn : module.getOps<func::FuncOp>()) {
    auto abi = fn->getAttrOfType<ArrayAttr>("nn.abi");
    if (!abi)
      continue;
    std::string entry = fn.getSymName().str();
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
    e["function"] = "_mlir_ciface_" + fn.getSymName().str();
    e["args"] = args;
    entries[entry] = e;
  }
  info["entries"] = entries;

  // An --inference-only build reads checkpoints of the training build of the
  // same model: it may skip their optimizer slots (named as
  // nn-build-train-step names them).
  json ignorable = json::array();
  if (!entries.contains("train_step") && !model.optimizer.is_null()) {
    std::string op = model.optimizer["op"];
    std::vector<std::string> slots =
        op == "adam"       ? std::vector<std::string>{"m", "v"}
        : op == "momentum" ? std::vector<std::string>{"momentum"}
        : op == "rmsprop"  ? std::vector<std::string>{"rms", "momentum"}
                           : std::vector<std::string>{};
    for (const VariableInfo &v : model.variables)
      if (v.trainable)
        for (const std::string &slot : slots)
          ignorable.push_back(v.name + "/" + slot);
  }
  info["ignorable_state"] = ignorable;
  return dumpJson(info);
}
