//===- Importer.cpp - ONNX graph edges, tensors and layouts ---------------===//
//
// Reads the protobuf with libonnx, runs ONNX's own shape inference, then
// turns graph inputs, initializers and outputs into the model document's
// inputs, imported tensors and outputs. The nodes are in Ops.cpp.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "modelc/Frontend/OnnxImport.h"
#include "modelc/Frontend/Schema.h"

#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include <google/protobuf/io/coded_stream.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace modelc;
using namespace modelc::onnx_import;
using json = nlohmann::ordered_json;

namespace {

/// `s` with every character modelc does not accept in names made '_', and
/// leading/trailing '_' dropped ("/conv1/Conv" -> "conv1_Conv").
std::string sanitize(const std::string &s) {
  std::string out;
  for (char c : s)
    out += std::isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.'
               ? c
               : '_';
  size_t first = out.find_first_not_of('_'), last = out.find_last_not_of('_');
  return first == std::string::npos ? "" : out.substr(first, last - first + 1);
}

template <typename T>
void appendRaw(const std::string &raw, std::vector<double> &out) {
  size_t n = raw.size() / sizeof(T);
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
    out.push_back(static_cast<double>(v));
  }
}

} // namespace

std::string onnx_import::showDims(const std::vector<int64_t> &dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

Constant onnx_import::readTensor(const onnx::TensorProto &t) {
  Constant c;
  c.dims.assign(t.dims().begin(), t.dims().end());
  int64_t count = 1;
  for (int64_t d : c.dims) {
    if (d < 0 || (d > 0 && count > std::numeric_limits<int64_t>::max() / d))
      throw ImportError{"tensor '" + t.name() + "' has shape " +
                        showDims(c.dims)};
    count *= d;
  }
  if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL)
    throw ImportError{"tensor '" + t.name() +
                      "' keeps its data in an external file, which modelc "
                      "does not read; save the model with its data inside"};
  const std::string &raw = t.raw_data();
  // Values come either as raw little-endian bytes or in the typed field of
  // their type (bool and int32 share int32_data).
  auto read = [&](auto rawElement, const auto &typed, bool isFloat) {
    c.isFloat = isFloat;
    if (!raw.empty())
      appendRaw<decltype(rawElement)>(raw, c.data);
    else
      c.data.assign(typed.begin(), typed.end());
  };
  switch (t.data_type()) {
  case onnx::TensorProto_DataType_FLOAT:
    read(float(), t.float_data(), true);
    break;
  case onnx::TensorProto_DataType_DOUBLE:
    read(double(), t.double_data(), true);
    break;
  case onnx::TensorProto_DataType_INT64:
    read(int64_t(), t.int64_data(), false);
    break;
  case onnx::TensorProto_DataType_INT32:
    read(int32_t(), t.int32_data(), false);
    break;
  case onnx::TensorProto_DataType_BOOL:
    read(uint8_t(), t.int32_data(), false);
    break;
  default:
    throw ImportError{"tensor '" + t.name() + "' has ONNX data type " +
                      std::to_string(t.data_type()) +
                      "; modelc reads float, double, int32, int64 and bool"};
  }
  if ((int64_t)c.data.size() != count)
    throw ImportError{"tensor '" + t.name() + "' of shape " + showDims(c.dims) +
                      " holds " + std::to_string(c.data.size()) + " values"};
  return c;
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

static const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                            const char *name) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

bool onnx_import::hasAttr(const onnx::NodeProto &node, const char *name) {
  return findAttr(node, name) != nullptr;
}

int64_t onnx_import::attrInt(const onnx::NodeProto &node, const char *name,
                             int64_t def) {
  const onnx::AttributeProto *a = findAttr(node, name);
  return a ? a->i() : def;
}

double onnx_import::shortestDouble(float f) {
  // The shortest decimal that reads back as `f`: 0.9f is 0.9, not
  // 0.8999999761581421, in the model document.
  for (int digits = 6; digits <= 9; ++digits) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*g", digits, (double)f);
    double d = std::strtod(text, nullptr);
    if ((float)d == f)
      return d;
  }
  return f;
}

double onnx_import::attrFloat(const onnx::NodeProto &node, const char *name,
                              float def) {
  const onnx::AttributeProto *a = findAttr(node, name);
  return shortestDouble(a ? a->f() : def);
}

std::string onnx_import::attrString(const onnx::NodeProto &node,
                                    const char *name, const std::string &def) {
  const onnx::AttributeProto *a = findAttr(node, name);
  return a ? a->s() : def;
}

std::vector<int64_t> onnx_import::attrInts(const onnx::NodeProto &node,
                                           const char *name,
                                           std::vector<int64_t> def) {
  const onnx::AttributeProto *a = findAttr(node, name);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : def;
}

//===----------------------------------------------------------------------===//
// Helpers for the converters
//===----------------------------------------------------------------------===//

void Importer::fail(const std::string &message) const {
  if (!current)
    throw ImportError{message};
  std::string name = current->name();
  if (name.empty() && current->output_size())
    name = current->output(0);
  throw ImportError{"node '" + name + "' (" + current->op_type() +
                    "): " + message};
}

const Value &Importer::value(const std::string &name) const {
  auto it = valuesByName.find(name);
  if (it == valuesByName.end()) {
    if (isConstant(name))
      fail("input '" + name +
           "' is a constant; modelc supports it only where the operator "
           "takes weights");
    fail("input '" + name + "' is not produced by any earlier node");
  }
  return it->second;
}

const Constant &Importer::constant(const std::string &name,
                                   const char *what) const {
  auto it = constants.find(name);
  if (it == constants.end())
    fail(std::string(what) + " '" + name +
         "' must be an initializer or a Constant (modelc needs it at "
         "compile time)");
  return it->second;
}

std::string Importer::input(const onnx::NodeProto &node, int k) const {
  return k < node.input_size() ? node.input(k) : std::string();
}

void Importer::requireSingleOutput(const onnx::NodeProto &node,
                                   const char *what) {
  // Outputs nothing reads (PyTorch's training-mode exports name them) are
  // fine.
  for (int k = 1; k < node.output_size(); ++k)
    if (!node.output(k).empty() && consumed.count(node.output(k)))
      fail(std::string("output ") + std::to_string(k) + " (" + what +
           ") is not supported; only the first output may be used");
}

const std::vector<int64_t> &
Importer::inferredShape(const std::string &name) const {
  auto it = shapes.find(name);
  if (it == shapes.end())
    fail("ONNX shape inference gave no static shape for '" + name + "'");
  return it->second;
}

std::string Importer::uniqueName(const std::string &hint) {
  std::string base = sanitize(hint);
  if (base.empty())
    base = "layer";
  std::string name = base;
  for (int k = 1; names.count(name) || reservedNames.count(name); ++k)
    name = base + "_" + std::to_string(k);
  names.insert(name);
  return name;
}

json &Importer::addLayer(const std::string &op,
                         const std::vector<std::string> &inputs,
                         const std::string &hint) {
  json layer = json::object();
  layer["name"] = uniqueName(hint);
  layer["op"] = op;
  const OpSchema *schema = findLayerSchema(op);
  if (schema && schema->inputList)
    layer["inputs"] = inputs;
  else
    layer["input"] = inputs.at(0);
  doc["layers"].push_back(layer);
  return doc["layers"].back();
}

void Importer::define(const std::string &name, const std::string &holder,
                      Layout layout, std::vector<int64_t> chw) {
  Value v;
  v.holder = holder;
  v.layout = layout;
  v.chw = std::move(chw);
  v.shape = inferredShape(name);
  if (layout != Layout::Onnx && layout != Layout::FlatChannelsLast &&
      v.shape.size() != 4)
    fail("ONNX infers shape " + showDims(v.shape) + " for '" + name +
         "'; expected a 4-D NCHW tensor");
  if (v.shape.empty())
    fail("'" + name + "' has rank 0; modelc's values keep a batch dimension");
  valuesByName[name] = v;
}

std::string Importer::inOnnxLayout(const std::string &name) {
  const Value &v = value(name);
  if (v.layout == Layout::Onnx)
    return v.holder;
  auto cached = onnxCopies.find(name);
  if (cached != onnxCopies.end())
    return cached->second;
  if (v.layout == Layout::FlatChannelsLast) {
    // [N, H*W*C] -> [N, H, W, C] -> [N, C, H, W] -> [N, C*H*W].
    std::string holder = v.holder;
    int64_t c = v.chw[0], h = v.chw[1], w = v.chw[2];
    json &r = addLayer("reshape", {holder}, holder + "_nhwc");
    r["shape"] = {-1, h, w, c};
    std::string nhwc = r["name"];
    json &t = addLayer("transpose", {nhwc}, holder + "_nchw");
    t["perm"] = {0, 3, 1, 2};
    std::string nchw = t["name"];
    json &f = addLayer("flatten", {nchw}, holder + "_flat");
    return onnxCopies[name] = f["name"];
  }
  json &layer = v.layout == Layout::ChannelsLast
                    ? addLayer("transpose", {v.holder}, v.holder + "_nchw")
                    : addLayer("reshape", {v.holder}, v.holder + "_nchw");
  if (v.layout == Layout::ChannelsLast)
    layer["perm"] = {0, 3, 1, 2};
  else
    layer["shape"] = {-1, v.shape[1], 1, 1};
  return onnxCopies[name] = layer["name"];
}

std::string Importer::inChannelsLast(const std::string &name) {
  const Value &v = value(name);
  if (v.shape.size() != 4)
    fail("input '" + name + "' has shape " + showDims(v.shape) +
         "; expected a 4-D NCHW tensor");
  if (v.layout == Layout::FlatChannelsLast)
    fail("internal error: a flat value has no channels-last form");
  if (v.layout == Layout::ChannelsLast)
    return v.holder;
  auto cached = channelsLastCopies.find(name);
  if (cached != channelsLastCopies.end())
    return cached->second;
  if (v.layout == Layout::Squeezed) {
    json &r = addLayer("reshape", {v.holder}, v.holder + "_nhwc");
    r["shape"] = {-1, 1, 1, v.shape[1]};
    return channelsLastCopies[name] = r["name"];
  }
  json &t = addLayer("transpose", {v.holder}, v.holder + "_nhwc");
  t["perm"] = {0, 2, 3, 1};
  return channelsLastCopies[name] = t["name"];
}

json Importer::values(const std::string &key, std::vector<int64_t> shape,
                      std::vector<float> data) {
  (*tensors)[key] = ImportedTensor{std::move(shape), std::move(data)};
  return {{"values", key}};
}

json Importer::padding(
    const onnx::NodeProto &node, const std::vector<int64_t> &in,
    const std::vector<int64_t> &window, const std::vector<int64_t> &strides,
    const std::vector<int64_t> &dilations, std::vector<int64_t> pads,
    const std::vector<int64_t> &out, bool ceilMode, bool *padded) {
  std::string autoPad = attrString(node, "auto_pad", "NOTSET");
  // ONNX's order: [top, left, bottom, right].
  for (int64_t p : pads)
    if (p < 0)
      fail("negative pads " + showDims(pads) + " are not supported");
  // TensorFlow's `same` (= SAME_UPPER): the smaller half before.
  std::vector<int64_t> same(4);
  for (int k = 0; k < 2; ++k) {
    int64_t size = in[2 + k], s = strides[k];
    int64_t out = (size + s - 1) / s;
    int64_t total = std::max<int64_t>(
        0, (out - 1) * s + (window[k] - 1) * dilations[k] + 1 - size);
    same[k] = total / 2;
    same[2 + k] = total - total / 2;
  }
  if (autoPad == "VALID")
    pads = {0, 0, 0, 0};
  else if (autoPad == "SAME_UPPER")
    pads = same;
  else if (autoPad == "SAME_LOWER")
    pads = {same[2], same[3], same[0], same[1]}; // the larger half before
  else if (autoPad != "NOTSET")
    fail("unknown auto_pad '" + autoPad + "'");
  // ceil_mode: the last window may run past the end; that is padding at
  // the end up to the size ONNX infers.
  if (ceilMode) {
    for (int k = 0; k < 2; ++k) {
      int64_t span = (window[k] - 1) * dilations[k] + 1;
      int64_t covered = (out[k] - 1) * strides[k] + span;
      int64_t extra = covered - (in[2 + k] + pads[k] + pads[2 + k]);
      if (extra > 0)
        pads[2 + k] += extra;
    }
  }
  if (padded)
    *padded = pads != std::vector<int64_t>{0, 0, 0, 0};
  for (int k = 0; k < 2; ++k) {
    int64_t span = (window[k] - 1) * dilations[k] + 1;
    if (pads[k] >= span || pads[2 + k] >= span)
      fail("pads " + showDims(pads) + " reach a whole window (" +
           std::to_string(span) + " elements) past the input");
  }
  if (pads == std::vector<int64_t>{0, 0, 0, 0})
    return "valid";
  if (pads == same)
    return "same";
  return json::array(
      {json::array({pads[0], pads[2]}), json::array({pads[1], pads[3]})});
}

//===----------------------------------------------------------------------===//
// Graph edges
//===----------------------------------------------------------------------===//

void Importer::readOpsets(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &set : model.opset_import()) {
    if (set.domain().empty() || set.domain() == "ai.onnx")
      opset = set.version();
    else if (set.domain() != "ai.onnx.ml" &&
             set.domain() != "ai.onnx.preview.training")
      throw ImportError{"operator set domain '" + set.domain() +
                        "' is not supported (only the default ONNX domain)"};
  }
  if (opset < 1 || opset > 17)
    throw ImportError{"opset " + std::to_string(opset) +
                      " of the default domain is not supported (modelc "
                      "imports opsets 1 to 17)"};
}

void Importer::readInitializers(const onnx::GraphProto &graph) {
  for (const onnx::TensorProto &t : graph.initializer())
    constants[t.name()] = readTensor(t);
  if (graph.sparse_initializer_size())
    throw ImportError{"sparse initializers are not supported"};
}

void Importer::readShapes(const onnx::GraphProto &graph) {
  auto record = [&](const onnx::ValueInfoProto &info) {
    if (!info.type().has_tensor_type() ||
        !info.type().tensor_type().has_shape())
      return;
    std::vector<int64_t> dims;
    const auto &shape = info.type().tensor_type().shape();
    for (int k = 0; k < shape.dim_size(); ++k) {
      const auto &d = shape.dim(k);
      if (k == 0)
        dims.push_back(-1); // the batch, whatever the graph says
      else if (d.has_dim_value() && d.dim_value() > 0)
        dims.push_back(d.dim_value());
      else
        return; // not static: a node that needs it fails
    }
    shapes[info.name()] = dims;
  };
  for (const auto &v : graph.input())
    record(v);
  for (const auto &v : graph.value_info())
    record(v);
  for (const auto &v : graph.output())
    record(v);
}

void Importer::declareInputs(const onnx::GraphProto &graph) {
  for (const onnx::ValueInfoProto &in : graph.input()) {
    if (isConstant(in.name()))
      continue; // an initializer: state, not data
    if (!isLayerName(in.name()))
      throw ImportError{
          "graph input '" + in.name() +
          "': modelc's inputs are named by letters, digits, '_', '-' "
          "and '.' (the name is the array's name in the data file)"};
    const auto &type = in.type().tensor_type();
    std::string dtype;
    if (type.elem_type() == onnx::TensorProto_DataType_FLOAT)
      dtype = "f32";
    else if (type.elem_type() == onnx::TensorProto_DataType_INT64 ||
             type.elem_type() == onnx::TensorProto_DataType_INT32)
      dtype = "i32";
    else
      throw ImportError{"graph input '" + in.name() + "' has ONNX type " +
                        std::to_string(type.elem_type()) +
                        "; modelc reads float inputs (and integer ids)"};
    const auto &shape = type.shape();
    std::vector<int64_t> dims = {-1};
    int64_t batch = shape.dim_size() && shape.dim(0).has_dim_value()
                        ? shape.dim(0).dim_value()
                        : -1;
    bool first = doc["inputs"].empty();
    staticBatch = first || staticBatch == batch ? batch : -1;
    for (int k = 1; k < shape.dim_size(); ++k) {
      if (!shape.dim(k).has_dim_value() || shape.dim(k).dim_value() <= 0)
        throw ImportError{"graph input '" + in.name() + "' dimension " +
                          std::to_string(k) +
                          " is dynamic; only the batch (dimension 0) may be"};
      dims.push_back(shape.dim(k).dim_value());
    }
    if (shape.dim_size() == 0)
      throw ImportError{"graph input '" + in.name() +
                        "' has no batch dimension (rank 0)"};
    doc["inputs"].push_back(
        {{"name", in.name()}, {"shape", dims}, {"dtype", dtype}});
    names.insert(in.name());
    Value v;
    v.holder = in.name();
    v.shape = dims;
    valuesByName[in.name()] = v;
  }
  for (const onnx::ValueInfoProto &out : graph.output())
    reservedNames.insert(out.name());
}

void Importer::declareOutputs(const onnx::GraphProto &graph) {
  current = nullptr;
  json outputs = json::array();
  // The loss is the model's loss, not an output; its scores are an output
  // (modelc's loss reads the logits of an output).
  std::vector<std::string> wanted;
  for (const onnx::ValueInfoProto &out : graph.output())
    if (out.name() != lossOutput)
      wanted.push_back(out.name());
  if (!lossScores.empty() &&
      std::find(wanted.begin(), wanted.end(), lossScores) == wanted.end())
    wanted.insert(wanted.begin(), lossScores);
  for (const std::string &name : wanted) {
    if (!isLayerName(name))
      throw ImportError{"graph output '" + name +
                        "': modelc's outputs are named by letters, digits, "
                        "'_', '-' and '.' (the name is the array's name in "
                        "predict's output file)"};
    if (!valuesByName.count(name))
      throw ImportError{"graph output '" + name +
                        "' is not computed by the graph's nodes"};
    if (!valuesByName[name].zeroPads.empty())
      throw ImportError{"graph output '" + name +
                        "' is the output of a Pad; modelc folds a zero Pad "
                        "into the Conv or AveragePool that reads it"};
    std::string holder = inOnnxLayout(name);
    // The output's layer carries the ONNX name: rename the holder if only
    // this output names it, else add a copy (a reshape to its own shape).
    json *layer = nullptr;
    for (json &l : doc["layers"])
      if (l["name"] == holder)
        layer = &l;
    bool alreadyOutput = false;
    for (const json &o : outputs)
      alreadyOutput |= o == holder;
    if (layer && !alreadyOutput && !reservedNames.count(holder)) {
      names.erase(holder);
      names.insert(name);
      (*layer)["name"] = name;
      for (json &l : doc["layers"]) {
        if (l.contains("input") && l["input"] == holder)
          l["input"] = name;
        if (l.contains("inputs"))
          for (json &i : l["inputs"])
            if (i == holder)
              i = name;
      }
      for (auto &[key, v] : valuesByName)
        if (v.holder == holder)
          v.holder = name;
      if (doc.contains("loss") && doc["loss"]["logits"] == holder)
        doc["loss"]["logits"] = name;
      for (auto *cache : {&onnxCopies, &channelsLastCopies})
        for (auto &[key, copy] : *cache)
          if (copy == holder)
            copy = name;
      holder = name;
    } else if (holder != name) {
      std::vector<int64_t> shape = valuesByName[name].shape;
      reservedNames.erase(name);
      json &copy = addLayer("reshape", {holder}, name);
      copy["shape"] = shape;
    }
    outputs.push_back(name);
  }
  doc["outputs"] = outputs;
}

/// ONNX's shape inference, in a child process: libonnx 1.12's inference
/// crashes on some malformed models that pass its checker (found by
/// fuzz/onnx_fuzzer.cpp), and a crash must become an error here. The child
/// sends back the model with the inferred shapes, or the error message.
static void inferShapesIsolated(onnx::ModelProto &model) {
  int fds[2];
  if (pipe(fds) != 0)
    throw ImportError{"cannot run ONNX shape inference (pipe failed)"};
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw ImportError{"cannot run ONNX shape inference (fork failed)"};
  }
  if (pid == 0) {
    close(fds[0]);
    // A crash here is reported by the parent: no crash handler's stack
    // dump, no libonnx output.
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT})
      std::signal(sig, SIG_DFL);
    int devNull = open("/dev/null", O_WRONLY);
    if (devNull >= 0)
      dup2(devNull, 2);
    std::string out;
    try {
      onnx::shape_inference::InferShapes(model);
      out = "M" + model.SerializeAsString();
    } catch (const std::exception &e) {
      out = std::string("E") + e.what();
    }
    for (size_t done = 0; done < out.size();) {
      ssize_t n = write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0)
        _exit(1);
      done += n;
    }
    _exit(0);
  }
  close(fds[1]);
  std::string in;
  char buffer[1 << 16];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      break;
    in.append(buffer, n);
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || in.empty())
    throw ImportError{
        "ONNX's shape inference failed on this model (libonnx "
        "stopped with " +
        std::string(WIFSIGNALED(status) ? "a signal" : "an error") +
        "); the model is malformed"};
  if (in[0] == 'E')
    throw ImportError{"ONNX shape inference failed: " + in.substr(1)};
  if (!model.ParseFromString(in.substr(1)))
    throw ImportError{"ONNX shape inference returned an unreadable model"};
}

ParsedModel Importer::run(onnx::ModelProto &model) {
  readOpsets(model);
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    std::string what = e.what();
    throw ImportError{"not a valid ONNX model (ONNX's checker: " +
                      what.substr(0, what.find('\n')) + ")"};
  }
  // The shapes modelc uses are ONNX's own inference, not what the file
  // claims for intermediate values.
  model.mutable_graph()->clear_value_info();
  inferShapesIsolated(model);
  const onnx::GraphProto &graph = model.graph();
  std::string modelName = sanitize(graph.name());
  for (char &c : modelName)
    if (c == '-' || c == '.')
      c = '_';
  if (modelName.empty() || std::isdigit((unsigned char)modelName[0]))
    modelName = "model" + (modelName.empty() ? "" : "_" + modelName);
  doc = json::object();
  doc["name"] = modelName;
  doc["seed"] = 0;
  doc["inputs"] = json::array();
  doc["layers"] = json::array();
  readInitializers(graph);
  readShapes(graph);
  declareInputs(graph);
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &in : node.input()) {
      consumed.insert(in);
      ++readers[in];
    }
  for (const onnx::ValueInfoProto &out : graph.output())
    consumed.insert(out.name());
  for (const onnx::NodeProto &node : graph.node()) {
    current = &node;
    convert(node);
  }
  declareOutputs(graph);
  if (doc["layers"].empty())
    throw ImportError{"the graph computes nothing modelc can hold (no "
                      "layers)"};

  ParsedModel parsed;
  parsed.file = file;
  parsed.doc = doc;
  parsed.tensors = tensors;
  return parsed;
}

std::optional<ParsedModel> modelc::importOnnxModel(const std::string &file,
                                                   const std::string &bytes,
                                                   std::string &error) {
  onnx::ModelProto model;
  if (bytes.size() > (size_t)std::numeric_limits<int>::max()) {
    error = file + ": larger than 2 GiB, which ONNX's protobuf cannot hold "
                   "in one file";
    return std::nullopt;
  }
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()), (int)bytes.size());
  stream.SetTotalBytesLimit(std::numeric_limits<int>::max());
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage()) {
    error = file + ": not a valid ONNX model (the protobuf does not parse; "
                   "truncated or not an .onnx file)";
    return std::nullopt;
  }
  try {
    Importer importer(file);
    return importer.run(model);
  } catch (const ImportError &e) {
    error = file + ": " + e.message;
  } catch (const std::exception &e) {
    error = file + ": " + e.what();
  }
  return std::nullopt;
}
