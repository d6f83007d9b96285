//===- LossUtils.h - pieces the losses and their gradients share -*- C++
//-*-===//
#ifndef MODELC_CONVERSION_NNTOLINALG_LOSSUTILS_H
#define MODELC_CONVERSION_NNTOLINALG_LOSSUTILS_H

#include "mlir/IR/Builders.h"

namespace mlir::nn {

/// The softmax's statistics of each row of `logits` [N, K], computed the
/// same way by the loss and its gradient: the max logit m [N] and
/// sum_k exp(logit_k - m) [N].
std::pair<Value, Value> softmaxRowStatistics(OpBuilder &b, Location loc,
                                             Value logits);

/// `label` (index) is a class: 0 <= label < classes.
Value isClassLabel(OpBuilder &b, Location loc, Value label, Value classes);

} // namespace mlir::nn

#endif
