//===- model_info.h - The compiled model's self-description -----*- C++ -*-===//
//
// The parsed form of `modelc_model_info` (docs/RUNTIME_ABI.md): tensors,
// state variables and entry points with their argument lists.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_RUNTIME_MODEL_INFO_H
#define MODELC_RUNTIME_MODEL_INFO_H

#include "modelc/runtime/array.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace modelc::rt {

/// A model input, label or output; Shape[0] is -1 (the batch).
struct TensorSpec {
  std::string Name;
  std::vector<int64_t> Shape;
  DType Type = DType::F32;
  /// Optional half-open value range [RangeLo, RangeHi) of an integer input
  /// (token ids of an embedding); checked when data is loaded.
  bool HasRange = false;
  int64_t RangeLo = 0, RangeHi = 0;

  /// Shape with the batch dimension set to `Batch`.
  std::vector<int64_t> withBatch(int64_t Batch) const;
  /// Elements per example (product of the non-batch dimensions).
  int64_t exampleElements() const;
  std::string describe() const; // "f32[?, 8, 8, 1]"
};

/// Initializer spec of a state variable (`init` in the info JSON).
struct InitSpec {
  std::string Kind;
  double Value = 0, FanIn = 0, FanOut = 0, Mean = 0, Stddev = 0.05;
  double MinVal = -0.05, MaxVal = 0.05;
  int64_t ValuesOffset = 0; // "values": where in modelc_initial_values
};

enum class StateRole {
  Param,
  MovingMean,
  MovingVariance,
  RenormMean,
  RenormStddev,
  Slot
};
const char *roleName(StateRole Role);

struct StateVar {
  std::string Name;
  std::vector<int64_t> Shape;
  int64_t Offset = 0;
  int64_t Size = 0;
  StateRole Role = StateRole::Param;
  bool Trainable = false;
  InitSpec Init;

  /// Needed by forward_infer/forward_train (everything but optimizer slots).
  bool usedByForward() const { return Role != StateRole::Slot; }
};

struct LayerInfo {
  std::string Name, Op;
  std::vector<int64_t> Shape;
  int64_t Params = 0;
};

/// A compiled kernel that reports its time (models built with --profile).
struct KernelInfo {
  std::string Name, Entry, Layer;
  /// All the layers of a kernel that computes several (Layer is then
  /// "first..last"); empty otherwise.
  std::vector<std::string> Layers;
};

/// Multiply-adds per example of a layer's contractions in one entry point.
struct WorkInfo {
  std::string Entry, Layer;
  int64_t MultiplyAdds = 0;
};

enum class ArgKind { Arena, Input, Label, Output, Loss, DataLoss, Step, Seed };

struct EntryArg {
  ArgKind Kind;
  int Index = -1; // Into Inputs/Labels/Outputs for those kinds.
};

using EntryFn = void (*)(void **);

struct EntrySpec {
  std::string Name, Symbol;
  std::vector<EntryArg> Args;
  EntryFn Fn = nullptr;
};

enum class LossKind { None, SoftmaxCrossEntropy, SigmoidCrossEntropy, MSE };

enum class MetricKind {
  Accuracy, // argmax (softmax) or logit > 0 (sigmoid) against the label
  TopK,     // the label's logit among the K largest (ties count as in)
  Precision,
  Recall,
  AUC, // exact area under the ROC curve (binary classifiers)
  MeanAbsoluteError,
  MeanSquaredError
};

/// A metric of the model's "metrics" list; `Name` is its key in the logs.
struct MetricSpec {
  std::string Name;
  MetricKind Kind = MetricKind::Accuracy;
  int64_t K = 5;
};

/// What `export` writes: the ONNX inference graph the compiler recorded
/// (`modelc_onnx_graph`, GraphBytes long) and the state initializers it
/// appends, each a state variable permuted into ONNX's layout.
struct OnnxExport {
  int64_t GraphBytes = -1; // -1: no graph (see Unsupported)
  std::string Unsupported;
  struct StateUse {
    std::string Name;
    size_t Var = 0; // index into ModelInfo::State
    std::vector<int64_t> Perm;
  };
  std::vector<StateUse> State;
};

struct ModelInfo {
  std::string Name, Fingerprint;
  int64_t Seed = 0;
  std::vector<TensorSpec> Inputs, Labels, Outputs;
  LossKind Loss = LossKind::None;
  std::string LossName;            // As written, for `info`.
  int LossLogits = -1;             // Index into Outputs.
  int LossLabels = -1;             // Index into Labels.
  std::string OptimizerText;       // Compact JSON, for `info`.
  std::vector<MetricSpec> Metrics; // As listed in the model.
  std::vector<int64_t> VirtualBatchSizes;
  /// State a training build of the same model has and this build does not
  /// (optimizer slots of an --inference-only build): skipped when loading.
  std::vector<std::string> IgnorableState;
  std::vector<LayerInfo> Layers;
  std::vector<KernelInfo> Kernels; // by id; empty without --profile
  std::vector<WorkInfo> Work;
  int64_t StateSize = 0;
  /// Floats in `modelc_initial_values` (imported initial state; 0 if none).
  int64_t InitialValues = 0;
  /// Every variable of the forward pass comes from imported values (an ONNX
  /// model's initializers), or there is none: the initial state is the
  /// model as trained, so predict may run without a checkpoint.
  bool forwardStateIsImported() const;
  std::vector<StateVar> State;
  std::map<std::string, EntrySpec> Entries;
  OnnxExport Onnx;

  const EntrySpec *entry(const std::string &Name) const;
  const StateVar *findState(const std::string &Name) const;
};

/// Parses and validates the JSON; throws Error("invalid model info: ...").
ModelInfo parseModelInfo(const char *Json);

/// The info of the model linked into this executable.
const ModelInfo &linkedModel();

} // namespace modelc::rt

#endif // MODELC_RUNTIME_MODEL_INFO_H
