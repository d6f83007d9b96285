//===- Importer.h - state of one ONNX import ---------------------*- C++
//-*-===//
//
// The importer walks the graph in order (ONNX graphs are topologically
// sorted) and emits modelc layers. Each ONNX value is held by a modelc
// layer or input in one of the forms of `Layout`; transposes are added
// only where a value crosses from one to another.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_FRONTEND_ONNX_IMPORTER_H
#define MODELC_FRONTEND_ONNX_IMPORTER_H

#include "modelc/Frontend/Model.h"

#include <onnx/onnx_pb.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace modelc::onnx_import {

/// How a modelc layer holds an ONNX value:
/// - Onnx: as ONNX does;
/// - ChannelsLast: a 4-D NCHW value stored NHWC (convolutions, pools);
/// - Squeezed: an [N, C, 1, 1] value stored [N, C] (global pools);
/// - FlatChannelsLast: an [N, C*H*W] value (the Flatten of a channels-last
///   one) stored in (h, w, c) order, so that a following Gemm or MatMul
///   reorders its weight rows once instead of transposing every batch.
enum class Layout { Onnx, ChannelsLast, Squeezed, FlatChannelsLast };

/// An ONNX value as the modelc model holds it.
struct Value {
  std::string holder;         // modelc input or layer name
  std::vector<int64_t> shape; // ONNX shape; -1 for the batch
  Layout layout = Layout::Onnx;
  std::vector<int64_t> chw; // FlatChannelsLast: the C, H, W flattened
  /// The output of a zero Pad: `holder` unpadded, with these spatial pads
  /// (ONNX's order, begins then ends) for the Conv or AveragePool it feeds
  /// to fold in.
  std::vector<int64_t> zeroPads;
};

/// An initializer or Constant output: data known at import time.
struct Constant {
  std::vector<int64_t> dims;
  std::vector<double> data; // every numeric type, as double
  bool isFloat = true;
};

/// Thrown (inside the importer only) with the message of an import error.
struct ImportError {
  std::string message;
};

class Importer {
public:
  explicit Importer(std::string file) : file(std::move(file)) {}

  /// The model document and tensors; throws ImportError.
  ParsedModel run(onnx::ModelProto &model);

private:
  // Graph edges.
  void readOpsets(const onnx::ModelProto &model);
  void readInitializers(const onnx::GraphProto &graph);
  void readShapes(const onnx::GraphProto &graph);
  void declareInputs(const onnx::GraphProto &graph);
  void declareOutputs(const onnx::GraphProto &graph);

  // Nodes (Ops.cpp).
  void convert(const onnx::NodeProto &node);
  void convertConv(const onnx::NodeProto &node);
  void convertBatchNorm(const onnx::NodeProto &node);
  void convertActivation(const onnx::NodeProto &node);
  void convertClip(const onnx::NodeProto &node);
  void convertPool(const onnx::NodeProto &node);
  void convertGlobalPool(const onnx::NodeProto &node);
  void convertFlatten(const onnx::NodeProto &node);
  void convertReshape(const onnx::NodeProto &node);
  void convertTranspose(const onnx::NodeProto &node);
  void convertAddSub(const onnx::NodeProto &node);
  void convertMul(const onnx::NodeProto &node);
  void convertSoftmaxCrossEntropy(const onnx::NodeProto &node);
  void convertPad(const onnx::NodeProto &node);
  /// Where a constant of `constantDims` (a scalar, [C, 1, 1] on NCHW, or
  /// [C] along the last axis) meets value `name`: the layer input, its
  /// layout, and how many channels the constant spans; fails otherwise.
  struct ChannelOperand {
    std::string holder;
    Layout layout;
    int64_t channels;
    std::vector<int64_t> chw;
  };
  ChannelOperand alongChannels(const std::string &name,
                               const std::vector<int64_t> &constantDims,
                               const std::string &what);
  /// A `bias_add` or `scale` layer (`op`) of `x` and constant `c`, whose
  /// `param` (bias, scale) is `c` (negated when `negate`) along the channels.
  void channelConstantLayer(const onnx::NodeProto &node, const std::string &x,
                            const std::string &c, const std::string &op,
                            const std::string &param, bool negate);
  /// An `op` layer (add, multiply) over two computed operands of one shape,
  /// in a layout they share.
  json &sameShapeLayer(const onnx::NodeProto &node, const std::string &op);
  void convertMatMul(const onnx::NodeProto &node);
  void convertGemm(const onnx::NodeProto &node);
  void convertDropout(const onnx::NodeProto &node);
  void convertConcat(const onnx::NodeProto &node);
  void convertConstant(const onnx::NodeProto &node);
  void convertIdentity(const onnx::NodeProto &node);
  void convertSqueeze(const onnx::NodeProto &node);
  void convertGather(const onnx::NodeProto &node);
  void convertSoftmax(const onnx::NodeProto &node);

  // Helpers for the converters.
  [[noreturn]] void fail(const std::string &message) const;
  const Value &value(const std::string &name) const;
  bool isConstant(const std::string &name) const {
    return constants.count(name) != 0;
  }
  const Constant &constant(const std::string &name, const char *what) const;
  /// A constant's only value, or its integers (checked).
  double scalar(const std::string &name, const char *what) const;
  std::vector<int64_t> integers(const std::string &name,
                                const char *what) const;
  /// The optional input `k` of the current node ("" when absent).
  std::string input(const onnx::NodeProto &node, int k) const;
  /// Output `k` must be the only one in use (`what` names the others).
  void requireSingleOutput(const onnx::NodeProto &node, const char *what);
  /// The shape ONNX infers for `name` (dimension 0 made the batch, -1).
  const std::vector<int64_t> &inferredShape(const std::string &name) const;

  /// A modelc layer for the current node; returns its JSON for attributes.
  nlohmann::ordered_json &addLayer(const std::string &op,
                                   const std::vector<std::string> &inputs,
                                   const std::string &hint);
  /// A layer `op` on the node's input that keeps its layout (element-wise).
  nlohmann::ordered_json &elementwise(const onnx::NodeProto &node,
                                      const std::string &op);
  /// Records ONNX value `name` as held by `holder` in `layout` (with the
  /// C, H, W a FlatChannelsLast value flattens).
  void define(const std::string &name, const std::string &holder, Layout layout,
              std::vector<int64_t> chw = {});
  /// `name` held in ONNX layout, or channels-last for a 4-D value.
  std::string inOnnxLayout(const std::string &name);
  std::string inChannelsLast(const std::string &name);
  /// Stores an imported tensor under `key` (the state variable's name when
  /// the layer is made; a layer renamed after a graph output keeps its
  /// key) and returns the initializer spec naming it.
  nlohmann::ordered_json values(const std::string &key,
                                std::vector<int64_t> shape,
                                std::vector<float> data);
  /// The modelc padding ("valid", "same" or [[top, bottom], [left,
  /// right]]) of ONNX `pads` ([top, left, bottom, right]), the node's
  /// auto_pad and (for pools) ceil_mode, for NCHW input shape `in` and
  /// spatial output size `out`; `padded` tells whether any padding is added.
  nlohmann::ordered_json padding(
      const onnx::NodeProto &node, const std::vector<int64_t> &in,
      const std::vector<int64_t> &window, const std::vector<int64_t> &strides,
      const std::vector<int64_t> &dilations, std::vector<int64_t> pads,
      const std::vector<int64_t> &out, bool ceilMode, bool *padded = nullptr);
  /// A 1-D or 2-D window op's attributes, 1-D ones as 2-D over [N, C, 1, L].
  struct Window {
    bool oneD = false;
    bool zeroPadded = false;      // pads from a Pad node before it
    std::vector<int64_t> in, out; // NCHW input; spatial output
    std::vector<int64_t> size, strides, dilations, pads;
  };
  Window window(const onnx::NodeProto &node, std::vector<int64_t> size,
                bool dilated);
  /// The node's input as NHWC (for 1-D: [N, 1, L, C]).
  std::string windowInput(const onnx::NodeProto &node, const Window &w);
  /// Defines the node's output from `holder` (NHWC): channels-last for
  /// 2-D, back to ONNX's [N, C, L] for 1-D.
  void windowOutput(const onnx::NodeProto &node, const Window &w,
                    const std::string &holder);
  /// The dense layer of a Gemm or MatMul: `kernel` is [K, M] for ONNX's
  /// input order (rows reordered here for a FlatChannelsLast input).
  void addDense(const onnx::NodeProto &node, std::vector<float> kernel,
                int64_t k, int64_t m, const std::vector<float> *bias);
  /// A layer name from the node's weight ("conv1.weight" -> "conv1"), name
  /// or first output.
  std::string hintFor(const onnx::NodeProto &node, int weightInput = -1) const;
  std::string uniqueName(const std::string &hint);

  std::string file;
  int64_t opset = 0;
  /// The graph inputs' dimension 0 when all give the same fixed size (as
  /// ONNX's node tests do): a Reshape may name it for the batch.
  int64_t staticBatch = -1;
  nlohmann::ordered_json doc;
  std::map<std::string, Value> valuesByName;
  std::map<std::string, Constant> constants;
  std::map<std::string, std::vector<int64_t>> shapes; // inferred, NCHW
  // Per value, the holder already converted to the other layout.
  std::map<std::string, std::string> onnxCopies, channelsLastCopies;
  std::set<std::string> names, reservedNames;
  std::set<std::string> consumed;     // node inputs and graph outputs
  std::map<std::string, int> readers; // per value, how many nodes read it
  /// A SoftmaxCrossEntropyLoss's loss output (not a per-example output: the
  /// model's loss) and its scores (an output when nothing else is).
  std::string lossOutput, lossScores;
  /// Constants computed at import (a transposed weight) to the initializer
  /// they come from, for layer names.
  std::map<std::string, std::string> constantSource;
  std::shared_ptr<ImportedTensors> tensors =
      std::make_shared<ImportedTensors>();
  const onnx::NodeProto *current = nullptr;
};

/// Node attributes with ONNX's defaults.
int64_t attrInt(const onnx::NodeProto &node, const char *name, int64_t def);
double attrFloat(const onnx::NodeProto &node, const char *name, float def);
/// The shortest decimal double that rounds to `f`.
double shortestDouble(float f);
std::string attrString(const onnx::NodeProto &node, const char *name,
                       const std::string &def);
std::vector<int64_t> attrInts(const onnx::NodeProto &node, const char *name,
                              std::vector<int64_t> def);
bool hasAttr(const onnx::NodeProto &node, const char *name);

/// "[1, 2, 3]".
std::string showDims(const std::vector<int64_t> &dims);

/// A TensorProto's values; throws ImportError for types and storage the
/// importer does not read.
Constant readTensor(const onnx::TensorProto &tensor);

} // namespace modelc::onnx_import

#endif
