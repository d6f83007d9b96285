//===- VerifierUtils.h - shared helpers of the nn verifiers -----*- C++ -*-===//
#ifndef MODELC_DIALECT_NN_VERIFIERUTILS_H
#define MODELC_DIALECT_NN_VERIFIERUTILS_H

#include "modelc/Dialect/NN/NNOps.h"
#include "llvm/Support/raw_ostream.h"

#include <limits>
#include <optional>

namespace mlir::nn::verify {

inline std::string fmtShape(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << "?";
    else
      os << d;
  });
  os << "]";
  return s;
}

inline ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

inline LogicalResult expectShape(Operation *op, StringRef what,
                                 ArrayRef<int64_t> got,
                                 ArrayRef<int64_t> expected) {
  if (got == expected)
    return success();
  return op->emitOpError() << "expected " << what << " shape "
                           << fmtShape(expected) << ", got " << fmtShape(got);
}

inline LogicalResult expectRank(Operation *op, StringRef what, Value v,
                                int64_t rank) {
  int64_t got = cast<RankedTensorType>(v.getType()).getRank();
  if (got == rank)
    return success();
  return op->emitOpError() << "expected " << what << " of rank " << rank
                           << ", got rank " << got;
}

/// The rule's error as the op's verifier error.
inline LogicalResult shapeRuleError(Operation *op, const ShapeError &error) {
  return op->emitOpError() << error.message;
}

/// Static sizes must agree; a dynamic size agrees with anything.
inline bool dimsAgree(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// A gradient of a convolution: NHWC input `x`, HWIO kernel `k` and output
/// `y` (named `yName` in messages) agree by conv2d's own shape rule.
template <typename OpT>
LogicalResult verifyConvolution(OpT op, ArrayRef<int64_t> x,
                                ArrayRef<int64_t> k, ArrayRef<int64_t> y,
                                StringRef yName) {
  ShapeError error;
  auto out = Conv2DOp::inferShape(x, k, op.getStrides(), op.getDilations(),
                                  op.getPadding(), op.getPads(), op.getGroups(),
                                  error);
  if (failed(out))
    return shapeRuleError(op, error);
  return expectShape(op, yName, y, *out);
}

/// A convolution marked `winograd` (F(2x2, 3x3)) needs a 3x3 kernel, stride
/// 1, no dilation and one group.
template <typename OpT>
LogicalResult verifyWinograd(OpT op, ArrayRef<int64_t> k) {
  if (op.getWinograd() &&
      !fitsWinograd(k, op.getStrides(), op.getDilations(), op.getGroups()))
    return op.emitOpError("winograd needs a 3x3 kernel, stride 1, no "
                          "dilation and one group");
  return success();
}

/// A convolution marked `winograd_rows = m` (F(m, kh) along the rows) needs
/// row stride 1, no row dilation, one group and a tile of at most
/// kMaxWinogradRowsTile rows.
template <typename OpT>
LogicalResult verifyWinogradRows(OpT op, ArrayRef<int64_t> k) {
  std::optional<int64_t> m = op.getWinogradRows();
  if (!m || fitsWinogradRows(k, op.getStrides(), op.getDilations(),
                             op.getGroups(), *m))
    return success();
  return op.emitOpError()
         << "winograd_rows = " << *m
         << " needs row stride 1, no row dilation, one group, m >= 2, at "
            "least 2 kernel rows and at most "
         << kMaxWinogradRowsTile << " rows per tile (m + kh - 1)";
}

/// Both marks' rules, for the ops that take either (not both).
template <typename OpT>
LogicalResult verifyWinogradMarks(OpT op, ArrayRef<int64_t> k) {
  if (op.getWinograd() && op.getWinogradRows())
    return op.emitOpError("winograd and winograd_rows exclude each other");
  if (failed(verifyWinograd(op, k)))
    return failure();
  return verifyWinogradRows(op, k);
}

inline LogicalResult verifyVariableUse(Operation *op, StringRef name, Type type,
                                       SymbolTableCollection &symbolTable) {
  auto var = symbolTable.lookupNearestSymbolFrom<VariableOp>(
      op, StringAttr::get(op->getContext(), name));
  if (!var)
    return op->emitOpError() << "'" << name << "' does not name an nn.variable";
  if (var.getType() != type)
    return op->emitOpError() << "type " << type << " does not match variable '"
                             << name << "' of type " << var.getType();
  return success();
}

/// A loss's optional class weights: one per class (`classes`, dynamic =
/// unknown), each finite and >= 0.
inline LogicalResult verifyClassWeight(Operation *op,
                                       std::optional<ArrayRef<float>> weights,
                                       int64_t classes) {
  if (!weights)
    return success();
  if (!ShapedType::isDynamic(classes) &&
      static_cast<int64_t>(weights->size()) != classes)
    return op->emitOpError() << "class_weight has " << weights->size()
                             << " weights for " << classes << " classes";
  for (float w : *weights)
    if (!(w >= 0.0f) || w == std::numeric_limits<float>::infinity())
      return op->emitOpError() << "class_weight must be finite and >= 0";
  return success();
}

} // namespace mlir::nn::verify

#endif
