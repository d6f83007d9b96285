//===- Schema.h - attributes and defaults of every op, loss, optimizer ----===//
//
// The table SPEC 3 and 3.1 describe: which attributes each op takes, their
// types, and the tf.keras / tf.layers defaults the normalizer fills in.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_FRONTEND_SCHEMA_H
#define MODELC_FRONTEND_SCHEMA_H

#include "modelc/Frontend/Model.h"

#include <string>
#include <vector>

namespace modelc {

enum class AttrKind {
  PosInt,      // integer >= 1
  Int,         // any integer
  Float,       // number
  UnitFloat,   // number in [0, 1]
  PosFloat,    // number > 0
  NonNegFloat, // number >= 0
  Bool,
  Choice,      // one of `choices`
  IntPair,     // n or [a, b], each >= 1 (kernel_size, strides, ...)
  Shape,       // reshape target: [-1, d1, ...]
  Permutation, // transpose: [0, p1, ...], a permutation keeping 0 first
  Padding,     // "valid" | "same" | [[top, bottom], [left, right]]
  Initializer,
  Regularizer,    // null | {"l1": s} | {"l2": s}
  Constraint,     // null | "non_neg" | "unit_norm" | {"max_norm": ...} | ...
  RenormClipping, // null | {"rmin"?, "rmax"?, "dmax"?}
  OptPosInt,      // null | integer >= 1
  OptBool,        // null | bool
  OptName,        // null | layer name
  OptPosFloat,    // null | number > 0
  OptFloat,       // null | number
  LearningRate,   // number > 0 | {"exponential_decay": {...}}
};

struct AttrSpec {
  std::string name;
  AttrKind kind;
  bool required;
  json defaultValue; // used when absent and not required
  std::vector<std::string> choices = {};
  /// Left out of the normalized model when it has its default: attributes
  /// added later with a neutral default, so older models keep their
  /// normalized form and fingerprint.
  bool omitDefault = false;
};

struct OpSchema {
  const char *op;
  bool inputList; // `inputs` (concat, add) rather than `input`
  std::vector<AttrSpec> attrs;
};

/// Attribute specs of the tables (layers in Layers.cpp; losses and
/// optimizers in Schema.cpp).
namespace attrs {
inline AttrSpec req(std::string name, AttrKind kind) {
  return {std::move(name), kind, true, nullptr};
}
inline AttrSpec opt(std::string name, AttrKind kind, json def) {
  return {std::move(name), kind, false, std::move(def)};
}
inline AttrSpec choice(std::string name, std::vector<std::string> choices,
                       const char *def) {
  return {std::move(name), AttrKind::Choice, false, def, std::move(choices)};
}
/// `spec`, left out of the normalized model at its (neutral) default.
inline AttrSpec neutral(AttrSpec spec) {
  spec.omitDefault = true;
  return spec;
}
} // namespace attrs

const OpSchema *findLayerSchema(const std::string &op);
const OpSchema *findOptimizerSchema(const std::string &op);
/// The operand keys of a loss, in DSL positional order; empty if unknown.
std::vector<std::string> lossOperandNames(const std::string &op);
bool opTakesInputList(const std::string &op);
std::vector<std::string> layerOpNames();

/// docs/generated/ModelFormatReference.md: every op, loss and optimizer with
/// its attributes' kinds and defaults, in Markdown.
std::string schemaReference();

/// Checks `value` against `spec` and returns its normalized form (pairs
/// expanded, initializer parameters filled in), or an error message that
/// completes "attribute 'NAME' ...".
bool normalizeAttr(const AttrSpec &spec, const json &value, json &out,
                   std::string &error);

} // namespace modelc

#endif
