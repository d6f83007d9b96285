//===- Print.cpp - the normalized model as JSON or DSL text ---------------===//
#include "modelc/Frontend/Model.h"
#include "modelc/Frontend/Schema.h"

using namespace modelc;

namespace {

/// Compact JSON with a space after ',' and ':', the way people write it.
std::string compact(const json &v) {
  if (v.is_array()) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i)
      s += (i ? ", " : "") + compact(v[i]);
    return s + "]";
  }
  if (v.is_object()) {
    std::string s = "{";
    bool first = true;
    for (auto &[k, x] : v.items()) {
      s += (first ? "" : ", ") + dumpJson(json(k)) + ": " + compact(x);
      first = false;
    }
    return s + "}";
  }
  return dumpJson(v);
}

std::string dslShape(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") +
         (shape[i] < 0 ? std::string("?") : std::to_string(shape[i]));
  return s + "]";
}

} // namespace

std::string modelc::printJsonModel(const Model &model) {
  // One top-level key per line; list items (layers, inputs) one per line.
  std::string s = "{\n";
  bool first = true;
  for (auto &[key, v] : model.normalized.items()) {
    s += first ? "" : ",\n";
    first = false;
    s += "  " + dumpJson(json(key)) + ": ";
    if (v.is_array() && !v.empty() && v[0].is_object()) {
      s += "[\n";
      for (size_t i = 0; i < v.size(); ++i)
        s += "    " + compact(v[i]) + (i + 1 < v.size() ? ",\n" : "\n");
      s += "  ]";
    } else {
      s += compact(v);
    }
  }
  return s + "\n}\n";
}

std::string modelc::printDslModel(const Model &model) {
  const json &n = model.normalized;
  std::string s =
      "model " + model.name + " seed=" + std::to_string(model.seed) + "\n";
  for (auto &[name, t] : model.inputs)
    s += "input " + name + ": " + t.dtype + dslShape(t.shape) + "\n";
  for (auto &[name, t] : model.labels)
    s += "label " + name + ": " + t.dtype + dslShape(t.shape) + "\n";
  for (const json &l : n["layers"]) {
    std::string args;
    for (auto &[k, v] : l.items()) {
      if (k == "name" || k == "op")
        continue;
      if (k == "input") {
        args += v.get<std::string>();
      } else if (k == "inputs") {
        for (size_t i = 0; i < v.size(); ++i)
          args += (i ? ", " : "") + v[i].get<std::string>();
      } else {
        args += ", " + k + "=" + compact(v);
      }
    }
    s += l["name"].get<std::string>() + " = " + l["op"].get<std::string>() +
         "(" + args + ")\n";
  }
  s += "output ";
  for (size_t i = 0; i < model.outputs.size(); ++i)
    s += (i ? ", " : "") + model.outputs[i];
  s += "\n";
  if (!model.loss.is_null()) {
    std::string op = model.loss["op"];
    std::vector<std::string> operands = lossOperandNames(op);
    s += "loss " + op + "(" + model.loss[operands[0]].get<std::string>() +
         ", " + model.loss[operands[1]].get<std::string>();
    if (model.loss.contains("class_weight"))
      s += ", class_weight=" + compact(model.loss["class_weight"]);
    s += ")\n";
  }
  if (!model.optimizer.is_null()) {
    std::string args;
    for (auto &[k, v] : model.optimizer.items())
      if (k != "op")
        args += (args.empty() ? "" : ", ") + k + "=" + compact(v);
    s += "optimizer " + model.optimizer["op"].get<std::string>() + "(" + args +
         ")\n";
  }
  if (!model.metrics.is_null()) {
    std::string list;
    for (const json &m : model.metrics)
      list +=
          (list.empty() ? "" : ", ") +
          (m.is_string()
               ? m.get<std::string>()
               : "top_k_accuracy(k=" + compact(m["top_k_accuracy"]["k"]) + ")");
    s += "metrics " + list + "\n";
  }
  return s;
}
