//===- ContractionKernel.h - register-blocked FMA micro-kernels -*- C++ -*-===//
#ifndef MODELC_TRANSFORMS_CONTRACTIONKERNEL_H
#define MODELC_TRANSFORMS_CONTRACTIONKERNEL_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::nn {

/// An element-wise op applied to the contraction's result in registers
/// before it is stored (epilogue fusion): `body` is the op's region, whose
/// block arguments are its operands in order; `views[i]` is operand i
/// restricted to the tile (null for the operands that are the contraction's
/// output, which take the accumulator), indexed through `maps[i]` by the
/// dimensions of the contraction's output tile; `out` receives the result.
struct Epilogue {
  Block *body = nullptr;
  SmallVector<Value> views;
  SmallVector<AffineMap> maps;
  Value out;
  /// Also store the accumulators themselves (the output is read later).
  bool storeAccumulators = false;
};

/// The values a memref holds when it is (a static-offset, unit-stride
/// subview of) a constant global, with the offsets of the view in it: the
/// coefficient matrices of a Winograd transform.
struct ConstantOperand {
  SmallVector<float> values;
  SmallVector<int64_t> shape, offsets;

  float at(ArrayRef<int64_t> idx) const {
    int64_t linear = 0;
    for (auto [i, size, offset] : llvm::zip(idx, shape, offsets))
      linear = linear * size + i + offset;
    return values[linear];
  }
};
std::optional<ConstantOperand> constantOperand(Value memref);
/// Whether constantOperand(memref) has a value (without copying it).
bool isConstantView(Value memref);

/// A contraction kernel reads a constant lhs's coefficients at compile time
/// (zeros skipped, 1 and -1 an add and a subtract) over at most this many
/// reduction steps, when the tile's rows are at known offsets in it.
constexpr int64_t kMaxConstantSteps = 64;

/// Replaces one tile of a contraction `out += a * b` (a generic on buffers
/// with an `out + a * b` body) by vector code: the `mDim` x `vDim` block of
/// accumulators (static extents; every other parallel loop of extent 1) is
/// kept in 1-D vectors of at most `lanes` elements across all reduction
/// loops. `b` and `out` must be contiguous along `vDim`, `a` must not use it
/// and `b` must not use `mDim`. `initial`, when given, is the scalar every
/// output element holds before the op (the zero fill of the accumulators),
/// or a 1-D buffer of the tile's `vDim` extent with the value of each lane
/// (a bias broadcast into the output): the kernel starts from it instead of
/// loading the output. Leaves the op untouched on failure.
LogicalResult emitContractionKernel(RewriterBase &rewriter,
                                    linalg::GenericOp op, unsigned mDim,
                                    unsigned vDim, int64_t lanes,
                                    const Epilogue *epilogue = nullptr,
                                    Value initial = nullptr);

} // namespace mlir::nn

#endif // MODELC_TRANSFORMS_CONTRACTIONKERNEL_H
