//===- Passes.h - modelc conversion passes ----------------------*- C++ -*-===//
#ifndef MODELC_CONVERSION_PASSES_H
#define MODELC_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::nn {

#define GEN_PASS_DECL
#include "modelc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "modelc/Conversion/Passes.h.inc"

} // namespace mlir::nn

#endif
