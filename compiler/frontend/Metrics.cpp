//===- Metrics.cpp - The model's "metrics" list ---------------------------===//
//
// Metrics are computed by the runtime from the loss's logits and labels
// (runtime/lib/metrics.cpp); the compiler checks each against the loss and
// normalizes Keras's spellings to one name per metric.
//
//===----------------------------------------------------------------------===//

#include "modelc/Frontend/Model.h"

#include <set>

using namespace modelc;

namespace {

/// Keras's spellings (and short forms) of each metric.
const char *canonicalName(const std::string &s) {
  static const std::pair<const char *, const char *> aliases[] = {
      {"accuracy", "accuracy"},
      {"acc", "accuracy"},
      {"binary_accuracy", "binary_accuracy"},
      {"sparse_categorical_accuracy", "accuracy"},
      {"top_k_accuracy", "top_k_accuracy"},
      {"sparse_top_k_categorical_accuracy", "top_k_accuracy"},
      {"precision", "precision"},
      {"recall", "recall"},
      {"auc", "auc"},
      {"mean_absolute_error", "mean_absolute_error"},
      {"mae", "mean_absolute_error"},
      {"mean_squared_error", "mean_squared_error"},
      {"mse", "mean_squared_error"}};
  for (auto &[alias, name] : aliases)
    if (s == alias)
      return name;
  return nullptr;
}

} // namespace

std::string modelc::metricKey(const json &normalized) {
  if (normalized.is_string())
    return normalized.get<std::string>();
  int64_t k = normalized["top_k_accuracy"]["k"].get<int64_t>();
  return "top_" + std::to_string(k) + "_accuracy";
}

std::string modelc::metricKind(const json &normalized) {
  if (!normalized.is_string())
    return "top_k_accuracy";
  std::string name = normalized.get<std::string>();
  return name == "binary_accuracy" ? "accuracy" : name;
}

bool modelc::normalizeMetrics(const json &raw, const json &loss,
                              int64_t classes, json &out, std::string &where,
                              std::string &message) {
  out = json::array();
  if (!raw.is_array()) {
    message = "'metrics' must be a list such as [\"accuracy\", \"auc\"]";
    return false;
  }
  std::string op = loss.is_null() ? "" : loss["op"].get<std::string>();
  std::set<std::string> keys;
  for (size_t i = 0; i < raw.size(); ++i) {
    where = "/metrics/" + std::to_string(i);
    const json &m = raw[i];
    std::string spelled;
    json norm;
    if (m.is_string()) {
      spelled = m.get<std::string>();
    } else if (m.is_object() && m.size() == 1) {
      spelled = m.begin().key();
    } else {
      message = "metric " + shortText(dumpJson(m)) +
                " must be a name or {\"top_k_accuracy\": {\"k\": K}}";
      return false;
    }
    const char *name = canonicalName(spelled);
    if (!name) {
      message =
          "unknown metric '" + shortText(spelled) + "'" +
          didYouMean(spelled, {"accuracy", "binary_accuracy", "top_k_accuracy",
                               "precision", "recall", "auc",
                               "mean_absolute_error", "mean_squared_error"}) +
          " (known: accuracy, binary_accuracy, top_k_accuracy, "
          "precision, recall, auc, mean_absolute_error, "
          "mean_squared_error)";
      return false;
    }
    std::string n = name;
    if (n == "top_k_accuracy") {
      int64_t k = 5; // Keras's default.
      if (m.is_object()) {
        const json &args = m.begin().value();
        if (!args.is_object() || !args.contains("k") ||
            !args["k"].is_number_integer() || args["k"].get<int64_t>() < 1) {
          message = "top_k_accuracy needs {\"k\": K} with an integer K >= 1";
          return false;
        }
        for (auto &[key, v] : args.items())
          if (key != "k") {
            message = "top_k_accuracy: unknown field '" + shortText(key) +
                      "' (expected k)";
            return false;
          }
        k = args["k"].get<int64_t>();
      }
      norm = {{"top_k_accuracy", {{"k", k}}}};
    } else if (m.is_object()) {
      message = "metric '" + n + "' takes no arguments";
      return false;
    } else {
      norm = n;
    }
    // Each metric is defined for some losses only.
    bool ok;
    const char *needs;
    if (n == "accuracy") {
      ok = op == "softmax_cross_entropy" || op == "sigmoid_cross_entropy";
      needs = "a softmax or sigmoid cross-entropy loss";
    } else if (n == "binary_accuracy") {
      ok = op == "sigmoid_cross_entropy";
      needs = "a sigmoid cross-entropy loss";
    } else if (n == "top_k_accuracy") {
      ok = op == "softmax_cross_entropy";
      needs = "a softmax cross-entropy loss";
    } else if (n == "precision" || n == "recall" || n == "auc") {
      ok = op == "sigmoid_cross_entropy" ||
           (op == "softmax_cross_entropy" && classes == 2);
      needs = "a binary classifier (sigmoid cross-entropy, or softmax "
              "cross-entropy over 2 classes)";
    } else {
      ok = op == "mean_squared_error";
      needs = "a regression (mean_squared_error loss)";
    }
    if (!ok) {
      message = "metric '" + spelled + "' needs " + needs + "; the loss is " +
                (op.empty() ? "missing" : op);
      return false;
    }
    std::string key = metricKey(norm);
    if (!keys.insert(key).second) {
      message = "metric '" + key + "' is listed twice";
      return false;
    }
    out.push_back(norm);
  }
  return true;
}
