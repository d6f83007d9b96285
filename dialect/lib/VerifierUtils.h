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
