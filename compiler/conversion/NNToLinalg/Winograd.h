//===- Winograd.h - Winograd F(2x2, 3x3) convolutions ----------*- C++ -*-===//
#ifndef MODELC_CONVERSION_NNTOLINALG_WINOGRAD_H
#define MODELC_CONVERSION_NNTOLINALG_WINOGRAD_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir::nn {

/// The stride-1, undilated 3x3 convolution of the NHWC input `x` with the
/// HWIO `kernel` (plus `bias`, if given) as Winograd F(2x2, 3x3), of
/// `resultType` (`sizes` its sizes). `x` must already be padded so that the
/// output has whole 2x2 tiles: 2 * ceil(Ho / 2) + 2 rows for the result's
/// Ho rows, likewise columns (the result is sliced back to `resultType`).
Value winogradConv2D(OpBuilder &b, Location loc, Value x, Value kernel,
                     Value bias, RankedTensorType resultType,
                     ArrayRef<OpFoldResult> sizes);

} // namespace mlir::nn

#endif // MODELC_CONVERSION_NNTOLINALG_WINOGRAD_H
