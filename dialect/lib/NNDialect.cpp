//===- NNDialect.cpp - nn dialect registration ----------------------------===//
#include "modelc/Dialect/NN/NNDialect.h"
#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::nn;

#include "modelc/Dialect/NN/NNEnums.cpp.inc"
#include "modelc/Dialect/NN/NNOpsDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "modelc/Dialect/NN/NNAttrs.cpp.inc"

void NNDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "modelc/Dialect/NN/NNAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "modelc/Dialect/NN/NNOps.cpp.inc"
      >();
}

LogicalResult
OptimizerAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      OptimizerKind kind, Attribute learningRate,
                      FloatAttr momentum, BoolAttr useNesterov, FloatAttr beta1,
                      FloatAttr beta2, FloatAttr decay, FloatAttr epsilon,
                      FloatAttr weightDecay, FloatAttr clipGlobalNorm) {
  if (!isa<FloatAttr, DictionaryAttr>(learningRate))
    return emitError() << "learning_rate must be a float or a schedule";
  auto takes = [&](StringRef name, Attribute value, bool allowed,
                   bool required) -> LogicalResult {
    if (value && !allowed)
      return emitError() << stringifyOptimizerKind(kind) << " takes no '"
                         << name << "'";
    if (!value && required)
      return emitError() << stringifyOptimizerKind(kind) << " needs '" << name
                         << "'";
    return success();
  };
  bool isMomentum = kind == OptimizerKind::momentum;
  bool isAdam = kind == OptimizerKind::adam;
  bool isRms = kind == OptimizerKind::rmsprop;
  if (failed(takes("momentum", momentum, isMomentum || isRms,
                   isMomentum || isRms)) ||
      failed(takes("use_nesterov", useNesterov, isMomentum, isMomentum)) ||
      failed(takes("beta1", beta1, isAdam, isAdam)) ||
      failed(takes("beta2", beta2, isAdam, isAdam)) ||
      failed(takes("decay", decay, isRms, isRms)) ||
      failed(takes("epsilon", epsilon, isAdam || isRms, isAdam || isRms)))
    return failure();
  return success();
}

SmallVector<std::pair<StringRef, StringRef>> OptimizerAttr::getSlots() const {
  switch (getKind()) {
  case OptimizerKind::sgd:
    return {};
  case OptimizerKind::momentum:
    return {{"momentum", "zeros"}};
  case OptimizerKind::adam:
    return {{"m", "zeros"}, {"v", "zeros"}};
  case OptimizerKind::rmsprop:
    return {{"rms", "ones"}, {"momentum", "zeros"}};
  }
  return {};
}
