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

  // Offsets come from the module: the pass that laid out the arena decides.
  std::map<std::string, int64_t> offsets;
  if (auto layout = module->getAttrOfType<ArrayAttr>("nn.state_layout"))
    for (Attribute a : layout) {
      auto d = cast<DictionaryAttr>(a);
      offsets[d.getAs<StringAttr>("name").str()] =
          d.getAs<IntegerAttr>("offset").getInt();
    }
  json state = json::array();
  for (const VariableInfo &v : model.variables) {
    json s = json::object();
    s["name"] = v.name;
    s["shape"] = v.shape;
    s["offset"] = offsets.count(v.name) ? offsets[v.name] : -1;
    s["size"] = count(v.shape);
    s["role"] = v.role;
    s["trainable"] = v.trainable;
    s["init"] = v.init;
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
  return dumpJson(info);
}
