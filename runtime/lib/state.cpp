//===- state.cpp - Model state and checkpoints ----------------------------===//

#include "modelc/runtime/state.h"
#include "modelc/runtime/error.h"
#include "modelc/runtime/npz.h"
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

namespace modelc::rt {

static const char *FingerprintKey = "modelc/fingerprint";
static const char *SeedKey = "modelc/seed";
static const char *StepKey = "global_step";
static const std::string MonitorPrefix = "modelc/monitor/";

static bool isMonitorKey(const std::string &Name) {
  return Name.rfind(MonitorPrefix, 0) == 0;
}

State initialState(const ModelInfo &Info, int64_t Seed) {
  State S;
  S.Arena = Array(DType::F32, {Info.StateSize});
  S.Seed = Seed;
  for (const StateVar &V : Info.State)
    initializeVariable(V, Seed, S.arena() + V.Offset);
  return S;
}

/// Reads a 0-d (or one-element) integer array.
static int64_t readScalarInt(const NpzReader &R, const std::string &Name) {
  Array A = R.read(Name);
  if (A.numElements() != 1 || A.rank() > 1)
    throw Error(R.path() + ": array '" + Name + "' has shape " +
                shapeToString(A.shape()) + "; expected a scalar");
  if (A.dtype() == DType::I64)
    return A.as<int64_t>()[0];
  if (A.dtype() == DType::I32)
    return A.as<int32_t>()[0];
  throw Error(R.path() + ": array '" + Name + "' has dtype " +
              dtypeName(A.dtype(), A.itemSize()) + "; expected int64");
}

static std::string readFingerprint(const NpzReader &R) {
  Array A = R.read(FingerprintKey);
  if (A.dtype() != DType::Bytes || A.numElements() != 1)
    throw Error(R.path() + ": array '" + std::string(FingerprintKey) +
                "' is not a byte string");
  std::string S(reinterpret_cast<const char *>(A.data()), A.itemSize());
  // NumPy strips trailing NULs of |S<n> values.
  S.erase(S.find_last_not_of('\0') + 1);
  return S;
}

State loadState(const ModelInfo &Info, const std::string &Path, StateUse Use,
                int64_t Seed, bool PreferStoredSeed) {
  NpzReader R(Path);
  if (R.contains(FingerprintKey)) {
    std::string Fp = readFingerprint(R);
    if (Fp != Info.Fingerprint)
      throw Error(Path +
                  ": checkpoint was written for another model "
                  "(fingerprint " +
                  Fp + "); this is model '" + Info.Name + "' (fingerprint " +
                  Info.Fingerprint + ")");
  }

  std::vector<std::string> Unknown;
  for (const std::string &Name : R.names())
    if (Name != FingerprintKey && Name != SeedKey && Name != StepKey &&
        !isMonitorKey(Name) && !Info.findState(Name) &&
        std::find(Info.IgnorableState.begin(), Info.IgnorableState.end(),
                  Name) == Info.IgnorableState.end())
      Unknown.push_back(Name);
  if (!Unknown.empty())
    throw Error(Path + ": " + (Unknown.size() == 1 ? "array " : "arrays ") +
                joinNames(Unknown) + (Unknown.size() == 1 ? " is" : " are") +
                " not state of model '" + Info.Name + "'");

  // --init from a file with none of the model's state would silently
  // re-initialize everything (a truncated or mistaken file).
  if (Use == StateUse::TrainInit && !Info.State.empty() &&
      std::none_of(Info.State.begin(), Info.State.end(),
                   [&](const StateVar &V) { return R.contains(V.Name); }))
    throw Error(Path + ": holds none of the state of model '" + Info.Name +
                "' (for example '" + Info.State.front().Name +
                "'); nothing to initialize from");

  if (Use != StateUse::TrainInit) {
    std::vector<std::string> Missing;
    for (const StateVar &V : Info.State)
      if (V.usedByForward() && !R.contains(V.Name))
        Missing.push_back(V.Name);
    if (!Missing.empty())
      throw Error(Path + ": missing " +
                  (Missing.size() == 1 ? "array " : "arrays ") +
                  joinNames(Missing) + " (needed by the forward pass)");
  }

  State S;
  S.Arena = Array(DType::F32, {Info.StateSize});
  S.Seed = Seed;
  if (R.contains(SeedKey)) {
    S.HasStoredSeed = true;
    int64_t Stored = readScalarInt(R, SeedKey);
    if (PreferStoredSeed)
      S.Seed = Stored;
  }
  if (R.contains(StepKey)) {
    S.GlobalStep = readScalarInt(R, StepKey);
    if (S.GlobalStep < 0)
      throw Error(Path + ": global_step is negative");
  }
  for (const std::string &Name : R.names()) {
    if (!isMonitorKey(Name))
      continue;
    Array A = R.read(Name);
    // The epoch must be a whole number a cast can take (0 = none yet).
    double Epoch = A.dtype() == DType::F64 && A.numElements() == 2
                       ? A.as<double>()[1]
                       : -1;
    if (A.dtype() != DType::F64 || A.shape() != std::vector<int64_t>{2} ||
        !(Epoch >= 0 && Epoch <= 9007199254740992.0) ||
        Epoch != std::floor(Epoch))
      throw Error(Path + ": array '" + Name +
                  "' must be float64 [best value, epoch] with a whole epoch "
                  ">= 0");
    S.Monitors.push_back({Name.substr(MonitorPrefix.size()), A.as<double>()[0],
                          static_cast<int64_t>(A.as<double>()[1])});
  }
  for (const StateVar &V : Info.State) {
    float *Out = S.arena() + V.Offset;
    if (!R.contains(V.Name)) {
      initializeVariable(V, S.Seed, Out);
      continue;
    }
    Array A = R.read(V.Name, [&](const NpyHeader &H) {
      if (H.Shape != V.Shape)
        throw Error(Path + ": array '" + V.Name + "' has shape " +
                    shapeToString(H.Shape) + " but the model expects " +
                    shapeToString(V.Shape));
    });
    if (A.dtype() == DType::F32)
      std::memcpy(Out, A.data(), A.numBytes());
    else if (A.dtype() == DType::F64) // Plain NumPy files default to f64.
      for (int64_t K = 0; K < V.Size; ++K)
        Out[K] = static_cast<float>(A.as<double>()[K]);
    else
      throw Error(Path + ": array '" + V.Name + "' has dtype " +
                  dtypeName(A.dtype(), A.itemSize()) +
                  " but state arrays are float32");
  }
  return S;
}

void saveCheckpoint(const ModelInfo &Info, const State &S,
                    const std::string &Path) {
  std::vector<ArrayView> Views;
  for (const StateVar &V : Info.State)
    Views.push_back({V.Name, DType::F32, 4, V.Shape, S.arena() + V.Offset});
  Views.push_back({StepKey, DType::I64, 8, {}, &S.GlobalStep});
  Views.push_back({FingerprintKey,
                   DType::Bytes,
                   Info.Fingerprint.size(),
                   {},
                   Info.Fingerprint.data()});
  Views.push_back({SeedKey, DType::I64, 8, {}, &S.Seed});
  std::vector<std::array<double, 2>> Records;
  Records.reserve(S.Monitors.size());
  for (const MonitorRecord &R : S.Monitors) {
    Records.push_back({R.Best, static_cast<double>(R.Epoch)});
    Views.push_back(
        {MonitorPrefix + R.Key, DType::F64, 8, {2}, Records.back().data()});
  }
  writeNpz(Path, Views);
}

} // namespace modelc::rt
