//===- csv_fuzzer.cpp - libFuzzer target for CSV data ---------------------===//
//
// Reads the input as the CSV data of `train`/`eval` (with labels) and of
// `predict` (without), against the runtime's test model
// (testing/fake_model.c). A rejection must be an Error naming the file; an
// accepted file must give arrays of one batch size.
//
//===----------------------------------------------------------------------===//
#include "modelc/runtime/dataset.h"
#include "modelc/runtime/error.h"

#include <cstdio>
#include <cstdlib>
#include <sys/mman.h>
#include <unistd.h>

using namespace modelc::rt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  static int Fd = memfd_create("csv_fuzzer", 0);
  if (Fd < 0 || ftruncate(Fd, 0) != 0 ||
      pwrite(Fd, Data, Size, 0) != static_cast<ssize_t>(Size)) {
    std::perror("csv_fuzzer: memfd");
    std::abort();
  }
  std::string Path = "/proc/self/fd/" + std::to_string(Fd);
  const ModelInfo &Info = linkedModel();
  for (bool Labels : {true, false}) {
    try {
      Dataset D = loadCsvDataset(Info, Path, Labels);
      for (const auto *List : {&D.Inputs, &D.Labels})
        for (const Array &A : *List)
          if (A.shape()[0] != D.NumExamples) {
            std::fprintf(stderr, "csv_fuzzer: batch sizes disagree\n");
            std::abort();
          }
    } catch (const Error &E) {
      if (std::string(E.what()).find(Path) == std::string::npos) {
        std::fprintf(stderr, "csv_fuzzer: error does not name the file: %s\n",
                     E.what());
        std::abort();
      }
    }
  }
  return 0;
}
