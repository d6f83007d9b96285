//===- TilesInPlace.h - read rearranged tiles where they are ----*- C++ -*-===//
#ifndef MODELC_TRANSFORMS_TILESINPLACE_H
#define MODELC_TRANSFORMS_TILESINPLACE_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::nn {
/// Adds the pattern that removes a copy rearranging tiles into rows before a
/// tensor.collapse_shape when every reader of the collapse can read the
/// tiles where they are (see TilesInPlace.cpp).
void populateTilesInPlacePatterns(RewritePatternSet &patterns);
} // namespace mlir::nn

#endif
