//===- Link.cpp - objects + runtime -> executable -------------------------===//
//
// The only external program modelc runs: the system's C++ compiler driver as
// a linker, like any compiler's final step.
//
//===----------------------------------------------------------------------===//
#include "LinkDriver.h"
#include "modelc/Pipeline/Pipeline.h"
#include "modelc/Pipeline/TempFiles.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

using namespace mlir;

LogicalResult modelc::detail::toolLibrary(const std::string &argv0,
                                          const std::string &file,
                                          std::string &path,
                                          std::string &error) {
  std::string exe = llvm::sys::fs::getMainExecutable(
      argv0.c_str(), reinterpret_cast<void *>(&toolLibrary));
  llvm::SmallString<256> p(llvm::sys::path::parent_path(exe));
  llvm::sys::path::append(p, "..", "lib", file);
  path = std::string(p);
  if (llvm::sys::fs::exists(path))
    return success();
  error = "runtime library not found at '" + path + "'";
  return failure();
}

LogicalResult modelc::detail::runLinkerDriver(llvm::ArrayRef<std::string> args,
                                              std::string &error) {
  llvm::ErrorOr<std::string> driver =
      llvm::sys::findProgramByName("clang++-22");
  if (!driver)
    driver = llvm::sys::findProgramByName("clang++");
  if (!driver) {
    error = "no C++ linker driver (clang++-22) on PATH";
    return failure();
  }
  llvm::SmallVector<llvm::StringRef> argv = {*driver, "-fuse-ld=lld"};
  argv.append(args.begin(), args.end());
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*driver, argv, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc == 0)
    return success();
  error = "linking failed" + (message.empty() ? "" : ": " + message);
  return failure();
}

LogicalResult modelc::linkExecutable(llvm::ArrayRef<std::string> objects,
                                     const std::string &output,
                                     const std::string &argv0, bool openmp,
                                     bool mpi, std::string &error) {
  std::string runtime, mpiRuntime;
  if (failed(detail::toolLibrary(argv0, "libmodelc_runtime.a", runtime, error)))
    return failure();
  if (mpi) {
    if (llvm::StringRef(MODELC_MPI_LIBS).empty()) {
      error = "--mpi: this modelc was built without Open MPI (install "
              "openmpi-bin and libopenmpi-dev, then rebuild modelc)";
      return failure();
    }
    if (failed(detail::toolLibrary(argv0, "libmodelc_runtime_mpi.a", mpiRuntime,
                                   error)))
      return failure();
  }
  // Link to a temporary name and rename: never a half-written executable.
  std::string temp = tempNextTo(output);
  llvm::SmallVector<std::string> args = {"-o", temp};
  args.append(objects.begin(), objects.end());
  // Whole: main() finds the MPI replicas through a weak reference.
  if (mpi) {
    args.append({"-Wl,--whole-archive", mpiRuntime, "-Wl,--no-whole-archive"});
    llvm::SmallVector<llvm::StringRef> libs;
    llvm::StringRef(MODELC_MPI_LIBS).split(libs, ' ', -1, false);
    for (llvm::StringRef lib : libs)
      args.push_back(lib.str());
  }
  args.append({runtime, "-lz", "-lm"});
  // Set only in a sanitized build of modelc, whose executable runtime is
  // instrumented (the library runtime never is: see runtime/CMakeLists.txt).
  llvm::SmallVector<llvm::StringRef> sanitize;
  llvm::StringRef(MODELC_RUNTIME_LINK_FLAGS).split(sanitize, ' ', -1, false);
  for (llvm::StringRef flag : sanitize)
    args.push_back(flag.str());
  // LLVM's OpenMP runtime, found at run time through the rpath.
  if (openmp)
    args.append({std::string("-L") + MODELC_LLVM_LIBDIR, "-lomp",
                 std::string("-Wl,-rpath,") + MODELC_LLVM_LIBDIR});
  if (failed(detail::runLinkerDriver(args, error))) {
    removeTempFile(temp);
    return failure();
  }
  if (std::error_code ec = commitTempFile(temp, output)) {
    error = "cannot write '" + output + "': " + ec.message();
    return failure();
  }
  return success();
}
