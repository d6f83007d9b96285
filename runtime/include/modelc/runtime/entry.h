//===- entry.h - Calling compiled entry points ------------------*- C++ -*-===//
//
// Builds the MLIR ranked-memref descriptors of docs/RUNTIME_ABI.md for one
// call and passes them, in the order the info JSON lists, to the entry.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_RUNTIME_ENTRY_H
#define MODELC_RUNTIME_ENTRY_H

#include "modelc/runtime/model_info.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace modelc::rt {

/// Descriptors `{allocated, aligned, offset, sizes[R], strides[R]}` for
/// contiguous row-major buffers, owned until destruction.
class MemRefArgs {
public:
  void add(const void *Data, const std::vector<int64_t> &Shape);
  void **args() { return Pointers.data(); }
  size_t size() const { return Pointers.size(); }

private:
  std::vector<std::unique_ptr<int64_t[]>> Descriptors;
  std::vector<void *> Pointers;
};

/// The buffers of one call; each pointer addresses `Batch` examples.
struct EntryBuffers {
  float *Arena = nullptr;
  int64_t Batch = 0;
  std::vector<const void *> Inputs; // One per model input.
  std::vector<const void *> Labels; // One per model label.
  std::vector<void *> Outputs;      // One per model output.
  float *Loss = nullptr;
  float *DataLoss = nullptr;
  int64_t *Step = nullptr;
  int64_t *Seed = nullptr;
};

/// Calls `Entry` with `Buffers`; throws Error if a buffer it needs is null.
void callEntry(const ModelInfo &Info, const EntrySpec &Entry,
               const EntryBuffers &Buffers);

/// The entry `Name` or an Error saying the model lacks it (e.g. compiled
/// with --inference-only).
const EntrySpec &requireEntry(const ModelInfo &Info, const std::string &Name,
                              const std::string &Command);

/// The largest --threads accepted (OpenMP takes an int; more threads than
/// this is a typing mistake, not a machine).
constexpr int64_t MaxThreads = 4096;

/// Applies --threads: OpenMP's thread count if libomp is linked in.
void setThreadCount(int64_t Threads);

} // namespace modelc::rt

#endif // MODELC_RUNTIME_ENTRY_H
