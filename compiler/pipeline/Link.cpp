//===- Link.cpp - objects + runtime -> executable -------------------------===//
//
// The only external program modelc runs: the system's C++ compiler driver as
// a linker, like any compiler's final step.
//
//===----------------------------------------------------------------------===//
#include "modelc/Pipeline/Pipeline.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

using namespace mlir;

namespace {

/// The runtime archive next to the tools: <prefix>/bin/modelc ->
/// <prefix>/lib/libmodelc_runtime.a.
std::string runtimeArchive(const std::string &argv0) {
  std::string exe = llvm::sys::fs::getMainExecutable(
      argv0.c_str(), reinterpret_cast<void *>(&runtimeArchive));
  llvm::SmallString<256> path(llvm::sys::path::parent_path(exe));
  llvm::sys::path::append(path, "..", "lib", "libmodelc_runtime.a");
  return std::string(path);
}

} // namespace

LogicalResult modelc::linkExecutable(llvm::ArrayRef<std::string> objects,
                                     const std::string &output,
                                     const std::string &argv0, bool openmp,
                                     std::string &error) {
  std::string runtime = runtimeArchive(argv0);
  if (!llvm::sys::fs::exists(runtime)) {
    error = "runtime library not found at '" + runtime + "'";
    return failure();
  }
  llvm::ErrorOr<std::string> driver = llvm::sys::findProgramByName("clang++-22");
  if (!driver)
    driver = llvm::sys::findProgramByName("clang++");
  if (!driver) {
    error = "no C++ linker driver (clang++-22) on PATH";
    return failure();
  }
  // Link to a temporary name and rename: never a half-written executable.
  std::string temp = output + ".tmp-link";
  llvm::SmallVector<llvm::StringRef> args = {*driver, "-fuse-ld=lld", "-o",
                                             temp};
  args.append(objects.begin(), objects.end());
  args.append({runtime, "-lz", "-lm"});
  // LLVM's OpenMP runtime, found at run time through the rpath.
  std::string libDir = std::string("-L") + MODELC_LLVM_LIBDIR;
  std::string rpath = std::string("-Wl,-rpath,") + MODELC_LLVM_LIBDIR;
  if (openmp)
    args.append({libDir, "-lomp", rpath});
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*driver, args, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc != 0) {
    llvm::sys::fs::remove(temp);
    error = "linking failed" + (message.empty() ? "" : ": " + message);
    return failure();
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, output)) {
    llvm::sys::fs::remove(temp);
    error = "cannot write '" + output + "': " + ec.message();
    return failure();
  }
  return success();
}
