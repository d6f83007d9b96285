//===- NNDialect.h - the nn dialect -----------------------------*- C++ -*-===//
#ifndef MODELC_DIALECT_NN_NNDIALECT_H
#define MODELC_DIALECT_NN_NNDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/Location.h"

#include "modelc/Dialect/NN/NNEnums.h.inc"
#include "modelc/Dialect/NN/NNOpsDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "modelc/Dialect/NN/NNAttrs.h.inc"

namespace mlir::nn {
/// The layer an op computes: the first NameLoc in its location (the front
/// end names each layer's ops; gradients keep their forward op's), or "".
inline StringRef layerOf(Location loc) {
  StringRef layer;
  loc->walk([&](Location l) {
    if (auto name = dyn_cast<NameLoc>(l)) {
      layer = name.getName().getValue();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return layer;
}
} // namespace mlir::nn

#endif
