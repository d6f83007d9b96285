//===- TotalLoss.h - data loss plus regularizer penalties -------*- C++ -*-===//
//
// The loss that eval and the train step report: the data loss plus every
// regularized variable's penalty, built in one place so both agree.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_TRANSFORMS_TOTALLOSS_H
#define MODELC_TRANSFORMS_TOTALLOSS_H

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/IR/BuiltinOps.h"

namespace mlir::nn {

/// data_loss + each penalty of each variable's regularizer (module order).
/// `read` gives a variable's current value; `gradient`, when given, gets the
/// penalty's gradient for each trainable variable.
Value buildTotalLoss(
    OpBuilder &b, Location loc, ModuleOp module, Value dataLoss,
    llvm::function_ref<Value(VariableOp)> read,
    llvm::function_ref<void(VariableOp, Value)> gradient = nullptr);

} // namespace mlir::nn

#endif
