//===- commands_eval.cpp - `eval`: loss and accuracy of a checkpoint ------===//

#include "modelc/runtime/args.h"
#include "modelc/runtime/commands.h"
#include "modelc/runtime/dataset.h"
#include "modelc/runtime/entry.h"
#include "modelc/runtime/error.h"
#include "modelc/runtime/metrics.h"
#include "modelc/runtime/replicas.h"
#include "modelc/runtime/state.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace modelc::rt {

static const char *Help =
    R"(usage: PROG eval --data DATA.npz --checkpoint CKPT.npz [--batch-size B]
                 [--confusion-matrix] [--threads N] [--json]

Evaluates the checkpoint in inference mode on DATA.npz (one array per model
input and label) or DATA.csv. Prints the loss (data loss plus regularization), the data
loss, the accuracy of a classifier, the model's "metrics" and the number of
examples. Never changes the checkpoint. A model whose state all comes from
an ONNX file needs no --checkpoint: its initializers are the state.

  --batch-size B        examples per call (default 256)
  --confusion-matrix    also print the confusion matrix of a classifier
                        (row = true class, column = predicted class)
  --threads N           worker threads of the compiled code
  --json                print one JSON object
)";

MetricSums evaluateDataset(const ModelInfo &M, const EntrySpec &Entry,
                           float *Arena, const Dataset &D, int64_t Batch,
                           bool Confusion) {
  int64_t N = D.NumExamples;
  Batch = std::max<int64_t>(1, std::min(Batch, N));
  // Under mpirun each rank runs its shard of every batch; the batch's
  // losses are the shards' weighted by size and its metrics see every row.
  int Rank = replicas().rank(), Ranks = replicas().size();
  int64_t MaxShard = shardOf(Batch, 0, Ranks).Count;
  std::vector<Array> Outputs;
  for (const TensorSpec &T : M.Outputs)
    Outputs.emplace_back(T.Type, T.withBatch(MaxShard));
  Array Logits;
  if (Ranks > 1 && M.Loss != LossKind::None)
    Logits = Array(M.Outputs[M.LossLogits].Type,
                   M.Outputs[M.LossLogits].withBatch(Batch));
  MetricSums Sums(M, Confusion);
  for (int64_t Start = 0; Start < N; Start += Batch) {
    float Loss = 0, DataLoss = 0;
    int64_t Global = std::min(Batch, N - Start);
    Shard Part = shardOf(Global, Rank, Ranks);
    setCurrentShard(Part);
    EntryBuffers B;
    B.Arena = Arena;
    B.Batch = Part.Count;
    for (const Array &X : D.Inputs)
      B.Inputs.push_back(exampleRow(X, Start + Part.Offset));
    for (const Array &L : D.Labels)
      B.Labels.push_back(exampleRow(L, Start + Part.Offset));
    for (Array &Y : Outputs)
      B.Outputs.push_back(Y.data());
    B.Loss = &Loss;
    B.DataLoss = &DataLoss;
    // A rank without examples in a short last batch only listens.
    if (Part.Count > 0)
      callEntry(M, Entry, B);
    const void *BatchLogits = nullptr;
    if (M.Loss != LossKind::None)
      BatchLogits = Outputs[M.LossLogits].data();
    if (Ranks > 1) {
      globalMeans(Loss, DataLoss);
      if (M.Loss != LossKind::None) {
        const Array &Y = Outputs[M.LossLogits];
        gatherShards(Y.data(), Y.numElements() / Y.shape()[0] * Y.itemSize(),
                     Global, Logits.data());
        BatchLogits = Logits.data();
      }
    }
    if (M.Loss != LossKind::None)
      Sums.Metrics.add(BatchLogits, exampleRow(D.Labels[M.LossLabels], Start),
                       Global);
    Sums.add(Loss, DataLoss, Global);
  }
  setCurrentShard({});
  return Sums;
}

int runEval(const CommandContext &Ctx, const Args &A) {
  ParsedArgs P("eval",
               {{"data", true},
                {"checkpoint", true},
                {"batch-size", true},
                {"confusion-matrix", false},
                {"threads", true},
                {"json", false}},
               A);
  if (P.helpRequested()) {
    printHelp(Ctx, Help);
    return 0;
  }
  const ModelInfo &M = Ctx.Info;
  std::string Data = P.required("data"), Ckpt = forwardCheckpoint(M, P);
  int64_t Batch = P.integer("batch-size", 256, 1);
  setThreadCount(P.integer("threads", 0, 1, MaxThreads));
  const EntrySpec &Entry = requireEntry(M, "eval", "eval");
  bool Confusion = P.has("confusion-matrix");
  if (Confusion && !hasAccuracy(M))
    throw UsageError("eval: --confusion-matrix needs a classifier; the "
                     "model's loss is " +
                     (M.LossName.empty() ? std::string("none") : M.LossName));

  State S = loadForwardState(M, Ckpt);
  Dataset D = loadDataset(M, Data, /*WithLabels=*/true);
  if (D.NumExamples == 0)
    throw Error(Data + ": the data has no examples");
  // Under mpirun: the same data on every rank, and rank 0's state.
  checkSameOnEveryRank({{"number of examples", D.NumExamples}});
  replicas().broadcast(S.arena(), M.StateSize * int64_t(sizeof(float)));
  MetricSums R = evaluateDataset(M, Entry, S.arena(), D, Batch, Confusion);
  // A NaN mean is no measurement (and not valid JSON): name the likely
  // causes instead of printing it.
  if (!std::isfinite(R.meanLoss()))
    throw Error(format("the loss over %s is %s: the data or the checkpoint "
                       "%s holds non-finite values",
                       Data.c_str(), std::isnan(R.meanLoss()) ? "NaN" : "inf",
                       Ckpt.c_str()));

  const std::vector<int64_t> &CM = R.Metrics.confusion();
  int64_t K = R.Metrics.classes();
  if (P.has("json")) {
    nlohmann::ordered_json J;
    for (const auto &[Key, V] : R.values())
      J[Key] = std::isfinite(V) ? nlohmann::ordered_json(V) : nullptr;
    J["examples"] = R.Examples;
    if (Confusion)
      for (int64_t T = 0; T < K; ++T)
        J["confusion_matrix"].push_back(
            std::vector<int64_t>(CM.begin() + T * K, CM.begin() + (T + 1) * K));
    std::printf("%s\n", J.dump().c_str());
    return 0;
  }
  for (const auto &[Key, V] : R.values())
    std::printf("%s: %s\n", Key.c_str(),
                std::isfinite(V) ? format("%.6f", V).c_str()
                                 : "undefined (the data has one class only)");
  std::printf("examples: %lld\n", static_cast<long long>(R.Examples));
  if (Confusion) {
    std::printf("confusion matrix (row: true class, column: predicted):\n");
    for (int64_t T = 0; T < K; ++T) {
      std::string Row = format("%6lld |", static_cast<long long>(T));
      for (int64_t Q = 0; Q < K; ++Q)
        Row += format(" %7lld", static_cast<long long>(CM[T * K + Q]));
      std::printf("%s\n", Row.c_str());
    }
  }
  return 0;
}

} // namespace modelc::rt
