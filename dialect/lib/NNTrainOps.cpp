//===- NNTrainOps.cpp - verifiers of the gradient and update ops ----------===//
#include "VerifierUtils.h"
#include "modelc/Dialect/NN/ShapeRules.h"

using namespace mlir;
using namespace mlir::nn;
using namespace mlir::nn::verify;

LogicalResult Conv2DGradInputOp::verify() {
  if (failed(verifyConvolution(*this, shapeOf(getGradInput()),
                               shapeOf(getKernel()), shapeOf(getGradOutput()),
                               "output gradient")))
    return failure();
  // (Winograd is of the transposed convolution, a sum over the taps, which a
  // dy shorter than the kernel does not take.)
  ArrayRef<int64_t> dy = shapeOf(getGradOutput());
  if (getWinograd() && (dy[1] < 3 || dy[2] < 3))
    return emitOpError("winograd needs an output gradient of at least 3x3, "
                       "got ")
           << fmtShape(dy);
  // (Winograd along the rows sums over the row taps likewise.)
  ArrayRef<int64_t> k = shapeOf(getKernel());
  if (getWinogradRows() && (ShapedType::isDynamic(dy[1]) || dy[1] < k[0]))
    return emitOpError("winograd_rows needs an output gradient of a static "
                       "height at least the kernel's, got ")
           << fmtShape(dy) << " for " << k[0] << " kernel rows";
  return verifyWinogradMarks(*this, k);
}

LogicalResult Conv2DGradKernelOp::verify() {
  if (failed(verifyConvolution(*this, shapeOf(getInput()),
                               shapeOf(getGradKernel()),
                               shapeOf(getGradOutput()), "output gradient")))
    return failure();
  return verifyWinogradRows(*this, shapeOf(getGradKernel()));
}

LogicalResult SoftmaxGradOp::verify() {
  if (getOutput().getType().getRank() < 2)
    return emitOpError("expects an output of rank >= 2, got rank ")
           << getOutput().getType().getRank();
  return success();
}

LogicalResult MulGradOp::verify() {
  ArrayRef<int64_t> dy = shapeOf(getGradOutput()), other = shapeOf(getOther());
  ArrayRef<int64_t> operand = shapeOf(getGradOperand());
  auto expected = broadcastShapes(operand, other);
  if (!expected || *expected != dy)
    return emitOpError() << "operand " << fmtShape(operand) << " and other "
                         << fmtShape(other) << " do not broadcast to "
                         << fmtShape(dy);
  return success();
}

LogicalResult ActivationGradOp::verify() {
  bool alpha = getKind() == ActivationKind::leaky_relu ||
               getKind() == ActivationKind::elu;
  if (alpha != static_cast<bool>(getAlphaAttr()))
    return emitOpError()
           << (alpha ? stringifyActivationKind(getKind()) + " needs its 'alpha'"
                     : std::string("'alpha' belongs to leaky_relu and elu "
                                   "only"));
  bool clip = getKind() == ActivationKind::clip;
  if (clip != static_cast<bool>(getMinAttr()) ||
      clip != static_cast<bool>(getMaxAttr()))
    return emitOpError(clip ? "clip needs its 'min' and 'max'"
                            : "'min' and 'max' belong to clip only");
  return success();
}

LogicalResult MatmulOp::verify() {
  ArrayRef<int64_t> a = shapeOf(getLhs()), b = shapeOf(getRhs());
  if (a.size() != 2 || b.size() != 2)
    return emitOpError("expects 2-D operands");
  int64_t m = getTransposeLhs() ? a[1] : a[0];
  int64_t ka = getTransposeLhs() ? a[0] : a[1];
  int64_t kb = getTransposeRhs() ? b[1] : b[0];
  int64_t n = getTransposeRhs() ? b[0] : b[1];
  if (!dimsAgree(ka, kb))
    return emitOpError() << "contraction sizes differ: " << fmtShape(a)
                         << " and " << fmtShape(b);
  return expectShape(*this, "result", shapeOf(getOutput()), {m, n});
}

LogicalResult ChannelSumOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  if (getAxis() >= x.size())
    return emitOpError() << "axis " << getAxis() << " is out of range";
  return expectShape(*this, "result", shapeOf(getOutput()), {x[getAxis()]});
}

LogicalResult EmbeddingGradOp::verify() {
  ArrayRef<int64_t> ids = shapeOf(getIds()), dy = shapeOf(getGradOutput());
  ArrayRef<int64_t> table = shapeOf(getGradTable());
  if (table.size() != 2 || dy.size() != ids.size() + 1)
    return emitOpError("expects dy of shape ids + [dim] and a 2-D table");
  return expectShape(*this, "output gradient", dy.take_back(1),
                     table.take_back(1));
}

LogicalResult BatchNormGradOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  if (getAxis() >= x.size())
    return emitOpError() << "axis " << getAxis() << " is out of range";
  if (getRenorm() != static_cast<bool>(getRenormMean()))
    return emitOpError("renorm state must be given exactly when renorm");
  if (failed(
          expectShape(*this, "output gradient", shapeOf(getGradOutput()), x)) ||
      failed(expectShape(*this, "input gradient", shapeOf(getGradInput()), x)))
    return failure();
  SmallVector<int64_t> c = {x[getAxis()]};
  for (Value v :
       {getGamma(), getMovingMean(), getMovingVariance(), getRenormMean(),
        getRenormStddev(), getGradGamma(), getGradBeta()})
    if (v && failed(expectShape(*this, "per-channel", shapeOf(v), c)))
      return failure();
  return success();
}

bool Pool2DGradOp::hasWindowsOf(Pool2DOp pool) {
  return getKind() == pool.getKind() &&
         getPoolSizeAttr() == pool.getPoolSizeAttr() &&
         getStridesAttr() == pool.getStridesAttr() &&
         getPaddingAttr() == pool.getPaddingAttr() &&
         getPadsAttr() == pool.getPadsAttr();
}

LogicalResult Pool2DGradOp::verify() {
  if (getCountIncludePad() && getKind() != PoolKind::avg)
    return emitOpError("count_include_pad belongs to average pooling only");
  ShapeError error;
  auto out = Pool2DOp::inferShape(shapeOf(getInput()), getPoolSize(),
                                  getStrides(), getPadding(), getPads(), error);
  if (failed(out))
    return shapeRuleError(*this, error);
  return expectShape(*this, "output gradient", shapeOf(getGradOutput()), *out);
}

LogicalResult SliceOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput()), y = shapeOf(getOutput());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= (int64_t)x.size() || x.size() != y.size())
    return emitOpError("axis out of range or rank mismatch");
  for (int64_t i = 0; i < (int64_t)x.size(); ++i)
    if (i != axis && x[i] != y[i])
      return emitOpError() << "result " << fmtShape(y) << " differs from "
                           << fmtShape(x) << " outside axis " << axis;
  int64_t offset = getOffset();
  if (offset < 0)
    return emitOpError() << "offset " << offset << " is negative";
  if (!ShapedType::isDynamic(x[axis]) && !ShapedType::isDynamic(y[axis]) &&
      offset + y[axis] > x[axis])
    return emitOpError() << "slice [" << offset << ", " << offset + y[axis]
                         << ") is outside " << fmtShape(x);
  return success();
}

LogicalResult BatchNormFoldOp::verify() {
  ArrayRef<int64_t> k = shapeOf(getKernel());
  if (k.empty())
    return emitOpError("kernel must have rank >= 1");
  SmallVector<int64_t> c = {k.back()};
  for (Value v : {getBias(), getGamma(), getBeta(), getMovingMean(),
                  getMovingVariance(), getFoldedBias()})
    if (v && failed(expectShape(*this, "per-channel", shapeOf(v), c)))
      return failure();
  return success();
}

LogicalResult SoftmaxCrossEntropyGradOp::verify() {
  if (failed(expectRank(*this, "logits", getLogits(), 2)) ||
      failed(expectRank(*this, "labels", getLabels(), 1)))
    return failure();
  return verifyClassWeight(*this, getClassWeight(), shapeOf(getLogits())[1]);
}

LogicalResult SigmoidCrossEntropyGradOp::verify() {
  return verifyClassWeight(*this, getClassWeight(), 2);
}
