//===- FlatViews.h - tensors as 1-D row-major views -----------------------===//
//
// The state arena and the flat gradient buffer hold every tensor as a 1-D
// row-major range; these reshape a static tensor to and from that form.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_TRANSFORMS_FLATVIEWS_H
#define MODELC_TRANSFORMS_FLATVIEWS_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::nn {

/// `v` (static shape, any rank) as a 1-D tensor.
inline Value flatten(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() == 1)
    return v;
  auto flat =
      RankedTensorType::get({type.getNumElements()}, type.getElementType());
  SmallVector<ReassociationIndices> groups;
  if (type.getRank() > 0)
    groups.push_back(llvm::to_vector(llvm::seq<int64_t>(0, type.getRank())));
  if (type.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, flat, v, groups);
  return tensor::CollapseShapeOp::create(b, loc, flat, v, groups);
}

/// The 1-D tensor `flat` as a tensor of `type` (same number of elements).
inline Value unflatten(OpBuilder &b, Location loc, Value flat,
                       RankedTensorType type) {
  if (type.getRank() == 1)
    return flat;
  SmallVector<ReassociationIndices> groups;
  if (type.getRank() > 0)
    groups.push_back(llvm::to_vector(llvm::seq<int64_t>(0, type.getRank())));
  if (type.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, type, flat, groups);
  return tensor::ExpandShapeOp::create(b, loc, type, flat, groups);
}

} // namespace mlir::nn

#endif
