//===- entry.cpp - Calling compiled entry points --------------------------===//

#include "modelc/runtime/entry.h"
#include "modelc/runtime/error.h"

// Present only when libomp is linked (models compiled with threads).
extern "C" void omp_set_num_threads(int) __attribute__((weak));

namespace modelc::rt {

void MemRefArgs::add(const void *Data, const std::vector<int64_t> &Shape) {
  size_t Rank = Shape.size();
  auto D = std::make_unique<int64_t[]>(3 + 2 * Rank);
  // Compiled code never frees these: allocated == aligned, offset 0.
  auto Ptr = reinterpret_cast<int64_t>(Data);
  D[0] = Ptr;
  D[1] = Ptr;
  D[2] = 0;
  int64_t Stride = 1;
  for (size_t I = Rank; I-- > 0;) {
    D[3 + I] = Shape[I];
    D[3 + Rank + I] = Stride;
    Stride *= Shape[I];
  }
  Pointers.push_back(D.get());
  Descriptors.push_back(std::move(D));
}

void callEntry(const ModelInfo &Info, const EntrySpec &Entry,
               const EntryBuffers &B) {
  MemRefArgs Args;
  auto Need = [&](const void *P, const char *What) {
    if (!P)
      throw Error("internal error: entry '" + Entry.Name + "' needs " + What +
                  " which this command does not provide");
  };
  for (const EntryArg &A : Entry.Args) {
    switch (A.Kind) {
    case ArgKind::Arena:
      Args.add(B.Arena, {Info.StateSize});
      break;
    case ArgKind::Input:
      Need(A.Index < (int)B.Inputs.size() ? B.Inputs[A.Index] : nullptr,
           "an input");
      Args.add(B.Inputs[A.Index], Info.Inputs[A.Index].withBatch(B.Batch));
      break;
    case ArgKind::Label:
      Need(A.Index < (int)B.Labels.size() ? B.Labels[A.Index] : nullptr,
           "labels");
      Args.add(B.Labels[A.Index], Info.Labels[A.Index].withBatch(B.Batch));
      break;
    case ArgKind::Output:
      Need(A.Index < (int)B.Outputs.size() ? B.Outputs[A.Index] : nullptr,
           "an output");
      Args.add(B.Outputs[A.Index], Info.Outputs[A.Index].withBatch(B.Batch));
      break;
    case ArgKind::Loss:
      Need(B.Loss, "a loss");
      Args.add(B.Loss, {});
      break;
    case ArgKind::DataLoss:
      Need(B.DataLoss, "a data loss");
      Args.add(B.DataLoss, {});
      break;
    case ArgKind::Step:
      Need(B.Step, "a step");
      Args.add(B.Step, {});
      break;
    case ArgKind::Seed:
      Need(B.Seed, "a seed");
      Args.add(B.Seed, {});
      break;
    }
  }
  Entry.Fn(Args.args());
}

const EntrySpec &requireEntry(const ModelInfo &Info, const std::string &Name,
                              const std::string &Command) {
  if (const EntrySpec *E = Info.entry(Name))
    return *E;
  if (Name == "train_step" || Name == "eval")
    throw Error("'" + Command + "' is not available: model '" + Info.Name +
                "' was compiled without " +
                (Info.Loss == LossKind::None ? "a loss" : "training code") +
                " (no " + Name + " entry)");
  throw Error("'" + Command + "' is not available: model '" + Info.Name +
              "' has no " + Name + " entry");
}

void setThreadCount(int64_t Threads) {
  if (Threads > 0 && omp_set_num_threads)
    omp_set_num_threads(static_cast<int>(Threads));
}

} // namespace modelc::rt
