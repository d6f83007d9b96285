//===- ShapeRules.h - output-size rules shared by verifiers and front ends ===//
//
// One definition of TensorFlow's spatial output-size and padding rules, so
// the op verifiers and the front end's shape inference cannot disagree.
// Dynamic sizes are ShapedType::kDynamic and propagate.
//
// Each layer op states its shape rule once, as a static `inferShape` (its
// InferTypeOpInterface, so its verifier, calls it; the front end calls it
// with the model's shapes and turns a ShapeError into a diagnostic on the
// layer).
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_DIALECT_NN_SHAPERULES_H
#define MODELC_DIALECT_NN_SHAPERULES_H

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/BuiltinTypes.h"
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace mlir::nn {

/// What a shape rule found wrong. `field` is what it blames in the op's own
/// words: an operand by index (`operand`) or an attribute ("strides",
/// "pads", "axis", ...). The message prints the shapes it compared: dynamic
/// sizes as `?` in IR and -1 in the model format (`dynamicAsMinusOne`),
/// operands by the names of the values they are when `names` has them.
struct ShapeError {
  ArrayRef<std::string> names;
  bool dynamicAsMinusOne = false;

  int operand = -1;
  std::string field;
  std::string message;
  /// The shapes disagree (an operand's error, or a window that does not
  /// fit), as opposed to an attribute that is wrong on its own.
  bool mismatch = false;

  std::string shape(ArrayRef<int64_t> dims) const;
  /// Operand `k` of shape `dims`: "'conv1' [-1, 8, 8, 16]" or "[?, 8, 8, 16]".
  std::string value(unsigned k, ArrayRef<int64_t> dims) const;
  LogicalResult blame(StringRef attribute, std::string text);
  LogicalResult blameOperand(unsigned k, std::string text);
};

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Output extent of a window of `k` taps (dilation `d`) moved by `s` over
/// `in` elements; <= 0 when the window does not fit (valid padding).
inline int64_t windowOutputSize(int64_t in, int64_t k, int64_t s, int64_t d,
                                bool same) {
  if (ShapedType::isDynamic(in))
    return ShapedType::kDynamic;
  if (same)
    return ceilDiv(in, s);
  // (A window known only at run time: so is the output.)
  if (ShapedType::isDynamic(k))
    return ShapedType::kDynamic;
  int64_t span = (k - 1) * d + 1;
  return in < span ? 0 : ceilDiv(in - span + 1, s);
}

/// TF's `same` padding: the total is split with the smaller half first.
inline std::pair<int64_t, int64_t> samePadding(int64_t in, int64_t k, int64_t s,
                                               int64_t d) {
  int64_t out = ceilDiv(in, s);
  int64_t total = (out - 1) * s + (k - 1) * d + 1 - in;
  if (total < 0)
    total = 0;
  return {total / 2, total - total / 2};
}

/// Output extent of a window of `k` taps (dilation `d`) moved by `s` over
/// `in` elements padded by `before` and `after`; 0 when it does not fit.
inline int64_t paddedOutputSize(int64_t in, int64_t k, int64_t s, int64_t d,
                                int64_t before, int64_t after) {
  if (ShapedType::isDynamic(in) || ShapedType::isDynamic(k))
    return ShapedType::kDynamic;
  int64_t span = (k - 1) * d + 1, padded = in + before + after;
  return padded < span ? 0 : (padded - span) / s + 1;
}

/// The (before, after) padding of spatial axis `axis` (0: H, 1: W): none
/// for `valid`, TensorFlow's for `same`, else `pads` = [top, bottom, left,
/// right] (explicit padding).
inline std::pair<int64_t, int64_t> axisPadding(bool same,
                                               llvm::ArrayRef<int64_t> pads,
                                               int axis, int64_t in, int64_t k,
                                               int64_t s, int64_t d) {
  if (pads.size() == 4)
    return {pads[2 * axis], pads[2 * axis + 1]};
  if (same)
    return samePadding(in, k, s, d);
  return {0, 0};
}

/// NumPy's broadcast of two shapes (aligned at the right; a dimension of 1
/// repeats), dynamic sizes as `ShapedType::kDynamic`; nullopt when some
/// dimension disagrees.
inline std::optional<SmallVector<int64_t>>
broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  SmallVector<int64_t> out;
  if (!OpTrait::util::getBroadcastedShape(a, b, out))
    return std::nullopt;
  return out;
}

/// Whether dimension `d` of the `rank`-dimensional broadcast result is one
/// that an operand of shape `shape` repeats (it lacks it or has size 1
/// where the result does not).
inline bool isBroadcastDim(ArrayRef<int64_t> shape, ArrayRef<int64_t> result,
                           int64_t d) {
  int64_t i = d - (int64_t)(result.size() - shape.size());
  return i < 0 || (shape[i] == 1 && result[d] != 1);
}

/// Whether Winograd F(2x2, 3x3) computes a convolution with this kernel
/// ([kh, kw, C, F]), strides, dilations and groups: 3x3, stride 1, no
/// dilation, one group (the `winograd` mark's verifier rule, and what
/// nn-select-conv-algorithm picks from).
inline bool fitsWinograd(ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> dilations, int64_t groups) {
  return kernel.size() == 4 && kernel[0] == 3 && kernel[1] == 3 &&
         groups == 1 &&
         llvm::all_of(strides, [](int64_t s) { return s == 1; }) &&
         llvm::all_of(dilations, [](int64_t d) { return d == 1; });
}

/// The largest tile (output rows + kernel rows - 1) of Winograd along the
/// rows: its Toom-Cook points (0, +-1, +-2, +-1/2 and infinity) cover 8.
constexpr int64_t kMaxWinogradRowsTile = 8;

/// Whether Winograd F(m, kh) along the rows computes a convolution with this
/// kernel ([kh, kw, C, F]), strides, dilations and groups: at least 2 output
/// and 2 kernel rows per tile, tiles of at most kMaxWinogradRowsTile rows,
/// row stride 1, no row dilation, one group (the `winograd_rows` mark's
/// verifier rule).
inline bool fitsWinogradRows(ArrayRef<int64_t> kernel,
                             ArrayRef<int64_t> strides,
                             ArrayRef<int64_t> dilations, int64_t groups,
                             int64_t m) {
  // (m <= 8 + 1 - kh, not m + kh - 1 <= 8: an attribute's m may be huge.)
  return kernel.size() == 4 && kernel[0] >= 2 && m >= 2 &&
         m <= kMaxWinogradRowsTile + 1 - kernel[0] && groups == 1 &&
         strides[0] == 1 && dilations[0] == 1;
}

} // namespace mlir::nn

#endif
