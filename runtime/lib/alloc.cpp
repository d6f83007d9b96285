//===- alloc.cpp - Heap allocation for compiled code ----------------------===//
//
// modelc lowers memref allocations to these functions (MLIR's "generic"
// allocation functions) instead of malloc/free, so that a step too large
// for the machine ends in a message and exit 1, not in a null pointer
// dereference or the kernel's out-of-memory killer. No file is being
// written while a compiled entry runs, so exiting leaves every file intact.
//
//===----------------------------------------------------------------------===//

#include "modelc/runtime/array.h"
#include "modelc/runtime/error.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace modelc::rt {

const char *ProgramName = "modelc runtime";

[[noreturn]] static void outOfMemory(const std::string &Why) {
  std::fflush(stdout);
  std::fprintf(stderr,
               "%s: error: out of memory in the compiled model: %s (try a "
               "smaller --batch-size)\n",
               ProgramName, Why.c_str());
  std::_Exit(1);
}

} // namespace modelc::rt

using namespace modelc::rt;

extern "C" void *_mlir_memref_to_llvm_alloc(uint64_t Size) {
  try {
    checkMemory(Size, "a buffer");
  } catch (const Error &E) {
    outOfMemory(E.what());
  }
  void *P = std::malloc(Size ? Size : 1);
  if (!P)
    outOfMemory("a buffer of " + std::to_string(Size) +
                " bytes could not be allocated");
  return P;
}

extern "C" void *_mlir_memref_to_llvm_aligned_alloc(uint64_t Alignment,
                                                    uint64_t Size) {
  // aligned_alloc wants a multiple of the alignment.
  uint64_t Rounded = (Size + Alignment - 1) / Alignment * Alignment;
  try {
    checkMemory(Rounded, "a buffer");
  } catch (const Error &E) {
    outOfMemory(E.what());
  }
  void *P = std::aligned_alloc(Alignment, Rounded ? Rounded : Alignment);
  if (!P)
    outOfMemory("a buffer of " + std::to_string(Size) +
                " bytes could not be allocated");
  return P;
}

extern "C" void _mlir_memref_to_llvm_free(void *P) { std::free(P); }
