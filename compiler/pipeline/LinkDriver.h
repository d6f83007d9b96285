//===- LinkDriver.h - the system linker driver, shared by the links -*- C++
//-*-===//
#ifndef MODELC_PIPELINE_LINKDRIVER_H
#define MODELC_PIPELINE_LINKDRIVER_H

#include "mlir/Support/LLVM.h"

#include <string>

namespace modelc::detail {

/// A library built with the tools: <prefix>/bin/modelc ->
/// <prefix>/lib/<file>; an error if it is missing.
mlir::LogicalResult toolLibrary(const std::string &argv0,
                                const std::string &file, std::string &path,
                                std::string &error);

/// Runs the system's C++ compiler driver (clang++-22) with `args` (lld as
/// the linker); on failure, `error` says "linking failed: ...".
mlir::LogicalResult runLinkerDriver(llvm::ArrayRef<std::string> args,
                                    std::string &error);

} // namespace modelc::detail

#endif // MODELC_PIPELINE_LINKDRIVER_H
