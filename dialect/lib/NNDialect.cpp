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

/// A learning rate: a float, or one schedule with all its fields, as the
/// front end normalizes it (docs/MODEL_FORMAT.md); warmup wraps any other.
static LogicalResult
verifyLearningRate(function_ref<InFlightDiagnostic()> emitError, Attribute lr,
                   bool allowWarmup = true) {
  if (isa<FloatAttr>(lr))
    return success();
  auto schedule = dyn_cast<DictionaryAttr>(lr);
  if (!schedule || schedule.size() != 1 ||
      !isa<DictionaryAttr>(schedule.begin()->getValue()))
    return emitError() << "learning_rate must be a float or one schedule, got "
                       << lr;
  StringRef kind = schedule.begin()->getName().getValue();
  auto fields = cast<DictionaryAttr>(schedule.begin()->getValue());
  auto has = [&](StringRef field, auto isKind) -> bool {
    Attribute a = fields.get(field);
    return a && isKind(a);
  };
  auto isFloat = [](Attribute a) { return isa<FloatAttr>(a); };
  auto isInt = [](Attribute a) {
    return isa<IntegerAttr>(a) && !isa<BoolAttr>(a) &&
           cast<IntegerAttr>(a).getInt() > 0;
  };
  auto isBool = [](Attribute a) { return isa<BoolAttr>(a); };
  auto isArrayOf = [](auto element) {
    return [element](Attribute a) {
      auto list = dyn_cast<ArrayAttr>(a);
      return list && !list.empty() && llvm::all_of(list, element);
    };
  };
  bool ok;
  if (kind == "exponential_decay")
    ok = fields.size() == 4 && has("initial", isFloat) &&
         has("decay_steps", isInt) && has("decay_rate", isFloat) &&
         has("staircase", isBool);
  else if (kind == "cosine_decay")
    ok = fields.size() == 3 && has("initial", isFloat) &&
         has("decay_steps", isInt) && has("alpha", isFloat);
  else if (kind == "piecewise_constant")
    ok = fields.size() == 2 &&
         has("boundaries", isArrayOf([](Attribute a) {
               return isa<IntegerAttr>(a) && !isa<BoolAttr>(a);
             })) &&
         has("values", isArrayOf(isFloat)) &&
         fields.getAs<ArrayAttr>("values").size() ==
             fields.getAs<ArrayAttr>("boundaries").size() + 1;
  else if (kind == "warmup" && allowWarmup)
    return fields.size() == 3 && has("steps", isInt) && has("from", isFloat) &&
                   fields.get("schedule")
               ? verifyLearningRate(emitError, fields.get("schedule"), false)
               : emitError()
                     << "warmup needs steps, from and schedule, got " << fields;
  else
    return emitError() << "unknown learning-rate schedule '" << kind << "'";
  if (!ok)
    return emitError() << kind << " has missing or mistyped fields: " << fields;
  return success();
}

LogicalResult
OptimizerAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      OptimizerKind kind, Attribute learningRate,
                      FloatAttr momentum, BoolAttr useNesterov, FloatAttr beta1,
                      FloatAttr beta2, FloatAttr decay, FloatAttr epsilon,
                      FloatAttr weightDecay, FloatAttr clipGlobalNorm) {
  if (failed(verifyLearningRate(emitError, learningRate)))
    return failure();
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
