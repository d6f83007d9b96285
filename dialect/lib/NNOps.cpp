//===- NNOps.cpp - nn op verifiers ----------------------------------------===//
//
// Every verifier checks the shape rule of its op, so IR written by hand or
// produced by a pass is held to the same contract as the front end's.
//
//===----------------------------------------------------------------------===//
#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Dialect/NN/ShapeRules.h"

#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::nn;

#include "VerifierUtils.h"

#include <cmath>

using namespace mlir::nn::verify;

#define GET_OP_CLASSES
#include "modelc/Dialect/NN/NNOps.cpp.inc"

//===----------------------------------------------------------------------===//
// State
//===----------------------------------------------------------------------===//

LogicalResult VariableOp::verify() {
  auto kind = getInit().getAs<StringAttr>("kind");
  if (!kind)
    return emitOpError("init needs a string 'kind'");
  if (kind.getValue() == "values") {
    auto value = getInit().getAs<ElementsAttr>("value");
    if (!value || value.getType() != getType())
      return emitOpError("init 'values' needs a 'value' of the variable's "
                         "type ")
             << getType();
  }
  if (getTrainable() && getRole() != VariableRole::param)
    return emitOpError("only parameters can be trainable");
  return success();
}

LogicalResult ReadOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return verifyVariableUse(*this, getVariable(), getType(), symbolTable);
}

LogicalResult AssignOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return verifyVariableUse(*this, getVariable(), getValue().getType(),
                           symbolTable);
}

/// The variables exist, hold f32, are declared one after another (so the
/// arena stores them as one range) and fill `type` exactly.
static LogicalResult verifyFlatUse(Operation *op, ArrayAttr variables,
                                   Type type,
                                   SymbolTableCollection &symbolTable) {
  if (variables.empty())
    return op->emitOpError("needs at least one variable");
  int64_t total = 0;
  VariableOp previous;
  for (auto ref : variables.getAsRange<FlatSymbolRefAttr>()) {
    auto var =
        symbolTable.lookupNearestSymbolFrom<VariableOp>(op, ref.getAttr());
    if (!var)
      return op->emitOpError()
             << "'" << ref.getValue() << "' does not name an nn.variable";
    auto t = cast<RankedTensorType>(var.getType());
    if (!t.getElementType().isF32())
      return op->emitOpError()
             << "variable '" << ref.getValue() << "' does not hold f32";
    if (previous) {
      Operation *next = previous->getNextNode();
      while (next && !isa<VariableOp>(next))
        next = next->getNextNode();
      if (next != var.getOperation())
        return op->emitOpError() << "variable '" << ref.getValue()
                                 << "' is not declared right after '"
                                 << previous.getSymName() << "'";
    }
    previous = var;
    total += t.getNumElements();
  }
  int64_t size = cast<RankedTensorType>(type).getDimSize(0);
  if (size != total)
    return op->emitOpError()
           << "the variables hold " << total << " elements, the value " << size;
  return success();
}

LogicalResult ReadFlatOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return verifyFlatUse(*this, getVariables(), getType(), symbolTable);
}

LogicalResult
AssignFlatOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return verifyFlatUse(*this, getVariables(), getValue().getType(),
                       symbolTable);
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  // The shapes are InferTypeOpInterface's (NNShapes.cpp); the bias is not.
  ArrayRef<int64_t> k = shapeOf(getKernel());
  if (failed(verifyWinogradMarks(*this, k)))
    return failure();
  if (getBias())
    return expectShape(*this, "bias", shapeOf(getBias()), {k[3]});
  return success();
}

LogicalResult ClipOp::verify() {
  float lo = getMin().convertToFloat(), hi = getMax().convertToFloat();
  if (!(lo <= hi))
    return emitOpError() << "needs min <= max (neither NaN), got [" << lo
                         << ", " << hi << "]";
  return success();
}

LogicalResult DenseOp::verify() {
  ArrayRef<int64_t> k = shapeOf(getKernel());
  if (getBias())
    return expectShape(*this, "bias", shapeOf(getBias()), {k[1]});
  return success();
}

LogicalResult BatchNormOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  SmallVector<int64_t> channels = {x[getAxis()]};
  if (getScale() != static_cast<bool>(getGamma()))
    return emitOpError("gamma must be given exactly when scale is true");
  if (getCenter() != static_cast<bool>(getBeta()))
    return emitOpError("beta must be given exactly when center is true");
  if (getRenorm() != static_cast<bool>(getRenormMean()) ||
      getRenorm() != static_cast<bool>(getRenormStddev()))
    return emitOpError(
        "renorm_mean and renorm_stddev must be given exactly when renorm is "
        "true");
  if (!getRenorm() && (getRenormRmin() || getRenormRmax() || getRenormDmax()))
    return emitOpError("renorm clipping needs renorm = true");
  struct Named {
    StringRef name;
    Value value;
  } perChannel[] = {{"gamma", getGamma()},
                    {"beta", getBeta()},
                    {"moving_mean", getMovingMean()},
                    {"moving_variance", getMovingVariance()},
                    {"renorm_mean", getRenormMean()},
                    {"renorm_stddev", getRenormStddev()}};
  for (auto &n : perChannel)
    if (n.value &&
        failed(expectShape(*this, n.name, shapeOf(n.value), channels)))
      return failure();
  float momentum = getMomentum().convertToFloat();
  if (!(momentum >= 0.0f && momentum <= 1.0f))
    return emitOpError() << "momentum must be in [0, 1], got " << momentum;
  if (!(getRenormMomentum().convertToFloat() >= 0.0f &&
        getRenormMomentum().convertToFloat() <= 1.0f))
    return emitOpError("renorm_momentum must be in [0, 1]");
  if (!(getEpsilon().convertToFloat() > 0.0f))
    return emitOpError("epsilon must be > 0");
  return success();
}

LogicalResult DropoutOp::verify() {
  if (!getKey().empty() && getKey().size() != 2)
    return emitOpError("key is (seed, step): two i64 scalars");
  float rate = getRate().convertToFloat();
  if (!(rate >= 0.0f && rate < 1.0f))
    return emitOpError() << "rate must be in [0, 1), got " << rate;
  return success();
}

LogicalResult Pool2DOp::verify() {
  if (getCountIncludePad() && getKind() != PoolKind::avg)
    return emitOpError("count_include_pad belongs to average pooling only");
  return success();
}

LogicalResult ReshapeOp::verify() {
  ShapeError error;
  if (failed(checkShapes(shapeOf(getInput()), shapeOf(getOutput()), error)))
    return shapeRuleError(*this, error);
  return success();
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxCrossEntropyOp::verify() {
  if (failed(expectRank(*this, "logits", getLogits(), 2)) ||
      failed(expectRank(*this, "labels", getLabels(), 1)))
    return failure();
  if (!dimsAgree(shapeOf(getLogits())[0], shapeOf(getLabels())[0]))
    return emitOpError() << "logits " << fmtShape(shapeOf(getLogits()))
                         << " and labels " << fmtShape(shapeOf(getLabels()))
                         << " differ in batch size";
  return verifyClassWeight(*this, getClassWeight(), shapeOf(getLogits())[1]);
}

static LogicalResult verifySameShapeLoss(Operation *op, Value a, Value b) {
  if (shapeOf(a) != shapeOf(b))
    return op->emitOpError()
           << "operands differ in shape: " << fmtShape(shapeOf(a)) << " and "
           << fmtShape(shapeOf(b));
  return success();
}

LogicalResult SigmoidCrossEntropyOp::verify() {
  if (failed(verifySameShapeLoss(*this, getLogits(), getLabels())))
    return failure();
  return verifyClassWeight(*this, getClassWeight(), 2);
}

LogicalResult MeanSquaredErrorOp::verify() {
  return verifySameShapeLoss(*this, getPredictions(), getLabels());
}

//===----------------------------------------------------------------------===//
// Optimizers
//===----------------------------------------------------------------------===//

LogicalResult ClipGlobalNormOp::verify() {
  if (getGradients().getTypes() != getClipped().getTypes())
    return emitOpError("results must have the types of the gradients");
  if (!(getClipNorm().convertToFloat() > 0.0f))
    return emitOpError("clip_norm must be > 0");
  return success();
}

/// Parameter, gradient, slots and updated values share one type.
static LogicalResult verifyUpdate(Operation *op, ValueRange tensors) {
  Type t = tensors.front().getType();
  for (Value v : tensors)
    if (v.getType() != t)
      return op->emitOpError() << "expected every parameter, slot and "
                                  "gradient to have type "
                               << t << ", got " << v.getType();
  float wd = op->getAttrOfType<FloatAttr>("weight_decay").getValueAsDouble();
  if (!(wd >= 0.0f) || std::isinf(wd))
    return op->emitOpError()
           << "weight_decay must be finite and >= 0, got " << wd;
  return success();
}

LogicalResult SgdOp::verify() {
  return verifyUpdate(*this, {getParam(), getGrad(), getNewParam()});
}

LogicalResult MomentumOp::verify() {
  return verifyUpdate(
      *this, {getParam(), getAccum(), getGrad(), getNewParam(), getNewAccum()});
}

LogicalResult AdamOp::verify() {
  return verifyUpdate(*this, {getParam(), getM(), getV(), getGrad(),
                              getNewParam(), getNewM(), getNewV()});
}

LogicalResult RmspropOp::verify() {
  return verifyUpdate(*this, {getParam(), getRms(), getMom(), getGrad(),
                              getNewParam(), getNewRms(), getNewMom()});
}

LogicalResult MovingAverageOp::verify() {
  float m = getMomentum().convertToFloat();
  if (!(m >= 0.0f && m <= 1.0f))
    return emitOpError() << "momentum must be in [0, 1], got " << m;
  return success();
}
