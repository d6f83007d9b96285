//===- monitor.cpp - The quantity early stopping and --save-best watch ----===//

#include "modelc/runtime/monitor.h"
#include "modelc/runtime/error.h"

#include <algorithm>
#include <cmath>

namespace modelc::rt {

Monitor::Monitor(const ModelInfo &M, const std::string &K, bool HasVal,
                 double MinDelta, int64_t Patience)
    : Key(K), MinDelta(MinDelta), Patience(Patience) {
  Val = Key.rfind("val_", 0) == 0;
  std::string Base = Val ? Key.substr(4) : Key;
  std::vector<std::string> Keys;
  for (const auto &KV : MetricSums(M).values())
    Keys.push_back(KV.first);
  if (std::find(Keys.begin(), Keys.end(), Base) == Keys.end()) {
    std::string List;
    for (const std::string &Name : Keys)
      List += (List.empty() ? "" : ", ") + Name + ", val_" + Name;
    throw UsageError("train: --monitor " + Key +
                     " is not reported by this model; choose one of " + List);
  }
  if (Val && !HasVal)
    throw UsageError("train: --monitor " + Key +
                     " needs validation data (--val FILE)");
  Max = Base != "loss" && Base != "data_loss" &&
        Base != "mean_absolute_error" && Base != "mean_squared_error";
  Record.Key = Key;
}

void Monitor::resume(const State &S, int64_t EpochsDone) {
  Since = EpochsDone;
  for (const MonitorRecord &R : S.Monitors)
    if (R.Key == Key) {
      Record = R;
      Since = 0;
    }
}

bool Monitor::observe(int64_t Epoch, const MetricSums &Train,
                      const MetricSums &ValSums) {
  const MetricSums &From = Val ? ValSums : Train;
  std::string Base = Val ? Key.substr(4) : Key;
  double X = std::nan("");
  for (const auto &[Name, V] : From.values())
    if (Name == Base)
      X = V;
  // Keras: improved if (current - min_delta) beats best (sign by mode); an
  // undefined value (AUC of one class) never improves.
  bool Better = std::isfinite(X) &&
                (Record.Epoch == 0 || (Max ? X - MinDelta > Record.Best
                                           : X + MinDelta < Record.Best));
  if (Better) {
    Record.Best = X;
    Record.Epoch = Epoch;
  }
  return Better;
}

bool Monitor::shouldStop(int64_t EpochsDone) const {
  // Keras stops once `wait` (epochs since the best, or since the start if
  // no epoch had a finite value) reaches the patience, checked after an
  // epoch that did not improve (so patience 0 acts as 1).
  return Patience >= 0 && EpochsDone - std::max(Record.Epoch, Since) >=
                              std::max<int64_t>(Patience, 1);
}

void Monitor::store(State &S) const {
  S.Monitors.clear();
  if (Record.Epoch > 0)
    S.Monitors.push_back(Record);
}

} // namespace modelc::rt
