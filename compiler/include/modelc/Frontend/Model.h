//===- Model.h - the in-memory model shared by both front ends --*- C++ -*-===//
//
// Both syntaxes parse into the same JSON document (the SPEC's JSON form) plus
// a map from JSON pointer to source position. `analyzeModel` then validates
// and normalizes that document once, so JSON and DSL input cannot diverge.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_FRONTEND_MODEL_H
#define MODELC_FRONTEND_MODEL_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace modelc {

using json = nlohmann::ordered_json;

/// Size limits, checked by the analysis with overflow-safe arithmetic, so
/// that every size the compiler and the generated code compute fits in 64
/// bits and no model compiles that no machine could run.
constexpr int64_t kMaxSize = INT32_MAX; // any dimension, window, stride...
constexpr int64_t kMaxExampleElements = int64_t(1) << 31; // 8 GiB of f32
constexpr int64_t kMaxStateElements = int64_t(1) << 33;   // 32 GiB of f32

struct SourceLoc {
  unsigned line = 0, col = 0;
};

/// Source positions of the parsed document, keyed by JSON pointer
/// ("/layers/3/filters"). A lookup falls back to the nearest parent.
class LocMap {
public:
  void set(const std::string &pointer, SourceLoc loc) { locs[pointer] = loc; }
  SourceLoc lookup(std::string pointer) const;

private:
  std::map<std::string, SourceLoc> locs;
};

struct Diagnostic {
  SourceLoc loc;
  std::string message;
};

/// A tensor an imported model brings (an ONNX initializer), already in the
/// layout of the state variable whose initializer is `{"values": NAME}`.
struct ImportedTensor {
  std::vector<int64_t> shape;
  std::vector<float> data;
};
using ImportedTensors = std::map<std::string, ImportedTensor>;

struct ParsedModel {
  std::string file;
  json doc;
  LocMap locs;
  /// Values that `{"values": NAME}` initializers name; empty for JSON/DSL.
  std::shared_ptr<const ImportedTensors> tensors;
};

/// Dynamic sizes are -1, as in the model format.
struct TensorInfo {
  std::vector<int64_t> shape;
  std::string dtype;
};

struct VariableInfo {
  std::string name; // SPEC state name, e.g. "conv1/kernel"
  std::vector<int64_t> shape;
  std::string role; // param, moving_mean, moving_variance, renorm_*, slot
  json init;        // {"kind": ..., parameters...}
  bool trainable = false;
  json regularizer; // null or {"l1"|"l2": scale}
  json constraint;  // null or the normalized constraint
};

struct LayerInfo {
  std::string name, op;
  std::vector<std::string> inputs;
  json attrs; // normalized attributes, schema order
  TensorInfo output;
  SourceLoc loc;
  /// Role of each variable the layer reads ("kernel", "gamma", ...) to its
  /// state name; a batch_norm with `reuse` points at the shared layer's.
  std::map<std::string, std::string> vars;
  // batch_norm, resolved by the analysis.
  int64_t axis = -1;
  std::string correction; // "unbiased" | "biased"
};

struct Model {
  std::string file;
  std::string name;
  int64_t seed = 0;
  std::vector<std::pair<std::string, TensorInfo>> inputs, labels;
  std::vector<LayerInfo> layers;
  std::vector<std::string> outputs;
  json loss, optimizer; // normalized, or null
  json metrics;         // normalized list (Metrics.cpp), or null
  std::vector<VariableInfo> variables;
  json normalized; // the whole normalized document
  std::string fingerprint;
  std::shared_ptr<const ImportedTensors> tensors; // as ParsedModel's

  const LayerInfo *findLayer(const std::string &name) const;
  /// Shape and dtype of a layer output, model input or label.
  const TensorInfo *findValue(const std::string &name) const;
};

/// Parses the SPEC's JSON form. On failure fills `diag` with the position of
/// the syntax error.
std::optional<ParsedModel> parseJsonModel(const std::string &file,
                                          const std::string &text,
                                          Diagnostic &diag);

/// Parses the text DSL (SPEC 3.2) into the same JSON document.
std::optional<ParsedModel> parseDslModel(const std::string &file,
                                         const std::string &text,
                                         Diagnostic &diag);

/// Validates attributes (filling defaults), names, the graph and every shape.
std::optional<Model> analyzeModel(const ParsedModel &parsed, Diagnostic &diag);

/// The normalized model in either syntax.
std::string printJsonModel(const Model &model);
std::string printDslModel(const Model &model);

/// A name modelc accepts for layers, inputs and outputs: letters, digits,
/// '_', '-' and '.'.
bool isLayerName(const std::string &name);

/// Turns a byte offset into a 1-based line and column.
SourceLoc locationOfOffset(const std::string &text, size_t offset);

/// Line and column of any offset in O(log lines), for parsers that record
/// many positions (one scan of the text up front).
class LineIndex {
public:
  explicit LineIndex(const std::string &text);
  SourceLoc at(size_t offset) const;

private:
  std::vector<size_t> lineStarts;
};

/// `text`, cut to about `max` bytes with "..." (whole UTF-8 characters), so
/// that a message quoting user input stays readable.
std::string shortText(const std::string &text, size_t max = 80);

/// Parses JSON text without exceptions; on a syntax error returns false with
/// the byte offset and nlohmann's message.
bool parseJsonText(const std::string &text, json &out, size_t &errorOffset,
                   std::string &message);

/// Compact JSON text that never aborts (invalid UTF-8 is replaced).
std::string dumpJson(const json &value);

/// "[-1, 8, 8, 3]": a shape in the model format's words.
std::string showShape(const std::vector<int64_t> &shape);

/// Elements per example (every dimension but the batch), or -1 when the
/// count does not fit in 64 bits.
int64_t elementsPerExample(const std::vector<int64_t> &shape);

/// "; did you mean 'filters'?" when `word` is a likely typo of one of
/// `known` (a few edits away), else "".
std::string didYouMean(const std::string &word,
                       const std::vector<std::string> &known);

/// Checks the model's "metrics" list against its loss (`classes`: the
/// logits' last dimension) and normalizes it: one name per metric, top-k as
/// {"top_k_accuracy": {"k": K}}. On failure sets the JSON pointer and message.
bool normalizeMetrics(const json &raw, const json &loss, int64_t classes,
                      json &out, std::string &where, std::string &message);
/// A normalized metric's key in the logs ("auc", "top_3_accuracy").
std::string metricKey(const json &normalized);
/// The runtime's kind of a normalized metric (docs/RUNTIME_ABI.md).
std::string metricKind(const json &normalized);

} // namespace modelc

#endif
