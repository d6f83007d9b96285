//===- Layers.h - the layer table: one entry per layer op -------*- C++ -*-===//
//
// Everything the front end knows of a layer op is its entry in the layer
// table (compiler/frontend/Layers.cpp): its attributes and defaults, the
// checks beyond their kinds, its output shape (by the rule of the nn op it
// becomes), the state it creates and the nn ops it builds. The analysis
// (Analyze.cpp) and IR generation (IRGen.cpp) only walk the model and call
// these, so adding a layer op adds an entry here and touches neither.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_FRONTEND_LAYERS_H
#define MODELC_FRONTEND_LAYERS_H

#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Frontend/Schema.h"

#include "mlir/IR/Builders.h"

#include <functional>

namespace modelc {

using FailureOrShape = mlir::FailureOr<llvm::SmallVector<int64_t>>;

/// One layer under analysis, as its entry's hooks see it.
struct LayerAnalysis {
  LayerInfo &layer;
  /// The shapes and dtypes of the layer's inputs, in order.
  std::vector<const TensorInfo *> inputs;
  /// Reports `message` on the layer's `field` ("" for the layer itself, a
  /// path below it such as "inputs/1"); always false.
  std::function<bool(const std::string &field, std::string message)> error;
  /// The layer's output shape, set by `infer` (dynamic sizes -1).
  std::vector<int64_t> output = {};

  const json &attrs() const { return layer.attrs; }
  const std::vector<int64_t> &shape(size_t k) const { return inputs[k]->shape; }
  /// Input k's shape with dynamic sizes as MLIR's.
  llvm::SmallVector<int64_t> mlirShape(size_t k) const;
  /// A ShapeError that names operands after the layer's inputs.
  mlir::nn::ShapeError shapeError() const;
  /// Sets `output` from an nn op's shape rule, or reports its error on the
  /// layer: an operand's on `operandFields[k]`, an attribute's on the
  /// model format's name for it.
  bool fromRule(FailureOrShape shape, const mlir::nn::ShapeError &e,
                std::vector<std::string> operandFields);
  /// "inputs/k" for a layer with an input list, else "input".
  std::vector<std::string> inputFields() const;
};

/// A piece of state a layer creates (Keras's `build`): its name within the
/// layer (`kernel` -> `conv1/kernel`), role, shape and initializer.
struct StateVariable {
  std::string what;
  std::string role; // param, moving_mean, moving_variance, renorm_*
  std::vector<int64_t> shape;
  json init;
  bool trainable = true;
  json regularizer = nullptr, constraint = nullptr;
};

/// One layer being turned into nn ops.
struct LayerBuild {
  mlir::OpBuilder &b;
  mlir::Location loc;
  const LayerInfo &layer;
  /// The mode flag of @forward and the layer's position in the model.
  mlir::Value training;
  size_t index;
  /// The layer's state variable `what` read in this function; null if the
  /// layer has none by that name.
  std::function<mlir::Value(const std::string &what)> read;

  const json &attrs() const { return layer.attrs; }
  mlir::FloatAttr f32(const json &v) const {
    return b.getF32FloatAttr(v.get<double>());
  }
  /// [a, b] of a pair attribute.
  llvm::SmallVector<int64_t> pair(const char *key) const;
};

struct LayerDef {
  OpSchema schema;
  /// The dtype of every input (embedding's ids: i32).
  const char *inputDtype = "f32";
  /// Attributes refused with the reason (habits from TensorFlow).
  std::vector<std::pair<std::string, std::string>> refused = {};
  /// Checks of the normalized attributes beyond their kinds (`raw` is the
  /// attribute as written, for messages); false after an error.
  std::function<bool(LayerAnalysis &, const json &raw)> check = nullptr;
  /// The output shape from the inputs' (sets `output`; the nn op's rule);
  /// null: the shape of the first input.
  std::function<bool(LayerAnalysis &)> infer = nullptr;
  /// The state the layer creates, from its first input's shape.
  std::function<void(const LayerInfo &, const std::vector<int64_t> &input,
                     std::vector<StateVariable> &)>
      state = nullptr;
  /// Builds the layer's nn ops on its inputs; returns its output.
  std::function<mlir::Value(LayerBuild &, llvm::ArrayRef<mlir::Value>)> build =
      nullptr;
};

/// Every layer op, in the order of the reference documentation.
const std::vector<LayerDef> &layerDefs();
const LayerDef *findLayerDef(const std::string &op);

/// An activation op (a layer of its own, or a conv2d/dense `activation`;
/// leaky_relu then has tf.nn.leaky_relu's alpha, 0.2).
mlir::Value buildActivation(mlir::OpBuilder &b, mlir::Location loc,
                            const std::string &kind, mlir::Value x,
                            const json &alpha = nullptr);

} // namespace modelc

#endif
