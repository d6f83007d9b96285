//===- Layers.cpp - the layer table ---------------------------------------===//
//
// One entry per layer op of SPEC 3: attributes with their tf.keras defaults,
// extra checks, the output shape (the nn op's own `inferShape`, so the front
// end and the verifier state each rule once), the state the layer creates
// and the nn ops it builds.
//
//===----------------------------------------------------------------------===//
#include "modelc/Frontend/Layers.h"

#include "llvm/Support/MathExtras.h"

#include <limits>
#include <map>

using namespace modelc;
using namespace modelc::attrs;
namespace nn = mlir::nn;
using llvm::SmallVector;
using mlir::Value;

//===----------------------------------------------------------------------===//
// LayerAnalysis and LayerBuild
//===----------------------------------------------------------------------===//

namespace {
/// A model-format shape (dynamic: -1) as MLIR's.
SmallVector<int64_t> toMlir(const std::vector<int64_t> &shape) {
  SmallVector<int64_t> s;
  for (int64_t d : shape)
    s.push_back(d < 0 ? mlir::ShapedType::kDynamic : d);
  return s;
}
} // namespace

SmallVector<int64_t> LayerAnalysis::mlirShape(size_t k) const {
  return toMlir(shape(k));
}

nn::ShapeError LayerAnalysis::shapeError() const {
  nn::ShapeError e;
  e.names = layer.inputs;
  e.dynamicAsMinusOne = true;
  return e;
}

bool LayerAnalysis::fromRule(FailureOrShape shape, const nn::ShapeError &e,
                             std::vector<std::string> operandFields) {
  if (mlir::succeeded(shape)) {
    output.clear();
    for (int64_t d : *shape)
      output.push_back(mlir::ShapedType::isDynamic(d) ? -1 : d);
    return true;
  }
  // The op's words for its attributes, as the model format spells them.
  static const std::map<std::string, std::string> attributeFields = {
      {"dilations", "dilation_rate"},
      {"pads", "padding"},
      {"permutation", "perm"}};
  std::string field = e.field;
  if (e.operand >= 0)
    field = (size_t)e.operand < operandFields.size() ? operandFields[e.operand]
                                                     : std::string();
  else if (auto it = attributeFields.find(field); it != attributeFields.end())
    field = it->second;
  return error(field, (e.mismatch ? "shape mismatch: " : "") + layer.op + " " +
                          e.message);
}

std::vector<std::string> LayerAnalysis::inputFields() const {
  std::vector<std::string> fields;
  for (size_t k = 0; k < layer.inputs.size(); ++k)
    fields.push_back(opTakesInputList(layer.op) ? "inputs/" + std::to_string(k)
                                                : std::string("input"));
  return fields;
}

SmallVector<int64_t> LayerBuild::pair(const char *key) const {
  return {attrs()[key][0].get<int64_t>(), attrs()[key][1].get<int64_t>()};
}

Value modelc::buildActivation(mlir::OpBuilder &b, mlir::Location loc,
                              const std::string &kind, Value x,
                              const json &alpha) {
  if (kind == "relu")
    return nn::ReluOp::create(b, loc, x);
  if (kind == "relu6")
    return nn::Relu6Op::create(b, loc, x);
  if (kind == "sigmoid")
    return nn::SigmoidOp::create(b, loc, x);
  if (kind == "tanh")
    return nn::TanhOp::create(b, loc, x);
  if (kind == "elu")
    return nn::EluOp::create(
        b, loc, x,
        b.getF32FloatAttr(alpha.is_null() ? 1.0 : alpha.get<double>()));
  assert(kind == "leaky_relu" && "activation accepted by the schema");
  return nn::LeakyReluOp::create(
      b, loc, x,
      b.getF32FloatAttr(alpha.is_null() ? 0.2 : alpha.get<double>()));
}

//===----------------------------------------------------------------------===//
// Shared pieces of several entries
//===----------------------------------------------------------------------===//

namespace {

const json kNull = nullptr;

/// "valid", "same" or explicit [[top, bottom], [left, right]] as the ops
/// hold it: the kind and, when explicit, [top, bottom, left, right].
struct PaddingSpec {
  nn::Padding kind;
  SmallVector<int64_t> pads;
  std::optional<llvm::ArrayRef<int64_t>> padsArg() const {
    if (kind == nn::Padding::explicitPads)
      return llvm::ArrayRef<int64_t>(pads);
    return std::nullopt;
  }
};

PaddingSpec paddingOf(const json &a) {
  const json &p = a["padding"];
  PaddingSpec spec{p.is_array()  ? nn::Padding::explicitPads
                   : p == "same" ? nn::Padding::same
                                 : nn::Padding::valid,
                   {}};
  if (p.is_array())
    for (int k = 0; k < 2; ++k)
      for (int side = 0; side < 2; ++side)
        spec.pads.push_back(p[k][side].get<int64_t>());
  return spec;
}

mlir::DenseI64ArrayAttr padsAttr(LayerBuild &l) {
  PaddingSpec p = paddingOf(l.attrs());
  if (p.kind != nn::Padding::explicitPads)
    return {};
  return l.b.getDenseI64ArrayAttr(p.pads);
}

SmallVector<int64_t> pairOf(const json &a, const char *key) {
  return {a[key][0].get<int64_t>(), a[key][1].get<int64_t>()};
}

/// Limits of this implementation for a windowed layer, before its rule: the
/// window's span and the padded input stay within 2^31 elements.
bool checkWindowLimits(LayerAnalysis &l, const char *window, bool conv) {
  const json &a = l.attrs();
  const std::vector<int64_t> &x = l.shape(0);
  if (x.size() != 4)
    return true; // the rule reports the rank
  bool same = a["padding"] == "same", given = a["padding"].is_array();
  SmallVector<int64_t> dilations =
      conv ? pairOf(a, "dilation_rate") : SmallVector<int64_t>{1, 1};
  std::string windowText =
      std::string(window) + " " + shortText(dumpJson(a[window])) +
      (conv ? " with dilation_rate " + shortText(dumpJson(a["dilation_rate"]))
            : std::string());
  PaddingSpec padding = paddingOf(a);
  int64_t padded = x[3]; // per example
  for (int k = 0; k < 2; ++k) {
    int64_t in = x[1 + k], size = pairOf(a, window)[k];
    // Sizes are <= 2^31, so these products cannot overflow.
    int64_t span = (size - 1) * dilations[k] + 1;
    if (span > kMaxSize)
      return l.error(conv ? "dilation_rate" : window,
                     windowText + " spans " + std::to_string(span) +
                         " elements; at most 2147483647 are supported");
    auto p = nn::axisPadding(same, padding.pads, k, in, size,
                             pairOf(a, "strides")[k], dilations[k]);
    if (llvm::MulOverflow(padded, in + p.first + p.second, padded) ||
        padded > kMaxExampleElements)
      return l.error(window,
                     windowText + " with padding " +
                         (given ? dumpJson(a["padding"])
                                : "'" + a["padding"].get<std::string>() + "'") +
                         " pads input shape " + showShape(x) +
                         " to more than 2^31 elements per example");
  }
  return true;
}

/// A windowed layer's output: its rule's result, with the limits checked
/// after the rule's own attribute errors (groups, pads) and before its
/// shape errors, as the size checks have always come.
bool windowOutput(LayerAnalysis &l, const char *window, bool conv,
                  FailureOrShape shape, const nn::ShapeError &e) {
  bool attributeError =
      mlir::failed(shape) && (e.field == "groups" || e.field == "pads");
  if (!attributeError && !checkWindowLimits(l, window, conv))
    return false;
  return l.fromRule(shape, e, {"input", window});
}

bool inferPool(LayerAnalysis &l) {
  const json &a = l.attrs();
  nn::ShapeError e = l.shapeError();
  PaddingSpec p = paddingOf(a);
  return windowOutput(
      l, "pool_size", false,
      nn::Pool2DOp::inferShape(l.mlirShape(0), pairOf(a, "pool_size"),
                               pairOf(a, "strides"), p.kind, p.padsArg(), e),
      e);
}

Value buildPool(LayerBuild &l, Value x, nn::PoolKind kind) {
  return nn::Pool2DOp::create(l.b, l.loc, x, kind, l.pair("pool_size"),
                              l.pair("strides"), paddingOf(l.attrs()).kind,
                              padsAttr(l),
                              l.attrs().value("count_include_pad", false));
}

/// A parameter named `what` with its `what_initializer`, `_regularizer`
/// and `_constraint` attributes.
StateVariable param(const json &a, const std::string &what,
                    std::vector<int64_t> shape, bool trainable = true) {
  return {what,
          "param",
          std::move(shape),
          a[what + "_initializer"],
          trainable,
          a[what + "_regularizer"],
          a[what + "_constraint"]};
}

/// A layer without parameters of its own on one input.
LayerDef shapeKeeping(const char *op, std::vector<AttrSpec> attrs,
                      std::function<Value(LayerBuild &, Value)> build) {
  LayerDef def{{op, false, std::move(attrs)}};
  def.build = [build](LayerBuild &l, llvm::ArrayRef<Value> in) {
    return build(l, in[0]);
  };
  return def;
}

LayerDef activationLayer(const char *op, std::vector<AttrSpec> attrs = {}) {
  std::string kind = op;
  return shapeKeeping(op, std::move(attrs), [kind](LayerBuild &l, Value x) {
    return buildActivation(l.b, l.loc, kind, x,
                           l.attrs().contains("alpha") ? l.attrs()["alpha"]
                                                       : kNull);
  });
}

//===----------------------------------------------------------------------===//
// The entries
//===----------------------------------------------------------------------===//

std::vector<AttrSpec> convLikeAttrs() {
  return {opt("use_bias", AttrKind::Bool, true),
          opt("kernel_initializer", AttrKind::Initializer, "glorot_uniform"),
          opt("bias_initializer", AttrKind::Initializer, "zeros"),
          opt("kernel_regularizer", AttrKind::Regularizer, kNull),
          opt("bias_regularizer", AttrKind::Regularizer, kNull),
          opt("kernel_constraint", AttrKind::Constraint, kNull),
          opt("bias_constraint", AttrKind::Constraint, kNull),
          // Keras's fused activation, applied to the layer's output;
          // "linear" (none) is left out of the normalized model.
          neutral(choice("activation",
                         {"linear", "relu", "relu6", "sigmoid", "tanh",
                          "leaky_relu", "elu"},
                         "linear"))};
}

/// kernel (and bias) of a conv2d or dense layer.
void kernelAndBias(const LayerInfo &layer, std::vector<int64_t> kernel,
                   std::vector<StateVariable> &out) {
  const json &a = layer.attrs;
  int64_t units = kernel.back();
  out.push_back(param(a, "kernel", std::move(kernel)));
  if (a["use_bias"].get<bool>())
    out.push_back(param(a, "bias", {units}));
}

/// The kernel shape of a conv2d on input `x` ([kh, kw, C / groups, O]).
std::vector<int64_t> convKernel(const json &a, const std::vector<int64_t> &x) {
  int64_t groups = a.value("groups", int64_t{1});
  int64_t channels = x.size() == 4 ? x[3] : 1;
  return {pairOf(a, "kernel_size")[0], pairOf(a, "kernel_size")[1],
          groups > 0 ? channels / groups : channels,
          a["filters"].get<int64_t>()};
}

LayerDef conv2d() {
  std::vector<AttrSpec> attrs = {
      req("filters", AttrKind::PosInt), req("kernel_size", AttrKind::IntPair),
      opt("strides", AttrKind::IntPair, {1, 1}),
      opt("padding", AttrKind::Padding, "valid"),
      opt("dilation_rate", AttrKind::IntPair, {1, 1}),
      // Keras's: the channels split into this many independent
      // convolutions (depthwise: as many as there are input channels).
      neutral(opt("groups", AttrKind::PosInt, 1))};
  for (AttrSpec &s : convLikeAttrs())
    attrs.push_back(s);
  LayerDef def{{"conv2d", false, attrs}};
  def.infer = [](LayerAnalysis &l) {
    const json &a = l.attrs();
    nn::ShapeError e = l.shapeError();
    PaddingSpec p = paddingOf(a);
    std::vector<int64_t> k = convKernel(a, l.shape(0));
    return windowOutput(
        l, "kernel_size", true,
        nn::Conv2DOp::inferShape(l.mlirShape(0), k, pairOf(a, "strides"),
                                 pairOf(a, "dilation_rate"), p.kind,
                                 p.padsArg(), a.value("groups", int64_t{1}), e),
        e);
  };
  def.state = [](const LayerInfo &layer, const std::vector<int64_t> &x,
                 std::vector<StateVariable> &out) {
    kernelAndBias(layer, convKernel(layer.attrs, x), out);
  };
  def.build = [](LayerBuild &l, llvm::ArrayRef<Value> in) -> Value {
    return nn::Conv2DOp::create(
        l.b, l.loc, in[0], l.read("kernel"), l.read("bias"), l.pair("strides"),
        l.pair("dilation_rate"), paddingOf(l.attrs()).kind, padsAttr(l),
        l.attrs().value("groups", int64_t{1}), /*winograd=*/false,
        /*winograd_rows=*/nullptr);
  };
  return def;
}

LayerDef dense() {
  std::vector<AttrSpec> attrs = {req("units", AttrKind::PosInt)};
  for (AttrSpec &s : convLikeAttrs())
    attrs.push_back(s);
  LayerDef def{{"dense", false, attrs}};
  def.infer = [](LayerAnalysis &l) {
    SmallVector<int64_t> x = l.mlirShape(0);
    SmallVector<int64_t> kernel = {x.size() == 2 ? x[1] : 1,
                                   l.attrs()["units"].get<int64_t>()};
    nn::ShapeError e = l.shapeError();
    return l.fromRule(nn::DenseOp::inferShape(x, kernel, e), e, {"input"});
  };
  def.state = [](const LayerInfo &layer, const std::vector<int64_t> &x,
                 std::vector<StateVariable> &out) {
    kernelAndBias(layer, {x[1], layer.attrs["units"].get<int64_t>()}, out);
  };
  def.build = [](LayerBuild &l, llvm::ArrayRef<Value> in) -> Value {
    return nn::DenseOp::create(l.b, l.loc, in[0], l.read("kernel"),
                               l.read("bias"));
  };
  return def;
}

LayerDef embedding() {
  json uniform005 = {{"random_uniform", {{"minval", -0.05}, {"maxval", 0.05}}}};
  LayerDef def{
      {"embedding",
       false,
       {req("vocab_size", AttrKind::PosInt), req("dim", AttrKind::PosInt),
        opt("embeddings_initializer", AttrKind::Initializer, uniform005),
        opt("embeddings_regularizer", AttrKind::Regularizer, kNull),
        opt("embeddings_constraint", AttrKind::Constraint, kNull)}},
      "i32"};
  def.infer = [](LayerAnalysis &l) {
    SmallVector<int64_t> table = {l.attrs()["vocab_size"].get<int64_t>(),
                                  l.attrs()["dim"].get<int64_t>()};
    nn::ShapeError e = l.shapeError();
    return l.fromRule(nn::EmbeddingOp::inferShape(l.mlirShape(0), table, e), e,
                      {"input"});
  };
  def.state = [](const LayerInfo &layer, const std::vector<int64_t> &,
                 std::vector<StateVariable> &out) {
    const json &a = layer.attrs;
    out.push_back(param(a, "embeddings", {a["vocab_size"], a["dim"]}));
  };
  def.build = [](LayerBuild &l, llvm::ArrayRef<Value> in) -> Value {
    return nn::EmbeddingOp::create(l.b, l.loc, in[0], l.read("embeddings"));
  };
  return def;
}

/// bias_add and scale: one trainable factor per channel (the last axis).
LayerDef perChannel(const char *op, const char *what, const char *init) {
  std::string w = what;
  LayerDef def{
      {op,
       false,
       {opt((w + "_initializer").c_str(), AttrKind::Initializer, init),
        opt((w + "_regularizer").c_str(), AttrKind::Regularizer, kNull),
        opt((w + "_constraint").c_str(), AttrKind::Constraint, kNull)}}};
  def.state = [w](const LayerInfo &layer, const std::vector<int64_t> &x,
                  std::vector<StateVariable> &out) {
    out.push_back(param(layer.attrs, w, {x.back()}));
  };
  return def;
}

LayerDef biasAdd() {
  LayerDef def = perChannel("bias_add", "bias", "zeros");
  def.infer = [](LayerAnalysis &l) {
    SmallVector<int64_t> x = l.mlirShape(0), bias;
    if (!x.empty())
      bias.push_back(x.back());
    nn::ShapeError e = l.shapeError();
    return l.fromRule(nn::BiasAddOp::inferShape(x, bias, e), e, {"input"});
  };
  def.build = [](LayerBuild &l, llvm::ArrayRef<Value> in) -> Value {
    return nn::BiasAddOp::create(l.b, l.loc, in[0], l.read("bias"));
  };
  return def;
}

LayerDef scale() {
  // x * scale, `scale` along the last axis (bias_add's counterpart).
  LayerDef def = perChannel("scale", "scale", "ones");
  def.infer = [](LayerAnalysis &l) {
    if (l.shape(0).size() < 2)
      return l.error("input", "shape mismatch: scale needs rank >= 2, got " +
                                  showShape(l.shape(0)));
    SmallVector<int64_t> x = l.mlirShape(0);
    nn::ShapeError e = l.shapeError();
    return l.fromRule(nn::MulOp::inferShape(x, {x.back()}, e), e, {"input"});
  };
  def.build = [](LayerBuild &l, llvm::ArrayRef<Value> in) -> Value {
    return nn::MulOp::create(l.b, l.loc, in[0], l.read("scale"));
  };
  return def;
}

LayerDef batchNorm() {
  LayerDef def{
      {"batch_norm",
       false,
       {opt("axis", AttrKind::Int, -1),
        opt("momentum", AttrKind::UnitFloat, 0.99),
        opt("epsilon", AttrKind::PosFloat, 0.001),
        opt("center", AttrKind::Bool, true),
        opt("scale", AttrKind::Bool, true),
        opt("beta_initializer", AttrKind::Initializer, "zeros"),
        opt("gamma_initializer", AttrKind::Initializer, "ones"),
        opt("moving_mean_initializer", AttrKind::Initializer, "zeros"),
        opt("moving_variance_initializer", AttrKind::Initializer, "ones"),
        opt("beta_regularizer", AttrKind::Regularizer, kNull),
        opt("gamma_regularizer", AttrKind::Regularizer, kNull),
        opt("beta_constraint", AttrKind::Constraint, kNull),
        opt("gamma_constraint", AttrKind::Constraint, kNull),
        opt("trainable", AttrKind::Bool, true),
        opt("renorm", AttrKind::Bool, false),
        opt("renorm_clipping", AttrKind::RenormClipping, kNull),
        opt("renorm_momentum", AttrKind::UnitFloat, 0.99),
        opt("fused", AttrKind::OptBool, kNull),
        opt("virtual_batch_size", AttrKind::OptPosInt, kNull),
        opt("synchronized", AttrKind::Bool, false),
        choice("moving_variance_correction", {"tf", "unbiased", "biased"},
               "tf"),
        opt("reuse", AttrKind::OptName, kNull)}}};
  def.refused = {
      {"adjustment", "attribute 'adjustment' is not supported (it is a Python "
                     "callable in TensorFlow; use renorm or fixed gamma/beta "
                     "instead)"},
      {"training", "'training' is not an attribute: the mode is chosen at "
                   "run time (train, or predict --mode)"}};
  def.check = [](LayerAnalysis &l, const json &raw) {
    // The op holds epsilon as an f32 and checks that value.
    if (raw.contains("epsilon") &&
        !((float)l.attrs()["epsilon"].get<double>() > 0.0f))
      return l.error("epsilon",
                     "attribute 'epsilon' must be a positive number, got " +
                         shortText(dumpJson(raw["epsilon"])) +
                         " (0 as an f32)");
    return true;
  };
  def.infer = [](LayerAnalysis &l) {
    const json &a = l.attrs();
    // A negative axis counts from the end; out of range stays as given.
    int64_t rank = l.shape(0).size(), axis = a["axis"].get<int64_t>();
    l.layer.axis = axis < 0 && axis >= -rank ? axis + rank : axis;
    std::optional<int64_t> vbs;
    if (a["virtual_batch_size"].is_number_integer())
      vbs = a["virtual_batch_size"].get<int64_t>();
    nn::ShapeError e = l.shapeError();
    if (!l.fromRule(
            nn::BatchNormOp::inferShape(l.mlirShape(0), l.layer.axis, vbs, e),
            e, {"input"}))
      return false;
    if (!a["renorm"].get<bool>() && !a["renorm_clipping"].is_null())
      return l.error("renorm_clipping", "'renorm_clipping' needs renorm: true");
    // SPEC 3.1: `tf` is what TensorFlow's kernel for this layer does.
    std::string corr = a["moving_variance_correction"];
    if (corr == "tf") {
      bool fusedKernel = rank == 4 &&
                         (l.layer.axis == 3 || l.layer.axis == 1) &&
                         a["fused"] != false && a["renorm"] == false &&
                         a["virtual_batch_size"].is_null();
      corr = fusedKernel ? "unbiased" : "biased";
    }
    l.layer.correction = corr;
    return true;
  };
  def.state = [](const LayerInfo &layer, const std::vector<int64_t> &x,
                 std::vector<StateVariable> &out) {
    const json &a = layer.attrs;
    if (!a["reuse"].is_null())
      return; // the shared layer's state
    std::vector<int64_t> c = {x[layer.axis]};
    bool trainable = a["trainable"].get<bool>();
    if (a["scale"].get<bool>())
      out.push_back(param(a, "gamma", c, trainable));
    if (a["center"].get<bool>())
      out.push_back(param(a, "beta", c, trainable));
    out.push_back(
        {"moving_mean", "moving_mean", c, a["moving_mean_initializer"], false});
    out.push_back({"moving_variance", "moving_variance", c,
                   a["moving_variance_initializer"], false});
    if (a["renorm"].get<bool>()) {
      out.push_back({"renorm_mean", "renorm_mean", c, "zeros", false});
      out.push_back({"renorm_stddev", "renorm_stddev", c, "ones", false});
    }
  };
  def.build = [](LayerBuild &l, llvm::ArrayRef<Value> in) -> Value {
    const json &a = l.attrs();
    const json &clip = a["renorm_clipping"];
    auto clipAttr = [&](const char *k) -> mlir::FloatAttr {
      return clip.is_object() && clip.contains(k) ? l.f32(clip[k])
                                                  : mlir::FloatAttr();
    };
    mlir::IntegerAttr vbs;
    if (!a["virtual_batch_size"].is_null())
      vbs = l.b.getI64IntegerAttr(a["virtual_batch_size"].get<int64_t>());
    auto correction = l.layer.correction == "unbiased"
                          ? nn::VarianceCorrection::unbiased
                          : nn::VarianceCorrection::biased;
    auto bn = nn::BatchNormOp::create(
        l.b, l.loc, in[0], l.read("gamma"), l.read("beta"),
        l.read("moving_mean"), l.read("moving_variance"), l.read("renorm_mean"),
        l.read("renorm_stddev"), l.training,
        l.b.getI64IntegerAttr(l.layer.axis), l.f32(a["momentum"]),
        l.f32(a["epsilon"]), l.b.getBoolAttr(a["center"]),
        l.b.getBoolAttr(a["scale"]), l.b.getBoolAttr(a["trainable"]),
        nn::VarianceCorrectionAttr::get(l.b.getContext(), correction),
        l.b.getBoolAttr(a["renorm"]), l.f32(a["renorm_momentum"]),
        clipAttr("rmin"), clipAttr("rmax"), clipAttr("dmax"), vbs,
        a["synchronized"].get<bool>() ? l.b.getUnitAttr() : mlir::UnitAttr());
    return bn.getOutput();
  };
  return def;
}

LayerDef clip() {
  // np.clip / tf.clip_by_value; null is unbounded.
  LayerDef def = shapeKeeping(
      "clip",
      {opt("min", AttrKind::OptFloat, kNull),
       opt("max", AttrKind::OptFloat, kNull)},
      [](LayerBuild &l, Value x) -> Value {
        float inf = std::numeric_limits<float>::infinity();
        auto bound = [&](const char *key, float unbounded) {
          const json &v = l.attrs()[key];
          return l.b.getF32FloatAttr(v.is_null() ? unbounded : v.get<float>());
        };
        return nn::ClipOp::create(l.b, l.loc, x, bound("min", -inf),
                                  bound("max", inf));
      });
  def.check = [](LayerAnalysis &l, const json &raw) {
    const json &a = l.attrs();
    if (a["min"].is_number() && a["max"].is_number() &&
        !((float)a["min"].get<double>() <= (float)a["max"].get<double>()))
      return l.error("min", "attribute 'min' (" +
                                shortText(dumpJson(raw["min"])) +
                                ") must be <= 'max' (" +
                                shortText(dumpJson(raw["max"])) + ")");
    return true;
  };
  return def;
}

LayerDef softmax(const char *op, bool log) {
  LayerDef def = shapeKeeping(op, {}, [log](LayerBuild &l, Value x) -> Value {
    return nn::SoftmaxOp::create(l.b, l.loc, x,
                                 log ? l.b.getUnitAttr() : mlir::UnitAttr());
  });
  def.infer = [](LayerAnalysis &l) {
    nn::ShapeError e = l.shapeError();
    return l.fromRule(nn::SoftmaxOp::inferShape(l.mlirShape(0), e), e,
                      {"input"});
  };
  return def;
}

LayerDef pool(const char *op, nn::PoolKind kind) {
  std::vector<AttrSpec> attrs = {req("pool_size", AttrKind::IntPair),
                                 opt("strides", AttrKind::IntPair, kNull),
                                 opt("padding", AttrKind::Padding, "valid")};
  // PyTorch's AvgPool2d default (true) and ONNX's attribute: the divisor
  // counts padded positions too.
  if (kind == nn::PoolKind::avg)
    attrs.push_back(neutral(opt("count_include_pad", AttrKind::Bool, false)));
  LayerDef def = shapeKeeping(op, attrs, [kind](LayerBuild &l, Value x) {
    return buildPool(l, x, kind);
  });
  def.infer = inferPool;
  return def;
}

LayerDef globalPool(const char *op, nn::PoolKind kind) {
  LayerDef def = shapeKeeping(op, {}, [kind](LayerBuild &l, Value x) -> Value {
    return nn::GlobalPool2DOp::create(l.b, l.loc, x, kind);
  });
  def.infer = [](LayerAnalysis &l) {
    nn::ShapeError e = l.shapeError();
    return l.fromRule(nn::GlobalPool2DOp::inferShape(l.mlirShape(0), e), e,
                      {"input"});
  };
  return def;
}

/// flatten and reshape: nn.reshape to the layer's output type.
Value buildReshape(LayerBuild &l, Value x) {
  return nn::ReshapeOp::create(
      l.b, l.loc,
      mlir::RankedTensorType::get(toMlir(l.layer.output.shape),
                                  l.b.getF32Type()),
      x);
}

LayerDef flatten() {
  LayerDef def = shapeKeeping("flatten", {}, buildReshape);
  def.infer = [](LayerAnalysis &l) {
    // The layer's own target shape; the reshape to it always holds.
    const std::vector<int64_t> &x = l.shape(0);
    if (x.size() < 2)
      return l.error("input", "shape mismatch: flatten needs rank >= 2, got " +
                                  showShape(x));
    int64_t n = elementsPerExample(x);
    if (n < 0)
      return l.error("input",
                     "shape " + showShape(x) +
                         " has too many elements per example to flatten");
    l.output = {x[0], n};
    return true;
  };
  return def;
}

LayerDef reshape() {
  LayerDef def =
      shapeKeeping("reshape", {req("shape", AttrKind::Shape)}, buildReshape);
  def.infer = [](LayerAnalysis &l) {
    std::vector<int64_t> out = l.attrs()["shape"].get<std::vector<int64_t>>();
    out[0] = l.shape(0)[0];
    nn::ShapeError e = l.shapeError();
    if (mlir::failed(
            nn::ReshapeOp::checkShapes(l.mlirShape(0), toMlir(out), e)))
      return l.fromRule(mlir::failure(), e, {"shape"});
    l.output = out;
    return true;
  };
  return def;
}

LayerDef transpose() {
  LayerDef def =
      shapeKeeping("transpose", {req("perm", AttrKind::Permutation)},
                   [](LayerBuild &l, Value x) -> Value {
                     return nn::TransposeOp::create(
                         l.b, l.loc, x,
                         l.b.getDenseI64ArrayAttr(
                             l.attrs()["perm"].get<std::vector<int64_t>>()));
                   });
  def.infer = [](LayerAnalysis &l) {
    nn::ShapeError e = l.shapeError();
    return l.fromRule(
        nn::TransposeOp::inferShape(
            l.mlirShape(0), l.attrs()["perm"].get<std::vector<int64_t>>(), e),
        e, {"input"});
  };
  return def;
}

/// The shapes of all the layer's inputs, for the n-ary rules.
SmallVector<SmallVector<int64_t>> inputShapes(const LayerAnalysis &l) {
  SmallVector<SmallVector<int64_t>> shapes;
  for (size_t k = 0; k < l.inputs.size(); ++k)
    shapes.push_back(l.mlirShape(k));
  return shapes;
}

LayerDef concat() {
  LayerDef def{{"concat", true, {opt("axis", AttrKind::Int, -1)}}};
  def.infer = [](LayerAnalysis &l) {
    // The model format keeps the batch whole: a non-batch axis only.
    const std::vector<int64_t> &x = l.shape(0);
    int64_t rank = x.size(), axis = l.attrs()["axis"].get<int64_t>();
    if (axis < -rank || axis >= rank || axis == 0 || axis == -rank)
      return l.error("axis", "axis " + std::to_string(axis) +
                                 " must be a non-batch axis of input shape " +
                                 showShape(x) + " (1 to " +
                                 std::to_string(rank - 1) + ", or " +
                                 std::to_string(1 - rank) + " to -1)");
    l.layer.axis = axis < 0 ? axis + rank : axis;
    nn::ShapeError e = l.shapeError();
    return l.fromRule(nn::ConcatOp::inferShape(inputShapes(l), l.layer.axis, e),
                      e, l.inputFields());
  };
  def.build = [](LayerBuild &l, llvm::ArrayRef<Value> in) -> Value {
    return nn::ConcatOp::create(l.b, l.loc, in, l.layer.axis);
  };
  return def;
}

LayerDef add() {
  LayerDef def{{"add", true, {}}};
  def.infer = [](LayerAnalysis &l) {
    nn::ShapeError e = l.shapeError();
    return l.fromRule(nn::AddOp::inferShape(inputShapes(l), e), e,
                      l.inputFields());
  };
  def.build = [](LayerBuild &l, llvm::ArrayRef<Value> in) -> Value {
    return nn::AddOp::create(l.b, l.loc, in);
  };
  return def;
}

LayerDef multiply() {
  // Keras's Multiply, with size-1 dimensions repeated (NumPy's broadcasting
  // at one rank): each product broadcast as far as it goes, left to right.
  LayerDef def{{"multiply", true, {}}};
  def.infer = [](LayerAnalysis &l) {
    const std::vector<int64_t> &x = l.shape(0);
    std::vector<std::string> fields = l.inputFields();
    l.output = x;
    for (size_t k = 1; k < l.inputs.size(); ++k) {
      const std::vector<int64_t> &y = l.shape(k);
      const std::vector<std::string> &in = l.layer.inputs;
      if (y.size() != x.size())
        return l.error(fields[k], "shape mismatch: '" + in[0] + "' " +
                                      showShape(x) + " and '" + in[k] + "' " +
                                      showShape(y) +
                                      " must have the same rank");
      std::vector<std::string> names = {in[0], in[k]};
      for (size_t j = 1; j < k; ++j)
        names[0] += " * " + in[j];
      nn::ShapeError e = l.shapeError();
      e.names = names;
      if (!l.fromRule(
              nn::MulOp::inferShape(toMlir(l.output), l.mlirShape(k), e), e,
              {fields[0], fields[k]}))
        return false;
    }
    return true;
  };
  def.build = [](LayerBuild &l, llvm::ArrayRef<Value> in) -> Value {
    Value product = in[0];
    for (Value v : in.drop_front())
      product = nn::MulOp::create(l.b, l.loc, product, v);
    return product;
  };
  return def;
}

LayerDef dropout() {
  LayerDef def = shapeKeeping(
      "dropout", {req("rate", AttrKind::UnitFloat)},
      [](LayerBuild &l, Value x) -> Value {
        return nn::DropoutOp::create(
            l.b, l.loc, x, l.training, mlir::ValueRange{},
            l.f32(l.attrs()["rate"]), l.b.getI64IntegerAttr(l.index));
      });
  def.refused = {{"training", "'training' is not an attribute: the mode is "
                              "chosen at run time (train, or predict --mode)"}};
  def.check = [](LayerAnalysis &l, const json &raw) {
    // The op holds the rate as an f32 and checks that value.
    double rate = l.attrs()["rate"].get<double>();
    if (!((float)rate < 1.0f))
      return l.error("rate", "attribute 'rate' must be a number in [0, 1), "
                             "got " +
                                 shortText(dumpJson(raw["rate"])) +
                                 (rate < 1 ? " (1 as an f32)" : ""));
    return true;
  };
  return def;
}

} // namespace

const std::vector<LayerDef> &modelc::layerDefs() {
  static const std::vector<LayerDef> defs = [] {
    return std::vector<LayerDef>{
        conv2d(),
        dense(),
        embedding(),
        biasAdd(),
        batchNorm(),
        activationLayer("relu"),
        activationLayer("relu6"),
        activationLayer("sigmoid"),
        activationLayer("tanh"),
        activationLayer("leaky_relu", {opt("alpha", AttrKind::Float, 0.2)}),
        // Keras's ELU: alpha * (exp(x) - 1) below 0.
        activationLayer("elu", {opt("alpha", AttrKind::Float, 1.0)}),
        clip(),
        softmax("softmax", false),
        softmax("log_softmax", true),
        pool("max_pool2d", nn::PoolKind::max),
        pool("avg_pool2d", nn::PoolKind::avg),
        globalPool("global_avg_pool2d", nn::PoolKind::avg),
        globalPool("global_max_pool2d", nn::PoolKind::max),
        flatten(),
        reshape(),
        transpose(),
        concat(),
        add(),
        multiply(),
        scale(),
        dropout(),
    };
  }();
  return defs;
}

const LayerDef *modelc::findLayerDef(const std::string &op) {
  for (const LayerDef &d : layerDefs())
    if (op == d.schema.op)
      return &d;
  return nullptr;
}
