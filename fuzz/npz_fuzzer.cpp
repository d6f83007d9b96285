//===- npz_fuzzer.cpp - libFuzzer target for .npz data and checkpoints ----===//
//
// Reads the input as every command would: each array on its own, as the
// data file of `train`/`eval` and as the checkpoint of `eval`/`--init`/
// `--resume`, against the runtime's test model (testing/fake_model.c). Any
// rejection must be an Error with a message naming the file.
//
//===----------------------------------------------------------------------===//
#include "modelc/runtime/dataset.h"
#include "modelc/runtime/error.h"
#include "modelc/runtime/npz.h"
#include "modelc/runtime/state.h"

#include <cstdio>
#include <cstdlib>
#include <sys/mman.h>
#include <unistd.h>

using namespace modelc::rt;

namespace {

/// The input as a file (the reader maps paths), without touching the disk.
std::string asFile(const uint8_t *Data, size_t Size) {
  static int Fd = memfd_create("npz_fuzzer", 0);
  if (Fd < 0 || ftruncate(Fd, 0) != 0 ||
      pwrite(Fd, Data, Size, 0) != static_cast<ssize_t>(Size)) {
    std::perror("npz_fuzzer: memfd");
    std::abort();
  }
  return "/proc/self/fd/" + std::to_string(Fd);
}

template <typename F> void expectCleanError(const std::string &Path, F &&Fn) {
  try {
    Fn();
  } catch (const Error &E) {
    if (std::string(E.what()).find(Path) == std::string::npos) {
      std::fprintf(stderr, "npz_fuzzer: error does not name the file: %s\n",
                   E.what());
      std::abort();
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  // Arrays up to 256 MB are decoded; a larger claim gets the reader's
  // out-of-memory error (tested in tests/runtime/limits.test) instead of
  // exhausting the fuzzer's memory.
  setMemoryLimit(256u << 20);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::string Path = asFile(Data, Size);
  const ModelInfo &Info = linkedModel();
  expectCleanError(Path, [&] {
    NpzReader R(Path);
    for (const std::string &Name : R.names())
      expectCleanError(Path, [&] { R.read(Name); });
  });
  expectCleanError(Path, [&] { loadDataset(Info, Path, true); });
  expectCleanError(Path, [&] { loadDataset(Info, Path, false); });
  for (StateUse Use :
       {StateUse::Forward, StateUse::TrainInit, StateUse::Resume})
    expectCleanError(Path, [&] { loadState(Info, Path, Use, 1, true); });
  return 0;
}
