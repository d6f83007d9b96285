//===- Utils.h - builders shared by the nn-to-linalg patterns ---*- C++ -*-===//
#ifndef MODELC_CONVERSION_NNTOLINALG_UTILS_H
#define MODELC_CONVERSION_NNTOLINALG_UTILS_H

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LLVM.h"

namespace mlir::nn {

/// Computes the value a linalg body yields from its block arguments (inputs
/// first, then the output's current value).
using BodyFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// The value of the constant i1 `training` operand of `op`; emits an error
/// on `op` and fails when it is not a constant.
FailureOr<bool> getConstantMode(Operation *op, Value training);

Value f32Const(OpBuilder &b, Location loc, double value);

/// The weight of class `label` (an index; only valid labels are looked up)
/// from a loss's `class_weight`, built inside a linalg body.
Value classWeightAt(OpBuilder &b, Location loc, ArrayRef<float> weights,
                    Value label);

/// A binary loss's weight for label z: w0 * (1 - z) + w1 * z.
Value binaryClassWeight(OpBuilder &b, Location loc, ArrayRef<float> weights,
                        Value z);
Value indexConst(OpBuilder &b, Location loc, int64_t value);

/// The sizes of `type`, its dynamic extents taken from the same dimensions
/// of `like` (the batch dimension, in practice).
SmallVector<OpFoldResult> sizesLike(OpBuilder &b, Location loc,
                                    RankedTensorType type, Value like);

/// The size of dimension `dim` of the ranked tensor `v`: an attribute when
/// static, a `tensor.dim` otherwise.
OpFoldResult sizeOf(OpBuilder &b, Location loc, Value v, int64_t dim);

/// `tensor.empty` of f32 with the given sizes.
Value emptyF32(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes);
/// `tensor.empty` + `linalg.fill` with `value`.
Value filledF32(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                double value);

/// The number of elements in `dims` of `tensor`, as an f32 computed at run
/// time (the batch dimension is dynamic).
Value countAsF32(OpBuilder &b, Location loc, Value tensor,
                 ArrayRef<int64_t> dims);

/// A `linalg.generic` with one output `init` indexed by `initMap`.
Value buildGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                   ArrayRef<AffineMap> inputMaps, Value init, AffineMap initMap,
                   ArrayRef<utils::IteratorType> iterators, BodyFn body);

/// The body `out + in0 * in1` of a contraction's linalg.generic.
Value multiplyAdd(OpBuilder &b, Location loc, ValueRange args);

/// An all-parallel `linalg.generic` writing a fresh tensor of `init`'s shape
/// (identity map); `inputMaps` defaults to identity maps.
Value buildMap(OpBuilder &b, Location loc, ValueRange inputs, Value init,
               BodyFn body, ArrayRef<AffineMap> inputMaps = {});

/// Applies `body` to every element of `x` (and of the same-shaped `others`).
Value buildElementwise(OpBuilder &b, Location loc, Value x, ValueRange others,
                       BodyFn body);

/// `tensor.pad` of the H and W dimensions of an NHWC tensor with a constant
/// `value`; returns `x` unchanged when every pad is zero.
Value padHW(OpBuilder &b, Location loc, Value x, int64_t top, int64_t bottom,
            int64_t left, int64_t right, double value);

/// The map (d0, ..., d{rank-1}) -> (d{dims[0]}, d{dims[1]}, ...).
AffineMap projection(MLIRContext *ctx, unsigned rank, ArrayRef<int64_t> dims);

/// The `dense<[a, b]> : tensor<2xi64>` strides/dilations of linalg's
/// convolution and pooling ops.
Attribute pairAttr(OpBuilder &b, ArrayRef<int64_t> pair);

/// How many of the `window` taps of each of the `out` windows (stride
/// `stride`, `padBefore` padded positions first) fall inside `[0, in)`.
SmallVector<float> validCounts(int64_t in, int64_t window, int64_t stride,
                               int64_t padBefore, int64_t out);

/// A constant rank-1 f32 tensor.
Value f32Vector(OpBuilder &b, Location loc, ArrayRef<float> values);
/// A constant f32 tensor of `shape` holding `values` (row-major).
Value f32Tensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                ArrayRef<float> values);

/// Success if every dimension but the first (the batch) of each of
/// `batched` is static, and all of each of `fullyStatic`; otherwise the op's
/// error "cannot be lowered: only the batch dimension may be dynamic".
LogicalResult requireStaticButBatch(Operation *op, ArrayRef<Type> batched,
                                    ArrayRef<Type> fullyStatic = {});

/// The number of elements of `tensor` over `dims`, as an index.
Value countAsIndex(OpBuilder &b, Location loc, Value tensor,
                   ArrayRef<int64_t> dims);

/// `x` with its last dimension split into `[groups, size / groups]` (a
/// grouped convolution's channels), and the inverse.
Value splitLastDim(OpBuilder &b, Location loc, Value x, int64_t groups);
Value mergeLastDims(OpBuilder &b, Location loc, Value x);

/// `op` is in a data-parallel module (`modelc --mpi`, SPEC 8) and asks for
/// the global batch's statistics (its `synchronized` unit attribute).
bool isSynchronized(Operation *op);

} // namespace mlir::nn

#endif
