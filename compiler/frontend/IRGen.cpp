//===- IRGen.cpp - Model -> nn dialect ------------------------------------===//
#include "modelc/Frontend/IRGen.h"
#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Frontend/Layers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <limits>

using namespace mlir;
using namespace modelc;

Attribute modelc::jsonToAttr(MLIRContext &context, const json &value) {
  Builder b(&context);
  if (value.is_boolean())
    return b.getBoolAttr(value.get<bool>());
  if (value.is_number_integer())
    return b.getI64IntegerAttr(value.get<int64_t>());
  if (value.is_number())
    return b.getF64FloatAttr(value.get<double>());
  if (value.is_string())
    return b.getStringAttr(value.get<std::string>());
  if (value.is_array()) {
    SmallVector<Attribute> items;
    for (const json &v : value)
      items.push_back(jsonToAttr(context, v));
    return b.getArrayAttr(items);
  }
  if (value.is_object()) {
    SmallVector<NamedAttribute> items;
    for (auto &[k, v] : value.items())
      if (!v.is_null())
        items.push_back(b.getNamedAttr(k, jsonToAttr(context, v)));
    return b.getDictionaryAttr(items);
  }
  return b.getUnitAttr();
}

namespace {

class IRGen {
public:
  IRGen(MLIRContext &context, const Model &model)
      : context(context), model(model), b(&context) {}

  OwningOpRef<ModuleOp> run();

private:
  nn::OptimizerAttr optimizerAttr(const json &optimizer);
  nn::LearningRateAttr learningRateAttr(const json &rate);
  RankedTensorType tensorType(const TensorInfo &t) {
    SmallVector<int64_t> shape;
    for (int64_t d : t.shape)
      shape.push_back(d < 0 ? ShapedType::kDynamic : d);
    Type elem = t.dtype == "i32" ? Type(b.getI32Type()) : b.getF32Type();
    return RankedTensorType::get(shape, elem);
  }
  RankedTensorType varType(const VariableInfo &v) {
    return RankedTensorType::get(v.shape, b.getF32Type());
  }
  Location layerLoc(const LayerInfo &l) {
    return NameLoc::get(b.getStringAttr(l.name),
                        FileLineColLoc::get(b.getStringAttr(model.file),
                                            l.loc.line, l.loc.col));
  }
  FloatAttr f32(const json &v) { return b.getF32FloatAttr(v.get<double>()); }
  Value read(Location loc, const LayerInfo &l, const std::string &what) {
    auto it = l.vars.find(what);
    if (it == l.vars.end())
      return {};
    const VariableInfo *var = nullptr;
    for (const VariableInfo &v : model.variables)
      if (v.name == it->second)
        var = &v;
    return nn::ReadOp::create(b, loc, varType(*var),
                              FlatSymbolRefAttr::get(&context, var->name));
  }
  /// `"non_neg"` -> {kind = "non_neg"}; {"max_norm": {...}} -> {kind =
  /// "max_norm", ...}: one shape for every constraint.
  DictionaryAttr constraintAttr(const json &c) {
    if (c.is_null())
      return {};
    json flat = json::object();
    if (c.is_string()) {
      flat["kind"] = c;
    } else {
      flat["kind"] = c.begin().key();
      for (auto &[k, v] : c.begin().value().items())
        flat[k] = v;
    }
    return cast<DictionaryAttr>(jsonToAttr(context, flat));
  }
  Value buildLayer(const LayerInfo &l, size_t index, ArrayRef<Value> inputs,
                   Value training);
  DictionaryAttr initAttr(const VariableInfo &v);
  void buildForward(ModuleOp module);
  void buildLoss(ModuleOp module);

  MLIRContext &context;
  const Model &model;
  OpBuilder b;
  std::map<std::string, Value> values;
};

Value IRGen::buildLayer(const LayerInfo &l, size_t index,
                        ArrayRef<Value> inputs, Value training) {
  // Every op but the reshape infers its result type (NNShapes.cpp), by the
  // rule the analysis already applied to this layer.
  LayerBuild build{b,
                   layerLoc(l),
                   l,
                   training,
                   index,
                   [&](const std::string &what) {
                     return read(layerLoc(l), l, what); }};
  return findLayerDef(l.op)->build(build, inputs);
}

/// The variable's `init`; imported values travel in the module as a
/// resource blob (`dense_resource<...>`), so the `.mlir` keeps them.
DictionaryAttr IRGen::initAttr(const VariableInfo &v) {
  auto spec = cast<DictionaryAttr>(jsonToAttr(context, v.init));
  if (v.init["kind"] != "values")
    return spec;
  const ImportedTensor &t = model.tensors->at(v.init["tensor"]);
  std::string blob = v.name;
  for (char &c : blob)
    if (!std::isalnum((unsigned char)c))
      c = '_';
  auto value = DenseResourceElementsAttr::get(
      cast<ShapedType>(varType(v)), blob,
      HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<float>(t.data)));
  return b.getDictionaryAttr({b.getNamedAttr("kind", b.getStringAttr("values")),
                              b.getNamedAttr("value", value)});
}

void IRGen::buildForward(ModuleOp module) {
  SmallVector<Type> argTypes, resultTypes;
  for (auto &in : model.inputs)
    argTypes.push_back(tensorType(in.second));
  argTypes.push_back(b.getI1Type());
  for (const std::string &o : model.outputs)
    resultTypes.push_back(tensorType(model.findLayer(o)->output));
  Location loc = FileLineColLoc::get(b.getStringAttr(model.file), 1, 1);
  b.setInsertionPointToEnd(module.getBody());
  auto fn = func::FuncOp::create(b, loc, "forward",
                                 b.getFunctionType(argTypes, resultTypes));
  for (size_t i = 0; i < model.inputs.size(); ++i)
    fn.setArgAttr(i, "nn.name", b.getStringAttr(model.inputs[i].first));
  fn.setArgAttr(model.inputs.size(), "nn.name", b.getStringAttr("training"));
  for (size_t i = 0; i < model.outputs.size(); ++i)
    fn.setResultAttr(i, "nn.name", b.getStringAttr(model.outputs[i]));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  for (size_t i = 0; i < model.inputs.size(); ++i)
    values[model.inputs[i].first] = entry->getArgument(i);
  Value training = entry->getArgument(model.inputs.size());
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const LayerInfo &l = model.layers[i];
    SmallVector<Value> inputs;
    for (const std::string &n : l.inputs)
      inputs.push_back(values.at(n));
    Value y = buildLayer(l, i, inputs, training);
    if (l.attrs.contains("activation"))
      y = buildActivation(b, layerLoc(l), l.attrs["activation"], y);
    values[l.name] = y;
  }
  SmallVector<Value> results;
  for (const std::string &o : model.outputs)
    results.push_back(values.at(o));
  func::ReturnOp::create(b, loc, results);
}

void IRGen::buildLoss(ModuleOp module) {
  if (model.loss.is_null())
    return;
  std::string op = model.loss["op"];
  std::vector<std::string> operands = lossOperandNames(op);
  const TensorInfo *pred = model.findValue(model.loss[operands[0]]);
  const TensorInfo *label = model.findValue(model.loss[operands[1]]);
  auto scalar = RankedTensorType::get({}, b.getF32Type());
  Location loc = FileLineColLoc::get(b.getStringAttr(model.file), 1, 1);
  b.setInsertionPointToEnd(module.getBody());
  auto fn = func::FuncOp::create(
      b, loc, "loss",
      b.getFunctionType({tensorType(*pred), tensorType(*label)}, {scalar}));
  fn.setArgAttr(0, "nn.name",
                b.getStringAttr(model.loss[operands[0]].get<std::string>()));
  fn.setArgAttr(1, "nn.name",
                b.getStringAttr(model.loss[operands[1]].get<std::string>()));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value p = entry->getArgument(0), y = entry->getArgument(1);
  Value loss;
  DenseF32ArrayAttr classWeight;
  if (model.loss.contains("class_weight"))
    classWeight = b.getDenseF32ArrayAttr(
        model.loss["class_weight"].get<std::vector<float>>());
  if (op == "softmax_cross_entropy")
    loss = nn::SoftmaxCrossEntropyOp::create(b, loc, scalar, p, y, classWeight);
  else if (op == "sigmoid_cross_entropy")
    loss = nn::SigmoidCrossEntropyOp::create(b, loc, scalar, p, y, classWeight);
  else
    loss = nn::MeanSquaredErrorOp::create(b, loc, scalar, p, y);
  func::ReturnOp::create(b, loc, loss);
}

/// The normalized learning rate (a number, or one schedule with all its
/// fields, possibly under a warmup: normalizeLearningRate) as the typed
/// attribute, its reals the JSON's doubles.
nn::LearningRateAttr IRGen::learningRateAttr(const json &rate) {
  auto real = [&](const json &v) { return b.getF64FloatAttr(v.get<double>()); };
  std::optional<int64_t> warmupSteps;
  FloatAttr warmupFrom;
  const json *schedule = &rate;
  if (rate.is_object() && rate.contains("warmup")) {
    const json &w = rate["warmup"];
    warmupSteps = w["steps"].get<int64_t>();
    warmupFrom = real(w["from"]);
    schedule = &w["schedule"];
  }
  if (schedule->is_number())
    return nn::LearningRateAttr::get(&context, nn::ScheduleKind::constant,
                                     real(*schedule), {}, {}, {}, {}, {}, {},
                                     warmupSteps, warmupFrom);
  nn::ScheduleKind kind = *nn::symbolizeScheduleKind(schedule->begin().key());
  const json &f = schedule->begin().value();
  auto field = [&](const char *key) {
    return f.contains(key) ? real(f[key]) : FloatAttr();
  };
  std::optional<int64_t> decaySteps;
  if (f.contains("decay_steps"))
    decaySteps = f["decay_steps"].get<int64_t>();
  BoolAttr staircase = f.contains("staircase")
                           ? b.getBoolAttr(f["staircase"].get<bool>())
                           : BoolAttr();
  std::vector<int64_t> boundaries;
  DenseF64ArrayAttr values;
  if (f.contains("boundaries")) {
    boundaries = f["boundaries"].get<std::vector<int64_t>>();
    values = b.getDenseF64ArrayAttr(f["values"].get<std::vector<double>>());
  }
  return nn::LearningRateAttr::get(
      &context, kind, field("initial"), decaySteps, field("decay_rate"),
      staircase, field("alpha"), boundaries, values, warmupSteps, warmupFrom);
}

/// The normalized optimizer (every default filled in by the schema) as
/// the typed attribute; absent keys and nulls are absent parameters.
nn::OptimizerAttr IRGen::optimizerAttr(const json &o) {
  auto number = [&](const char *key) {
    return o.contains(key) && o[key].is_number()
               ? b.getF64FloatAttr(o[key].get<double>())
               : FloatAttr();
  };
  BoolAttr nesterov = o.contains("use_nesterov")
                          ? b.getBoolAttr(o["use_nesterov"].get<bool>())
                          : BoolAttr();
  return nn::OptimizerAttr::get(
      &context, *nn::symbolizeOptimizerKind(o["op"].get<std::string>()),
      learningRateAttr(o["learning_rate"]), number("momentum"), nesterov,
      number("beta1"), number("beta2"), number("decay"), number("epsilon"),
      number("weight_decay"), number("clip_global_norm"));
}

OwningOpRef<ModuleOp> IRGen::run() {
  Location loc = FileLineColLoc::get(b.getStringAttr(model.file), 1, 1);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc, model.name);
  module->getOperation()->setAttr("nn.seed", b.getI64IntegerAttr(model.seed));
  module->getOperation()->setAttr("nn.fingerprint",
                                  b.getStringAttr(model.fingerprint));
  if (!model.optimizer.is_null())
    module->getOperation()->setAttr("nn.optimizer",
                                    optimizerAttr(model.optimizer));
  // What only the model file says and the runtime shows: the metrics to
  // report and the layer summary. Everything else the runtime needs is in
  // the ops and functions (nn-build-entry-points records it).
  if (!model.metrics.is_null()) {
    json metrics = json::array();
    for (const json &m : model.metrics) {
      json d = {{"name", metricKey(m)}, {"kind", metricKind(m)}};
      if (!m.is_string())
        d["k"] = m["top_k_accuracy"]["k"];
      metrics.push_back(d);
    }
    module->getOperation()->setAttr("nn.metrics", jsonToAttr(context, metrics));
  }
  json layers = json::array();
  for (const LayerInfo &l : model.layers) {
    int64_t params = 0;
    for (auto &[what, var] : l.vars)
      for (const VariableInfo &v : model.variables)
        if (v.name == var && v.role == "param" &&
            var.rfind(l.name + "/", 0) == 0) {
          int64_t n = 1;
          for (int64_t d : v.shape)
            n *= d;
          params += n;
        }
    layers.push_back({{"name", l.name},
                      {"op", l.op},
                      {"shape", l.output.shape},
                      {"params", params}});
  }
  module->getOperation()->setAttr("nn.layers", jsonToAttr(context, layers));
  // Every declared label, also those no loss reads (the runtime reads them
  // from the data all the same).
  SmallVector<Attribute> labels;
  for (auto &[name, t] : model.labels)
    labels.push_back(b.getDictionaryAttr(
        {b.getNamedAttr("name", b.getStringAttr(name)),
         b.getNamedAttr("shape", b.getDenseI64ArrayAttr(t.shape)),
         b.getNamedAttr("dtype", b.getStringAttr(t.dtype))}));
  module->getOperation()->setAttr("nn.labels", b.getArrayAttr(labels));
  b.setInsertionPointToEnd(module->getBody());
  for (const VariableInfo &v : model.variables) {
    auto role = nn::symbolizeVariableRole(v.role);
    auto var = nn::VariableOp::create(
        b, loc, b.getStringAttr(v.name), TypeAttr::get(varType(v)),
        nn::VariableRoleAttr::get(&context, *role), initAttr(v),
        b.getBoolAttr(v.trainable),
        v.regularizer.is_null()
            ? DictionaryAttr()
            : cast<DictionaryAttr>(jsonToAttr(context, v.regularizer)),
        constraintAttr(v.constraint));
    (void)var;
  }
  buildForward(*module);
  buildLoss(*module);
  return module;
}

} // namespace

OwningOpRef<ModuleOp> modelc::buildNNModule(MLIRContext &context,
                                            const Model &model) {
  return IRGen(context, model).run();
}
