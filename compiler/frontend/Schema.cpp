//===- Schema.cpp - the op table of SPEC 3 --------------------------------===//
#include "modelc/Frontend/Schema.h"
#include "modelc/Frontend/Layers.h"

#include <cmath>
#include <limits>

using namespace modelc;
using namespace modelc::attrs;

namespace {

const json kNull = nullptr;

const std::vector<OpSchema> &optimizerSchemas() {
  static const std::vector<OpSchema> schemas = [] {
    AttrSpec clip = opt("clip_global_norm", AttrKind::OptPosFloat, kNull);
    // Keras's decoupled weight decay; 0 (none) is left out of the
    // normalized model.
    AttrSpec decay = neutral(opt("weight_decay", AttrKind::NonNegFloat, 0.0));
    return std::vector<OpSchema>{
        {"sgd",
         false,
         {req("learning_rate", AttrKind::LearningRate), clip, decay}},
        {"momentum",
         false,
         {req("learning_rate", AttrKind::LearningRate),
          req("momentum", AttrKind::UnitFloat),
          opt("use_nesterov", AttrKind::Bool, false), clip, decay}},
        {"adam",
         false,
         {opt("learning_rate", AttrKind::LearningRate, 0.001),
          opt("beta1", AttrKind::UnitFloat, 0.9),
          opt("beta2", AttrKind::UnitFloat, 0.999),
          opt("epsilon", AttrKind::PosFloat, 1e-8), clip, decay}},
        {"rmsprop",
         false,
         {req("learning_rate", AttrKind::LearningRate),
          opt("decay", AttrKind::UnitFloat, 0.9),
          opt("momentum", AttrKind::UnitFloat, 0.0),
          opt("epsilon", AttrKind::PosFloat, 1e-10), clip, decay}},
    };
  }();
  return schemas;
}

bool isInteger(const json &v) { return v.is_number_integer(); }
bool isNumber(const json &v) { return v.is_number(); }
/// Real-valued attributes are normalized to floating point, so `1` and `1.0`
/// give the same model (and the same f64 attributes in the nn IR).
json asFloat(const json &v) { return v.get<double>(); }

std::string show(const json &v) { return shortText(dumpJson(v)); }

/// Checks an object's keys against a fixed set, filling numeric defaults.
bool numericFields(const json &value, const char *what,
                   const std::vector<std::pair<const char *, json>> &fields,
                   json &out, std::string &error) {
  if (!value.is_object()) {
    error = std::string("'") + what + "' needs an object, got " + show(value);
    return false;
  }
  out = json::object();
  for (auto &[key, v] : value.items()) {
    bool known = false;
    for (auto &f : fields)
      known |= key == f.first;
    if (!known) {
      error = std::string("has unknown field '") + key + "' in '" + what + "'";
      return false;
    }
  }
  for (auto &[key, def] : fields) {
    if (value.contains(key)) {
      const json &v = value[key];
      bool ok = def.is_boolean()          ? v.is_boolean()
                : def.is_number_integer() ? isInteger(v)
                                          : isNumber(v);
      if (!ok) {
        error = std::string("field '") + what + "." + key + "' must be " +
                (def.is_boolean()          ? "a boolean"
                 : def.is_number_integer() ? "an integer"
                                           : "a number") +
                ", got " + show(v);
        return false;
      }
      out[key] = def.is_boolean() || def.is_number_integer() ? v : asFloat(v);
    } else if (def.is_null()) {
      error = std::string("needs field '") + key + "' in '" + what + "'";
      return false;
    } else {
      out[key] = def;
    }
  }
  return true;
}

bool normalizeInitializer(const json &value, json &out, std::string &error) {
  static const char *plain[] = {"zeros",         "ones",      "glorot_uniform",
                                "glorot_normal", "he_normal", "he_uniform"};
  if (value.is_string()) {
    for (const char *p : plain)
      if (value == p) {
        out = value;
        return true;
      }
    error = "is not a known initializer: " + show(value) +
            " (expected zeros, ones, glorot_uniform, glorot_normal, "
            "he_normal, he_uniform, or an object such as {\"constant\": 0.5})";
    return false;
  }
  if (value.is_object() && value.size() == 1) {
    const std::string &kind = value.begin().key();
    const json &args = value.begin().value();
    json normalized;
    if (kind == "constant") {
      if (!isNumber(args)) {
        error = "'constant' needs a number, got " + show(args);
        return false;
      }
      normalized = asFloat(args);
    } else if (kind == "random_normal" || kind == "truncated_normal") {
      if (!numericFields(args, kind.c_str(), {{"mean", 0.0}, {"stddev", 0.05}},
                         normalized, error))
        return false;
    } else if (kind == "values") {
      // The analysis checks that the model brings a tensor of this name.
      if (!args.is_string() || args.get<std::string>().empty()) {
        error =
            "'values' needs the name of an imported tensor, got " + show(args);
        return false;
      }
      normalized = args;
    } else if (kind == "random_uniform") {
      if (!numericFields(args, kind.c_str(),
                         {{"minval", -0.05}, {"maxval", 0.05}}, normalized,
                         error))
        return false;
    } else {
      error = "is not a known initializer: " + show(value);
      return false;
    }
    out = json::object();
    out[kind] = normalized;
    return true;
  }
  error = "is not a known initializer: " + show(value);
  return false;
}

bool normalizeConstraint(const json &value, json &out, std::string &error) {
  if (value.is_null() || value == "non_neg") {
    out = value;
    return true;
  }
  if (value == "unit_norm") {
    out = {{"unit_norm", {{"axis", 0}}}};
    return true;
  }
  if (value.is_object() && value.size() == 1) {
    const std::string &kind = value.begin().key();
    json fields;
    if (kind == "max_norm") {
      if (!numericFields(value.begin().value(), "max_norm",
                         {{"max_value", 2.0}, {"axis", 0}}, fields, error))
        return false;
    } else if (kind == "min_max_norm") {
      if (!numericFields(value.begin().value(), "min_max_norm",
                         {{"min_value", 0.0},
                          {"max_value", 1.0},
                          {"rate", 1.0},
                          {"axis", 0}},
                         fields, error))
        return false;
    } else if (kind == "unit_norm") {
      if (!numericFields(value.begin().value(), "unit_norm", {{"axis", 0}},
                         fields, error))
        return false;
    } else {
      error = "is not a known constraint: " + show(value);
      return false;
    }
    out = json::object();
    out[kind] = fields;
    return true;
  }
  error = "is not a known constraint: " + show(value) +
          " (expected non_neg, unit_norm, {\"max_norm\": {...}} or "
          "{\"min_max_norm\": {...}})";
  return false;
}

/// "field 'NAME' must be ...": the shared wording of schedule errors.
bool fieldError(std::string &error, const std::string &field, const char *must,
                const json &got) {
  error = "field '" + field + "' must be " + must + ", got " + show(got);
  return false;
}

/// A positive integer field of an already checked object.
bool positiveSteps(const json &fields, const char *schedule, const char *key,
                   std::string &error) {
  const json &v = fields[key];
  if (isInteger(v) && v.get<int64_t>() >= 1)
    return true;
  return fieldError(error, std::string(schedule) + "." + key,
                    "a positive integer", v);
}

/// A learning rate: a number > 0, one of Keras's schedules
/// (exponential_decay, cosine_decay, piecewise_constant), or (at the top
/// only) a linear warmup in front of either.
bool normalizeLearningRate(const json &value, json &out, std::string &error,
                           bool allowWarmup) {
  if (isNumber(value) && value.get<double>() > 0) {
    out = asFloat(value);
    return true;
  }
  const char *expected =
      "a positive number or one of {\"exponential_decay\": {initial, "
      "decay_steps, decay_rate, staircase}}, {\"cosine_decay\": {initial, "
      "decay_steps, alpha}}, {\"piecewise_constant\": {boundaries, "
      "values}}, {\"warmup\": {steps, from, schedule}}";
  if (!value.is_object() || value.size() != 1) {
    error = std::string("must be ") + expected + ", got " + show(value);
    return false;
  }
  std::string kind = value.begin().key();
  const json &args = value.begin().value();
  json fields;
  if (kind == "exponential_decay") {
    if (!numericFields(args, "exponential_decay",
                       {{"initial", nullptr},
                        {"decay_steps", nullptr},
                        {"decay_rate", nullptr},
                        {"staircase", false}},
                       fields, error) ||
        !positiveSteps(args, "exponential_decay", "decay_steps", error))
      return false;
    fields["decay_steps"] = args["decay_steps"];
    for (const char *key : {"initial", "decay_rate"})
      if (!(fields[key].get<double>() > 0))
        return fieldError(error, std::string("exponential_decay.") + key,
                          "a positive number", fields[key]);
  } else if (kind == "cosine_decay") {
    if (!numericFields(
            args, "cosine_decay",
            {{"initial", nullptr}, {"decay_steps", nullptr}, {"alpha", 0.0}},
            fields, error) ||
        !positiveSteps(args, "cosine_decay", "decay_steps", error))
      return false;
    fields["decay_steps"] = args["decay_steps"];
    if (!(fields["initial"].get<double>() > 0))
      return fieldError(error, "cosine_decay.initial", "a positive number",
                        fields["initial"]);
    double alpha = fields["alpha"].get<double>();
    if (alpha < 0 || alpha > 1)
      return fieldError(error, "cosine_decay.alpha", "in [0, 1]",
                        fields["alpha"]);
  } else if (kind == "piecewise_constant") {
    if (!args.is_object() || !args.contains("boundaries") ||
        !args.contains("values") || args.size() != 2) {
      error = "'piecewise_constant' needs exactly the fields 'boundaries' and "
              "'values', got " +
              show(args);
      return false;
    }
    const json &bs = args["boundaries"], &vs = args["values"];
    if (!bs.is_array() || bs.empty())
      return fieldError(error, "piecewise_constant.boundaries",
                        "a list of steps", bs);
    for (size_t i = 0; i < bs.size(); ++i)
      if (!isInteger(bs[i]) || bs[i].get<int64_t>() < 0 ||
          (i && bs[i].get<int64_t>() <= bs[i - 1].get<int64_t>()))
        return fieldError(error, "piecewise_constant.boundaries",
                          "increasing integers >= 0", bs);
    if (!vs.is_array() || vs.size() != bs.size() + 1)
      return fieldError(error, "piecewise_constant.values",
                        ("a list of " + std::to_string(bs.size() + 1) +
                         " rates (one more than boundaries)")
                            .c_str(),
                        vs);
    json rates = json::array();
    for (const json &v : vs) {
      if (!isNumber(v) || !(v.get<double>() > 0))
        return fieldError(error, "piecewise_constant.values",
                          "positive numbers", vs);
      rates.push_back(asFloat(v));
    }
    fields = {{"boundaries", bs}, {"values", rates}};
  } else if (kind == "warmup" && allowWarmup) {
    if (!args.is_object() || !args.contains("steps") ||
        !args.contains("schedule")) {
      error = "'warmup' needs the fields 'steps' and 'schedule' (and "
              "optionally 'from'), got " +
              show(args);
      return false;
    }
    for (auto &[key, v] : args.items())
      if (key != "steps" && key != "from" && key != "schedule") {
        error = "has unknown field '" + key + "' in 'warmup'";
        return false;
      }
    if (!positiveSteps(args, "warmup", "steps", error))
      return false;
    json from = args.contains("from") ? args["from"] : json(0.0);
    if (!isNumber(from) || from.get<double>() < 0)
      return fieldError(error, "warmup.from", "a number >= 0", from);
    json schedule;
    if (!normalizeLearningRate(args["schedule"], schedule, error, false)) {
      if (args["schedule"].is_object() && args["schedule"].contains("warmup"))
        error = "'warmup.schedule' cannot be another warmup";
      return false;
    }
    fields = {{"steps", args["steps"]},
              {"from", asFloat(from)},
              {"schedule", schedule}};
  } else {
    error = std::string("must be ") + expected + ", got " + show(value);
    return false;
  }
  out = {{kind, fields}};
  return true;
}

} // namespace

const OpSchema *modelc::findLayerSchema(const std::string &op) {
  const LayerDef *def = findLayerDef(op);
  return def ? &def->schema : nullptr;
}

const OpSchema *modelc::findOptimizerSchema(const std::string &op) {
  for (const OpSchema &s : optimizerSchemas())
    if (op == s.op)
      return &s;
  return nullptr;
}

std::vector<std::string> modelc::lossOperandNames(const std::string &op) {
  if (op == "softmax_cross_entropy" || op == "sigmoid_cross_entropy")
    return {"logits", "labels"};
  if (op == "mean_squared_error")
    return {"predictions", "labels"};
  return {};
}

bool modelc::opTakesInputList(const std::string &op) {
  const OpSchema *s = findLayerSchema(op);
  return s && s->inputList;
}

std::vector<std::string> modelc::layerOpNames() {
  std::vector<std::string> names;
  for (const LayerDef &d : layerDefs())
    names.push_back(d.schema.op);
  return names;
}

bool modelc::normalizeAttr(const AttrSpec &spec, const json &value, json &out,
                           std::string &error) {
  const char *tooLarge = "an integer from 1 to 2147483647";
  auto fail = [&](const std::string &expected) {
    error = "must be " + expected + ", got " + show(value);
    return false;
  };
  switch (spec.kind) {
  case AttrKind::PosInt:
    if (!isInteger(value) || value.get<int64_t>() < 1)
      return fail("a positive integer");
    if (value.get<int64_t>() > kMaxSize)
      return fail(tooLarge);
    out = value;
    return true;
  case AttrKind::Int:
    if (!isInteger(value))
      return fail("an integer");
    out = value;
    return true;
  case AttrKind::Float:
    if (!isNumber(value))
      return fail("a number");
    out = asFloat(value);
    return true;
  case AttrKind::UnitFloat:
    if (!isNumber(value) || value.get<double>() < 0 || value.get<double>() > 1)
      return fail("a number in [0, 1]");
    out = asFloat(value);
    return true;
  case AttrKind::PosFloat:
    if (!isNumber(value) || !(value.get<double>() > 0))
      return fail("a positive number");
    out = asFloat(value);
    return true;
  case AttrKind::NonNegFloat:
    if (!isNumber(value) || !(value.get<double>() >= 0) ||
        value.get<double>() > std::numeric_limits<float>::max())
      return fail("a number >= 0");
    out = asFloat(value);
    return true;
  case AttrKind::Bool:
    if (!value.is_boolean())
      return fail("true or false");
    out = value;
    return true;
  case AttrKind::Choice:
    for (const std::string &c : spec.choices)
      if (value == c) {
        out = value;
        return true;
      }
    {
      std::string list;
      for (const std::string &c : spec.choices)
        list += (list.empty() ? "\"" : ", \"") + c + "\"";
      return fail("one of " + list);
    }
  case AttrKind::IntPair: {
    auto positive = [](const json &v) {
      return isInteger(v) && v.get<int64_t>() >= 1;
    };
    json pair = value.is_array() ? value : json::array({value, value});
    if (pair.size() != 2 || !positive(pair[0]) || !positive(pair[1]))
      return fail("a positive integer or a list of two");
    if (pair[0].get<int64_t>() > kMaxSize || pair[1].get<int64_t>() > kMaxSize)
      return fail(tooLarge);
    out = pair;
    return true;
  }
  case AttrKind::Shape:
    if (!value.is_array() || value.empty())
      return fail("a list of integers starting with -1");
    for (size_t i = 0; i < value.size(); ++i) {
      if (!isInteger(value[i]))
        return fail("a list of integers starting with -1");
      int64_t d = value[i].get<int64_t>();
      if (i == 0 ? d != -1 : d < 1)
        return fail("a list [-1, d1, d2, ...] with -1 for the batch and "
                    "positive sizes after it");
      if (d > kMaxSize)
        return fail("a list of sizes of at most 2147483647");
    }
    out = value;
    return true;
  case AttrKind::Padding: {
    const char *what = "\"valid\", \"same\" or [[top, bottom], [left, "
                       "right]] of sizes >= 0";
    if (value == "valid" || value == "same") {
      out = value;
      return true;
    }
    bool ok = value.is_array() && value.size() == 2;
    for (size_t i = 0; ok && i < 2; ++i) {
      ok = value[i].is_array() && value[i].size() == 2;
      for (size_t j = 0; ok && j < 2; ++j)
        ok = isInteger(value[i][j]) && value[i][j].get<int64_t>() >= 0 &&
             value[i][j].get<int64_t>() <= kMaxSize;
    }
    if (!ok)
      return fail(what);
    out = value;
    return true;
  }
  case AttrKind::Permutation: {
    const char *what = "a permutation [0, p1, ...] of 0..rank-1 that keeps "
                       "the batch (0) first";
    if (!value.is_array() || value.empty())
      return fail(what);
    std::vector<bool> seen(value.size(), false);
    for (size_t i = 0; i < value.size(); ++i) {
      if (!isInteger(value[i]))
        return fail(what);
      int64_t d = value[i].get<int64_t>();
      if (d < 0 || d >= (int64_t)value.size() || seen[d] || (i == 0 && d != 0))
        return fail(what);
      seen[d] = true;
    }
    out = value;
    return true;
  }
  case AttrKind::Initializer:
    return normalizeInitializer(value, out, error);
  case AttrKind::Regularizer:
    if (value.is_null()) {
      out = value;
      return true;
    }
    if (value.is_object() && value.size() == 1 &&
        (value.contains("l1") || value.contains("l2")) &&
        isNumber(value.begin().value()) &&
        value.begin().value().get<double>() >= 0) {
      out = json::object();
      out[value.begin().key()] = asFloat(value.begin().value());
      return true;
    }
    return fail("null, {\"l1\": s} or {\"l2\": s} with s >= 0");
  case AttrKind::Constraint:
    return normalizeConstraint(value, out, error);
  case AttrKind::RenormClipping:
    if (value.is_null()) {
      out = value;
      return true;
    }
    if (!value.is_object())
      return fail("null or an object with rmin, rmax, dmax");
    out = json::object();
    for (const char *key : {"rmin", "rmax", "dmax"}) {
      if (!value.contains(key))
        continue;
      if (!isNumber(value[key]) || value[key].get<double>() < 0)
        return fail(std::string("an object whose '") + key +
                    "' is a number >= 0");
      out[key] = asFloat(value[key]);
    }
    for (auto &[key, v] : value.items())
      if (key != "rmin" && key != "rmax" && key != "dmax") {
        error = "has unknown field '" + shortText(key) +
                "' (expected rmin, rmax, dmax)";
        return false;
      }
    // r is clipped to [rmin, rmax] around its ideal value 1 (TF's meaning).
    if (out.contains("rmin") && out["rmin"].get<double>() > 1)
      return fail("an object with rmin <= 1");
    if (out.contains("rmax") && out["rmax"].get<double>() < 1)
      return fail("an object with rmax >= 1");
    return true;
  case AttrKind::OptPosInt:
    if (value.is_null() || (isInteger(value) && value.get<int64_t>() >= 1)) {
      if (!value.is_null() && value.get<int64_t>() > kMaxSize)
        return fail(tooLarge);
      out = value;
      return true;
    }
    return fail("null or a positive integer");
  case AttrKind::OptBool:
    if (value.is_null() || value.is_boolean()) {
      out = value;
      return true;
    }
    return fail("null, true or false");
  case AttrKind::OptName:
    if (value.is_null() || value.is_string()) {
      out = value;
      return true;
    }
    return fail("null or a layer name");
  case AttrKind::OptPosFloat:
    if (value.is_null() || (isNumber(value) && value.get<double>() > 0)) {
      out = value.is_null() ? value : asFloat(value);
      return true;
    }
    return fail("null or a positive number");
  case AttrKind::OptFloat:
    if (value.is_null() || isNumber(value)) {
      out = value.is_null() ? value : asFloat(value);
      return true;
    }
    return fail("null or a number");
  case AttrKind::LearningRate:
    return normalizeLearningRate(value, out, error, /*allowWarmup=*/true);
  }
  return fail("valid");
}
