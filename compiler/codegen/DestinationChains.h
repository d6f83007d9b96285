//===- DestinationChains.h - where a tensor is finally written ------------===//
//
// A tensor computed by destination-style ops is written into the empty
// tensor at the root of its destination chain. Replacing that empty tensor
// with a slice of a larger one (a concatenation, a padded buffer) makes
// one-shot bufferization compute the value in place there.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_TRANSFORMS_DESTINATIONCHAINS_H
#define MODELC_TRANSFORMS_DESTINATIONCHAINS_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

namespace mlir::nn {

/// The operand holding the empty tensor `v` is finally written into: follow
/// reshapes to their source, destination-style results to their tied init
/// and loop results to their initial value. Null when the chain ends anywhere
/// else.
inline OpOperand *rootEmpty(Value v) {
  OpOperand *use = nullptr;
  while (Operation *def = v.getDefiningOp()) {
    if (isa<tensor::EmptyOp>(def))
      return use;
    if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(def)) {
      use = &def->getOpOperand(0);
    } else if (auto dps = dyn_cast<DestinationStyleOpInterface>(def)) {
      use = dps.getTiedOpOperand(cast<OpResult>(v));
    } else if (auto loop = dyn_cast<LoopLikeOpInterface>(def)) {
      // A loop carrying the tensor (the embedding gradient's row updates).
      use = loop.getTiedLoopInit(cast<OpResult>(v));
      if (!use)
        return nullptr;
    } else {
      return nullptr;
    }
    v = use->get();
  }
  return nullptr;
}

} // namespace mlir::nn

#endif // MODELC_TRANSFORMS_DESTINATIONCHAINS_H
