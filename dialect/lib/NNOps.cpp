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
  if (failed(expectRank(*this, "input", getInput(), 4)) ||
      failed(expectRank(*this, "kernel", getKernel(), 4)) ||
      failed(expectRank(*this, "result", getOutput(), 4)))
    return failure();
  ArrayRef<int64_t> k = shapeOf(getKernel());
  if (getBias() &&
      failed(expectShape(*this, "bias", shapeOf(getBias()), {k[3]})))
    return failure();
  return verifyConvolution(*this, shapeOf(getInput()), k, shapeOf(getOutput()),
                           "result");
}

LogicalResult ClipOp::verify() {
  float lo = getMin().convertToFloat(), hi = getMax().convertToFloat();
  if (!(lo <= hi))
    return emitOpError() << "needs min <= max (neither NaN), got [" << lo
                         << ", " << hi << "]";
  return success();
}

LogicalResult DenseOp::verify() {
  if (failed(expectRank(*this, "input", getInput(), 2)) ||
      failed(expectRank(*this, "kernel", getKernel(), 2)))
    return failure();
  ArrayRef<int64_t> x = shapeOf(getInput()), k = shapeOf(getKernel());
  if (!dimsAgree(x[1], k[0]))
    return emitOpError() << "input " << fmtShape(x) << " does not match kernel "
                         << fmtShape(k);
  if (getBias() &&
      failed(expectShape(*this, "bias", shapeOf(getBias()), {k[1]})))
    return failure();
  return expectShape(*this, "result", shapeOf(getOutput()), {x[0], k[1]});
}

LogicalResult EmbeddingOp::verify() {
  if (failed(expectRank(*this, "table", getTable(), 2)))
    return failure();
  SmallVector<int64_t> expected(shapeOf(getIds()));
  expected.push_back(shapeOf(getTable())[1]);
  return expectShape(*this, "result", shapeOf(getOutput()), expected);
}

LogicalResult BiasAddOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  if (x.empty())
    return emitOpError("input must have rank >= 1");
  if (failed(expectShape(*this, "bias", shapeOf(getBias()), {x.back()})))
    return failure();
  return expectShape(*this, "result", shapeOf(getOutput()), x);
}

LogicalResult BatchNormOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  int64_t rank = x.size(), axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError() << "axis " << axis << " is out of range for input "
                         << fmtShape(x);
  if (rank < 2)
    return emitOpError("input must have rank >= 2");
  SmallVector<int64_t> channels = {x[axis]};
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
                    {"renorm_stddev", getRenormStddev()},
                    {"batch_mean", getBatchMean()},
                    {"batch_variance", getBatchVariance()}};
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
  if (auto v = getVirtualBatchSize()) {
    if (*v < 1)
      return emitOpError() << "virtual_batch_size must be >= 1, got " << *v;
    if (!ShapedType::isDynamic(x[0]) && x[0] % *v != 0)
      return emitOpError() << "virtual_batch_size " << *v
                           << " does not divide the batch size " << x[0];
  }
  return expectShape(*this, "result", shapeOf(getOutput()), x);
}

LogicalResult SoftmaxOp::verify() {
  if (getInput().getType().getRank() < 2)
    return emitOpError("expects an input of rank >= 2 (the batch and the "
                       "softmax axis), got rank ")
           << getInput().getType().getRank();
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
  if (failed(expectRank(*this, "input", getInput(), 4)) ||
      failed(expectRank(*this, "result", getOutput(), 4)) ||
      failed(expectPositive(*this, "pool_size", getPoolSize())) ||
      failed(expectPositive(*this, "strides", getStrides())))
    return failure();
  if (getCountIncludePad() && getKind() != PoolKind::avg)
    return emitOpError("count_include_pad belongs to average pooling only");
  ArrayRef<int64_t> x = shapeOf(getInput());
  int64_t ones[2] = {1, 1};
  auto out = windowedOutputSize(*this, x, getPoolSize(), ones, "pool_size");
  if (failed(out))
    return failure();
  return expectShape(*this, "result", shapeOf(getOutput()),
                     {x[0], (*out)[0], (*out)[1], x[3]});
}

LogicalResult GlobalPool2DOp::verify() {
  if (failed(expectRank(*this, "input", getInput(), 4)))
    return failure();
  ArrayRef<int64_t> x = shapeOf(getInput());
  return expectShape(*this, "result", shapeOf(getOutput()), {x[0], x[3]});
}

LogicalResult ReshapeOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getOutput());
  if (in.empty() || out.empty())
    return emitOpError("reshape keeps the batch dimension: rank must be >= 1");
  if (in[0] != out[0])
    return emitOpError() << "batch dimension changes from " << fmtShape(in)
                         << " to " << fmtShape(out);
  auto rest = [](ArrayRef<int64_t> s) -> int64_t {
    int64_t n = 1;
    for (int64_t d : s.drop_front()) {
      if (ShapedType::isDynamic(d))
        return ShapedType::kDynamic;
      n *= d;
    }
    return n;
  };
  int64_t a = rest(in), b = rest(out);
  if (ShapedType::isDynamic(a) || ShapedType::isDynamic(b))
    return emitOpError("only the batch dimension may be dynamic");
  if (a != b)
    return emitOpError() << "cannot reshape " << fmtShape(in) << " (" << a
                         << " elements per example) to " << fmtShape(out)
                         << " (" << b << ")";
  return success();
}

LogicalResult TransposeOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getOutput());
  ArrayRef<int64_t> perm = getPermutation();
  if (perm.size() != in.size() || out.size() != in.size())
    return emitOpError() << "permutation of " << perm.size()
                         << " dimensions for input " << fmtShape(in)
                         << " and result " << fmtShape(out);
  if (!isPermutationVector(perm))
    return emitOpError("permutation is not a permutation of 0..rank-1");
  if (perm.empty() || perm[0] != 0)
    return emitOpError("the batch dimension must stay first (permutation[0] "
                       "= 0)");
  SmallVector<int64_t> expected;
  for (int64_t d : perm)
    expected.push_back(in[d]);
  return expectShape(*this, "result", out, expected);
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  ArrayRef<int64_t> first = shapeOf(getInputs().front());
  int64_t rank = first.size(), axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError() << "axis " << axis << " is out of range for rank "
                         << rank;
  SmallVector<int64_t> expected(first);
  for (Value v : getInputs().drop_front()) {
    ArrayRef<int64_t> s = shapeOf(v);
    if ((int64_t)s.size() != rank)
      return emitOpError() << "inputs " << fmtShape(first) << " and "
                           << fmtShape(s) << " differ in rank";
    for (int64_t i = 0; i < rank; ++i) {
      if (i == axis) {
        expected[i] =
            ShapedType::isDynamic(expected[i]) || ShapedType::isDynamic(s[i])
                ? ShapedType::kDynamic
                : expected[i] + s[i];
      } else if (s[i] != first[i]) {
        return emitOpError() << "inputs " << fmtShape(first) << " and "
                             << fmtShape(s) << " differ outside axis " << axis;
      }
    }
  }
  return expectShape(*this, "result", shapeOf(getOutput()), expected);
}

LogicalResult MulOp::verify() {
  ArrayRef<int64_t> a = shapeOf(getLhs()), b = shapeOf(getRhs());
  auto expected = broadcastShapes(a, b);
  if (!expected)
    return emitOpError() << "operands " << fmtShape(a) << " and " << fmtShape(b)
                         << " do not broadcast";
  return expectShape(*this, "result", shapeOf(getOutput()), *expected);
}

LogicalResult AddOp::verify() {
  if (getInputs().size() < 2)
    return emitOpError("needs at least two inputs");
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
