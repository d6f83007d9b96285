//===- metrics.h - Metrics from model outputs and labels --------*- C++ -*-===//
//
// The runtime computes every metric from the loss's logits and labels after
// the compiled call returns, so metrics never change what is trained.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_RUNTIME_METRICS_H
#define MODELC_RUNTIME_METRICS_H

#include "modelc/runtime/model_info.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace modelc::rt {

/// Whether the model's loss defines an accuracy (not for mean squared error).
bool hasAccuracy(const ModelInfo &Info);

/// Number of classes of a classifier: the logits' last axis for softmax
/// cross-entropy, 2 for sigmoid cross-entropy, 0 otherwise.
int64_t numClasses(const ModelInfo &Info);

/// The metrics a model reports, in order: accuracy first for classifiers
/// (SPEC 4 promises it), then the model's "metrics" list.
std::vector<MetricSpec> reportedMetrics(const ModelInfo &Info);

/// Accumulates metrics over batches. Sums are exact counts (or doubles), so
/// a dataset's value does not depend on how it was split into batches.
class MetricSet {
public:
  MetricSet() = default;
  explicit MetricSet(const ModelInfo &Info, bool Confusion = false);

  /// Adds `Batch` examples: the loss's logits output and labels.
  void add(const void *Logits, const void *Labels, int64_t Batch);
  /// (key, value) per reported metric; NaN where undefined (AUC of one class).
  std::vector<std::pair<std::string, double>> values() const;
  double value(const std::string &Key) const;
  double accuracy() const { return Rows ? double(Hits) / Rows : 0; }
  /// Row = true class, column = predicted class (sklearn's convention).
  const std::vector<int64_t> &confusion() const { return Confusion; }
  int64_t classes() const { return Classes; }

private:
  const ModelInfo *Info = nullptr;
  std::vector<MetricSpec> Specs;
  int64_t Classes = 0;
  int64_t Hits = 0, Rows = 0;
  std::vector<int64_t> TopKHits; // One per Specs entry (0 unless top-k).
  int64_t TP = 0, FP = 0, FN = 0;
  bool WantScores = false, WantConfusion = false;
  std::vector<double> Scores; // Positive-class score per row (AUC).
  std::vector<uint8_t> Positive;
  double AbsErr = 0, SqErr = 0;
  int64_t Elements = 0;
  std::vector<int64_t> Confusion;

  double auc() const;
};

/// Loss sums and metrics of a run of batches, weighted by examples.
struct MetricSums {
  double Loss = 0, DataLoss = 0;
  int64_t Examples = 0, Steps = 0;
  double Seconds = 0;
  /// Of Seconds, the time in the step's collectives (data-parallel runs).
  double CollectiveSeconds = 0;
  MetricSet Metrics;

  MetricSums() = default;
  explicit MetricSums(const ModelInfo &Info, bool Confusion = false)
      : Metrics(Info, Confusion) {}

  void add(float BatchLoss, float BatchDataLoss, int64_t Batch) {
    Loss += static_cast<double>(BatchLoss) * Batch;
    DataLoss += static_cast<double>(BatchDataLoss) * Batch;
    Examples += Batch;
    Steps += 1;
  }
  double meanLoss() const { return Examples ? Loss / Examples : 0; }
  double meanDataLoss() const { return Examples ? DataLoss / Examples : 0; }
  double accuracy() const { return Metrics.accuracy(); }
  double examplesPerSec() const { return Seconds > 0 ? Examples / Seconds : 0; }
  /// "loss", "data_loss" and every metric, as the logs name them.
  std::vector<std::pair<std::string, double>> values() const;
};

/// A rate with three significant digits and an SI prefix ("13.4M"): no more
/// digits than a timing holds.
std::string formatRate(double PerSecond);
/// The rate rounded to three significant digits, for JSON records.
double roundRate(double PerSecond);

} // namespace modelc::rt

#endif // MODELC_RUNTIME_METRICS_H
