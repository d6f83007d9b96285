//===- commands_predict.cpp - `predict`: outputs for inputs ---------------===//

#include "modelc/runtime/args.h"
#include "modelc/runtime/atomic_file.h"
#include "modelc/runtime/commands.h"
#include "modelc/runtime/dataset.h"
#include "modelc/runtime/entry.h"
#include "modelc/runtime/error.h"
#include "modelc/runtime/metrics.h"
#include "modelc/runtime/npz.h"
#include "modelc/runtime/state.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace modelc::rt {

static const char *Help =
    R"(usage: PROG predict --input X.npz --checkpoint CKPT.npz --output Y.npz
                    [--mode infer|train] [--probabilities]
                    [--batch-size B] [--threads N]

Runs the forward pass on every example of X.npz (one array per model input)
or X.csv (a header row naming them) and writes one array per model output to
Y.npz. Never changes the checkpoint. A model whose forward state all comes
with it (an ONNX model's initializers), or that has none, runs on that state
when --checkpoint is not given.

  --mode infer    inference mode: moving statistics, no dropout (default)
  --mode train    batch statistics, as training=True in TF (still no state
                  change); the whole input is one batch unless --batch-size
  --probabilities also write `probabilities`: the softmax (softmax
                  cross-entropy) or sigmoid (sigmoid cross-entropy) of the
                  loss's logits, as Keras's predict returns for a model
                  ending in that activation
  --batch-size B  examples per call (default: 256 in infer mode)
  --threads N     worker threads of the compiled code
)";

/// softmax over the last axis, or the elementwise sigmoid, in double.
static Array probabilities(const ModelInfo &M, const Array &Logits) {
  Array P(DType::F32, Logits.shape());
  const float *L = Logits.as<float>();
  float *Out = P.as<float>();
  int64_t N = Logits.numElements();
  if (M.Loss == LossKind::SigmoidCrossEntropy) {
    for (int64_t I = 0; I < N; ++I)
      Out[I] = static_cast<float>(1 / (1 + std::exp(-double(L[I]))));
    return P;
  }
  int64_t K = Logits.shape().back();
  for (int64_t R = 0; R + K <= N; R += K) {
    double Max = *std::max_element(L + R, L + R + K), Sum = 0;
    for (int64_t J = 0; J < K; ++J)
      Sum += std::exp(double(L[R + J]) - Max);
    for (int64_t J = 0; J < K; ++J)
      Out[R + J] = static_cast<float>(std::exp(double(L[R + J]) - Max) / Sum);
  }
  return P;
}

std::string forwardCheckpoint(const ModelInfo &M, const ParsedArgs &P) {
  if (!P.has("checkpoint") && M.forwardStateIsImported())
    return "";
  return P.required("checkpoint");
}

State loadForwardState(const ModelInfo &M, const std::string &Ckpt) {
  return Ckpt.empty() ? initialState(M, M.Seed)
                      : loadState(M, Ckpt, StateUse::Forward, M.Seed);
}

int runPredict(const CommandContext &Ctx, const Args &A) {
  ParsedArgs P("predict",
               {{"input", true},
                {"checkpoint", true},
                {"output", true},
                {"mode", true},
                {"probabilities", false},
                {"batch-size", true},
                {"threads", true}},
               A);
  if (P.helpRequested()) {
    printHelp(Ctx, Help);
    return 0;
  }
  const ModelInfo &M = Ctx.Info;
  std::string In = P.required("input"), Ckpt = forwardCheckpoint(M, P),
              Out = P.required("output"), Mode = P.str("mode", "infer");
  if (Mode != "infer" && Mode != "train")
    throw UsageError("predict: --mode must be 'infer' or 'train', got '" +
                     Mode + "'");
  int64_t Batch = P.integer("batch-size", 0, 1);
  setThreadCount(P.integer("threads", 0, 1, MaxThreads));
  const EntrySpec &Entry =
      requireEntry(M, Mode == "train" ? "forward_train" : "forward_infer",
                   "predict --mode " + Mode);
  bool Probs = P.has("probabilities");
  if (Probs && !hasAccuracy(M))
    throw UsageError(
        "predict: --probabilities needs a softmax or sigmoid cross-entropy "
        "loss; the model's loss is " +
        (M.LossName.empty() ? std::string("none") : M.LossName));
  if (!Ckpt.empty() && sameFile(Out, Ckpt))
    throw Error("predict: --output " + Out +
                " is the checkpoint; predict never writes the checkpoint");

  State S = loadForwardState(M, Ckpt);
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
  Array Probabilities;
  if (Probs) {
    Probabilities = probabilities(M, Outputs[M.LossLogits]);
    std::string Name = "probabilities";
    for (const TensorSpec &T : M.Outputs)
      if (T.Name == Name)
        Name = M.Outputs[M.LossLogits].Name + "/probabilities";
    Views.push_back(ArrayView::of(Name, Probabilities));
    Summary += ", " + Name + " " + shapeToString(Probabilities.shape());
  }
  writeNpz(Out, Views);
  std::printf("wrote %s: %s\n", Out.c_str(), Summary.c_str());
  return 0;
}

} // namespace modelc::rt
