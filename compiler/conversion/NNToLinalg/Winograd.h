//===- Winograd.h - Winograd convolutions ----------------------*- C++ -*-===//
#ifndef MODELC_CONVERSION_NNTOLINALG_WINOGRAD_H
#define MODELC_CONVERSION_NNTOLINALG_WINOGRAD_H

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
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

/// How Winograd along the rows sums along the columns, in its products:
/// - over the kernel's columns (a convolution): output column j reads input
///   column j * stride + r * dilation and kernel column r, r < kw;
/// - over the input's columns (a transposed convolution where dy is narrower
///   than the kernel): output column j reads input column r, r < the
///   input's width, and kernel column j + (width - 1) * stride - r * stride.
struct RowsColumns {
  bool overInput = false;
  int64_t stride = 1, dilation = 1;
};

/// The convolution of the NHWC input `x` with the HWIO `kernel` (plus
/// `bias`, if given) as Winograd F(m, kh) along the rows, the columns summed
/// over directly as `columns` says (row stride 1, no row dilation, one
/// group). `x` must already be padded so that the output has whole tiles of
/// `m` rows: m * ceil(Ho / m) + kh - 1 rows for the result's Ho rows (the
/// result is sliced back to `resultType`).
Value winogradRowsConv2D(OpBuilder &b, Location loc, Value x, Value kernel,
                         Value bias, RankedTensorType resultType,
                         ArrayRef<OpFoldResult> sizes, int64_t m,
                         RowsColumns columns);

/// The kernel gradient (of `dkType`) of the convolution of the NHWC input
/// `x` (already padded as the forward's) with the output gradient `dy` as
/// Winograd F(kh, m) along the rows: tiles of `m` rows of dy against
/// m + kh - 1 rows of x, summed over the batch, the tiles and the columns
/// (column stride `strideW`, dilation `dilationW`; row stride 1, no row
/// dilation, one group).
Value winogradRowsConv2DGradKernel(OpBuilder &b, Location loc, Value x,
                                   Value dy, RankedTensorType dkType, int64_t m,
                                   int64_t strideW, int64_t dilationW);

/// The accumulator of a Winograd convolution's output tiles (`tiled` its
/// sizes, the filters last): `bias` broadcast, or zeros.
Value winogradInit(OpBuilder &b, Location loc, Value bias,
                   ArrayRef<OpFoldResult> tiled);

/// The output tiles `y` collapsed by `tiles` into NHWC `wholeShape` (whole
/// tiles), sliced to `resultType` (of `sizes`) when that is smaller.
Value winogradResult(OpBuilder &b, Location loc, Value y,
                     ArrayRef<ReassociationIndices> tiles,
                     ArrayRef<int64_t> wholeShape, RankedTensorType resultType,
                     ArrayRef<OpFoldResult> sizes);

} // namespace mlir::nn

#endif // MODELC_CONVERSION_NNTOLINALG_WINOGRAD_H
