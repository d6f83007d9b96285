//===- Passes.h - the CPU code generator's passes ---------------*- C++ -*-===//
#ifndef MODELC_CODEGEN_PASSES_H
#define MODELC_CODEGEN_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::nn {

#define GEN_PASS_DECL
#include "modelc/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "modelc/Codegen/Passes.h.inc"

} // namespace mlir::nn

#endif
