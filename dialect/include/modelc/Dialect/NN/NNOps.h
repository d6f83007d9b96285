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
#include "modelc/Dialect/NN/ShapeRules.h"

namespace mlir::nn {

/// The error "expected result shape X, got Y" for the first result of `op`
/// whose type is not the one its shape rule inferred.
LogicalResult verifyInferredShapes(Operation *op, ArrayRef<Type> inferred);

/// Runs a layer op's shape rule (its InferTypeOpInterface) first in its
/// verification: the rule's error, or the results checked against it. MLIR
/// checks inferred types only after the op's own verifier, which could then
/// not trust the shapes.
template <typename ConcreteType>
class ShapeRule : public OpTrait::TraitBase<ConcreteType, ShapeRule> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    SmallVector<Type> inferred;
    if (failed(ConcreteType::inferReturnTypes(
            op->getContext(), op->getLoc(),
            typename ConcreteType::Adaptor(cast<ConcreteType>(op)), inferred)))
      return failure();
    return verifyInferredShapes(op, inferred);
  }
};

} // namespace mlir::nn

#define GET_OP_CLASSES
#include "modelc/Dialect/NN/NNOps.h.inc"

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
