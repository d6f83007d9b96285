//===- NNOps.h - nn dialect operations --------------------------*- C++ -*-===//
#ifndef MODELC_DIALECT_NN_NNOPS_H
#define MODELC_DIALECT_NN_NNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "modelc/Dialect/NN/NNDialect.h"
#include "modelc/Dialect/NN/NNInterfaces.h"

#define GET_OP_CLASSES
#include "modelc/Dialect/NN/NNOps.h.inc"

#include "modelc/Dialect/NN/ShapeRules.h"

#include <array>

namespace mlir::nn {

/// The (before, after) padding of both spatial axes of a windowed op
/// (conv2d, pool2d and their gradients) whose NHWC input has spatial sizes
/// `inHW`: none, TensorFlow's `same`, or the op's explicit `pads`.
template <typename OpT>
std::array<std::pair<int64_t, int64_t>, 2>
spatialPadding(OpT op, ArrayRef<int64_t> inHW, ArrayRef<int64_t> window,
               ArrayRef<int64_t> dilations) {
  ArrayRef<int64_t> pads;
  if (std::optional<ArrayRef<int64_t>> p = op.getPads())
    pads = *p;
  bool same = op.getPadding() == Padding::same;
  ArrayRef<int64_t> s = op.getStrides();
  return {axisPadding(same, pads, 0, inHW[0], window[0], s[0], dilations[0]),
          axisPadding(same, pads, 1, inHW[1], window[1], s[1], dilations[1])};
}

} // namespace mlir::nn

#endif
