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
#include "modelc/runtime/monitor.h"
#include "modelc/runtime/random.h"
#include "modelc/runtime/replicas.h"
#include "modelc/runtime/state.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <unistd.h>

namespace modelc::rt {

static const char *Help =
    R"(usage: PROG train --data TRAIN.npz [--val VAL.npz] [--epochs 1]
                  [--batch-size 32] [--seed S] [--init STATE.npz]
                  [--checkpoint CKPT.npz] [--resume CKPT.npz] [--no-shuffle]
                  [--steps N] [--threads N] [--log-every N] [--json]
                  [--early-stopping-patience N] [--save-best BEST.npz]
                  [--monitor KEY] [--min-delta D]

Trains on TRAIN.npz (one array per model input and label) or TRAIN.csv (a
header row naming them; columns x[0], x[1].. fill input x). A checkpoint is
written atomically after every epoch and at the end. Float64 and int64
arrays are converted (with a note) when every value converts exactly.

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

Early stopping and the best checkpoint (Keras's EarlyStopping and
ModelCheckpoint(save_best_only=True)), decided at the end of each epoch:
  --early-stopping-patience N
                   stop once N epochs have passed without improvement of
                   the monitored value (N = 0 acts as 1)
  --save-best F    write the state of the best epoch so far to F
                   (atomically); --checkpoint stays the last state, so
                   --resume continues exactly
  --monitor KEY    what to watch: val_loss (the default with --val, else
                   loss), loss, data_loss, accuracy, any of the model's
                   metrics, or val_ + any of these; accuracies, precision,
                   recall and auc improve upwards, the others downwards
  --min-delta D    an improvement must exceed D (default 0; for
                   --save-best too)
The best value and its epoch are stored in checkpoints, so a resumed run
counts the patience on.
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
      : M(Ctx.Info), Json(P.has("json")), SinceLog(M), ThisEpoch(M) {}

  int run(const ParsedArgs &P);

private:
  /// Progress notes: stdout in text mode, stderr with --json so stdout
  /// stays one JSON object per line.
  void note(const std::string &S) {
    if (replicas().rank() == 0)
      std::fprintf(Json ? stderr : stdout, "%s\n", S.c_str());
  }
  /// Why a global batch of `Count` examples cannot be trained (a ghost
  /// batch size that does not divide it, or its shards under mpirun), to be
  /// followed by " it" or " them"; "" if it can.
  std::string unsplittable(int64_t Count) const;
  /// Under mpirun: stops with an error unless every rank computed the same
  /// run (position, seed, data size, batches): a rank with another
  /// checkpoint or data file would wait in another collective.
  void checkRanksAgree() const;
  void trainStep(int64_t Pos);
  void setUpMonitor(const ParsedArgs &P);
  void logRecord(int64_t Epoch);
  /// Returns false when early stopping ends the run (rank 0 decides).
  bool endEpoch(int64_t Epoch);
  bool endEpochHere(int64_t Epoch);
  void save();

  const ModelInfo &M;
  bool Json;
  const EntrySpec *Entry = nullptr;
  const EntrySpec *EvalEntry = nullptr;
  Dataset Data, Val;
  bool HasVal = false;
  State S;
  std::string CkptPath, BestPath;
  std::unique_ptr<Monitor> Watch;
  bool Shuffle = true;
  int64_t Batch = 32, StepsPerEpoch = 0, Target = 0, TotalEpochs = 0;
  int64_t LogEvery = 0, Skipped = 0, LastSaved = -1;
  std::vector<int64_t> Order;
  std::vector<Array> BatchInputs, BatchLabels, Outputs;
  // Under mpirun: the whole batch's loss logits and labels, for metrics.
  Array GlobalLogits, GlobalLabels;
  // Rows a process without examples in a short batch still runs (weight 0):
  // the collectives are inside the compiled step. A multiple of every
  // virtual_batch_size.
  int64_t IdleRows = 1;
  MetricSums SinceLog, ThisEpoch;
};

std::string Trainer::unsplittable(int64_t Count) const {
  int Ranks = replicas().size();
  std::string Why;
  for (int R = 0; R < Ranks; ++R)
    for (int64_t V : M.VirtualBatchSizes)
      if (shardOf(Count, R, Ranks).Count % V != 0)
        Why = format("virtual_batch_size %lld does not divide",
                     static_cast<long long>(V)) +
              (Ranks > 1 ? format(" the %d-process shards of", Ranks) : "");
  return Why;
}

void Trainer::checkRanksAgree() const {
  checkSameOnEveryRank(
      {{"global_step", S.GlobalStep},
       {"seed", S.Seed},
       {"number of examples", Data.NumExamples},
       {"steps per epoch", StepsPerEpoch},
       {"last step", Target},
       {"number of --val examples", HasVal ? Val.NumExamples : -1}});
}

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
    if (Val.NumExamples == 0)
      throw Error(Val.Path + ": the validation data has no examples");
    HasVal = true;
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
  // a ghost batch size does not divide it (or, under mpirun, its shards).
  int64_t N = Data.NumExamples;
  StepsPerEpoch = N / Batch;
  bool Alone = replicas().size() == 1;
  if (StepsPerEpoch > 0) {
    for (int64_t V : M.VirtualBatchSizes)
      if (Alone && Batch % V != 0)
        throw Error("train: --batch-size " + std::to_string(Batch) +
                    " is not divisible by the model's virtual_batch_size " +
                    std::to_string(V));
    if (std::string Why = unsplittable(Batch); !Why.empty())
      throw Error("train: --batch-size " + std::to_string(Batch) + ": " + Why +
                  " it");
  }
  int64_t Rem = N % Batch;
  if (Rem) {
    std::string Why = unsplittable(Rem);
    if (!Why.empty() && StepsPerEpoch == 0)
      throw Error("train: the data's " + std::to_string(N) +
                  " examples are less than one batch, and " + Why + " them");
    if (!Why.empty()) {
      Skipped = Rem;
      note("note: the last partial batch of each epoch (" +
           std::to_string(Rem) + " examples) is skipped: " + Why + " it");
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

  if (replicas().size() > 1) {
    checkRanksAgree();
    // Every rank starts from rank 0's state, whatever its files said.
    replicas().broadcast(S.arena(), M.StateSize * int64_t(sizeof(float)));
    note(format("data-parallel: %d processes, each global batch of %lld "
                "split into contiguous shards",
                replicas().size(), static_cast<long long>(Batch)));
  }

  int64_t MaxBatch = std::min(Batch, N);
  if (replicas().size() > 1) {
    const Array &L = Data.Labels[M.LossLabels];
    std::vector<int64_t> Shape = L.shape();
    Shape[0] = MaxBatch;
    GlobalLabels = Array(L.dtype(), Shape, L.itemSize());
    const TensorSpec &T = M.Outputs[M.LossLogits];
    GlobalLogits = Array(T.Type, T.withBatch(MaxBatch));
    for (int64_t V : M.VirtualBatchSizes)
      IdleRows = std::lcm(IdleRows, V);
    // Each rank's inputs are its shard, at most the first rank's.
    MaxBatch =
        std::max(shardOf(MaxBatch, 0, replicas().size()).Count, IdleRows);
  }
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

  setUpMonitor(P);
  int64_t CurrentEpoch = -1;
  if (Watch && S.GlobalStep < Target &&
      Watch->shouldStop(S.GlobalStep / StepsPerEpoch)) {
    note(format("nothing to train: early stopping ended this run; %s was "
                "best at epoch %lld",
                Watch->key().c_str(),
                static_cast<long long>(Watch->bestEpoch())));
    Target = S.GlobalStep;
  }
  // Early stopping reads each rank's checkpoint: rank 0 decides for all.
  replicas().broadcast(&Target, sizeof Target);
  while (S.GlobalStep < Target) {
    int64_t Epoch = S.GlobalStep / StepsPerEpoch;
    int64_t Pos = S.GlobalStep % StepsPerEpoch;
    if (Epoch != CurrentEpoch) {
      Order = epochOrder(N, S.Seed, Epoch, Shuffle);
      CurrentEpoch = Epoch;
      ThisEpoch = MetricSums(M);
    }
    trainStep(Pos);
    if (LogEvery && S.GlobalStep % LogEvery == 0)
      logRecord(Epoch);
    if (Pos + 1 == StepsPerEpoch && !endEpoch(Epoch))
      break;
  }
  if (LastSaved != S.GlobalStep)
    save();
  note("done: global_step " + std::to_string(S.GlobalStep) + ", checkpoint " +
       CkptPath);
  return 0;
}

void Trainer::trainStep(int64_t Pos) {
  auto Start = std::chrono::steady_clock::now();
  int64_t Global = std::min(Batch, Data.NumExamples - Pos * Batch);
  // This process's contiguous part of the batch (all of it, alone).
  Shard Part = shardOf(Global, replicas().rank(), replicas().size());
  setCurrentShard(Part);
  int64_t First = Pos * Batch + Part.Offset, Count = Part.Count;
  // A process without examples (a batch smaller than the processes) runs
  // the batch's first examples with weight 0: the hooks leave it out.
  std::vector<int64_t> Idle;
  const int64_t *Rows = Order.data() + First;
  if (Count == 0) {
    for (int64_t I = 0; I < IdleRows; ++I)
      Idle.push_back(Order[Pos * Batch + I % Global]);
    Rows = Idle.data();
    Count = IdleRows;
  }
  EntryBuffers B;
  B.Arena = S.arena();
  B.Batch = Count;
  for (size_t I = 0; I < BatchInputs.size(); ++I) {
    gatherExamples(Data.Inputs[I], Rows, Count, BatchInputs[I]);
    B.Inputs.push_back(BatchInputs[I].data());
  }
  for (size_t I = 0; I < BatchLabels.size(); ++I) {
    gatherExamples(Data.Labels[I], Rows, Count, BatchLabels[I]);
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
  const void *Logits = Outputs[M.LossLogits].data();
  const void *Labels = BatchLabels[M.LossLabels].data();
  if (replicas().size() > 1) {
    // The batch's mean losses and every example's logits for the metrics.
    globalMeans(Loss, DataLoss);
    const Array &L = Outputs[M.LossLogits];
    gatherShards(L.data(), L.numElements() / L.shape()[0] * L.itemSize(),
                 Global, GlobalLogits.data());
    gatherExamples(Data.Labels[M.LossLabels], Order.data() + Pos * Batch,
                   Global, GlobalLabels);
    Logits = GlobalLogits.data();
    Labels = GlobalLabels.data();
  }
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
  double Secs = secondsSince(Start);
  double Collective = takeCollectiveSeconds();
  for (MetricSums *R : {&SinceLog, &ThisEpoch}) {
    R->CollectiveSeconds += Collective;
    R->Metrics.add(Logits, Labels, Global);
    R->add(Loss, DataLoss, Global);
    R->Seconds += Secs;
  }
}

/// Milliseconds per step in the collectives (rank 0's clock, waiting for
/// the other processes included).
static double collectiveMs(const MetricSums &R) {
  return R.Steps ? std::round(R.CollectiveSeconds * 1e6 / R.Steps) / 1e3 : 0;
}

static std::string collectiveNote(const MetricSums &R) {
  if (replicas().size() == 1)
    return "";
  return format(" (%.3f ms/step in collectives)", collectiveMs(R));
}

/// The record's values as "loss 0.123456, accuracy 0.9000".
static std::string describeValues(const MetricSums &R,
                                  const std::string &Prefix = "") {
  std::string Text;
  for (const auto &[Key, V] : R.values())
    if (Key != "data_loss")
      Text += format("%s%s%s %.*f", Text.empty() && Prefix.empty() ? "" : ", ",
                     Prefix.c_str(), Key.c_str(), Key == "loss" ? 6 : 4, V);
  return Text;
}

static void addValues(nlohmann::ordered_json &J, const MetricSums &R,
                      const std::string &Prefix = "") {
  for (const auto &[Key, V] : R.values())
    J[Prefix + Key] = std::isfinite(V) ? nlohmann::ordered_json(V) : nullptr;
}

void Trainer::logRecord(int64_t Epoch) {
  const MetricSums &R = SinceLog;
  if (Json) {
    nlohmann::ordered_json J;
    J["step"] = S.GlobalStep;
    J["epoch"] = Epoch + 1;
    addValues(J, R);
    J["examples_per_sec"] = roundRate(R.examplesPerSec());
    if (replicas().size() > 1)
      J["collective_ms_per_step"] = collectiveMs(R);
    std::printf("%s\n", J.dump().c_str());
  } else {
    std::printf("step %lld (epoch %lld): %s, %s examples/s%s\n",
                static_cast<long long>(S.GlobalStep),
                static_cast<long long>(Epoch + 1), describeValues(R).c_str(),
                formatRate(R.examplesPerSec()).c_str(),
                collectiveNote(R).c_str());
  }
  std::fflush(stdout);
  SinceLog = MetricSums(M);
}

void Trainer::setUpMonitor(const ParsedArgs &P) {
  bool Stop = P.has("early-stopping-patience");
  if (P.has("save-best")) {
    BestPath = P.required("save-best");
    if (sameFile(BestPath, CkptPath) || BestPath == CkptPath)
      throw UsageError("train: --save-best " + BestPath +
                       " is the --checkpoint; they must differ (the "
                       "checkpoint is the last state)");
    checkWritable(BestPath);
  }
  if (!Stop && BestPath.empty()) {
    for (const char *Opt : {"monitor", "min-delta"})
      if (P.has(Opt))
        throw UsageError(std::string("train: --") + Opt +
                         " applies to --early-stopping-patience and "
                         "--save-best; give one of them");
    return;
  }
  std::string Key = P.str("monitor");
  if (Key.empty()) {
    Key = HasVal || P.has("val") ? "val_loss" : "loss";
    if (Key == "loss")
      note("note: no --val given: --monitor defaults to the training loss");
  }
  Watch = std::make_unique<Monitor>(
      M, Key, P.has("val"), P.number("min-delta", 0, 0),
      Stop ? P.integer("early-stopping-patience", 0, 0) : -1);
  Watch->resume(S, StepsPerEpoch ? S.GlobalStep / StepsPerEpoch : 0);
  Watch->store(S);
}

bool Trainer::endEpoch(int64_t Epoch) {
  char Go = endEpochHere(Epoch);
  replicas().broadcast(&Go, 1);
  return Go;
}

bool Trainer::endEpochHere(int64_t Epoch) {
  MetricSums V(M);
  if (HasVal)
    V = evaluateDataset(M, *EvalEntry, S.arena(), Val, Batch);
  bool Improved = false;
  if (Watch) {
    Improved = Watch->observe(Epoch + 1, ThisEpoch, V);
    Watch->store(S);
    // The best checkpoint first: a kill between the two writes leaves the
    // previous epoch's checkpoint, and resuming replays this epoch.
    if (Improved && !BestPath.empty() && replicas().rank() == 0)
      saveCheckpoint(M, S, BestPath);
  }
  save();
  const MetricSums &R = ThisEpoch;
  if (Json) {
    nlohmann::ordered_json J;
    J["step"] = S.GlobalStep;
    J["epoch"] = Epoch + 1;
    J["epoch_end"] = true;
    addValues(J, R);
    J["examples"] = R.Examples;
    J["examples_per_sec"] = roundRate(R.examplesPerSec());
    if (replicas().size() > 1)
      J["collective_ms_per_step"] = collectiveMs(R);
    if (Skipped)
      J["skipped_examples"] = Skipped;
    if (HasVal)
      addValues(J, V, "val_");
    J["checkpoint"] = CkptPath;
    if (Improved && !BestPath.empty())
      J["best_checkpoint"] = BestPath;
    std::printf("%s\n", J.dump().c_str());
  } else {
    std::string Line = format(
        "epoch %lld/%lld done at step %lld: %s",
        static_cast<long long>(Epoch + 1), static_cast<long long>(TotalEpochs),
        static_cast<long long>(S.GlobalStep), describeValues(R).c_str());
    if (HasVal)
      Line += describeValues(V, "val_");
    Line += ", " + formatRate(R.examplesPerSec()) + " examples/s" +
            collectiveNote(R);
    if (Skipped)
      Line +=
          format(" (%lld examples skipped)", static_cast<long long>(Skipped));
    if (Improved && !BestPath.empty())
      Line += "; best so far, saved to " + BestPath;
    std::printf("%s\n", Line.c_str());
  }
  std::fflush(stdout);
  // The epoch record closes the interval of the next step record too.
  SinceLog = MetricSums(M);
  if (Watch && Watch->shouldStop(Epoch + 1) && Watch->bestEpoch() == 0) {
    note(format("early stopping after epoch %lld: %s was never defined (NaN)",
                static_cast<long long>(Epoch + 1), Watch->key().c_str()));
    return false;
  }
  if (Watch && Watch->shouldStop(Epoch + 1)) {
    note(format("early stopping after epoch %lld: %s did not improve by more "
                "than %g for %lld epochs; best %.6g at epoch %lld%s",
                static_cast<long long>(Epoch + 1), Watch->key().c_str(),
                Watch->minDelta(),
                static_cast<long long>(Epoch + 1 - Watch->bestEpoch()),
                Watch->best(), static_cast<long long>(Watch->bestEpoch()),
                BestPath.empty() ? "" : (" (" + BestPath + ")").c_str()));
    return false;
  }
  return true;
}

void Trainer::save() {
  // Every rank holds the same state (checked: a difference is a bug, never
  // a checkpoint); rank 0 writes it.
  if (replicas().size() > 1) {
    uint64_t Hash = 1469598103934665603ULL; // FNV-1a
    const auto *Bytes = reinterpret_cast<const uint8_t *>(S.arena());
    for (int64_t I = 0; I < M.StateSize * int64_t(sizeof(float)); ++I)
      Hash = (Hash ^ Bytes[I]) * 1099511628211ULL;
    std::vector<uint64_t> All(replicas().size());
    replicas().allGather(&Hash, sizeof Hash, All.data());
    for (size_t R = 1; R < All.size(); ++R)
      if (All[R] != All[0])
        throw Error(format("internal error: the state of rank %zu differs "
                           "from rank 0's at global_step %lld",
                           R, static_cast<long long>(S.GlobalStep)));
  }
  if (replicas().rank() == 0)
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
                {"json", false},
                {"early-stopping-patience", true},
                {"save-best", true},
                {"monitor", true},
                {"min-delta", true}},
               A);
  if (P.helpRequested()) {
    printHelp(Ctx, Help);
    return 0;
  }
  Trainer T(Ctx, P);
  return T.run(P);
}

} // namespace modelc::rt
