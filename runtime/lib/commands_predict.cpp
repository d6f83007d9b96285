//===- commands_predict.cpp - `predict`: outputs for inputs ---------------===//

#include "modelc/runtime/args.h"
#include "modelc/runtime/atomic_file.h"
#include "modelc/runtime/commands.h"
#include "modelc/runtime/dataset.h"
#include "modelc/runtime/entry.h"
#include "modelc/runtime/error.h"
#include "modelc/runtime/npz.h"
#include "modelc/runtime/state.h"

#include <algorithm>
#include <cstdio>

namespace modelc::rt {

static const char *Help =
    R"(usage: PROG predict --input X.npz --checkpoint CKPT.npz --output Y.npz
                    [--mode infer|train] [--batch-size B] [--threads N]

Runs the forward pass on every example of X.npz (one array per model input)
and writes one array per model output to Y.npz. Never changes the checkpoint.

  --mode infer    inference mode: moving statistics, no dropout (default)
  --mode train    batch statistics, as training=True in TF (still no state
                  change); the whole input is one batch unless --batch-size
  --batch-size B  examples per call (default: 256 in infer mode)
  --threads N     worker threads of the compiled code
)";

int runPredict(const CommandContext &Ctx, const Args &A) {
  ParsedArgs P("predict",
               {{"input", true},
                {"checkpoint", true},
                {"output", true},
                {"mode", true},
                {"batch-size", true},
                {"threads", true}},
               A);
  if (P.helpRequested()) {
    printHelp(Ctx, Help);
    return 0;
  }
  const ModelInfo &M = Ctx.Info;
  std::string In = P.required("input"), Ckpt = P.required("checkpoint"),
              Out = P.required("output"), Mode = P.str("mode", "infer");
  if (Mode != "infer" && Mode != "train")
    throw UsageError("predict: --mode must be 'infer' or 'train', got '" +
                     Mode + "'");
  int64_t Batch = P.integer("batch-size", 0, 1);
  setThreadCount(P.integer("threads", 0, 1, MaxThreads));
  const EntrySpec &Entry =
      requireEntry(M, Mode == "train" ? "forward_train" : "forward_infer",
                   "predict --mode " + Mode);
  if (sameFile(Out, Ckpt))
    throw Error("predict: --output " + Out +
                " is the checkpoint; predict never writes the checkpoint");

  State S = loadState(M, Ckpt, StateUse::Forward, M.Seed);
  Dataset D = loadDataset(M, In, /*WithLabels=*/false);
  checkWritable(Out);
  int64_t N = D.NumExamples;
  if (Batch == 0)
    Batch = Mode == "train" ? N : 256;
  Batch = std::max<int64_t>(1, std::min(Batch, N));
  if (Mode == "train")
    for (int64_t V : M.VirtualBatchSizes)
      for (int64_t B : {Batch, N % Batch})
        if (B % V != 0)
          throw Error("predict --mode train: a batch of " + std::to_string(B) +
                      " examples is not divisible by the model's "
                      "virtual_batch_size " +
                      std::to_string(V) + "; choose --batch-size accordingly");

  std::vector<Array> Outputs;
  for (const TensorSpec &T : M.Outputs)
    Outputs.emplace_back(T.Type, T.withBatch(N));
  for (int64_t Start = 0; Start < N; Start += Batch) {
    EntryBuffers B;
    B.Arena = S.arena();
    B.Batch = std::min(Batch, N - Start);
    for (const Array &X : D.Inputs)
      B.Inputs.push_back(exampleRow(X, Start));
    for (Array &Y : Outputs)
      B.Outputs.push_back(const_cast<void *>(exampleRow(Y, Start)));
    callEntry(M, Entry, B);
  }

  std::vector<ArrayView> Views;
  std::string Summary;
  for (size_t I = 0; I < Outputs.size(); ++I) {
    Views.push_back(ArrayView::of(M.Outputs[I].Name, Outputs[I]));
    Summary += (I ? ", " : "") + M.Outputs[I].Name + " " +
               shapeToString(Outputs[I].shape());
  }
  writeNpz(Out, Views);
  std::printf("wrote %s: %s\n", Out.c_str(), Summary.c_str());
  return 0;
}

} // namespace modelc::rt
