//===- monitor.h - The quantity early stopping and --save-best watch -*- C++
//-*-===//
//
// Keras's EarlyStopping and ModelCheckpoint(save_best_only) over one
// monitored key of the epoch records ("val_loss", "accuracy", ...). The best
// value and its epoch live in the checkpoint (State::Monitors), so a resumed
// run counts patience exactly as the uninterrupted run would.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_RUNTIME_MONITOR_H
#define MODELC_RUNTIME_MONITOR_H

#include "modelc/runtime/metrics.h"
#include "modelc/runtime/state.h"

#include <string>

namespace modelc::rt {

class Monitor {
public:
  /// Validates `Key` against the keys of the model's epoch records; `val_`
  /// keys need validation data. Throws UsageError listing the valid keys.
  Monitor(const ModelInfo &M, const std::string &Key, bool HasVal,
          double MinDelta, int64_t Patience);

  const std::string &key() const { return Key; }
  /// Higher is better (accuracies, precision, recall, AUC).
  bool maximizes() const { return Max; }

  /// Takes over the record of the same key from a loaded state (if any);
  /// without one, the patience counts from `EpochsDone`.
  void resume(const State &S, int64_t EpochsDone);
  /// Records the epoch's value; true if it improved by more than MinDelta.
  bool observe(int64_t Epoch, const MetricSums &Train, const MetricSums &Val);
  /// Epochs since the best one reached the patience.
  bool shouldStop(int64_t EpochsDone) const;
  /// Stores the record in the state, so that checkpoints carry it.
  void store(State &S) const;

  double best() const { return Record.Best; }
  int64_t bestEpoch() const { return Record.Epoch; }
  int64_t patience() const { return Patience; }
  double minDelta() const { return MinDelta; }

private:
  std::string Key;
  bool Max = false, Val = false;
  double MinDelta = 0;
  int64_t Patience = -1; // -1: no early stopping (only --save-best).
  int64_t Since = 0;     // Epochs done when monitoring began.
  MonitorRecord Record;
};

} // namespace modelc::rt

#endif // MODELC_RUNTIME_MONITOR_H
