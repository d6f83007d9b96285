//===- Ops.cpp - ONNX operators as modelc layers --------------------------===//
//
// One converter per operator family. Each reads the node's attributes with
// ONNX's defaults, refuses what modelc cannot express with a message that
// says why, and emits layers with weights converted once to modelc's
// layout (OIHW -> HWIO, Gemm's B -> [in, out], alpha/beta folded in).
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

using namespace modelc;
using namespace modelc::onnx_import;
using json = nlohmann::ordered_json;

namespace {

std::vector<float> toFloats(const Constant &c) {
  return std::vector<float>(c.data.begin(), c.data.end());
}

/// The product of dims[from..], or -1 when it does not fit in 64 bits.
int64_t product(const std::vector<int64_t> &dims, size_t from = 0) {
  int64_t n = 1;
  for (size_t k = from; k < dims.size(); ++k)
    if (dims[k] < 0 || __builtin_mul_overflow(n, dims[k], &n))
      return -1;
  return n;
}

/// Leading 1s dropped: how a broadcast operand lines up with the trailing
/// dimensions of the other ([1, 8, 1, 1] -> [8, 1, 1]).
std::vector<int64_t> withoutLeadingOnes(std::vector<int64_t> dims) {
  while (!dims.empty() && dims.front() == 1)
    dims.erase(dims.begin());
  return dims;
}

bool isPermutation(const std::vector<int64_t> &perm, size_t rank) {
  if (perm.size() != rank)
    return false;
  std::vector<bool> seen(rank, false);
  for (int64_t p : perm) {
    if (p < 0 || p >= (int64_t)rank || seen[p])
      return false;
    seen[p] = true;
  }
  return true;
}

} // namespace

double Importer::scalar(const std::string &name, const char *what) const {
  const Constant &c = constant(name, what);
  if (c.data.size() != 1)
    fail(std::string(what) + " '" + name + "' must hold one value, has " +
         std::to_string(c.data.size()));
  return c.data[0];
}

std::vector<int64_t> Importer::integers(const std::string &name,
                                        const char *what) const {
  const Constant &c = constant(name, what);
  std::vector<int64_t> out;
  for (double d : c.data) {
    if (c.isFloat || !(std::fabs(d) < 9.0e15))
      fail(std::string(what) + " '" + name + "' must hold integers");
    out.push_back((int64_t)d);
  }
  return out;
}

std::string Importer::hintFor(const onnx::NodeProto &node,
                              int weightInput) const {
  if (weightInput >= 0 && weightInput < node.input_size()) {
    std::string w = node.input(weightInput);
    auto source = constantSource.find(w);
    if (source != constantSource.end())
      w = source->second;
    size_t dot = w.rfind(".weight");
    if (dot != std::string::npos && dot > 0 && dot + 7 == w.size())
      return w.substr(0, dot);
  }
  if (!node.name().empty())
    return node.name();
  return node.output_size() ? node.output(0) : node.op_type();
}

void Importer::convert(const onnx::NodeProto &node) {
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    fail("operator domain '" + node.domain() + "' is not supported");
  const std::string &op = node.op_type();
  // Malformed nodes get an error, not an out-of-range read.
  static const std::map<std::string, int> minInputs = {
      {"Conv", 2},
      {"BatchNormalization", 5},
      {"Gemm", 2},
      {"MatMul", 2},
      {"Add", 2},
      {"Sub", 2},
      {"Mul", 2},
      {"Gather", 2},
      {"Constant", 0},
      {"Concat", 1},
      {"SoftmaxCrossEntropyLoss", 2}};
  auto required = minInputs.find(op);
  int need = required == minInputs.end() ? 1 : required->second;
  if (node.input_size() < need)
    fail("needs at least " + std::to_string(need) + " inputs, has " +
         std::to_string(node.input_size()));
  for (int k = 0; k < std::min(node.input_size(), need); ++k)
    if (node.input(k).empty() && !(op == "Reshape" && k == 1))
      fail("input " + std::to_string(k) + " is missing");
  if (node.output_size() < 1 || node.output(0).empty())
    fail("has no output");
  for (int k = 0; k < node.input_size(); ++k) {
    auto it = valuesByName.find(node.input(k));
    if (it != valuesByName.end() && !it->second.zeroPads.empty() &&
        (k != 0 || (op != "Conv" && op != "AveragePool" && op != "Pad")))
      fail("reads '" + node.input(k) +
           "', the output of a Pad; modelc folds a zero Pad into the Conv "
           "or AveragePool that reads it, and supports no other use");
  }
  if (op == "Conv")
    return convertConv(node);
  if (op == "Pad")
    return convertPad(node);
  if (op == "BatchNormalization")
    return convertBatchNorm(node);
  if (op == "Relu" || op == "Sigmoid" || op == "Tanh" || op == "LeakyRelu" ||
      op == "Elu")
    return convertActivation(node);
  if (op == "Clip")
    return convertClip(node);
  if (op == "MaxPool" || op == "AveragePool")
    return convertPool(node);
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool")
    return convertGlobalPool(node);
  if (op == "Flatten")
    return convertFlatten(node);
  if (op == "Reshape")
    return convertReshape(node);
  if (op == "Transpose")
    return convertTranspose(node);
  if (op == "Add" || op == "Sub")
    return convertAddSub(node);
  if (op == "Mul")
    return convertMul(node);
  if (op == "SoftmaxCrossEntropyLoss")
    return convertSoftmaxCrossEntropy(node);
  if (op == "MatMul")
    return convertMatMul(node);
  if (op == "Gemm")
    return convertGemm(node);
  if (op == "Dropout")
    return convertDropout(node);
  if (op == "Concat")
    return convertConcat(node);
  if (op == "Constant")
    return convertConstant(node);
  if (op == "Identity")
    return convertIdentity(node);
  if (op == "Squeeze" || op == "Unsqueeze")
    return convertSqueeze(node);
  if (op == "Gather")
    return convertGather(node);
  if (op == "Softmax" || op == "LogSoftmax")
    return convertSoftmax(node);
  fail("operator '" + op +
       "' is not supported (docs/ONNX.md lists the operators modelc "
       "imports)");
}

Importer::Window Importer::window(const onnx::NodeProto &node,
                                  std::vector<int64_t> size, bool dilated) {
  const Value &x = value(node.input(0));
  Window w;
  w.oneD = x.shape.size() == 3;
  if (!w.oneD && x.shape.size() != 4)
    fail("input has shape " + showDims(x.shape) +
         "; modelc imports 1-D and 2-D windows (3-D or 4-D NCHW inputs)");
  size_t n = w.oneD ? 1 : 2;
  std::vector<int64_t> ones(n, 1), zeros(2 * n, 0);
  if (size.size() != n)
    fail("kernel_shape " + showDims(size) + " must have " + std::to_string(n) +
         " entries");
  w.strides = attrInts(node, "strides", ones);
  w.dilations = dilated ? attrInts(node, "dilations", ones) : ones;
  w.pads = attrInts(node, "pads", zeros);
  if (w.strides.size() != n || w.dilations.size() != n ||
      w.pads.size() != 2 * n)
    fail("strides, dilations and pads need " + std::to_string(n) + ", " +
         std::to_string(n) + " and " + std::to_string(2 * n) + " entries");
  if (!x.zeroPads.empty()) {
    // auto_pad would replace the pads (and size SAME on the unpadded input).
    if (attrString(node, "auto_pad", "NOTSET") != "NOTSET")
      fail("auto_pad " + attrString(node, "auto_pad", "NOTSET") +
           " after a Pad is not supported (explicit pads are)");
    for (size_t k = 0; k < w.pads.size(); ++k)
      w.pads[k] += x.zeroPads[k];
    w.zeroPadded = true;
  }
  w.in = x.shape;
  w.size = size;
  const std::vector<int64_t> &out = inferredShape(node.output(0));
  if (out.size() != x.shape.size())
    fail("ONNX infers output shape " + showDims(out) + " for input " +
         showDims(x.shape));
  w.out.assign(out.begin() + 2, out.end());
  if (w.oneD) {
    // [N, C, L] as [N, C, 1, L]: a window of height 1.
    w.in.insert(w.in.begin() + 2, 1);
    w.size.insert(w.size.begin(), 1);
    w.strides.insert(w.strides.begin(), 1);
    w.dilations.insert(w.dilations.begin(), 1);
    w.pads = {0, w.pads[0], 0, w.pads[1]};
    w.out.insert(w.out.begin(), 1);
  }
  return w;
}

std::string Importer::windowInput(const onnx::NodeProto &node,
                                  const Window &w) {
  if (!w.oneD)
    return inChannelsLast(node.input(0));
  // [N, C, L] -> [N, L, C] -> [N, 1, L, C].
  std::string src = inOnnxLayout(node.input(0));
  json &t = addLayer("transpose", {src}, src + "_nlc");
  t["perm"] = {0, 2, 1};
  std::string nlc = t["name"];
  json &r = addLayer("reshape", {nlc}, src + "_nhwc");
  r["shape"] = {-1, 1, w.in[3], w.in[1]};
  return r["name"];
}

void Importer::windowOutput(const onnx::NodeProto &node, const Window &w,
                            const std::string &holder) {
  if (!w.oneD)
    return define(node.output(0), holder, Layout::ChannelsLast);
  // [N, 1, L', C'] -> [N, L', C'] -> [N, C', L'].
  const std::vector<int64_t> &out = inferredShape(node.output(0));
  json &r = addLayer("reshape", {holder}, holder + "_nlc");
  r["shape"] = {-1, out[2], out[1]};
  std::string nlc = r["name"];
  json &t = addLayer("transpose", {nlc}, holder + "_ncl");
  t["perm"] = {0, 2, 1};
  std::string ncl = t["name"];
  define(node.output(0), ncl, Layout::Onnx);
}

void Importer::convertConv(const onnx::NodeProto &node) {
  const Value &x = value(node.input(0));
  const Constant &w = constant(input(node, 1), "weight");
  if (w.dims.size() != x.shape.size() || w.dims.size() < 3)
    fail("weight has shape " + showDims(w.dims) + " for input " +
         showDims(x.shape) + "; expected [M, C, kH, kW] (or [M, C, k])");
  int64_t group = attrInt(node, "group", 1);
  if (group < 1)
    fail("group " + std::to_string(group) + " must be >= 1");
  std::vector<int64_t> kernelShape(w.dims.begin() + 2, w.dims.end());
  if (attrInts(node, "kernel_shape", kernelShape) != kernelShape)
    fail("kernel_shape " + showDims(attrInts(node, "kernel_shape", {})) +
         " disagrees with the weight's " + showDims(kernelShape));
  Window win = window(node, kernelShape, true);
  int64_t o = w.dims[0], i = w.dims[1], kh = win.size[0], kw = win.size[1];
  if (i * group != x.shape[1])
    fail("weight " + showDims(w.dims) + " with group " + std::to_string(group) +
         " expects " + std::to_string(i * group) +
         " input channels, the input " + showDims(x.shape) + " has " +
         std::to_string(x.shape[1]));
  if (o % group != 0)
    fail("weight " + showDims(w.dims) + " has " + std::to_string(o) +
         " output channels, not a multiple of group " + std::to_string(group));
  std::vector<int64_t> strides = win.strides, dilations = win.dilations;
  json pad = padding(node, win.in, win.size, strides, dilations, win.pads,
                     win.out, false);
  std::string in = windowInput(node, win);
  std::vector<int64_t> window = win.size;

  json &layer = addLayer("conv2d", {in}, hintFor(node, 1));
  std::string name = layer["name"];
  layer["filters"] = o;
  layer["kernel_size"] = window;
  layer["strides"] = strides;
  layer["padding"] = pad;
  layer["dilation_rate"] = dilations;
  if (group != 1)
    layer["groups"] = group;
  // OIHW -> HWIO (I: the channels of one group).
  std::vector<float> kernel(w.data.size());
  for (int64_t a = 0; a < o; ++a)
    for (int64_t b = 0; b < i; ++b)
      for (int64_t r = 0; r < kh; ++r)
        for (int64_t c = 0; c < kw; ++c)
          kernel[((r * kw + c) * i + b) * o + a] =
              (float)w.data[((a * i + b) * kh + r) * kw + c];
  layer["kernel_initializer"] =
      values(name + "/kernel", {kh, kw, i, o}, std::move(kernel));
  std::string b = input(node, 2);
  layer["use_bias"] = !b.empty();
  if (!b.empty()) {
    const Constant &bias = constant(b, "bias");
    if (bias.dims != std::vector<int64_t>{o})
      fail("bias has shape " + showDims(bias.dims) + "; expected [" +
           std::to_string(o) + "]");
    layer["bias_initializer"] = values(name + "/bias", {o}, toFloats(bias));
  }
  windowOutput(node, win, name);
}

void Importer::convertBatchNorm(const onnx::NodeProto &node) {
  const Value &x = value(node.input(0));
  if (x.shape.size() < 2)
    fail("input has shape " + showDims(x.shape) + "; expected [N, C, ...]");
  if (attrInt(node, "spatial", 1) != 1)
    fail("spatial = 0 (per-element statistics) is not supported");
  if (attrInt(node, "training_mode", 0))
    requireSingleOutput(node, "running_mean/running_var: modelc updates the "
                              "moving statistics inside its train step");
  else
    requireSingleOutput(node, "the statistics outputs of opsets before 9");
  int64_t channels = x.shape[1];
  const char *roles[] = {"scale", "B", "input_mean", "input_var"};
  std::vector<std::vector<float>> params;
  for (int k = 1; k <= 4; ++k) {
    const Constant &c = constant(input(node, k), roles[k - 1]);
    if (c.dims != std::vector<int64_t>{channels})
      fail(std::string(roles[k - 1]) + " has shape " + showDims(c.dims) +
           "; expected [" + std::to_string(channels) + "]");
    params.push_back(toFloats(c));
  }

  // The channel axis: last when stored channels-last, else 1.
  std::string in;
  Layout layout;
  int64_t axis = 1;
  if (x.layout == Layout::ChannelsLast ||
      (x.layout == Layout::Onnx && x.shape.size() == 4)) {
    in = inChannelsLast(node.input(0));
    layout = Layout::ChannelsLast;
    axis = 3;
  } else if (x.layout == Layout::FlatChannelsLast) {
    in = inOnnxLayout(node.input(0));
    layout = Layout::Onnx;
  } else {
    in = x.holder;
    layout = x.layout;
  }
  json &layer = addLayer("batch_norm", {in}, hintFor(node));
  std::string name = layer["name"];
  layer["axis"] = axis;
  layer["momentum"] = attrFloat(node, "momentum", 0.9f);
  layer["epsilon"] = attrFloat(node, "epsilon", 1e-5f);
  // ONNX's training-mode running variance is the population variance.
  layer["moving_variance_correction"] = "biased";
  const char *vars[] = {"gamma", "beta", "moving_mean", "moving_variance"};
  for (int k = 0; k < 4; ++k)
    layer[std::string(vars[k]) + "_initializer"] =
        values(name + "/" + vars[k], {channels}, std::move(params[k]));
  define(node.output(0), name, layout);
}

json &Importer::elementwise(const onnx::NodeProto &node,
                            const std::string &op) {
  Value in = value(node.input(0)); // a copy: define() adds to the map
  json &layer = addLayer(op, {in.holder}, hintFor(node));
  define(node.output(0), layer["name"], in.layout, in.chw);
  return layer;
}

void Importer::convertActivation(const onnx::NodeProto &node) {
  const std::string &op = node.op_type();
  std::string kind = op == "Relu"      ? "relu"
                     : op == "Sigmoid" ? "sigmoid"
                     : op == "Tanh"    ? "tanh"
                     : op == "Elu"     ? "elu"
                                       : "leaky_relu";
  json &layer = elementwise(node, kind);
  if (kind == "leaky_relu")
    layer["alpha"] = attrFloat(node, "alpha", 0.01f);
  if (kind == "elu")
    layer["alpha"] = attrFloat(node, "alpha", 1.0f);
}

void Importer::convertClip(const onnx::NodeProto &node) {
  float lo = -std::numeric_limits<float>::infinity();
  float hi = std::numeric_limits<float>::infinity();
  if (opset < 11) {
    lo = (float)attrFloat(node, "min", lo);
    hi = (float)attrFloat(node, "max", hi);
  } else {
    if (!input(node, 1).empty())
      lo = (float)scalar(input(node, 1), "min");
    if (!input(node, 2).empty())
      hi = (float)scalar(input(node, 2), "max");
  }
  if (std::isnan(lo) || std::isnan(hi))
    fail("Clip bounds [" + std::to_string(lo) + ", " + std::to_string(hi) +
         "] must not be NaN");
  if (lo == 0 && hi == 6)
    return (void)elementwise(node, "relu6");
  if (lo == 0 && std::isinf(hi) && hi > 0)
    return (void)elementwise(node, "relu");
  if ((std::isinf(lo) && lo > 0) || (std::isinf(hi) && hi < 0))
    fail("Clip bounds [" + std::to_string(lo) + ", " + std::to_string(hi) +
         "] make every element infinite; not supported");
  // min > max sets every element to max (ONNX's rule).
  lo = std::min(lo, hi);
  json &layer = elementwise(node, "clip");
  layer["min"] = std::isinf(lo) ? json() : json(lo);
  layer["max"] = std::isinf(hi) ? json() : json(hi);
}

void Importer::convertPool(const onnx::NodeProto &node) {
  bool max = node.op_type() == "MaxPool";
  if (max &&
      attrInts(node, "dilations", {}) !=
          std::vector<int64_t>(attrInts(node, "dilations", {}).size(), 1))
    fail("dilated pooling is not supported");
  if (attrInt(node, "storage_order", 0) != 0)
    fail("storage_order = 1 is not supported");
  if (max)
    requireSingleOutput(node, "Indices");
  Window win = window(node, attrInts(node, "kernel_shape", {}), false);
  bool padded = false, ceilMode = attrInt(node, "ceil_mode", 0) != 0;
  json pad = padding(node, win.in, win.size, win.strides, win.dilations,
                     win.pads, win.out, ceilMode, &padded);
  // A Pad's zeros count, as the data they are in ONNX.
  if (win.zeroPadded && hasAttr(node, "pads") &&
      !attrInt(node, "count_include_pad", 0) &&
      attrInts(node, "pads", {}) !=
          std::vector<int64_t>(attrInts(node, "pads", {}).size(), 0))
    fail("pads of its own that do not count (count_include_pad = 0) after "
         "a Pad whose zeros do are not supported");
  bool countPads = !max && padded &&
                   (win.zeroPadded || attrInt(node, "count_include_pad", 0));
  // The divisor counts the pads but not the positions past them that
  // ceil_mode's last window reaches (modelc pads those too).
  if (countPads && ceilMode &&
      pad != padding(node, win.in, win.size, win.strides, win.dilations,
                     win.pads, win.out, false))
    fail("counting the pads (count_include_pad = 1, or a Pad's zeros) with "
         "a ceil_mode window past the padded input is not supported");
  std::string in = windowInput(node, win);
  json &layer =
      addLayer(max ? "max_pool2d" : "avg_pool2d", {in}, hintFor(node));
  layer["pool_size"] = win.size;
  layer["strides"] = win.strides;
  layer["padding"] = pad;
  if (countPads)
    layer["count_include_pad"] = true;
  std::string name = layer["name"];
  windowOutput(node, win, name);
}

void Importer::convertGlobalPool(const onnx::NodeProto &node) {
  std::string in = inChannelsLast(node.input(0));
  json &layer =
      addLayer(node.op_type() == "GlobalMaxPool" ? "global_max_pool2d"
                                                 : "global_avg_pool2d",
               {in}, hintFor(node));
  std::string name = layer["name"];
  define(node.output(0), name, Layout::Squeezed);
}

void Importer::convertFlatten(const onnx::NodeProto &node) {
  const Value &x = value(node.input(0));
  int64_t rank = x.shape.size();
  int64_t axis = attrInt(node, "axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis != 1)
    fail("axis " + std::to_string(attrInt(node, "axis", 1)) +
         " does not keep the batch: modelc flattens everything after "
         "dimension 0 (axis = 1)");
  const std::string &out = node.output(0);
  Value in = x;
  if (in.layout == Layout::Squeezed || in.layout == Layout::FlatChannelsLast ||
      (in.layout == Layout::Onnx && rank == 2)) {
    // Already [N, features] in storage.
    define(out, in.holder,
           in.layout == Layout::Squeezed ? Layout::Onnx : in.layout, in.chw);
    return;
  }
  if (in.layout == Layout::ChannelsLast &&
      (in.shape[2] != 1 || in.shape[3] != 1)) {
    // Keep (h, w, c) order; weights that read it are reordered instead.
    json &layer = addLayer("flatten", {in.holder}, hintFor(node));
    std::string name = layer["name"];
    define(out, name, Layout::FlatChannelsLast,
           {in.shape[1], in.shape[2], in.shape[3]});
    return;
  }
  // NHWC with H = W = 1 is in NCHW order already.
  std::string src = in.layout == Layout::ChannelsLast
                        ? in.holder
                        : inOnnxLayout(node.input(0));
  json &layer = addLayer("flatten", {src}, hintFor(node));
  std::string name = layer["name"];
  define(out, name, Layout::Onnx);
}

void Importer::convertReshape(const onnx::NodeProto &node) {
  const Value &x = value(node.input(0));
  std::vector<int64_t> target;
  if (node.input_size() > 1) {
    target = integers(input(node, 1), "shape");
  } else {
    target = attrInts(node, "shape", {});
  }
  if (target.empty())
    fail("the target shape is empty");
  bool allowZero = attrInt(node, "allowzero", 0) != 0;
  std::vector<int64_t> in = x.shape;
  int64_t perExample = product(in, 1);
  // Dimension 0 must stay the batch: 0 (copy) or -1 with the rest fixed.
  bool keepsBatch = (target[0] == 0 && !allowZero) || target[0] == -1 ||
                    (staticBatch > 0 && target[0] == staticBatch);
  std::vector<int64_t> shape = {-1};
  int64_t known = 1, inferAt = -1;
  for (size_t k = 1; k < target.size() && keepsBatch; ++k) {
    int64_t d = target[k];
    if (d == 0 && !allowZero) {
      if (k >= in.size())
        fail("target " + showDims(target) + " copies dimension " +
             std::to_string(k) + " that the input " + showDims(in) +
             " does not have");
      d = in[k];
    }
    if (d == -1) {
      if (inferAt >= 0 || target[0] == -1)
        keepsBatch = false;
      inferAt = k;
      shape.push_back(-1);
      continue;
    }
    if (d <= 0 || d > kMaxSize)
      fail("target " + showDims(target) + " has a size " + std::to_string(d));
    if (__builtin_mul_overflow(known, d, &known))
      fail("target " + showDims(target) + " has more than 2^63 elements");
    shape.push_back(d);
  }
  if (perExample < 0)
    fail("input " + showDims(in) + " has more than 2^63 elements per example");
  if (keepsBatch && inferAt >= 0) {
    if (perExample % known)
      keepsBatch = false;
    else
      shape[inferAt] = perExample / known;
  }
  if (!keepsBatch || product(shape, 1) != perExample)
    fail("target " + showDims(target) + " for input " + showDims(in) +
         " reshapes across the batch; modelc keeps dimension 0 as the batch "
         "(use 0 or -1 there, and fixed sizes after it)");
  std::string src = inOnnxLayout(node.input(0));
  json &layer = addLayer("reshape", {src}, hintFor(node));
  layer["shape"] = shape;
  std::string name = layer["name"];
  define(node.output(0), name, Layout::Onnx);
}

/// `c` transposed by `perm` (output dimension i is input dimension
/// perm[i]).
static Constant transposed(const Constant &c,
                           const std::vector<int64_t> &perm) {
  size_t rank = c.dims.size();
  Constant out;
  out.isFloat = c.isFloat;
  std::vector<int64_t> inStride(rank, 1);
  for (size_t d = rank; d-- > 1;)
    inStride[d - 1] = inStride[d] * c.dims[d];
  for (int64_t p : perm)
    out.dims.push_back(c.dims[p]);
  out.data.resize(c.data.size());
  std::vector<int64_t> index(rank, 0);
  for (size_t k = 0; k < out.data.size(); ++k) {
    int64_t from = 0;
    for (size_t d = 0; d < rank; ++d)
      from += index[d] * inStride[perm[d]];
    out.data[k] = c.data[from];
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < out.dims[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

void Importer::convertTranspose(const onnx::NodeProto &node) {
  if (isConstant(node.input(0))) {
    // A weight exported as Transpose(W) (PyTorch's Linear without constant
    // folding): folded at import.
    const Constant &c = constants[node.input(0)];
    std::vector<int64_t> reversed;
    for (int64_t k = (int64_t)c.dims.size() - 1; k >= 0; --k)
      reversed.push_back(k);
    std::vector<int64_t> perm = attrInts(node, "perm", reversed);
    if (!isPermutation(perm, c.dims.size()))
      fail("perm " + showDims(perm) + " is not a permutation of the " +
           std::to_string(c.dims.size()) + " dimensions of its input");
    constants[node.output(0)] = transposed(c, perm);
    constantSource[node.output(0)] = node.input(0);
    return;
  }
  const Value &x = value(node.input(0));
  int64_t rank = x.shape.size();
  std::vector<int64_t> reversed;
  for (int64_t k = rank - 1; k >= 0; --k)
    reversed.push_back(k);
  std::vector<int64_t> perm = attrInts(node, "perm", reversed);
  if (!isPermutation(perm, rank))
    fail("perm " + showDims(perm) + " is not a permutation of the " +
         std::to_string(rank) + " dimensions of " + showDims(x.shape));
  if (perm[0] != 0)
    fail("perm " + showDims(perm) + " for input " + showDims(x.shape) +
         " moves the batch dimension; modelc keeps it first");
  Value in = x;
  std::string src;
  std::vector<int64_t> applied = perm;
  if (in.layout == Layout::ChannelsLast) {
    // Stored dimension j is ONNX dimension [0, 2, 3, 1][j], so ONNX
    // dimension d is stored dimension [0, 3, 1, 2][d].
    const int64_t storedOf[] = {0, 3, 1, 2};
    for (int64_t k = 0; k < rank; ++k)
      applied[k] = storedOf[perm[k]];
    src = in.holder;
  } else {
    src = inOnnxLayout(node.input(0));
  }
  bool identity = true;
  for (int64_t k = 0; k < rank; ++k)
    identity &= applied[k] == k;
  if (identity) {
    define(node.output(0), src, Layout::Onnx);
    return;
  }
  json &layer = addLayer("transpose", {src}, hintFor(node));
  layer["perm"] = applied;
  std::string name = layer["name"];
  define(node.output(0), name, Layout::Onnx);
}

Importer::ChannelOperand
Importer::alongChannels(const std::string &name,
                        const std::vector<int64_t> &constantDims,
                        const std::string &what) {
  const Value &x = value(name);
  std::vector<int64_t> dims = withoutLeadingOnes(constantDims);
  int64_t rank = x.shape.size();
  // Rank 1 is the batch alone; a constant of higher rank changes the
  // result's rank (NumPy's broadcasting).
  if (rank < 2 || (int64_t)constantDims.size() > rank)
    fail(what + " a constant of shape " + showDims(constantDims) + " and " +
         showDims(x.shape) +
         " is not supported: the value needs a non-batch dimension and at "
         "least the constant's rank");
  if (dims.empty()) // a scalar: any layout will do, along the stored last axis
    return {x.holder, x.layout,
            x.layout == Layout::ChannelsLast || x.layout == Layout::Squeezed
                ? x.shape[1]
                : x.shape.back(),
            x.chw};
  if (rank == 4 && dims == std::vector<int64_t>{x.shape[1], 1, 1})
    // Per channel on NCHW: the last axis of NHWC.
    return {inChannelsLast(name), Layout::ChannelsLast, x.shape[1], {}};
  if (rank >= 2 && dims == std::vector<int64_t>{x.shape.back()}) {
    if (x.layout == Layout::Onnx || x.layout == Layout::Squeezed)
      return {x.holder, x.layout, x.shape.back(), {}};
    return {inOnnxLayout(name), Layout::Onnx, x.shape.back(), {}};
  }
  fail(what + " a constant of shape " + showDims(constantDims) + " and " +
       showDims(x.shape) +
       " is not supported: modelc takes constants that are scalars, per "
       "channel ([C, 1, 1] on NCHW) or along the last axis ([C])");
}

json &Importer::sameShapeLayer(const onnx::NodeProto &node,
                               const std::string &op) {
  std::string a = node.input(0), b = node.input(1);
  Value x = value(a), y = value(b);
  std::vector<std::string> inputs = {x.holder, y.holder};
  Layout layout = x.layout;
  if (x.layout != y.layout || x.layout == Layout::FlatChannelsLast) {
    if (x.layout == Layout::FlatChannelsLast && x.chw == y.chw &&
        y.layout == x.layout) {
      layout = x.layout;
    } else {
      inputs = {inOnnxLayout(a), inOnnxLayout(b)};
      layout = Layout::Onnx;
    }
  }
  json &layer = addLayer(op, inputs, hintFor(node));
  define(node.output(0), layer["name"], layout, x.chw);
  return layer;
}

void Importer::channelConstantLayer(const onnx::NodeProto &node,
                                    const std::string &x, const std::string &c,
                                    const std::string &op,
                                    const std::string &param, bool negate) {
  const Constant &k = constant(c, "B");
  std::vector<float> v = toFloats(k);
  ChannelOperand in =
      alongChannels(x, k.dims, op == "scale" ? "multiplying" : "adding");
  if (v.size() == 1)
    v.assign(in.channels, v[0]);
  if (negate)
    for (float &f : v)
      f = -f;
  json &layer = addLayer(op, {in.holder}, hintFor(node));
  std::string name = layer["name"];
  layer[param + "_initializer"] =
      values(name + "/" + param, {in.channels}, std::move(v));
  define(node.output(0), name, in.layout, in.chw);
}

void Importer::convertAddSub(const onnx::NodeProto &node) {
  bool sub = node.op_type() == "Sub";
  std::string a = node.input(0), b = node.input(1);
  if (!sub && isConstant(a) && !isConstant(b))
    std::swap(a, b);
  if (isConstant(b))
    // x + c where c broadcasts along the channels: a bias.
    return channelConstantLayer(node, a, b, "bias_add", "bias", sub);
  if (sub)
    fail("the difference of two computed tensors is not supported (modelc's "
         "add sums them)");
  const Value &x = value(a), &y = value(b);
  if (x.shape != y.shape)
    fail("broadcasting " + showDims(x.shape) + " and " + showDims(y.shape) +
         " is not supported; both operands need one shape");
  sameShapeLayer(node, "add");
}

void Importer::convertMul(const onnx::NodeProto &node) {
  std::string a = node.input(0), b = node.input(1);
  if (isConstant(a) && !isConstant(b))
    std::swap(a, b);
  if (isConstant(b))
    // x * c where c broadcasts along the channels: a scale layer.
    return channelConstantLayer(node, a, b, "scale", "scale", false);
  const Value &x = value(a), &y = value(b);
  if (x.shape == y.shape)
    return (void)sameShapeLayer(node, "multiply");
  // Broadcasting between computed tensors: both carry the batch, so both
  // need all dimensions (NumPy's rule then repeats the size-1 ones).
  if (x.shape.size() != y.shape.size())
    fail("broadcasting " + showDims(x.shape) + " and " + showDims(y.shape) +
         " is not supported; computed operands need the same rank");
  bool nchw = x.shape.size() == 4;
  std::vector<std::string> inputs =
      nchw ? std::vector<std::string>{inChannelsLast(a), inChannelsLast(b)}
           : std::vector<std::string>{inOnnxLayout(a), inOnnxLayout(b)};
  json &layer = addLayer("multiply", inputs, hintFor(node));
  define(node.output(0), layer["name"],
         nchw ? Layout::ChannelsLast : Layout::Onnx);
}

void Importer::convertSoftmaxCrossEntropy(const onnx::NodeProto &node) {
  // The graph's loss becomes the model's: its labels a label array of the
  // data file, its loss what train minimizes and eval reports.
  if (doc.contains("loss"))
    fail("a second loss; modelc trains one");
  std::string reduction = attrString(node, "reduction", "mean");
  if (reduction != "mean")
    fail("reduction '" + reduction +
         "' is not supported: modelc's loss is the mean over the batch");
  // PyTorch's export always writes its default, -100. A negative index is
  // no class: the executable's label check refuses data that holds it, so
  // nothing is ever ignored and the loss is the same.
  if (attrInt(node, "ignore_index", -1) >= 0)
    fail("ignore_index " + std::to_string(attrInt(node, "ignore_index", -1)) +
         " (a class id) is not supported; a negative one (PyTorch's -100) "
         "is");
  if (!input(node, 2).empty())
    fail("class weights are not supported (ONNX's mean divides by the sum "
         "of the weights, modelc's class_weight by the batch size)");
  const Value &scores = value(node.input(0));
  if (scores.shape.size() != 2)
    fail("scores have shape " + showDims(scores.shape) +
         "; modelc's softmax_cross_entropy takes [N, C] (no extra "
         "dimensions)");
  const std::string &labels = node.input(1);
  json *declared = nullptr;
  for (json &in : doc["inputs"])
    if (in["name"] == labels)
      declared = &in;
  if (!declared || readers[labels] != 1)
    fail("labels '" + labels +
         "' must be a graph input that only this node reads (the label "
         "array of the data file)");
  if ((*declared)["dtype"] != "i32" ||
      (*declared)["shape"] != json::array({-1}))
    fail("labels '" + labels + "' must be integer class ids of shape [N]");
  if (readers[node.output(0)] != 0)
    fail("the loss is read by other nodes; modelc's loss ends the graph");
  doc["labels"] = json::array({*declared});
  json &inputs = doc["inputs"];
  for (size_t k = 0; k < inputs.size(); ++k)
    if (inputs[k]["name"] == labels)
      inputs.erase(k);
  std::string logits = inOnnxLayout(node.input(0));
  lossScores = node.input(0);
  bool isInput = false;
  for (const json &in : doc["inputs"])
    isInput |= in["name"] == logits;
  if (isInput) {
    // Scores read straight from the data: the loss's logits (an output)
    // must be a layer, so a copy holds them.
    json &copy = addLayer("reshape", {logits}, logits + "_scores");
    copy["shape"] = scores.shape;
    logits = copy["name"];
    lossScores = logits;
    shapes[lossScores] = scores.shape;
    define(lossScores, logits, Layout::Onnx);
  }
  doc["loss"] = {
      {"op", "softmax_cross_entropy"}, {"logits", logits}, {"labels", labels}};
  lossOutput = node.output(0);
  if (node.output_size() > 1 && !node.output(1).empty()) {
    json &layer = addLayer("log_softmax", {logits}, node.output(1));
    define(node.output(1), layer["name"], Layout::Onnx);
  }
}

void Importer::convertPad(const onnx::NodeProto &node) {
  // Only as padding of the Conv or AveragePool after it (PyTorch writes
  // AvgPool2d's padding so): zeros around the spatial dimensions.
  if (attrString(node, "mode", "constant") != "constant")
    fail("mode '" + attrString(node, "mode", "constant") +
         "' is not supported (only constant zeros)");
  Value v = value(node.input(0));
  int64_t rank = v.shape.size();
  if (rank != 3 && rank != 4)
    fail("input has shape " + showDims(v.shape) +
         "; modelc folds the Pad of a 3-D or 4-D NCHW tensor");
  std::vector<int64_t> pads;
  if (opset < 11) {
    pads = attrInts(node, "pads", {});
    if (attrFloat(node, "value", 0.0f) != 0.0f)
      fail("a non-zero value is not supported");
  } else {
    for (double p : constant(input(node, 1), "pads").data)
      pads.push_back((int64_t)p);
    if (!input(node, 2).empty() &&
        scalar(input(node, 2), "constant_value") != 0)
      fail("a non-zero constant_value is not supported");
  }
  if ((int64_t)pads.size() != 2 * rank)
    fail("pads " + showDims(pads) + " need " + std::to_string(2 * rank) +
         " entries");
  if (pads[0] || pads[1] || pads[rank] || pads[rank + 1])
    fail("pads " + showDims(pads) +
         " pad the batch or the channels; modelc pads spatial dimensions "
         "only");
  std::vector<int64_t> spatial;
  for (int64_t k : {int64_t{2}, rank + 2})
    for (int64_t d = 0; d < rank - 2; ++d)
      spatial.push_back(pads[k + d]);
  for (int64_t p : spatial)
    if (p < 0)
      fail("negative pads " + showDims(pads) + " are not supported");
  if (v.zeroPads.empty())
    v.zeroPads = spatial;
  else
    for (size_t k = 0; k < spatial.size(); ++k)
      v.zeroPads[k] += spatial[k];
  valuesByName[node.output(0)] = v;
}

void Importer::addDense(const onnx::NodeProto &node, std::vector<float> kernel,
                        int64_t k, int64_t m, const std::vector<float> *bias) {
  const Value &x = value(node.input(0));
  if (x.shape.size() != 2 && x.layout != Layout::Squeezed)
    fail("input has shape " + showDims(x.shape) +
         "; modelc's dense layers take [N, K] (flatten first)");
  int64_t features = x.shape[1];
  if (features != k)
    fail("the weight has " + std::to_string(k) + " rows, the input " +
         showDims(x.shape) + " has " + std::to_string(features) + " features");
  Value in = x;
  if (in.layout == Layout::FlatChannelsLast) {
    // Row (c, h, w) of ONNX's order is row (h, w, c) of the stored one.
    int64_t c = in.chw[0], h = in.chw[1], w = in.chw[2];
    std::vector<float> rows(kernel.size());
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t hi = 0; hi < h; ++hi)
        for (int64_t wi = 0; wi < w; ++wi) {
          int64_t from = (ci * h + hi) * w + wi, to = (hi * w + wi) * c + ci;
          std::copy_n(kernel.begin() + from * m, m, rows.begin() + to * m);
        }
    kernel = std::move(rows);
  }
  json &layer = addLayer("dense", {in.holder}, hintFor(node, 1));
  std::string name = layer["name"];
  layer["units"] = m;
  layer["use_bias"] = bias != nullptr;
  layer["kernel_initializer"] =
      values(name + "/kernel", {k, m}, std::move(kernel));
  if (bias)
    layer["bias_initializer"] = values(name + "/bias", {m}, *bias);
  define(node.output(0), name, Layout::Onnx);
}

void Importer::convertMatMul(const onnx::NodeProto &node) {
  const Constant &b = constant(input(node, 1), "B");
  if (b.dims.size() != 2)
    fail("B has shape " + showDims(b.dims) +
         "; modelc imports MatMul by a "
         "2-D constant");
  addDense(node, toFloats(b), b.dims[0], b.dims[1], nullptr);
}

void Importer::convertGemm(const onnx::NodeProto &node) {
  if (attrInt(node, "transA", 0))
    fail("transA = 1 is not supported (A is [N, K] with the batch first)");
  const Constant &b = constant(input(node, 1), "B");
  if (b.dims.size() != 2)
    fail("B has shape " + showDims(b.dims) + "; expected 2-D");
  bool transB = attrInt(node, "transB", 0) != 0;
  float alpha = (float)attrFloat(node, "alpha", 1);
  float beta = (float)attrFloat(node, "beta", 1);
  int64_t k = transB ? b.dims[1] : b.dims[0];
  int64_t m = transB ? b.dims[0] : b.dims[1];
  std::vector<float> kernel(k * m);
  for (int64_t r = 0; r < k; ++r)
    for (int64_t c = 0; c < m; ++c)
      kernel[r * m + c] =
          alpha * (float)(transB ? b.data[c * k + r] : b.data[r * m + c]);
  std::string cName = input(node, 2);
  if (cName.empty())
    return addDense(node, std::move(kernel), k, m, nullptr);
  const Constant &c = constant(cName, "C");
  std::vector<int64_t> dims = withoutLeadingOnes(c.dims);
  std::vector<float> bias(m);
  if (dims.empty() || dims == std::vector<int64_t>{1})
    std::fill(bias.begin(), bias.end(), beta * (float)scalar(cName, "C"));
  else if (dims == std::vector<int64_t>{m})
    for (int64_t j = 0; j < m; ++j)
      bias[j] = beta * (float)c.data[j];
  else
    fail("C has shape " + showDims(c.dims) + "; modelc imports a C of [" +
         std::to_string(m) + "] (a bias) or a scalar");
  addDense(node, std::move(kernel), k, m, &bias);
}

void Importer::convertDropout(const onnx::NodeProto &node) {
  requireSingleOutput(node, "mask");
  float ratio = 0.5f;
  if (opset < 12)
    ratio = (float)attrFloat(node, "ratio", 0.5f);
  else if (!input(node, 1).empty())
    ratio = (float)scalar(input(node, 1), "ratio");
  if (!(ratio >= 0 && ratio < 1))
    fail("ratio " + std::to_string(ratio) + " must be in [0, 1)");
  Value in = value(node.input(0));
  if (ratio == 0) {
    valuesByName[node.output(0)] = in;
    return;
  }
  elementwise(node, "dropout")["rate"] = shortestDouble(ratio);
}

void Importer::convertConcat(const onnx::NodeProto &node) {
  if (node.input_size() == 0)
    fail("needs at least one input");
  const Value &first = value(node.input(0));
  int64_t rank = first.shape.size();
  int64_t axis = attrInt(node, "axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis <= 0 || axis >= rank)
    fail("axis " + std::to_string(attrInt(node, "axis", 1)) + " for rank " +
         std::to_string(rank) +
         " is not supported: modelc concatenates along a non-batch axis");
  bool allChannelsLast = true, allSqueezed = true;
  for (const std::string &name : node.input()) {
    allChannelsLast &= value(name).layout == Layout::ChannelsLast;
    allSqueezed &= value(name).layout == Layout::Squeezed;
  }
  std::vector<std::string> inputs;
  Layout layout = Layout::Onnx;
  int64_t stored = axis;
  if (allChannelsLast && axis == 1) {
    layout = Layout::ChannelsLast;
    stored = 3;
  } else if (allSqueezed && axis == 1) {
    layout = Layout::Squeezed;
  }
  for (const std::string &name : node.input())
    inputs.push_back(layout == Layout::Onnx ? inOnnxLayout(name)
                                            : value(name).holder);
  json &layer = addLayer("concat", inputs, hintFor(node));
  layer["axis"] = stored;
  std::string name = layer["name"];
  define(node.output(0), name, layout);
}

void Importer::convertConstant(const onnx::NodeProto &node) {
  Constant c;
  for (const onnx::AttributeProto &a : node.attribute()) {
    if (a.name() == "value") {
      c = readTensor(a.t());
    } else if (a.name() == "value_float") {
      c.data = {a.f()};
    } else if (a.name() == "value_floats") {
      c.data.assign(a.floats().begin(), a.floats().end());
      c.dims = {(int64_t)c.data.size()};
    } else if (a.name() == "value_int") {
      c.data = {(double)a.i()};
      c.isFloat = false;
    } else if (a.name() == "value_ints") {
      c.data.assign(a.ints().begin(), a.ints().end());
      c.dims = {(int64_t)c.data.size()};
      c.isFloat = false;
    } else {
      fail("attribute '" + a.name() + "' is not supported");
    }
  }
  constants[node.output(0)] = c;
}

void Importer::convertIdentity(const onnx::NodeProto &node) {
  const std::string &in = node.input(0);
  if (isConstant(in)) {
    constants[node.output(0)] = constants[in];
    return;
  }
  valuesByName[node.output(0)] = value(in);
}

void Importer::convertSqueeze(const onnx::NodeProto &node) {
  bool squeeze = node.op_type() == "Squeeze";
  std::vector<int64_t> axes;
  if (opset < 13) {
    axes = attrInts(node, "axes", {});
  } else if (!input(node, 1).empty()) {
    axes = integers(input(node, 1), "axes");
  }
  const Value &x = value(node.input(0));
  const std::vector<int64_t> &out = inferredShape(node.output(0));
  int64_t rank = squeeze ? x.shape.size() : out.size();
  if (axes.empty() && squeeze)
    fail("Squeeze without axes is not supported: it would drop a batch of "
         "one; name the axes");
  for (int64_t a : axes)
    if (a == 0 || a == -rank)
      fail(std::string(squeeze ? "squeezing" : "unsqueezing") +
           " axis 0 would change the batch dimension; modelc keeps it first");
  std::string src = inOnnxLayout(node.input(0));
  json &layer = addLayer("reshape", {src}, hintFor(node));
  std::vector<int64_t> shape = out;
  shape[0] = -1;
  layer["shape"] = shape;
  std::string name = layer["name"];
  define(node.output(0), name, Layout::Onnx);
}

void Importer::convertGather(const onnx::NodeProto &node) {
  const Constant &table = constant(node.input(0), "data");
  if (table.dims.size() != 2 || attrInt(node, "axis", 0) != 0)
    fail("modelc imports Gather as an embedding: rows (axis 0) of a 2-D "
         "constant table, got data " +
         showDims(table.dims) + " and axis " +
         std::to_string(attrInt(node, "axis", 0)));
  const Value &ids = value(node.input(1));
  json &layer = addLayer("embedding", {ids.holder}, hintFor(node, 0));
  std::string name = layer["name"];
  layer["vocab_size"] = table.dims[0];
  layer["dim"] = table.dims[1];
  layer["embeddings_initializer"] =
      values(name + "/embeddings", table.dims, toFloats(table));
  define(node.output(0), name, Layout::Onnx);
}

void Importer::convertSoftmax(const onnx::NodeProto &node) {
  const Value &x = value(node.input(0));
  int64_t rank = x.shape.size();
  bool coerced = opset < 13; // before 13: over dimensions axis.. together
  int64_t axis = attrInt(node, "axis", coerced ? 1 : -1);
  if (axis < 0)
    axis += rank;
  if (rank < 2 || axis < 1 || axis >= rank)
    fail("softmax over axis " + std::to_string(attrInt(node, "axis", -1)) +
         " of " + showDims(x.shape) +
         " is not supported (modelc's softmax is over a non-batch axis)");
  std::string src = inOnnxLayout(node.input(0));
  std::string hint = hintFor(node);
  const char *op = node.op_type() == "Softmax" ? "softmax" : "log_softmax";
  // modelc's is over the last axis: the trailing dimensions from `axis` on
  // merged into one (opsets before 13), or `axis` swapped with the last.
  std::vector<int64_t> perm;
  if (!coerced && axis != rank - 1) {
    perm.resize(rank);
    std::iota(perm.begin(), perm.end(), 0);
    std::swap(perm[axis], perm[rank - 1]);
    json &t = addLayer("transpose", {src}, hint + "_in");
    t["perm"] = perm;
    src = t["name"];
  } else if (coerced && axis != rank - 1) {
    std::vector<int64_t> shape(x.shape.begin(), x.shape.begin() + axis);
    shape[0] = -1;
    int64_t cols = 1;
    for (int64_t k = axis; k < rank; ++k)
      cols *= x.shape[k];
    shape.push_back(cols);
    json &r = addLayer("reshape", {src}, hint + "_rows");
    r["shape"] = shape;
    src = r["name"];
  }
  bool reshaped = coerced && axis != rank - 1;
  json &layer =
      addLayer(op, {src}, hint + (perm.empty() && !reshaped ? "" : "_last"));
  std::string name = layer["name"];
  if (!perm.empty()) {
    json &t = addLayer("transpose", {name}, hint);
    t["perm"] = perm; // a swap is its own inverse
    name = t["name"];
  } else if (reshaped) {
    std::vector<int64_t> shape = x.shape;
    shape[0] = -1;
    json &r = addLayer("reshape", {name}, hint);
    r["shape"] = shape;
    name = r["name"];
  }
  define(node.output(0), name, Layout::Onnx);
}
