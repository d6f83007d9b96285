//===- metrics.h - Accuracy from model outputs ------------------*- C++ -*-===//

#ifndef MODELC_RUNTIME_METRICS_H
#define MODELC_RUNTIME_METRICS_H

#include "modelc/runtime/model_info.h"

#include <cstdint>

namespace modelc::rt {

/// Whether the model's loss defines an accuracy (not for mean squared error).
bool hasAccuracy(const ModelInfo &Info);

struct Correct {
  int64_t Hits = 0;
  int64_t Total = 0;
};

/// Compares the loss's logits output with its labels for `Batch` examples:
/// argmax over the last axis for softmax cross-entropy, logit > 0 vs
/// label > 0.5 for sigmoid cross-entropy.
Correct countCorrect(const ModelInfo &Info, const void *Logits,
                     const void *Labels, int64_t Batch);

/// Running sums for loss and accuracy, weighted by examples.
struct MetricSums {
  double Loss = 0, DataLoss = 0;
  int64_t Examples = 0, Steps = 0;
  Correct Acc;
  double Seconds = 0;

  void add(float BatchLoss, float BatchDataLoss, int64_t Batch, Correct C) {
    Loss += static_cast<double>(BatchLoss) * Batch;
    DataLoss += static_cast<double>(BatchDataLoss) * Batch;
    Examples += Batch;
    Steps += 1;
    Acc.Hits += C.Hits;
    Acc.Total += C.Total;
  }
  double meanLoss() const { return Examples ? Loss / Examples : 0; }
  double meanDataLoss() const { return Examples ? DataLoss / Examples : 0; }
  double accuracy() const {
    return Acc.Total ? static_cast<double>(Acc.Hits) / Acc.Total : 0;
  }
  double examplesPerSec() const { return Seconds > 0 ? Examples / Seconds : 0; }
};

} // namespace modelc::rt

#endif // MODELC_RUNTIME_METRICS_H
