//===- CodeGenImpl.h - code generation shared by the emitters ---*- C++ -*-===//
#ifndef MODELC_PIPELINE_CODEGENIMPL_H
#define MODELC_PIPELINE_CODEGENIMPL_H

#include "modelc/Pipeline/Pipeline.h"

#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace modelc::detail {

/// A target machine for `cpu` ("native" = the host) on the host triple.
std::unique_ptr<llvm::TargetMachine> hostMachine(const std::string &cpu,
                                                 std::string &error);

/// The O3 pipeline modelc uses for every module (sets the data layout and
/// triple of `machine` on `module`).
void optimize(llvm::Module &module, llvm::TargetMachine &machine);

/// `optimize`, then machine code written to `path`; `timing` gets the time
/// of each (--time-report).
mlir::LogicalResult compileModule(llvm::Module &module,
                                  llvm::TargetMachine &machine,
                                  CodeGenFile kind, const std::string &path,
                                  std::string &error,
                                  mlir::TimingScope &timing);

} // namespace modelc::detail

#endif // MODELC_PIPELINE_CODEGENIMPL_H
