//===- Analyze.cpp - validation, defaults, graph and shape inference ------===//
//
// Turns the parsed document into a Model: every attribute checked against
// the schema and defaulted, every name resolved, the graph checked for
// cycles, every layer's output shape inferred by the shape rule of the nn op
// it becomes (the op's `inferShape`, which its verifier also runs), and the
// model's state variables laid out.
//
//===----------------------------------------------------------------------===//
#include "modelc/Frontend/Layers.h"
#include "modelc/Frontend/Model.h"
#include "modelc/Frontend/Schema.h"

#include "llvm/Support/MathExtras.h"

#include <cstdio>
#include <functional>
#include <limits>
#include <set>

using namespace modelc;

bool modelc::isLayerName(const std::string &s) {
  if (s.empty())
    return false;
  for (char c : s)
    if (!std::isalnum((unsigned char)c) && c != '_' && c != '-' && c != '.')
      return false;
  return true;
}

std::string modelc::showShape(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

int64_t modelc::elementsPerExample(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (size_t k = 1; k < shape.size(); ++k)
    if (llvm::MulOverflow(n, shape[k], n))
      return -1;
  return n;
}

namespace {

bool isIdentifier(const std::string &s) {
  if (s.empty() || std::isdigit((unsigned char)s[0]))
    return false;
  for (char c : s)
    if (!std::isalnum((unsigned char)c) && c != '_')
      return false;
  return true;
}

/// Keras' fan computation: the last two axes are (in, out), the rest is the
/// receptive field.
std::pair<int64_t, int64_t> fans(const std::vector<int64_t> &shape) {
  if (shape.size() == 1)
    return {shape[0], shape[0]};
  int64_t receptive = 1;
  for (size_t i = 0; i + 2 < shape.size(); ++i)
    receptive *= shape[i];
  return {shape[shape.size() - 2] * receptive,
          shape[shape.size() - 1] * receptive};
}

json initSpec(const json &init, const std::vector<int64_t> &shape) {
  json spec = json::object();
  if (init.is_string()) {
    spec["kind"] = init;
    std::string k = init.get<std::string>();
    if (k != "zeros" && k != "ones") {
      auto [in, out] = fans(shape);
      spec["fan_in"] = in;
      spec["fan_out"] = out;
    }
    return spec;
  }
  const std::string &kind = init.begin().key();
  spec["kind"] = kind;
  if (kind == "constant") {
    spec["value"] = init.begin().value();
  } else if (kind == "values") {
    spec["tensor"] = init.begin().value();
  } else {
    for (auto &[k, v] : init.begin().value().items())
      spec[k] = v;
  }
  return spec;
}

class Analyzer {
public:
  Analyzer(const ParsedModel &parsed, Diagnostic &diag)
      : parsed(parsed), doc(parsed.doc), diag(diag) {}

  std::optional<Model> run();

private:
  bool error(const std::string &pointer, std::string message) {
    diag = {parsed.locs.lookup(pointer), std::move(message)};
    return false;
  }
  bool layerError(size_t i, const std::string &field, std::string message) {
    std::string pointer = "/layers/" + std::to_string(i);
    if (!field.empty())
      pointer += "/" + field;
    return error(pointer, "layer '" + model.layers[i].name + "': " + message);
  }

  bool topLevel();
  bool tensorDecls(const char *key, bool required,
                   std::vector<std::pair<std::string, TensorInfo>> &out);
  bool layerHeaders();
  bool layerAttributes(size_t i, const json &raw, const OpSchema &schema);
  bool resolveInputs();
  bool inferShapes();
  bool checkValues(size_t i, const std::string &what,
                   const std::vector<int64_t> &shape, const json &name);
  bool inferLayer(size_t i);
  bool outputsLossOptimizer();
  bool metrics();
  bool checkReuse();
  bool layoutVariables();
  void buildNormalized();

  const TensorInfo *inputInfo(size_t layer, size_t k) {
    return model.findValue(model.layers[layer].inputs[k]);
  }
  bool requireDtype(size_t i, size_t k, const char *dtype);
  /// The hooks' view of layer `i` (its entry in Layers.cpp).
  /// Without `withInputs` (before the inputs are resolved) it has none.
  LayerAnalysis analysis(size_t i, bool withInputs = true) {
    LayerAnalysis l{model.layers[i],
                    {},
                    [this, i](const std::string &field, std::string message) {
                      return layerError(i, field, std::move(message));
                    }};
    for (size_t k = 0; withInputs && k < model.layers[i].inputs.size(); ++k)
      l.inputs.push_back(inputInfo(i, k));
    return l;
  }

  const ParsedModel &parsed;
  const json &doc;
  Diagnostic &diag;
  Model model;
  std::map<std::string, size_t> layerIndex;
  std::map<std::string, std::string> nameSite; // name -> pointer
};

bool Analyzer::topLevel() {
  if (!doc.is_object())
    return error("", "the model must be a JSON object");
  static const std::set<std::string> known = {"name",   "seed",      "inputs",
                                              "labels", "layers",    "outputs",
                                              "loss",   "optimizer", "metrics"};
  for (auto &[key, v] : doc.items())
    if (!known.count(key))
      return error("/" + key,
                   "unknown top-level key '" + shortText(key) + "'" +
                       didYouMean(key, {known.begin(), known.end()}) +
                       " (expected name, seed, inputs, labels, layers, "
                       "outputs, loss, optimizer, metrics)");
  if (!doc.contains("name") || doc["name"].is_null())
    return error("", "missing model 'name'");
  if (!doc["name"].is_string() || !isIdentifier(doc["name"]))
    return error("/name", "model name must be an identifier, got " +
                              shortText(dumpJson(doc["name"])));
  model.name = doc["name"];
  if (doc.contains("seed")) {
    if (!doc["seed"].is_number_integer())
      return error("/seed", "model 'seed' must be an integer, got " +
                                shortText(dumpJson(doc["seed"])));
    model.seed = doc["seed"].get<int64_t>();
  }
  return true;
}

bool Analyzer::tensorDecls(
    const char *key, bool required,
    std::vector<std::pair<std::string, TensorInfo>> &out) {
  std::string base = std::string("/") + key;
  if (!doc.contains(key) || doc[key].is_null()) {
    if (required)
      return error("", std::string("missing '") + key + "'");
    return true;
  }
  const json &list = doc[key];
  if (!list.is_array() || (required && list.empty()))
    return error(base, std::string("'") + key +
                           "' must be a non-empty list of {name, shape, "
                           "dtype}");
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = base + "/" + std::to_string(i);
    const json &d = list[i];
    if (!d.is_object())
      return error(p, std::string(key) + "[" + std::to_string(i) +
                          "] must be an object {name, shape, dtype}");
    for (auto &[k, v] : d.items())
      if (k != "name" && k != "shape" && k != "dtype")
        return error(p + "/" + k, "unknown field '" + shortText(k) + "' in " +
                                      key + "[" + std::to_string(i) + "]");
    if (!d.contains("name") || !d["name"].is_string() ||
        !isLayerName(d["name"]))
      return error(p, std::string(key) + "[" + std::to_string(i) +
                          "] needs a 'name'");
    std::string name = d["name"];
    if (nameSite.count(name))
      return error(p + "/name", "duplicate name '" + name + "'");
    nameSite[name] = p;
    TensorInfo info;
    if (!d.contains("dtype") || (d["dtype"] != "f32" && d["dtype"] != "i32"))
      return error(p + "/dtype",
                   "'" + name + "': dtype must be \"f32\" or \"i32\", got " +
                       shortText(dumpJson(d.value("dtype", json()))));
    info.dtype = d["dtype"];
    if (!d.contains("shape") || !d["shape"].is_array() || d["shape"].empty())
      return error(p + "/shape", "'" + name +
                                     "': shape must be a non-empty list of "
                                     "integers");
    for (size_t j = 0; j < d["shape"].size(); ++j) {
      const json &dim = d["shape"][j];
      if (!dim.is_number_integer() ||
          (j == 0 ? (dim.get<int64_t>() < 1 && dim.get<int64_t>() != -1)
                  : dim.get<int64_t>() < 1))
        return error(p + "/shape",
                     "'" + name + "': shape " +
                         shortText(dumpJson(d["shape"])) +
                         " must be [-1 or batch, positive sizes...] (only "
                         "the batch may be -1)");
      if (dim.get<int64_t>() > kMaxSize)
        return error(p + "/shape", "'" + name + "': dimension " +
                                       std::to_string(dim.get<int64_t>()) +
                                       " is larger than 2147483647");
      info.shape.push_back(dim.get<int64_t>());
    }
    int64_t n = elementsPerExample(info.shape);
    if (n < 0 || n > kMaxExampleElements)
      return error(p + "/shape",
                   "'" + name + "': shape " + showShape(info.shape) +
                       " has more than 2^31 elements per example");
    out.push_back({name, info});
  }
  return true;
}

bool Analyzer::layerHeaders() {
  if (!doc.contains("layers") || !doc["layers"].is_array() ||
      doc["layers"].empty())
    return error(doc.contains("layers") ? "/layers" : "",
                 "'layers' must be a non-empty list");
  const json &layers = doc["layers"];
  for (size_t i = 0; i < layers.size(); ++i) {
    std::string p = "/layers/" + std::to_string(i);
    const json &l = layers[i];
    if (!l.is_object())
      return error(p, "layers[" + std::to_string(i) + "] must be an object");
    if (!l.contains("name") || !l["name"].is_string() ||
        !isLayerName(l["name"]))
      return error(l.contains("name") ? p + "/name" : p,
                   "layers[" + std::to_string(i) +
                       "] needs a 'name' (letters, digits, '_', '-', '.')");
    LayerInfo layer;
    layer.name = l["name"];
    layer.loc = parsed.locs.lookup(p);
    model.layers.push_back(layer);
    auto [it, fresh] = nameSite.insert({layer.name, p});
    if (!fresh) {
      SourceLoc first = parsed.locs.lookup(it->second);
      return layerError(i, "name",
                        "duplicate name '" + layer.name +
                            "' (first defined at " +
                            std::to_string(first.line) + ":" +
                            std::to_string(first.col) + ")");
    }
    layerIndex[layer.name] = i;
    if (!l.contains("op") || !l["op"].is_string())
      return layerError(i, "", "missing 'op'");
    std::string op = l["op"];
    const OpSchema *schema = findLayerSchema(op);
    if (!schema) {
      std::string known;
      for (const std::string &n : layerOpNames())
        known += (known.empty() ? "" : ", ") + n;
      std::vector<std::string> names = layerOpNames();
      return layerError(i, "op",
                        "unknown op '" + shortText(op) + "'" +
                            didYouMean(op, names) + " (known: " + known + ")");
    }
    model.layers[i].op = op;
    if (!layerAttributes(i, l, *schema))
      return false;
  }
  return true;
}

bool Analyzer::layerAttributes(size_t i, const json &raw,
                               const OpSchema &schema) {
  LayerInfo &layer = model.layers[i];
  // Inputs.
  const char *inKey = schema.inputList ? "inputs" : "input";
  const char *otherKey = schema.inputList ? "input" : "inputs";
  if (raw.contains(otherKey))
    return layerError(i, otherKey,
                      std::string(schema.op) + " takes '" + inKey + "', not '" +
                          otherKey + "'");
  if (!raw.contains(inKey))
    return layerError(i, "", std::string("missing attribute '") + inKey + "'");
  const json &in = raw[inKey];
  if (schema.inputList) {
    if (!in.is_array() || in.size() < 2)
      return layerError(i, inKey,
                        "'inputs' must be a list of at least two names");
    for (const json &n : in) {
      if (!n.is_string())
        return layerError(i, inKey, "'inputs' must be a list of names");
      layer.inputs.push_back(n);
    }
  } else {
    if (!in.is_string())
      return layerError(
          i, inKey, "'input' must be a name, got " + shortText(dumpJson(in)));
    layer.inputs.push_back(in);
  }
  // Attributes.
  for (auto &[key, v] : raw.items()) {
    if (key == "name" || key == "op" || key == inKey)
      continue;
    if (key == "activation" && v == "softmax")
      return layerError(i, key,
                        "activation 'softmax' is not supported: the losses "
                        "take logits (softmax_cross_entropy applies it); "
                        "`predict --probabilities` gives the softmax");
    for (auto &[name, reason] : findLayerDef(layer.op)->refused)
      if (key == name)
        return layerError(i, key, reason);
    std::vector<std::string> names;
    for (const AttrSpec &spec : schema.attrs)
      names.push_back(spec.name);
    if (!llvm::is_contained(names, key))
      return layerError(i, key,
                        "unknown attribute '" + shortText(key) + "' for " +
                            schema.op + didYouMean(key, names));
  }
  layer.attrs = json::object();
  for (const AttrSpec &spec : schema.attrs) {
    if (!raw.contains(spec.name)) {
      if (spec.required)
        return layerError(i, "",
                          std::string("missing attribute '") + spec.name +
                              "' (" + schema.op + ")");
      layer.attrs[spec.name] = spec.defaultValue;
      continue;
    }
    json normalized;
    std::string message;
    if (!normalizeAttr(spec, raw[spec.name], normalized, message))
      return layerError(i, spec.name,
                        std::string("attribute '") + spec.name + "' " +
                            message);
    layer.attrs[spec.name] = normalized;
  }
  for (const AttrSpec &spec : schema.attrs)
    if (spec.omitDefault && layer.attrs[spec.name] == spec.defaultValue)
      layer.attrs.erase(spec.name);
  // Pools stride by their window unless told otherwise.
  if (layer.attrs.contains("pool_size") && layer.attrs["strides"].is_null())
    layer.attrs["strides"] = layer.attrs["pool_size"];
  if (const LayerDef *def = findLayerDef(layer.op); def->check) {
    LayerAnalysis analysis = this->analysis(i, /*withInputs=*/false);
    if (!def->check(analysis, raw))
      return false;
  }
  return true;
}

bool Analyzer::resolveInputs() {
  std::set<std::string> labelNames;
  for (auto &l : model.labels)
    labelNames.insert(l.first);
  for (size_t i = 0; i < model.layers.size(); ++i) {
    LayerInfo &layer = model.layers[i];
    for (size_t k = 0; k < layer.inputs.size(); ++k) {
      const std::string &name = layer.inputs[k];
      std::string field = opTakesInputList(layer.op)
                              ? "inputs/" + std::to_string(k)
                              : std::string("input");
      if (labelNames.count(name))
        return layerError(i, field,
                          "input '" + name +
                              "' is a label; layers read model "
                              "inputs and other layers");
      if (name == layer.name)
        return layerError(i, field, "cycle: '" + name + "' reads itself");
      auto it = layerIndex.find(name);
      if (it == layerIndex.end()) {
        bool isInput = false;
        for (auto &in : model.inputs)
          isInput |= in.first == name;
        if (!isInput)
          return layerError(i, field,
                            "input '" + name +
                                "' is not a model input or an "
                                "earlier layer");
        continue;
      }
      if (it->second < i)
        continue;
      // A forward reference: report the cycle if there is one.
      std::vector<std::string> path = {layer.name};
      std::set<size_t> seen;
      std::function<bool(size_t)> reaches = [&](size_t from) -> bool {
        if (!seen.insert(from).second)
          return false;
        path.push_back(model.layers[from].name);
        if (from == i)
          return true;
        for (const std::string &n : model.layers[from].inputs) {
          auto j = layerIndex.find(n);
          if (j != layerIndex.end() && reaches(j->second))
            return true;
        }
        path.pop_back();
        return false;
      };
      if (reaches(it->second)) {
        std::string chain;
        for (auto p = path.rbegin(); p != path.rend(); ++p)
          chain += (chain.empty() ? "'" : " -> '") + *p + "'";
        return layerError(i, field, "cycle: " + chain);
      }
      return layerError(i, field,
                        "input '" + name +
                            "' is defined later; layers must come "
                            "after the layers they read");
    }
  }
  return true;
}

bool Analyzer::requireDtype(size_t i, size_t k, const char *dtype) {
  const TensorInfo *t = inputInfo(i, k);
  if (t->dtype == dtype)
    return true;
  return layerError(i, "input",
                    model.layers[i].op + " needs an " + dtype +
                        " input, but '" + model.layers[i].inputs[k] + "' is " +
                        t->dtype);
}

bool Analyzer::inferShapes() {
  for (size_t i = 0; i < model.layers.size(); ++i)
    if (!inferLayer(i))
      return false;
  return true;
}

bool Analyzer::inferLayer(size_t i) {
  LayerInfo &layer = model.layers[i];
  const LayerDef &def = *findLayerDef(layer.op);
  for (size_t k = 0; k < layer.inputs.size(); ++k)
    if (!requireDtype(i, k, def.inputDtype))
      return false;
  LayerAnalysis analysis = this->analysis(i);
  if (def.infer) {
    if (!def.infer(analysis))
      return false;
  } else {
    analysis.output = analysis.shape(0);
  }
  const std::vector<int64_t> &out = analysis.output;
  for (size_t k = 1; k < out.size(); ++k)
    if (out[k] < 1)
      return layerError(
          i, "", "output shape " + showShape(out) + " has an empty dimension");
  int64_t n = elementsPerExample(out);
  if (n < 0 || n > kMaxExampleElements)
    return layerError(i, "",
                      "output shape " + showShape(out) +
                          " has more than 2^31 elements per example");
  layer.output = {out, "f32"};
  return true;
}

bool Analyzer::outputsLossOptimizer() {
  if (!doc.contains("outputs") || !doc["outputs"].is_array() ||
      doc["outputs"].empty())
    return error(doc.contains("outputs") ? "/outputs" : "",
                 "'outputs' must be a non-empty list of layer names");
  for (size_t i = 0; i < doc["outputs"].size(); ++i) {
    const json &o = doc["outputs"][i];
    std::string p = "/outputs/" + std::to_string(i);
    if (!o.is_string() || !layerIndex.count(o))
      return error(p, "output " + shortText(dumpJson(o)) + " is not a layer");
    for (const std::string &prev : model.outputs)
      if (prev == o)
        return error(p, "output '" + prev + "' is listed twice");
    model.outputs.push_back(o);
  }

  model.loss = nullptr;
  if (doc.contains("loss") && !doc["loss"].is_null()) {
    const json &loss = doc["loss"];
    if (!loss.is_object() || !loss.contains("op") || !loss["op"].is_string())
      return error("/loss", "loss needs an 'op'");
    std::string op = loss["op"];
    std::vector<std::string> operands = lossOperandNames(op);
    if (operands.empty())
      return error(
          "/loss/op",
          "unknown loss '" + op + "'" +
              didYouMean(op, {"softmax_cross_entropy", "sigmoid_cross_entropy",
                              "mean_squared_error"}) +
              " (known: softmax_cross_entropy, "
              "sigmoid_cross_entropy, mean_squared_error)");
    bool classifier = op != "mean_squared_error";
    for (auto &[key, v] : loss.items())
      if (key != "op" && key != operands[0] && key != operands[1] &&
          !(classifier && key == "class_weight"))
        return error("/loss/" + key,
                     "loss: unknown attribute '" + key + "' for " + op +
                         didYouMean(key, {operands[0], operands[1],
                                          classifier ? "class_weight" : ""}) +
                         " (expected " + operands[0] + ", " + operands[1] +
                         (classifier ? ", class_weight" : "") + ")");
    for (const std::string &k : operands)
      if (!loss.contains(k) || !loss[k].is_string())
        return error("/loss",
                     "loss: missing attribute '" + k + "' (" + op + ")");
    std::string pred = loss[operands[0]], lab = loss[operands[1]];
    bool isOutput = false;
    for (const std::string &o : model.outputs)
      isOutput |= o == pred;
    if (!isOutput)
      return error("/loss/" + operands[0], "loss: " + operands[0] + " '" +
                                               pred +
                                               "' is not a model output");
    const TensorInfo *label = nullptr;
    for (auto &l : model.labels)
      if (l.first == lab)
        label = &l.second;
    if (!label)
      return error("/loss/labels",
                   "loss: labels '" + lab + "' is not a declared label");
    const TensorInfo &p = model.layers[layerIndex[pred]].output;
    // Keras's Dense(1, activation="sigmoid") + binary cross-entropy habit:
    // here the loss applies the sigmoid to logits itself.
    const json &predAttrs = model.layers[layerIndex[pred]].attrs;
    if (op == "sigmoid_cross_entropy" && predAttrs.contains("activation") &&
        predAttrs["activation"] == "sigmoid")
      return error("/loss/" + operands[0],
                   "loss: '" + pred +
                       "' has activation 'sigmoid', but "
                       "sigmoid_cross_entropy takes logits and applies the "
                       "sigmoid itself; leave the activation out "
                       "(`predict --probabilities` gives the sigmoid)");
    const std::string &predOp = model.layers[layerIndex[pred]].op;
    if (op != "mean_squared_error" &&
        (predOp == "softmax" || predOp == "log_softmax"))
      return error("/loss/" + operands[0],
                   "loss: '" + pred + "' is a " + predOp + " layer, but " + op +
                       " takes logits; give it the layer before "
                       "(`predict --probabilities` gives the softmax)");
    if (op == "softmax_cross_entropy") {
      if (p.shape.size() != 2)
        return error("/loss/logits",
                     "loss: shape mismatch: softmax_cross_entropy needs "
                     "logits [N, classes], got " +
                         showShape(p.shape));
      if (label->dtype != "i32" || label->shape.size() != 1)
        return error("/loss/labels",
                     "loss: softmax_cross_entropy needs i32 labels of shape "
                     "[N] (class ids), got " +
                         label->dtype + " " + showShape(label->shape));
    } else {
      if (label->dtype != "f32" || label->shape != p.shape)
        return error("/loss/labels", "loss: shape mismatch: " + op +
                                         " needs f32 labels "
                                         "shaped like '" +
                                         pred + "' " + showShape(p.shape) +
                                         ", got " + label->dtype + " " +
                                         showShape(label->shape));
    }
    json norm = json::object();
    norm["op"] = op;
    norm[operands[0]] = pred;
    norm[operands[1]] = lab;
    if (loss.contains("class_weight") && !loss["class_weight"].is_null()) {
      // Keras's class_weight: one weight per class (2 for a sigmoid loss:
      // label 0, label 1), each example's loss multiplied by its label's.
      int64_t classes = op == "softmax_cross_entropy" ? p.shape[1] : 2;
      const json &w = loss["class_weight"];
      bool ok = w.is_array() && static_cast<int64_t>(w.size()) == classes;
      for (size_t i = 0; ok && i < w.size(); ++i)
        ok = w[i].is_number() && w[i].get<double>() >= 0 &&
             w[i].get<double>() <= std::numeric_limits<float>::max();
      if (!ok)
        return error("/loss/class_weight",
                     "loss: class_weight must be a list of " +
                         std::to_string(classes) +
                         " numbers >= 0, one per class" +
                         (op == "sigmoid_cross_entropy"
                              ? std::string(" (label 0, label 1)")
                              : " of '" + pred + "'") +
                         ", got " + shortText(dumpJson(w)));
      norm["class_weight"] = json::array();
      for (const json &x : w)
        norm["class_weight"].push_back(x.get<double>());
    }
    model.loss = norm;
  }

  model.optimizer = nullptr;
  if (doc.contains("optimizer") && !doc["optimizer"].is_null()) {
    const json &o = doc["optimizer"];
    if (!o.is_object() || !o.contains("op") || !o["op"].is_string())
      return error("/optimizer", "optimizer needs an 'op'");
    std::string op = o["op"];
    const OpSchema *schema = findOptimizerSchema(op);
    if (!schema)
      return error("/optimizer/op",
                   "unknown optimizer '" + op + "'" +
                       didYouMean(op, {"sgd", "momentum", "adam", "rmsprop"}) +
                       " (known: sgd, momentum, adam, rmsprop)");
    std::vector<std::string> names;
    for (const AttrSpec &spec : schema->attrs)
      names.push_back(spec.name);
    for (auto &[key, v] : o.items())
      if (key != "op" && !llvm::is_contained(names, key))
        return error("/optimizer/" + key, "optimizer: unknown attribute '" +
                                              key + "' for " + op +
                                              didYouMean(key, names));
    json norm = json::object();
    norm["op"] = op;
    for (const AttrSpec &spec : schema->attrs) {
      if (!o.contains(spec.name)) {
        if (spec.required)
          return error("/optimizer", std::string("optimizer: missing "
                                                 "attribute '") +
                                         spec.name + "' (" + op + ")");
        norm[spec.name] = spec.defaultValue;
        continue;
      }
      std::string message;
      if (!normalizeAttr(spec, o[spec.name], norm[spec.name], message))
        return error(std::string("/optimizer/") + spec.name,
                     std::string("optimizer: attribute '") + spec.name + "' " +
                         message);
    }
    for (const AttrSpec &spec : schema->attrs)
      if (spec.omitDefault && norm.contains(spec.name) &&
          norm[spec.name] == spec.defaultValue)
        norm.erase(spec.name);
    model.optimizer = norm;
  }
  return true;
}

bool Analyzer::metrics() {
  model.metrics = nullptr;
  if (!doc.contains("metrics") || doc["metrics"].is_null())
    return true;
  int64_t classes = 0;
  if (!model.loss.is_null() && model.loss.contains("logits"))
    classes = model.findValue(model.loss["logits"])->shape.back();
  std::string where = "/metrics", message;
  if (!normalizeMetrics(doc["metrics"], model.loss, classes, model.metrics,
                        where, message))
    return error(where, message);
  return true;
}

/// Parameters and moving statistics in layer order; `reuse` shares the
/// named layer's variables instead of declaring new ones.
/// A `{"values": NAME}` initializer names a tensor the imported model
/// brings, of the variable's shape.
bool Analyzer::checkValues(size_t i, const std::string &what,
                           const std::vector<int64_t> &shape,
                           const json &name) {
  std::string field = what + "_initializer";
  const ImportedTensors *tensors = parsed.tensors.get();
  if (!tensors || !tensors->count(name.get<std::string>()))
    return layerError(i, field,
                      "initializer {\"values\": " + dumpJson(name) +
                          "} names no tensor of an imported model (values "
                          "initializers come from an ONNX model's "
                          "initializers)");
  const ImportedTensor &t = tensors->at(name.get<std::string>());
  if (t.shape != shape)
    return layerError(i, field,
                      "tensor " + dumpJson(name) + " has shape " +
                          showShape(t.shape) + ", variable '" +
                          model.layers[i].name + "/" + what + "' has " +
                          showShape(shape));
  return true;
}

bool Analyzer::layoutVariables() {
  int64_t total = 0;
  bool tooLarge = false;
  for (size_t i = 0; i < model.layers.size() && !tooLarge; ++i) {
    LayerInfo &layer = model.layers[i];
    auto add = [&](const std::string &role, const std::string &what,
                   std::vector<int64_t> shape, const json &init, bool trainable,
                   const json &reg = nullptr,
                   const json &constraint = nullptr) {
      // Checked before the initializer's fans multiply the dimensions.
      if (tooLarge)
        return;
      int64_t n = 1;
      for (int64_t d : shape)
        tooLarge |= llvm::MulOverflow(n, d, n);
      tooLarge |= llvm::AddOverflow(total, n, total);
      if (tooLarge || total > kMaxStateElements) {
        tooLarge = true;
        layerError(i, "",
                   "variable '" + layer.name + "/" + what + "' " +
                       showShape(shape) +
                       " brings the model's state past 2^33 elements (32 "
                       "GiB of f32)");
        return;
      }
      if (init.is_object() && init.contains("values") &&
          !checkValues(i, what, shape, init["values"])) {
        tooLarge = true; // stops the layout; the error is set
        return;
      }
      VariableInfo v;
      v.name = layer.name + "/" + what;
      v.shape = std::move(shape);
      v.role = role;
      v.init = initSpec(init, v.shape);
      v.trainable = trainable;
      v.regularizer = reg;
      v.constraint = constraint;
      layer.vars[what] = v.name;
      model.variables.push_back(std::move(v));
    };
    const LayerDef &def = *findLayerDef(layer.op);
    if (!def.state)
      continue;
    std::vector<StateVariable> state;
    def.state(layer, inputInfo(i, 0)->shape, state);
    for (StateVariable &v : state)
      add(v.role, v.what, v.shape, v.init, v.trainable, v.regularizer,
          v.constraint);
  }
  return !tooLarge;
}

void Analyzer::buildNormalized() {
  json &n = model.normalized;
  n = json::object();
  n["name"] = model.name;
  n["seed"] = model.seed;
  auto decls = [](const std::vector<std::pair<std::string, TensorInfo>> &v) {
    json list = json::array();
    for (auto &[name, t] : v) {
      json d = json::object();
      d["name"] = name;
      d["shape"] = t.shape;
      d["dtype"] = t.dtype;
      list.push_back(d);
    }
    return list;
  };
  n["inputs"] = decls(model.inputs);
  n["labels"] = decls(model.labels);
  n["layers"] = json::array();
  for (const LayerInfo &l : model.layers) {
    json j = json::object();
    j["name"] = l.name;
    j["op"] = l.op;
    if (opTakesInputList(l.op))
      j["inputs"] = l.inputs;
    else
      j["input"] = l.inputs[0];
    for (auto &[k, v] : l.attrs.items())
      j[k] = v;
    n["layers"].push_back(j);
  }
  n["outputs"] = model.outputs;
  n["loss"] = model.loss;
  n["optimizer"] = model.optimizer;

  // FNV-1a over the normalized text: equal models, equal fingerprints.
  // Metrics are left out: the runtime computes them, so adding one must not
  // orphan the model's checkpoints. So is `synchronized`: it says how
  // processes share a batch's statistics, and the state is the same.
  json identity = n;
  for (json &layer : identity["layers"])
    layer.erase("synchronized");
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : dumpJson(identity)) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  snprintf(buf, sizeof buf, "%016llx", (unsigned long long)h);
  model.fingerprint = buf;
  if (!model.metrics.is_null())
    n["metrics"] = model.metrics;
}

/// `reuse` must name an earlier batch_norm with as many channels.
bool Analyzer::checkReuse() {
  for (size_t i = 0; i < model.layers.size(); ++i) {
    LayerInfo &layer = model.layers[i];
    if (layer.op != "batch_norm" || layer.attrs["reuse"].is_null())
      continue;
    std::string target = layer.attrs["reuse"];
    auto it = layerIndex.find(target);
    if (it == layerIndex.end() || it->second >= i)
      return layerError(i, "reuse",
                        "'reuse' names '" + target +
                            "', which is not an earlier layer");
    const LayerInfo &shared = model.layers[it->second];
    if (shared.op != "batch_norm")
      return layerError(i, "reuse",
                        "'reuse' names '" + target + "', a " + shared.op +
                            ", not a batch_norm");
    if (!shared.attrs["reuse"].is_null())
      return layerError(i, "reuse",
                        "'reuse' names '" + target +
                            "', which itself reuses '" +
                            shared.attrs["reuse"].get<std::string>() +
                            "'; name that layer instead");
    int64_t mine = inputInfo(i, 0)->shape[layer.axis];
    int64_t theirs = model.findValue(shared.inputs[0])->shape[shared.axis];
    if (mine != theirs)
      return layerError(i, "reuse",
                        "shape mismatch: 'reuse' names '" + target + "' with " +
                            std::to_string(theirs) +
                            " channels, but this layer has " +
                            std::to_string(mine));
    for (const char *flag : {"center", "scale", "renorm"})
      if (layer.attrs[flag] != shared.attrs[flag])
        return layerError(i, "reuse",
                          std::string("'reuse' names '") + target +
                              "', whose '" + flag + "' differs");
  }
  return true;
}

std::optional<Model> Analyzer::run() {
  model.file = parsed.file;
  model.tensors = parsed.tensors;
  if (!topLevel() || !tensorDecls("inputs", true, model.inputs) ||
      !tensorDecls("labels", false, model.labels) || !layerHeaders() ||
      !resolveInputs() || !inferShapes())
    return std::nullopt;
  if (!checkReuse())
    return std::nullopt;
  if (!outputsLossOptimizer() || !metrics())
    return std::nullopt;
  if (!layoutVariables())
    return std::nullopt;
  // A reusing layer reads the shared layer's variables.
  for (LayerInfo &layer : model.layers)
    if (layer.op == "batch_norm" && !layer.attrs["reuse"].is_null())
      layer.vars = model.findLayer(layer.attrs["reuse"])->vars;
  buildNormalized();
  return std::move(model);
}

} // namespace

const LayerInfo *Model::findLayer(const std::string &name) const {
  for (const LayerInfo &l : layers)
    if (l.name == name)
      return &l;
  return nullptr;
}

const TensorInfo *Model::findValue(const std::string &name) const {
  if (const LayerInfo *l = findLayer(name))
    return &l->output;
  for (auto &in : inputs)
    if (in.first == name)
      return &in.second;
  for (auto &in : labels)
    if (in.first == name)
      return &in.second;
  return nullptr;
}

std::optional<Model> modelc::analyzeModel(const ParsedModel &parsed,
                                          Diagnostic &diag) {
  return Analyzer(parsed, diag).run();
}
