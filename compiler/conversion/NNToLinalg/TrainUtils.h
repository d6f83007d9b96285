//===- TrainUtils.h - builders for the train-step lowerings -----*- C++ -*-===//
//
// Scalar helpers shared by the optimizer, state-update, regularizer and
// dropout lowerings: their per-op coefficients (learning rate, bias
// corrections, norms) are computed once, as scalars, outside the
// elementwise loops.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_CONVERSION_NNTOLINALG_TRAINUTILS_H
#define MODELC_CONVERSION_NNTOLINALG_TRAINUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/APFloat.h"

namespace mlir::nn {

/// The decimal the user wrote for an f32 attribute: the shortest decimal
/// that rounds to `value`, read as a double. Complements such as 1 - beta2
/// must come from it: for beta2 = 0.999, 1 - 0.999f is off by 1.3e-5
/// relative, beyond the optimizer tolerance (and TF, like PyTorch, forms
/// 1 - beta2 from the Python double).
double decimalValue(const llvm::APFloat &value);

Value f64Const(OpBuilder &b, Location loc, double value);

/// The element of a rank-0 tensor.
Value extractScalar(OpBuilder &b, Location loc, Value tensor);
/// A rank-0 tensor holding `scalar`.
Value scalarTensor(OpBuilder &b, Location loc, Value scalar);

/// f32 <-> f64.
Value toF64(OpBuilder &b, Location loc, Value f32);
Value toF32(OpBuilder &b, Location loc, Value f64);

/// A rank-0 f64 tensor holding 0, to start `accumulateF64` with.
Value zeroF64Tensor(OpBuilder &b, Location loc);

/// Adds `term(x_i)` over every element x_i of the f32 tensor `x` to the
/// rank-0 f64 tensor `acc`; `term` sees x_i already extended to f64. Whole
/// parameter tensors are summed in f64 so the result does not depend on
/// their size.
Value accumulateF64(OpBuilder &b, Location loc, Value x, Value acc,
                    function_ref<Value(OpBuilder &, Location, Value)> term);

/// One all-parallel `linalg.generic` over the same-shaped f32 tensors
/// `inputs` (identity maps) producing `numResults` f32 tensors of that
/// shape: `body` gets the input elements and returns one value per result.
/// Updates of a parameter and its slots are one pass over memory.
SmallVector<Value> buildMultiMap(
    OpBuilder &b, Location loc, ValueRange inputs, unsigned numResults,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body);

} // namespace mlir::nn

#endif
