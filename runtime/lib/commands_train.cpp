//===- commands_train.cpp - `train` (SPEC 4) ------------------------------===//
//
// The position of a run is global_step alone: with S trained batches per
// epoch, step g trains batch g % S of epoch g / S, and an epoch's example
// order is a permutation seeded by (seed, epoch). A resumed run therefore
// repeats exactly what the uninterrupted run would have done.
//
//===----------------------------------------------------------------------===//

#include "modelc/runtime/args.h"
#include "modelc/runtime/atomic_file.h"
#include "modelc/runtime/commands.h"
#include "modelc/runtime/dataset.h"
#include "modelc/runtime/entry.h"
#include "modelc/runtime/error.h"
#include "modelc/runtime/metrics.h"
#include "modelc/runtime/random.h"
#include "modelc/runtime/state.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <unistd.h>

namespace modelc::rt {

static const char *Help =
    R"(usage: PROG train --data TRAIN.npz [--val VAL.npz] [--epochs 1]
                  [--batch-size 32] [--seed S] [--init STATE.npz]
                  [--checkpoint CKPT.npz] [--resume CKPT.npz] [--no-shuffle]
                  [--steps N] [--threads N] [--log-every N] [--json]

Trains on TRAIN.npz (one array per model input and label). A checkpoint is
written atomically after every epoch and at the end.

  --epochs E       train until E epochs are complete (default 1)
  --steps N        train until global_step reaches N instead; both count
                   from global_step 0, so a resumed run stops where an
                   uninterrupted one does
  --batch-size B   examples per step (default 32); the last partial batch
                   of an epoch is trained as a smaller batch
  --seed S         seed of the example order and dropout (default: the
                   model's seed; --resume: the checkpoint's)
  --init FILE      start from this state; missing arrays are initialized
  --resume FILE    continue from this checkpoint (not with --init)
  --checkpoint F   where to write checkpoints (default: ./<model>.ckpt.npz)
  --val FILE       evaluate on FILE after every epoch
  --no-shuffle     keep the file's example order
  --log-every N    log when global_step is a multiple of N (mean since the
                   previous record)
  --threads N      worker threads of the compiled code
  --json           one JSON object per record instead of text
)";

namespace {

/// Epoch `Epoch`'s example order (Fisher-Yates on a (seed, epoch) stream).
std::vector<int64_t> epochOrder(int64_t N, int64_t Seed, int64_t Epoch,
                                bool Shuffle) {
  std::vector<int64_t> Order(N);
  std::iota(Order.begin(), Order.end(), 0);
  if (!Shuffle)
    return Order;
  Rng R(Seed, "shuffle/epoch/" + std::to_string(Epoch));
  for (int64_t I = N - 1; I > 0; --I)
    std::swap(Order[I], Order[R.below(static_cast<uint64_t>(I) + 1)]);
  return Order;
}

double secondsSince(std::chrono::steady_clock::time_point T) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - T)
      .count();
}

class Trainer {
public:
  Trainer(const CommandContext &Ctx, const ParsedArgs &P)
      : M(Ctx.Info), Json(P.has("json")) {}

  int run(const ParsedArgs &P);

private:
  /// Progress notes: stdout in text mode, stderr with --json so stdout
  /// stays one JSON object per line.
  void note(const std::string &S) {
    std::fprintf(Json ? stderr : stdout, "%s\n", S.c_str());
  }
  void trainStep(int64_t Pos);
  void logRecord(int64_t Epoch);
  void endEpoch(int64_t Epoch);
  void save();

  const ModelInfo &M;
  bool Json;
  const EntrySpec *Entry = nullptr;
  const EntrySpec *EvalEntry = nullptr;
  Dataset Data, Val;
  bool HasVal = false;
  State S;
  std::string CkptPath;
  bool Shuffle = true;
  int64_t Batch = 32, StepsPerEpoch = 0, Target = 0, TotalEpochs = 0;
  int64_t LogEvery = 0, Skipped = 0, LastSaved = -1;
  std::vector<int64_t> Order;
  std::vector<Array> BatchInputs, BatchLabels, Outputs;
  MetricSums SinceLog, ThisEpoch;
};

int Trainer::run(const ParsedArgs &P) {
  if (P.has("init") && P.has("resume"))
    throw UsageError("train: --init and --resume are mutually exclusive");
  std::string DataPath = P.required("data");
  int64_t Epochs = P.integer("epochs", 1, 0);
  Batch = P.integer("batch-size", 32, 1);
  bool StepsGiven = P.has("steps");
  int64_t Steps = P.integer("steps", 0, 0);
  LogEvery = P.integer("log-every", 0, 1);
  Shuffle = !P.has("no-shuffle");
  setThreadCount(P.integer("threads", 0, 1, MaxThreads));
  bool SeedGiven = P.has("seed");
  int64_t Seed = P.integer("seed", M.Seed, INT64_MIN);
  Entry = &requireEntry(M, "train_step", "train");

  Data = loadDataset(M, DataPath, /*WithLabels=*/true);
  if (Data.NumExamples == 0)
    throw Error(DataPath + ": the data has no examples");
  if (P.has("val")) {
    EvalEntry = &requireEntry(M, "eval", "train --val");
    Val = loadDataset(M, P.required("val"), /*WithLabels=*/true);
    HasVal = Val.NumExamples > 0;
  }

  if (P.has("resume")) {
    std::string From = P.required("resume");
    S = loadState(M, From, StateUse::Resume, Seed,
                  /*PreferStoredSeed=*/!SeedGiven);
    note("resuming from " + From + " at global_step " +
         std::to_string(S.GlobalStep));
  } else if (P.has("init")) {
    S = loadState(M, P.required("init"), StateUse::TrainInit, Seed);
  } else {
    S = initialState(M, Seed);
  }

  if (P.has("checkpoint")) {
    CkptPath = P.required("checkpoint");
  } else {
    CkptPath = M.Name + ".ckpt.npz";
    note("no --checkpoint given: writing checkpoints to ./" + CkptPath);
  }
  checkWritable(CkptPath);

  // Trained batches per epoch: every full batch, plus the partial one unless
  // a ghost batch size does not divide it.
  int64_t N = Data.NumExamples;
  StepsPerEpoch = N / Batch;
  if (StepsPerEpoch > 0)
    for (int64_t V : M.VirtualBatchSizes)
      if (Batch % V != 0)
        throw Error("train: --batch-size " + std::to_string(Batch) +
                    " is not divisible by the model's virtual_batch_size " +
                    std::to_string(V));
  int64_t Rem = N % Batch;
  if (Rem) {
    int64_t Bad = 0;
    for (int64_t V : M.VirtualBatchSizes)
      if (Rem % V != 0)
        Bad = V;
    if (Bad && StepsPerEpoch == 0)
      throw Error("train: the data's " + std::to_string(N) +
                  " examples are less than one batch, and virtual_batch_size " +
                  std::to_string(Bad) + " does not divide them");
    if (Bad) {
      Skipped = Rem;
      note("note: the last partial batch of each epoch (" +
           std::to_string(Rem) + " examples) is skipped: virtual_batch_size " +
           std::to_string(Bad) + " does not divide it");
    } else {
      ++StepsPerEpoch;
    }
  }
  Target = Steps;
  if (!StepsGiven && __builtin_mul_overflow(Epochs, StepsPerEpoch, &Target))
    throw UsageError("train: --epochs " + std::to_string(Epochs) + " of " +
                     std::to_string(StepsPerEpoch) +
                     " steps each is more than 2^63-1 steps");
  // Rounded up without overflowing near 2^63.
  TotalEpochs = Target / StepsPerEpoch + (Target % StepsPerEpoch != 0);
  note(format(
      "training '%s' on %lld examples from %s: batch size %lld, "
      "%lld steps per epoch, until global_step %lld (%s), seed %lld",
      M.Name.c_str(), static_cast<long long>(N), DataPath.c_str(),
      static_cast<long long>(Batch), static_cast<long long>(StepsPerEpoch),
      static_cast<long long>(Target),
      StepsGiven ? "--steps" : (std::to_string(Epochs) + " epochs").c_str(),
      static_cast<long long>(S.Seed)));
  if (S.GlobalStep >= Target)
    note("nothing to train: global_step " + std::to_string(S.GlobalStep) +
         " has reached " + std::to_string(Target));

  int64_t MaxBatch = std::min(Batch, N);
  for (const Array &X : Data.Inputs) {
    std::vector<int64_t> Shape = X.shape();
    Shape[0] = MaxBatch;
    BatchInputs.emplace_back(X.dtype(), Shape, X.itemSize());
  }
  for (const Array &L : Data.Labels) {
    std::vector<int64_t> Shape = L.shape();
    Shape[0] = MaxBatch;
    BatchLabels.emplace_back(L.dtype(), Shape, L.itemSize());
  }
  for (const TensorSpec &T : M.Outputs)
    Outputs.emplace_back(T.Type, T.withBatch(MaxBatch));

  int64_t CurrentEpoch = -1;
  while (S.GlobalStep < Target) {
    int64_t Epoch = S.GlobalStep / StepsPerEpoch;
    int64_t Pos = S.GlobalStep % StepsPerEpoch;
    if (Epoch != CurrentEpoch) {
      Order = epochOrder(N, S.Seed, Epoch, Shuffle);
      CurrentEpoch = Epoch;
      ThisEpoch = MetricSums();
    }
    trainStep(Pos);
    if (LogEvery && S.GlobalStep % LogEvery == 0)
      logRecord(Epoch);
    if (Pos + 1 == StepsPerEpoch)
      endEpoch(Epoch);
  }
  if (LastSaved != S.GlobalStep)
    save();
  note("done: global_step " + std::to_string(S.GlobalStep) + ", checkpoint " +
       CkptPath);
  return 0;
}

void Trainer::trainStep(int64_t Pos) {
  auto Start = std::chrono::steady_clock::now();
  int64_t First = Pos * Batch;
  int64_t Count = std::min(Batch, Data.NumExamples - First);
  EntryBuffers B;
  B.Arena = S.arena();
  B.Batch = Count;
  for (size_t I = 0; I < BatchInputs.size(); ++I) {
    gatherExamples(Data.Inputs[I], Order.data() + First, Count, BatchInputs[I]);
    B.Inputs.push_back(BatchInputs[I].data());
  }
  for (size_t I = 0; I < BatchLabels.size(); ++I) {
    gatherExamples(Data.Labels[I], Order.data() + First, Count, BatchLabels[I]);
    B.Labels.push_back(BatchLabels[I].data());
  }
  for (Array &Y : Outputs)
    B.Outputs.push_back(Y.data());
  float Loss = 0, DataLoss = 0;
  int64_t Step = S.GlobalStep, Seed = S.Seed;
  B.Loss = &Loss;
  B.DataLoss = &DataLoss;
  B.Step = &Step;
  B.Seed = &Seed;
  callEntry(M, *Entry, B);
  if (!std::isfinite(Loss)) {
    // The arena already holds the step's update: never save it.
    std::string Kept =
        ::access(CkptPath.c_str(), F_OK) == 0
            ? "last good checkpoint kept at " + CkptPath
            : "no checkpoint written (" + CkptPath + " does not exist)";
    throw Error(std::string("loss is ") + (std::isnan(Loss) ? "NaN" : "Inf") +
                " at step " + std::to_string(S.GlobalStep + 1) + "; " + Kept);
  }
  S.GlobalStep += 1;
  Correct C;
  if (hasAccuracy(M))
    C = countCorrect(M, Outputs[M.LossLogits].data(),
                     BatchLabels[M.LossLabels].data(), Count);
  double Secs = secondsSince(Start);
  SinceLog.add(Loss, DataLoss, Count, C);
  SinceLog.Seconds += Secs;
  ThisEpoch.add(Loss, DataLoss, Count, C);
  ThisEpoch.Seconds += Secs;
}

void Trainer::logRecord(int64_t Epoch) {
  const MetricSums &R = SinceLog;
  if (Json) {
    nlohmann::ordered_json J;
    J["step"] = S.GlobalStep;
    J["epoch"] = Epoch + 1;
    J["loss"] = R.meanLoss();
    J["data_loss"] = R.meanDataLoss();
    if (hasAccuracy(M))
      J["accuracy"] = R.accuracy();
    J["examples_per_sec"] = R.examplesPerSec();
    std::printf("%s\n", J.dump().c_str());
  } else {
    std::string Acc =
        hasAccuracy(M) ? format(", accuracy %.4f", R.accuracy()) : "";
    std::printf("step %lld (epoch %lld): loss %.6f%s, %.1f examples/s\n",
                static_cast<long long>(S.GlobalStep),
                static_cast<long long>(Epoch + 1), R.meanLoss(), Acc.c_str(),
                R.examplesPerSec());
  }
  std::fflush(stdout);
  SinceLog = MetricSums();
}

void Trainer::endEpoch(int64_t Epoch) {
  save();
  MetricSums V;
  if (HasVal)
    V = evaluateDataset(M, *EvalEntry, S.arena(), Val, Batch);
  const MetricSums &R = ThisEpoch;
  if (Json) {
    nlohmann::ordered_json J;
    J["step"] = S.GlobalStep;
    J["epoch"] = Epoch + 1;
    J["epoch_end"] = true;
    J["loss"] = R.meanLoss();
    J["data_loss"] = R.meanDataLoss();
    if (hasAccuracy(M))
      J["accuracy"] = R.accuracy();
    J["examples"] = R.Examples;
    J["examples_per_sec"] = R.examplesPerSec();
    if (Skipped)
      J["skipped_examples"] = Skipped;
    if (HasVal) {
      J["val_loss"] = V.meanLoss();
      J["val_data_loss"] = V.meanDataLoss();
      if (hasAccuracy(M))
        J["val_accuracy"] = V.accuracy();
    }
    J["checkpoint"] = CkptPath;
    std::printf("%s\n", J.dump().c_str());
  } else {
    std::string Line = format(
        "epoch %lld/%lld done at step %lld: loss %.6f",
        static_cast<long long>(Epoch + 1), static_cast<long long>(TotalEpochs),
        static_cast<long long>(S.GlobalStep), R.meanLoss());
    if (hasAccuracy(M))
      Line += format(", accuracy %.4f", R.accuracy());
    if (HasVal) {
      Line += format(", val_loss %.6f", V.meanLoss());
      if (hasAccuracy(M))
        Line += format(", val_accuracy %.4f", V.accuracy());
    }
    Line += format(", %.1f examples/s", R.examplesPerSec());
    if (Skipped)
      Line +=
          format(" (%lld examples skipped)", static_cast<long long>(Skipped));
    std::printf("%s\n", Line.c_str());
  }
  std::fflush(stdout);
  // The epoch record closes the interval of the next step record too.
  SinceLog = MetricSums();
}

void Trainer::save() {
  saveCheckpoint(M, S, CkptPath);
  LastSaved = S.GlobalStep;
}

} // namespace

int runTrain(const CommandContext &Ctx, const Args &A) {
  ParsedArgs P("train",
               {{"data", true},
                {"val", true},
                {"epochs", true},
                {"batch-size", true},
                {"seed", true},
                {"init", true},
                {"checkpoint", true},
                {"resume", true},
                {"no-shuffle", false},
                {"steps", true},
                {"threads", true},
                {"log-every", true},
                {"json", false}},
               A);
  if (P.helpRequested()) {
    printHelp(Ctx, Help);
    return 0;
  }
  Trainer T(Ctx, P);
  return T.run(P);
}

} // namespace modelc::rt
