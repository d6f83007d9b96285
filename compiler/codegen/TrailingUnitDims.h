//===- TrailingUnitDims.h - transfers past trailing unit dims --*- C++ -*-===//
#ifndef MODELC_TRANSFORMS_TRAILINGUNITDIMS_H
#define MODELC_TRANSFORMS_TRAILINGUNITDIMS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::nn {

/// Rewrites vector transfers along a memref dimension followed only by
/// dimensions of size 1 (e.g. the width of an NHWC tensor with one channel)
/// as minor-identity transfers on a rank-reducing subview, so that they
/// lower to contiguous vector loads and stores instead of element loops.
void populateDropTrailingUnitDimsPatterns(RewritePatternSet &patterns);

} // namespace mlir::nn

#endif // MODELC_TRANSFORMS_TRAILINGUNITDIMS_H
