//===- Passes.h - modelc nn-level transformations ---------------*- C++ -*-===//
#ifndef MODELC_TRANSFORMS_PASSES_H
#define MODELC_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::nn {

#define GEN_PASS_DECL
#include "modelc/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "modelc/Transforms/Passes.h.inc"

} // namespace mlir::nn

#endif
