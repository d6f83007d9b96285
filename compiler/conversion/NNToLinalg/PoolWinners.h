//===- PoolWinners.h - a disjoint max pool's maxima and winners -----------===//
//
// One element-wise map over the windows of a small disjoint max pool gives
// both each window's maximum (the forward pass) and its winning tap (the
// gradient). For windows that tile the input, the forward pass's lowering
// builds it and the gradient's reuses it: a train step then reads the pooled
// input once, not again in its backward pass.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_CONVERSION_NNTOLINALG_POOLWINNERS_H
#define MODELC_CONVERSION_NNTOLINALG_POOLWINNERS_H

#include "mlir/IR/Builders.h"

namespace mlir::nn {

/// Marks a scan with its windows (window, step, windows along H and W).
constexpr llvm::StringLiteral kWindowScanAttr = "nn.window_scan";

/// Largest disjoint max window whose winner an element-wise map over the
/// windows finds by comparing its taps.
constexpr int64_t kMaxComparedTaps = 9;

/// The step between windows along H and W (a window alone along a dimension
/// steps by its size), or nullopt unless the windows are disjoint (step at
/// least the window, no padding) and have at most kMaxComparedTaps taps.
std::optional<std::pair<int64_t, int64_t>>
comparedWindowSteps(ArrayRef<int64_t> window, ArrayRef<int64_t> strides,
                    ArrayRef<int64_t> outExtent, bool padded);

struct WindowScan {
  /// max of each window's taps (maximumf: NaNs propagate, +0 above -0), if
  /// asked for.
  Value max;
  /// The first maximum in row-major tap order as a float tap number, or -1
  /// when a tap is NaN.
  Value winner;
};

/// The scan of the windows of NHWC `x` (outExtent windows along H and W,
/// `step` apart), with the maxima if `withMax`: one with them already built
/// before the insertion point in its block, or a new one.
WindowScan scanMaxWindows(OpBuilder &b, Location loc, Value x,
                          ArrayRef<int64_t> window,
                          std::pair<int64_t, int64_t> step,
                          ArrayRef<int64_t> outExtent, bool withMax);

} // namespace mlir::nn

#endif
