//===- commands_bench.cpp - `bench`: time train steps and inference -------===//

#include "modelc/runtime/args.h"
#include "modelc/runtime/commands.h"
#include "modelc/runtime/entry.h"
#include "modelc/runtime/error.h"
#include "modelc/runtime/profile.h"
#include "modelc/runtime/random.h"
#include "modelc/runtime/state.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

namespace modelc::rt {

static const char *Help =
    R"(usage: PROG bench [--batch-size B] [--steps N] [--threads N] [--profile]
                  [--peak-gflops G]

Times train_step, forward_infer and forward_train on random data with a
freshly initialized state (nothing is read or written): milliseconds per call
(median, min, max) and examples per second at the median.

  --batch-size B  examples per call (default 32)
  --steps N       timed calls per entry, after 2 warm-up calls (default 20)
  --threads N     worker threads of the compiled code
  --profile       after each entry's timing, the time of each of its kernels
                  (a loop nest, named by the layer it computes), the largest
                  first, then per layer with convolutions or matrix
                  products their GFLOP/s; needs a model compiled with
                  `modelc --profile`
  --peak-gflops G with --profile: also each layer's share of G, the
                  machine's measured FMA peak (bench/fma_peak.c)
)";

namespace {

/// Random but valid data: inputs in [-1, 1) (integer inputs 0, a valid token
/// id for any vocabulary), labels valid for the loss.
Array randomTensor(const ModelInfo &M, const TensorSpec &T, int64_t Batch,
                   bool IsLossLabel) {
  Array A(T.Type, T.withBatch(Batch));
  Rng R(M.Seed, "bench/" + T.Name);
  int64_t N = A.numElements();
  if (T.Type == DType::F32) {
    float *P = A.as<float>();
    for (int64_t I = 0; I < N; ++I)
      P[I] = static_cast<float>(IsLossLabel &&
                                        M.Loss == LossKind::SigmoidCrossEntropy
                                    ? (R.uniform() < 0.5 ? 0.0 : 1.0)
                                    : 2 * R.uniform() - 1);
  } else if (IsLossLabel && M.Loss == LossKind::SoftmaxCrossEntropy &&
             T.Type == DType::I32) {
    uint64_t Classes = M.Outputs[M.LossLogits].Shape.back();
    int32_t *P = A.as<int32_t>();
    for (int64_t I = 0; I < N; ++I)
      P[I] = static_cast<int32_t>(R.below(Classes ? Classes : 1));
  }
  return A;
}

struct Timing {
  double Median = 0, Min = 0, Max = 0;
};

template <typename Fn, typename Warm>
Timing timeCalls(int64_t Steps, Fn &&Call, Warm &&WarmedUp) {
  for (int I = 0; I < 2; ++I)
    Call();
  WarmedUp();
  std::vector<double> Ms;
  for (int64_t I = 0; I < Steps; ++I) {
    auto T0 = std::chrono::steady_clock::now();
    Call();
    Ms.push_back(std::chrono::duration<double, std::milli>(
                     std::chrono::steady_clock::now() - T0)
                     .count());
  }
  std::sort(Ms.begin(), Ms.end());
  size_t K = Ms.size();
  return {K % 2 ? Ms[K / 2] : (Ms[K / 2 - 1] + Ms[K / 2]) / 2, Ms.front(),
          Ms.back()};
}

/// Each kernel of `Entry` with its time per call of the entry and its share
/// of the entry's median, the largest first (the top 20, then the rest as one
/// line).
/// Per layer with contractions (convolutions, matrix products and their
/// gradients): the time of its kernels and the GFLOP/s (2 flops per
/// multiply-add) they reach, and which share of `PeakGflops` (when given).
/// Layers computed in one kernel with others (a block of images) make one
/// row, that kernel's "first..last": its time cannot be split among them,
/// and a kernel named after one of them (a filter's panels, copied before
/// the block's loop) adds to it.
void reportLayerRates(const ModelInfo &M, const std::string &Entry,
                      const std::vector<KernelTime> &Times, int64_t EntryCalls,
                      int64_t Batch, double PeakGflops) {
  std::map<std::string, std::string> Group;
  for (const KernelInfo &K : M.Kernels)
    if (K.Entry == Entry)
      for (const std::string &L : K.Layers)
        Group.emplace(L, K.Layer);
  auto groupOf = [&](const std::string &Layer) {
    auto It = Group.find(Layer);
    return It == Group.end() ? Layer : It->second;
  };
  struct Row {
    std::string Name;
    int64_t MultiplyAdds = 0;
    double Ms = 0;
  };
  std::vector<Row> Rows;
  for (const WorkInfo &W : M.Work) {
    if (W.Entry != Entry || W.MultiplyAdds <= 0)
      continue;
    std::string Name = groupOf(W.Layer);
    auto It = std::find_if(Rows.begin(), Rows.end(),
                           [&](const Row &R) { return R.Name == Name; });
    if (It == Rows.end())
      It = Rows.insert(Rows.end(), Row{Name});
    It->MultiplyAdds += W.MultiplyAdds;
  }
  for (size_t I = 0; I < M.Kernels.size() && I < Times.size(); ++I) {
    if (M.Kernels[I].Entry != Entry)
      continue;
    std::string Name = groupOf(M.Kernels[I].Layer);
    for (Row &R : Rows)
      if (R.Name == Name)
        R.Ms += Times[I].Seconds * 1000 / EntryCalls;
  }
  Rows.erase(std::remove_if(Rows.begin(), Rows.end(),
                            [](const Row &R) { return R.Ms <= 0; }),
             Rows.end());
  if (Rows.empty())
    return;
  std::sort(Rows.begin(), Rows.end(), [](const Row &A, const Row &B) {
    return A.Ms > B.Ms || (A.Ms == B.Ms && A.Name < B.Name);
  });
  std::printf("  %-24s %10s %10s %10s%s\n", "layer (contractions)", "GFLOP",
              "ms/call", "GFLOP/s", PeakGflops > 0 ? "   of peak" : "");
  for (const Row &R : Rows) {
    double Gflop = 2.0 * static_cast<double>(R.MultiplyAdds) * Batch / 1e9;
    double Rate = Gflop / (R.Ms / 1000);
    std::printf("  %-24s %10.3f %10.3f %10.1f", R.Name.c_str(), Gflop, R.Ms,
                Rate);
    if (PeakGflops > 0)
      std::printf(" %9.1f%%", 100 * Rate / PeakGflops);
    std::printf("\n");
  }
}

void reportKernels(const ModelInfo &M, const std::string &Entry,
                   const std::vector<KernelTime> &Times, int64_t EntryCalls,
                   double MedianMs) {
  std::vector<size_t> Ids;
  for (size_t I = 0; I < M.Kernels.size() && I < Times.size(); ++I)
    if (M.Kernels[I].Entry == Entry && Times[I].Calls > 0)
      Ids.push_back(I);
  std::stable_sort(Ids.begin(), Ids.end(), [&](size_t X, size_t Y) {
    return Times[X].Seconds > Times[Y].Seconds;
  });
  double Total = 0;
  for (size_t I : Ids)
    Total += Times[I].Seconds * 1000 / EntryCalls;
  std::printf("  %-24s %-28s %10s %7s\n", "layer", "kernel", "ms/call",
              "share");
  double Rest = 0;
  size_t Others = 0;
  for (size_t N = 0; N < Ids.size(); ++N) {
    double Ms = Times[Ids[N]].Seconds * 1000 / EntryCalls;
    if (N >= 20) {
      Rest += Ms;
      ++Others;
      continue;
    }
    const KernelInfo &K = M.Kernels[Ids[N]];
    std::printf("  %-24s %-28s %10.3f %6.1f%%\n",
                K.Layer.empty() ? "-" : K.Layer.c_str(), K.Name.c_str(), Ms,
                MedianMs > 0 ? 100 * Ms / MedianMs : 0.0);
  }
  if (Others)
    std::printf("  %-24s %-28s %10.3f %6.1f%%\n", "(others)",
                (std::to_string(Others) + " kernels").c_str(), Rest,
                MedianMs > 0 ? 100 * Rest / MedianMs : 0.0);
  std::printf("  %-24s %-28s %10.3f %6.1f%%\n", "(all kernels)",
              (std::to_string(Ids.size()) + " kernels").c_str(), Total,
              MedianMs > 0 ? 100 * Total / MedianMs : 0.0);
}

void report(const char *Name, int64_t Batch, const Timing &T) {
  std::printf("%-14s median %.3f ms  min %.3f ms  max %.3f ms  "
              "%.1f examples/s\n",
              Name, T.Median, T.Min, T.Max,
              T.Median > 0 ? Batch * 1000.0 / T.Median : 0.0);
}

} // namespace

int runBench(const CommandContext &Ctx, const Args &A) {
  ParsedArgs P("bench",
               {{"batch-size", true},
                {"steps", true},
                {"threads", true},
                {"profile", false},
                {"peak-gflops", true}},
               A);
  if (P.helpRequested()) {
    printHelp(Ctx, Help);
    return 0;
  }
  const ModelInfo &M = Ctx.Info;
  int64_t Batch = P.integer("batch-size", 32, 1);
  int64_t Steps = P.integer("steps", 20, 1);
  setThreadCount(P.integer("threads", 0, 1, MaxThreads));
  for (int64_t V : M.VirtualBatchSizes)
    if (Batch % V != 0)
      throw Error("bench: --batch-size " + std::to_string(Batch) +
                  " is not divisible by the model's virtual_batch_size " +
                  std::to_string(V));

  bool Profile = P.has("profile");
  double PeakGflops = P.number("peak-gflops", 0, 0);
  if (P.has("peak-gflops") && !Profile)
    throw UsageError("bench: --peak-gflops applies to --profile");
  if (Profile && M.Kernels.empty())
    throw Error("bench: --profile needs a model compiled with `modelc "
                "--profile` (this one times no kernels)");

  State S = initialState(M, M.Seed);
  std::vector<Array> Inputs, Labels, Outputs;
  for (const TensorSpec &T : M.Inputs)
    Inputs.push_back(randomTensor(M, T, Batch, false));
  for (size_t I = 0; I < M.Labels.size(); ++I)
    Labels.push_back(randomTensor(M, M.Labels[I], Batch,
                                  static_cast<int>(I) == M.LossLabels));
  for (const TensorSpec &T : M.Outputs)
    Outputs.emplace_back(T.Type, T.withBatch(Batch));
  float Loss = 0, DataLoss = 0;
  int64_t Step = 0, Seed = M.Seed;
  EntryBuffers B;
  B.Arena = S.arena();
  B.Batch = Batch;
  for (Array &X : Inputs)
    B.Inputs.push_back(X.data());
  for (Array &L : Labels)
    B.Labels.push_back(L.data());
  for (Array &Y : Outputs)
    B.Outputs.push_back(Y.data());
  B.Loss = &Loss;
  B.DataLoss = &DataLoss;
  B.Step = &Step;
  B.Seed = &Seed;

  std::printf("bench '%s': batch size %lld, %lld timed calls per entry after "
              "2 warm-up calls\n",
              M.Name.c_str(), static_cast<long long>(Batch),
              static_cast<long long>(Steps));
  // Times one entry (with its kernels when profiling, from the timed calls
  // after the warm-up; the timers' small cost is in the entry's time).
  auto bench = [&](const char *Entry, auto &&Call) {
    Timing T = timeCalls(Steps, Call, [&] {
      if (Profile)
        startProfile(M.Kernels.size());
    });
    std::vector<KernelTime> Times;
    if (Profile)
      Times = stopProfile();
    report(Entry, Batch, T);
    if (Profile) {
      reportKernels(M, Entry, Times, Steps, T.Median);
      reportLayerRates(M, Entry, Times, Steps, Batch, PeakGflops);
    }
  };
  bool Any = false;
  if (const EntrySpec *E = M.entry("train_step")) {
    bench("train_step", [&] {
      callEntry(M, *E, B);
      ++Step;
    });
    Any = true;
  }
  if (const EntrySpec *E = M.entry("forward_infer")) {
    bench("forward_infer", [&] { callEntry(M, *E, B); });
    Any = true;
  }
  // Training-mode forward alone (batch statistics, no gradients): what a
  // kernel benchmark of batch norm's training path needs.
  if (const EntrySpec *E = M.entry("forward_train")) {
    bench("forward_train", [&] { callEntry(M, *E, B); });
    Any = true;
  }
  if (!Any)
    throw Error("bench: model '" + M.Name +
                "' has neither train_step nor forward_infer");
  return 0;
}

} // namespace modelc::rt
