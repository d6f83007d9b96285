//===- model_info_fuzzer.cpp - libFuzzer target for the model info --------===//
//
// `modelc_model_info` is written by modelc, but the runtime validates it
// anyway (a stale or hand-edited object): it must reject anything malformed
// with Error("invalid model info: ..."), and what it accepts must be
// consistent enough to initialize.
//
//===----------------------------------------------------------------------===//
#include "modelc/runtime/error.h"
#include "modelc/runtime/model_info.h"
#include "modelc/runtime/state.h"

#include <cstdio>
#include <cstdlib>

using namespace modelc::rt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::string Text(reinterpret_cast<const char *>(Data), Size);
  ModelInfo Info;
  try {
    Info = parseModelInfo(Text.c_str());
  } catch (const Error &E) {
    if (std::string(E.what()).rfind("invalid model info: ", 0) != 0) {
      std::fprintf(stderr, "model_info_fuzzer: unexpected message: %s\n",
                   E.what());
      std::abort();
    }
    return 0;
  }
  // Accepted: every variable lies inside the arena.
  for (const StateVar &V : Info.State)
    if (V.Offset < 0 || V.Size < 0 || V.Offset > Info.StateSize ||
        V.Size > Info.StateSize - V.Offset ||
        checkedNumElements(V.Shape) != V.Size) {
      std::fprintf(stderr,
                   "model_info_fuzzer: '%s' accepted outside the "
                   "arena or with a wrong size\n",
                   V.Name.c_str());
      std::abort();
    }
  if (Info.StateSize <= (1 << 20))
    initialState(Info, 1);
  return 0;
}
