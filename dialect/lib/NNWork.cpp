//===- NNWork.cpp - ContractionOpInterface: multiply-adds per example -----===//
//
// Every contraction here is a sum of products over a box of static extents
// and the batch: its multiply-adds per example are the product of the box's
// static extents (the batch is the one dynamic extent, and it is left out).
//
//===----------------------------------------------------------------------===//
#include "modelc/Dialect/NN/NNOps.h"

using namespace mlir;
using namespace mlir::nn;

namespace {
/// The product of the static extents among `dims`.
int64_t staticProduct(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    if (!ShapedType::isDynamic(d))
      n *= d;
  return n;
}

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// A convolution's: output positions and channels per example times the
/// kernel's taps per output channel.
int64_t convolution(ArrayRef<int64_t> y, ArrayRef<int64_t> k) {
  return staticProduct(y.drop_front()) * staticProduct(k.drop_back());
}
} // namespace

int64_t Conv2DOp::getMultiplyAddsPerExample() {
  return convolution(shapeOf(getOutput()), shapeOf(getKernel()));
}

int64_t Conv2DGradInputOp::getMultiplyAddsPerExample() {
  return convolution(shapeOf(getGradOutput()), shapeOf(getKernel()));
}

int64_t Conv2DGradKernelOp::getMultiplyAddsPerExample() {
  return convolution(shapeOf(getGradOutput()), shapeOf(getGradKernel()));
}

int64_t DenseOp::getMultiplyAddsPerExample() {
  return staticProduct(shapeOf(getKernel()));
}

int64_t MatmulOp::getMultiplyAddsPerExample() {
  // op(lhs) is [M, K], op(rhs) [K, N]: M * N * K, one of them the batch.
  ArrayRef<int64_t> a = shapeOf(getLhs()), b = shapeOf(getRhs());
  int64_t m = getTransposeLhs() ? a[1] : a[0];
  int64_t k = getTransposeLhs() ? a[0] : a[1];
  int64_t n = getTransposeRhs() ? b[0] : b[1];
  return staticProduct({m, n, k});
}
