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

/// `pads` ([top, bottom, left, right], each below the window's span, so no
/// window reads only padding) is given exactly when the padding is explicit.
inline LogicalResult verifyPads(Operation *op, bool isExplicit,
                                std::optional<ArrayRef<int64_t>> pads,
                                ArrayRef<int64_t> spans) {
  if (isExplicit != pads.has_value())
    return op->emitOpError("pads are given exactly when the padding is "
                           "explicit");
  if (!pads)
    return success();
  if (pads->size() != 4)
    return op->emitOpError() << "pads must be [top, bottom, left, right], got "
                             << fmtShape(*pads);
  for (int i = 0; i < 4; ++i)
    if ((*pads)[i] < 0 || (*pads)[i] >= spans[i / 2])
      return op->emitOpError()
             << "pads " << fmtShape(*pads)
             << " must be >= 0 and smaller than the window span "
             << fmtShape(spans);
  return success();
}

/// The spatial output sizes of a windowed op (conv2d, pool2d and their
/// gradients) for NHWC input shape `x`, after checking its pads; an error
/// naming `what` when a window does not fit.
template <typename OpT>
FailureOr<std::array<int64_t, 2>>
windowedOutputSize(OpT op, ArrayRef<int64_t> x, ArrayRef<int64_t> window,
                   ArrayRef<int64_t> dilations, StringRef what) {
  int64_t spans[2] = {(window[0] - 1) * dilations[0] + 1,
                      (window[1] - 1) * dilations[1] + 1};
  if (failed(verifyPads(op, op.getPadding() == Padding::explicitPads,
                        op.getPads(), spans)))
    return failure();
  auto pads = spatialPadding(op, x.slice(1, 2), window, dilations);
  std::array<int64_t, 2> out;
  for (int i = 0; i < 2; ++i) {
    out[i] =
        op.getPadding() == Padding::same
            ? windowOutputSize(x[1 + i], window[i], op.getStrides()[i],
                               dilations[i], true)
            : paddedOutputSize(x[1 + i], window[i], op.getStrides()[i],
                               dilations[i], pads[i].first, pads[i].second);
    if (out[i] == 0) {
      InFlightDiagnostic d = op->emitOpError()
                             << what << " " << fmtShape(window);
      if (what == "kernel")
        d << " with dilations " << fmtShape(dilations);
      return d << " does not fit input " << fmtShape(x) << " with '"
               << stringifyPadding(op.getPadding()) << "' padding";
    }
  }
  return out;
}

/// Static sizes must agree; a dynamic size agrees with anything.
inline bool dimsAgree(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

inline LogicalResult expectPositive(Operation *op, StringRef what,
                                    ArrayRef<int64_t> values) {
  for (int64_t v : values)
    if (v < 1)
      return op->emitOpError()
             << what << " must be >= 1, got " << fmtShape(values);
  return success();
}

/// A convolution or one of its gradients: NHWC input `x`, HWIO kernel `k`
/// (`I` = channels / groups) and output `y` (named `yName` in messages)
/// agree, with the output shape from the window rule.
template <typename OpT>
LogicalResult verifyConvolution(OpT op, ArrayRef<int64_t> x,
                                ArrayRef<int64_t> k, ArrayRef<int64_t> y,
                                StringRef yName) {
  if (x.size() != 4 || k.size() != 4 || y.size() != 4)
    return op->emitOpError()
           << "expects 4-D input, kernel and output, got " << fmtShape(x)
           << ", " << fmtShape(k) << ", " << fmtShape(y);
  if (failed(expectPositive(op, "strides", op.getStrides())) ||
      failed(expectPositive(op, "dilations", op.getDilations())))
    return failure();
  int64_t groups = op.getGroups();
  if (groups < 1)
    return op->emitOpError() << "groups must be >= 1, got " << groups;
  int64_t channels = ShapedType::isDynamic(k[2]) ? k[2] : k[2] * groups;
  if (!dimsAgree(x[3], channels)) {
    InFlightDiagnostic d = op->emitOpError()
                           << "input has " << x[3]
                           << " channels but the kernel expects " << channels;
    d << " (";
    if (groups > 1)
      d << groups << " groups of " << k[2] << "; ";
    return d << "input " << fmtShape(x) << ", kernel " << fmtShape(k) << ")";
  }
  if (!ShapedType::isDynamic(k[3]) && k[3] % groups != 0)
    return op->emitOpError()
           << "kernel " << fmtShape(k) << " has " << k[3]
           << " output channels, not a multiple of " << groups << " groups";
  auto out =
      windowedOutputSize(op, x, k.take_front(2), op.getDilations(), "kernel");
  if (failed(out))
    return failure();
  return expectShape(op, yName, y, {x[0], (*out)[0], (*out)[1], k[3]});
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
