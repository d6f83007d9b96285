//===- library.cpp - The library form's C API (modelc_api_*) --------------===//
//
// Every function catches everything: a status code crosses the C boundary,
// the message stays in the instance (`last_error`). An instance owns its
// state and scratch buffers; nothing here is shared between instances
// except the parsed model info, which is immutable once built.
//
//===----------------------------------------------------------------------===//

#include "modelc/runtime/library.h"
#include "modelc/runtime/dataset.h"
#include "modelc/runtime/entry.h"
#include "modelc/runtime/error.h"
#include "modelc/runtime/metrics.h"
#include "modelc/runtime/state.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <malloc.h>
#include <mutex>
#include <new>

extern "C" {
extern const char modelc_model_info[];
// Present only when libomp is linked (models compiled with threads).
int omp_get_max_threads(void) __attribute__((weak));
void omp_set_num_threads(int) __attribute__((weak));
}

using namespace modelc::rt;

struct modelc_api_model {
  const ModelInfo *Info = nullptr;
  State S;
  int Threads = 0; // 0: OpenMP's default.
  std::string LastError;
  std::vector<Array> Outputs; // Scratch outputs of train_step and eval.
};

namespace {

/// An error with its status code (Error and the rest map by kind).
struct ApiError {
  int Code;
  std::string Message;
};

ApiError invalid(const std::string &Message) {
  return {MODELC_API_INVALID_ARGUMENT, Message};
}

// Errors of create, which has no instance to keep them in.
thread_local std::string CreateError;

/// Runs `Body`, turning every exception into a status and a message.
template <typename F>
int guarded(std::string &LastError, int FileCode, F Body) {
  try {
    Body();
    LastError.clear();
    return MODELC_API_OK;
  } catch (const ApiError &E) {
    LastError = E.Message;
    return E.Code;
  } catch (const Error &E) {
    LastError = E.what();
    return FileCode;
  } catch (const std::bad_alloc &) {
    LastError = "out of memory";
    return MODELC_API_OUT_OF_MEMORY;
  } catch (const std::exception &E) {
    LastError = std::string("internal error: ") + E.what();
    return MODELC_API_INTERNAL;
  } catch (...) {
    LastError = "internal error";
    return MODELC_API_INTERNAL;
  }
}

/// `guarded` for a call on an instance; a NULL instance has nowhere to keep
/// a message.
template <typename F>
int onModel(modelc_api_model *Model, int ErrorCode, F Body) {
  if (!Model)
    return MODELC_API_INVALID_ARGUMENT;
  return guarded(Model->LastError, ErrorCode, Body);
}

/// Applies the instance's thread count for one call, then restores the
/// calling thread's own setting.
class ThreadScope {
public:
  explicit ThreadScope(int Threads) {
    if (Threads > 0 && omp_set_num_threads && omp_get_max_threads) {
      Saved = omp_get_max_threads();
      omp_set_num_threads(Threads);
    }
  }
  ~ThreadScope() {
    if (Saved > 0)
      omp_set_num_threads(Saved);
  }

private:
  int Saved = 0;
};

/// The executable's check that the build has the entry, as UNSUPPORTED.
const EntrySpec &entryOf(const ModelInfo &M, const char *Name,
                         const char *Function) {
  try {
    return requireEntry(M, Name, Function);
  } catch (const Error &E) {
    throw ApiError{MODELC_API_UNSUPPORTED, E.what()};
  }
}

std::vector<const void *> buffers(const void *const *Ptrs,
                                  const std::vector<TensorSpec> &Specs,
                                  const char *Function, const char *What) {
  if (!Specs.empty() && !Ptrs)
    throw invalid(std::string(Function) + ": " + What + "s is NULL");
  std::vector<const void *> Out;
  for (size_t I = 0; I < Specs.size(); ++I) {
    if (!Ptrs[I])
      throw invalid(std::string(Function) + ": " + What + " '" + Specs[I].Name +
                    "' is NULL");
    Out.push_back(Ptrs[I]);
  }
  return Out;
}

void checkBatch(const ModelInfo &M, int64_t Batch, const char *Function,
                bool Ghost) {
  if (Batch < 1)
    throw invalid(std::string(Function) + ": batch is " +
                  std::to_string(Batch) + "; it must be at least 1");
  if (Ghost)
    for (int64_t V : M.VirtualBatchSizes)
      if (Batch % V != 0)
        throw invalid(std::string(Function) + ": batch " +
                      std::to_string(Batch) +
                      " is not divisible by the model's virtual_batch_size " +
                      std::to_string(V));
}

/// Scratch outputs for `Batch` examples, reused across calls.
std::vector<void *> scratchOutputs(modelc_api_model *Model, int64_t Batch) {
  const ModelInfo &M = *Model->Info;
  if (Model->Outputs.empty() || Model->Outputs[0].shape()[0] < Batch) {
    Model->Outputs.clear();
    for (const TensorSpec &T : M.Outputs)
      Model->Outputs.emplace_back(T.Type, T.withBatch(Batch));
  }
  std::vector<void *> Out;
  for (Array &A : Model->Outputs)
    Out.push_back(A.data());
  return Out;
}

/// Range errors of the caller's buffers are argument errors.
void checkRanges(const ModelInfo &M, const std::vector<const void *> &Inputs,
                 const std::vector<const void *> &Labels, int64_t Batch,
                 const char *Function) {
  try {
    checkValueRanges(M, Inputs, Labels, Batch, std::string(Function) + ": ");
  } catch (const Error &E) {
    throw invalid(E.what());
  }
}

bool validIndex(const modelc_api_model *Model, int64_t Index) {
  return Model && Index >= 0 &&
         Index < static_cast<int64_t>(Model->Info->State.size());
}

} // namespace

extern "C" {

int modelc_api_abi_version(void) { return MODELC_API_ABI_VERSION; }

const char *modelc_api_signature_json(void) { return modelc_model_info; }

int modelc_api_create(modelc_api_model **Model, int64_t Seed) {
  // As the executable's main() does: compiled calls allocate and free large
  // temporaries every time; glibc's default (fresh mmaps, trimmed heap)
  // makes each call page-fault them in again (text CNN predict, batch 64:
  // 10.4 ms instead of 7.5 ms). Process-wide and once; see RUNTIME_ABI.md.
  static std::once_flag Tuned;
  std::call_once(Tuned, [] {
    mallopt(M_MMAP_THRESHOLD, 512 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    try { // Names the model in the compiled code's out-of-memory message.
      ProgramName = linkedModel().Name.c_str();
    } catch (const std::exception &) {
    }
  });
  return guarded(CreateError, MODELC_API_INTERNAL, [&] {
    if (!Model)
      throw invalid("create: model is NULL");
    *Model = nullptr;
    auto *M = new modelc_api_model;
    try {
      M->Info = &linkedModel();
      M->S = initialState(*M->Info, Seed);
    } catch (...) {
      delete M;
      throw;
    }
    *Model = M;
  });
}

void modelc_api_destroy(modelc_api_model *Model) { delete Model; }

const char *modelc_api_last_error(const modelc_api_model *Model) {
  return Model ? Model->LastError.c_str() : CreateError.c_str();
}

int modelc_api_init(modelc_api_model *Model, int64_t Seed) {
  return onModel(Model, MODELC_API_INTERNAL, [&] {
    State S = initialState(*Model->Info, Seed);
    Model->S = std::move(S);
  });
}

int modelc_api_load(modelc_api_model *Model, const char *Path) {
  return onModel(Model, MODELC_API_FILE, [&] {
    if (!Path)
      throw invalid("load: path is NULL");
    // Like `train --resume`: the forward pass's arrays are required,
    // missing optimizer slots start from their initializers.
    State S = loadState(*Model->Info, Path, StateUse::Resume, Model->S.Seed,
                        /*PreferStoredSeed=*/true);
    Model->S = std::move(S);
  });
}

int modelc_api_save(modelc_api_model *Model, const char *Path) {
  return onModel(Model, MODELC_API_FILE, [&] {
    if (!Path)
      throw invalid("save: path is NULL");
    saveCheckpoint(*Model->Info, Model->S, Path);
  });
}

int modelc_api_set_threads(modelc_api_model *Model, int Threads) {
  return onModel(Model, MODELC_API_INTERNAL, [&] {
    if (Threads < 0)
      throw invalid("set_threads: threads is " + std::to_string(Threads) +
                    "; give 0 (all cores) or more");
    Model->Threads = Threads;
  });
}

int modelc_api_train_step_arrays(modelc_api_model *Model,
                                 const void *const *Inputs,
                                 const void *const *Labels, int64_t Batch,
                                 float *Loss) {
  return onModel(Model, MODELC_API_INTERNAL, [&] {
    const ModelInfo &M = *Model->Info;
    const EntrySpec &Entry = entryOf(M, "train_step", "train_step");
    EntryBuffers B;
    B.Inputs = buffers(Inputs, M.Inputs, "train_step", "input");
    B.Labels = buffers(Labels, M.Labels, "train_step", "label");
    checkBatch(M, Batch, "train_step", /*Ghost=*/true);
    checkRanges(M, B.Inputs, B.Labels, Batch, "train_step");
    B.Arena = Model->S.arena();
    B.Batch = Batch;
    B.Outputs = scratchOutputs(Model, Batch);
    float StepLoss = 0, DataLoss = 0;
    int64_t Step = Model->S.GlobalStep, Seed = Model->S.Seed;
    B.Loss = &StepLoss;
    B.DataLoss = &DataLoss;
    B.Step = &Step;
    B.Seed = &Seed;
    {
      ThreadScope T(Model->Threads);
      callEntry(M, Entry, B);
    }
    if (Loss)
      *Loss = StepLoss;
    if (!std::isfinite(StepLoss))
      throw ApiError{MODELC_API_NUMERIC,
                     std::string("train_step: the loss is ") +
                         (std::isnan(StepLoss) ? "NaN" : "Inf") + " at step " +
                         std::to_string(Model->S.GlobalStep + 1) +
                         "; the state holds that step's update and "
                         "global_step was not advanced: load the last good "
                         "checkpoint"};
    Model->S.GlobalStep += 1;
  });
}

int modelc_api_predict_arrays(modelc_api_model *Model, int Mode,
                              const void *const *Inputs, int64_t Batch,
                              void *const *Outputs) {
  return onModel(Model, MODELC_API_INTERNAL, [&] {
    const ModelInfo &M = *Model->Info;
    if (Mode != MODELC_API_MODE_INFER && Mode != MODELC_API_MODE_TRAIN)
      throw invalid("predict: mode is " + std::to_string(Mode) +
                    "; use 0 (infer) or 1 (train)");
    bool Train = Mode == MODELC_API_MODE_TRAIN;
    const EntrySpec &Entry =
        entryOf(M, Train ? "forward_train" : "forward_infer", "predict");
    EntryBuffers B;
    B.Inputs = buffers(Inputs, M.Inputs, "predict", "input");
    if (!Outputs)
      throw invalid("predict: outputs is NULL");
    for (size_t I = 0; I < M.Outputs.size(); ++I) {
      if (!Outputs[I])
        throw invalid("predict: output '" + M.Outputs[I].Name + "' is NULL");
      B.Outputs.push_back(Outputs[I]);
    }
    checkBatch(M, Batch, "predict", /*Ghost=*/Train);
    checkRanges(M, B.Inputs, {}, Batch, "predict");
    B.Arena = Model->S.arena();
    B.Batch = Batch;
    ThreadScope T(Model->Threads);
    callEntry(M, Entry, B);
  });
}

int modelc_api_eval_arrays(modelc_api_model *Model, const void *const *Inputs,
                           const void *const *Labels, int64_t Batch,
                           float *Loss, float *Accuracy) {
  return onModel(Model, MODELC_API_INTERNAL, [&] {
    const ModelInfo &M = *Model->Info;
    const EntrySpec &Entry = entryOf(M, "eval", "eval");
    std::vector<const void *> In = buffers(Inputs, M.Inputs, "eval", "input");
    std::vector<const void *> Lab = buffers(Labels, M.Labels, "eval", "label");
    checkBatch(M, Batch, "eval", /*Ghost=*/false);
    checkRanges(M, In, Lab, Batch, "eval");
    // Chunks like the executable's `eval`, so scratch stays bounded.
    const int64_t Chunk = 256;
    std::vector<void *> Out = scratchOutputs(Model, std::min(Batch, Chunk));
    MetricSums Sums(M);
    ThreadScope T(Model->Threads);
    for (int64_t First = 0; First < Batch; First += Chunk) {
      EntryBuffers B;
      B.Arena = Model->S.arena();
      B.Batch = std::min(Chunk, Batch - First);
      for (size_t I = 0; I < In.size(); ++I)
        B.Inputs.push_back(static_cast<const char *>(In[I]) +
                           First * M.Inputs[I].exampleElements() *
                               dtypeItemSize(M.Inputs[I].Type));
      for (size_t I = 0; I < Lab.size(); ++I)
        B.Labels.push_back(static_cast<const char *>(Lab[I]) +
                           First * M.Labels[I].exampleElements() *
                               dtypeItemSize(M.Labels[I].Type));
      B.Outputs = Out;
      float L = 0, D = 0;
      B.Loss = &L;
      B.DataLoss = &D;
      callEntry(M, Entry, B);
      if (M.Loss != LossKind::None)
        Sums.Metrics.add(Out[M.LossLogits], B.Labels[M.LossLabels], B.Batch);
      Sums.add(L, D, B.Batch);
    }
    if (Loss)
      *Loss = static_cast<float>(Sums.meanLoss());
    if (Accuracy)
      *Accuracy = hasAccuracy(M) ? static_cast<float>(Sums.accuracy())
                                 : std::numeric_limits<float>::quiet_NaN();
  });
}

int64_t modelc_api_state_count(const modelc_api_model *Model) {
  return Model ? static_cast<int64_t>(Model->Info->State.size()) : 0;
}

int64_t modelc_api_state_find(const modelc_api_model *Model, const char *Name) {
  if (!Model || !Name)
    return -1;
  const auto &State = Model->Info->State;
  for (size_t I = 0; I < State.size(); ++I)
    if (State[I].Name == Name)
      return static_cast<int64_t>(I);
  return -1;
}

const char *modelc_api_state_name(const modelc_api_model *Model,
                                  int64_t Index) {
  return validIndex(Model, Index) ? Model->Info->State[Index].Name.c_str()
                                  : nullptr;
}

const char *modelc_api_state_role(const modelc_api_model *Model,
                                  int64_t Index) {
  return validIndex(Model, Index) ? roleName(Model->Info->State[Index].Role)
                                  : nullptr;
}

int32_t modelc_api_state_rank(const modelc_api_model *Model, int64_t Index) {
  return validIndex(Model, Index)
             ? static_cast<int32_t>(Model->Info->State[Index].Shape.size())
             : -1;
}

const int64_t *modelc_api_state_shape(const modelc_api_model *Model,
                                      int64_t Index) {
  return validIndex(Model, Index) ? Model->Info->State[Index].Shape.data()
                                  : nullptr;
}

int64_t modelc_api_state_size(const modelc_api_model *Model, int64_t Index) {
  return validIndex(Model, Index) ? Model->Info->State[Index].Size : -1;
}

float *modelc_api_state_data(modelc_api_model *Model, int64_t Index) {
  return validIndex(Model, Index)
             ? Model->S.arena() + Model->Info->State[Index].Offset
             : nullptr;
}

int64_t modelc_api_global_step(const modelc_api_model *Model) {
  return Model ? Model->S.GlobalStep : -1;
}

int modelc_api_set_global_step(modelc_api_model *Model, int64_t Step) {
  return onModel(Model, MODELC_API_INTERNAL, [&] {
    if (Step < 0)
      throw invalid("set_global_step: step is " + std::to_string(Step) +
                    "; it must be at least 0");
    Model->S.GlobalStep = Step;
  });
}

} // extern "C"
