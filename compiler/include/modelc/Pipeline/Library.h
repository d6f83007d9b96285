//===- Library.h - the library form (--emit=lib) ----------------*- C++ -*-===//
//
// `modelc MODEL --emit=lib -o DIR` writes DIR/<name>.h, DIR/lib<name>.a,
// DIR/lib<name>.so and DIR/<name>.py. The runtime's C API
// (runtime/include/modelc/runtime/library.h) and the model are linked into
// one object whose only global symbols are `<prefix>_*`.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_PIPELINE_LIBRARY_H
#define MODELC_PIPELINE_LIBRARY_H

#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <string>
#include <vector>

namespace llvm {
class Module;
} // namespace llvm

namespace modelc {

/// What the header and the wrappers need of `modelc_model_info`.
struct LibraryTensor {
  std::string name, dtype;
  std::vector<int64_t> shape; // shape[0] == -1, the batch
};

struct LibrarySignature {
  std::string name, fingerprint;
  int64_t seed = 0, stateSize = 0, stateCount = 0;
  std::vector<LibraryTensor> inputs, labels, outputs;
  bool hasTrainStep = false, hasEval = false, hasForwardTrain = false;
};

/// Parses the model-info JSON (docs/RUNTIME_ABI.md).
LibrarySignature parseLibrarySignature(const std::string &modelInfo);

/// Whether `s` is a C identifier (letters, digits, '_'; no leading digit).
bool isCIdentifier(const std::string &s);

/// Adds `<prefix>_train_step`, `<prefix>_predict` and `<prefix>_eval` with
/// one pointer per input, label and output to `module`; they call the
/// runtime's `modelc_api_*_arrays`. Returns the names added.
std::vector<std::string> addTypedLibraryEntries(llvm::Module &module,
                                                const LibrarySignature &sig,
                                                const std::string &prefix);

/// The C99/C++ header `<name>.h`.
std::string libraryHeader(const LibrarySignature &sig,
                          const std::string &prefix, bool openmp);

/// The ctypes wrapper `<name>.py` (SPEC 5).
std::string libraryPythonWrapper(const LibrarySignature &sig,
                                 const std::string &prefix);

/// Links `objects` with the library runtime into one object, keeps only
/// `<prefix>_*` global (the runtime's `modelc_api_X` become `<prefix>_X`,
/// `typedEntries` stay), and writes lib<name>.a and lib<name>.so into `dir`
/// together with the `extraFiles` (file name, contents); all or nothing.
mlir::LogicalResult
linkLibrary(llvm::ArrayRef<std::string> objects, const std::string &dir,
            const std::string &name, const std::string &prefix,
            llvm::ArrayRef<std::string> typedEntries,
            llvm::ArrayRef<std::pair<std::string, std::string>> extraFiles,
            const std::string &argv0, bool openmp, std::string &error);

} // namespace modelc

#endif // MODELC_PIPELINE_LIBRARY_H
