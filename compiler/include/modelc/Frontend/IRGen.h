//===- IRGen.h - the model as nn dialect IR ---------------------*- C++ -*-===//
#ifndef MODELC_FRONTEND_IRGEN_H
#define MODELC_FRONTEND_IRGEN_H

#include "modelc/Frontend/Model.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace modelc {

/// Builds the model as written: `nn.variable`s for its state, `@forward`
/// (inputs and the `training` flag to outputs) and, with a loss, `@loss`.
/// Every op is located at its layer (`loc("conv1"("m.json":7:5))`).
mlir::OwningOpRef<mlir::ModuleOp> buildNNModule(mlir::MLIRContext &context,
                                                const Model &model);

/// A JSON value as an MLIR attribute (objects become dictionaries; nulls
/// are dropped from dictionaries).
mlir::Attribute jsonToAttr(mlir::MLIRContext &context, const json &value);

} // namespace modelc

#endif
