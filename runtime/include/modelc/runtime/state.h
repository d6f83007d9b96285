//===- state.h - Model state and checkpoints --------------------*- C++ -*-===//

#ifndef MODELC_RUNTIME_STATE_H
#define MODELC_RUNTIME_STATE_H

#include "modelc/runtime/array.h"
#include "modelc/runtime/model_info.h"

#include <string>
#include <vector>

namespace modelc::rt {

/// The best value of a monitored quantity (train --early-stopping-patience,
/// --save-best), stored in checkpoints as modelc/monitor/<key> = [value,
/// epoch] so that a resumed run continues the count.
struct MonitorRecord {
  std::string Key;
  double Best = 0;
  int64_t Epoch = 0; // The epoch (from 1) that reached Best; 0 = none yet.
};

/// Everything a model carries between calls: the float arena, global_step and
/// the training seed (stored in checkpoints as modelc/seed).
struct State {
  Array Arena; // f32 [state_size]
  int64_t GlobalStep = 0;
  int64_t Seed = 0;
  bool HasStoredSeed = false;          // The file read had modelc/seed.
  std::vector<MonitorRecord> Monitors; // At most one is written.

  float *arena() { return Arena.as<float>(); }
  const float *arena() const { return Arena.as<float>(); }
};

/// Fills one variable per its init spec from the stream (Seed, Var.Name).
void initializeVariable(const StateVar &Var, int64_t Seed, float *Out);

/// A freshly initialized state.
State initialState(const ModelInfo &Info, int64_t Seed);

/// How a state file is used, which decides what may be missing from it.
enum class StateUse {
  Forward,   // eval/predict: forward-pass arrays required, the rest unused.
  TrainInit, // train --init: everything missing is initialized.
  Resume,    // train --resume: forward-pass arrays required, slots optional.
};

/// Reads a checkpoint or a plain .npz of named arrays. The state's seed is
/// the file's modelc/seed if `PreferStoredSeed` and the file has one, else
/// `Seed`; missing optional arrays are initialized from it. Throws Error
/// naming the path.
State loadState(const ModelInfo &Info, const std::string &Path, StateUse Use,
                int64_t Seed, bool PreferStoredSeed = false);

/// Writes the checkpoint atomically (docs/RUNTIME_ABI.md, "Checkpoints").
void saveCheckpoint(const ModelInfo &Info, const State &S,
                    const std::string &Path);

} // namespace modelc::rt

#endif // MODELC_RUNTIME_STATE_H
