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
