//===- NNGradients.cpp - the gradient of each differentiable nn op --------===//
//
// DifferentiableOpInterface: each op builds the gradients of its operands
// from the gradient of its result, out of the gradient ops of NNTrainOps.td.
// `nn-build-train-step` only walks the forward function backwards and sums
// the gradients of values used more than once.
//
//===----------------------------------------------------------------------===//
#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Utils/IndexingUtils.h"

using namespace mlir;
using namespace mlir::nn;

#include "modelc/Dialect/NN/NNInterfaces.cpp.inc"

namespace {

using Wants = llvm::function_ref<bool(Value)>;
using Accumulate = llvm::function_ref<void(Value, Value)>;

/// dy * f'(x) for an element-wise activation of `x`.
void activationGradient(OpBuilder &b, Operation *op, Value x, Value dy,
                        ActivationKind kind, FloatAttr alpha, Wants wants,
                        Accumulate accumulate, FloatAttr min = {},
                        FloatAttr max = {}) {
  if (wants(x))
    accumulate(x, ActivationGradOp::create(
                      b, op->getLoc(), x, dy,
                      ActivationKindAttr::get(b.getContext(), kind), alpha, min,
                      max));
}

/// The sum of `dy` over every dimension but `channel`.
Value channelSum(OpBuilder &b, Location loc, Value bias, Value dy,
                 int64_t channel) {
  return ChannelSumOp::create(b, loc, bias.getType(), dy, channel);
}

} // namespace

void Conv2DOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                              Accumulate accumulate) {
  Location l = getLoc();
  if (wants(getInput()))
    accumulate(getInput(), Conv2DGradInputOp::create(
                               b, l, getInput().getType(), dy, getKernel(),
                               getStridesAttr(), getDilationsAttr(),
                               getPaddingAttr(), getPadsAttr(), getGroupsAttr(),
                               /*winograd=*/nullptr,
                               /*winograd_rows=*/nullptr));
  if (wants(getKernel()))
    accumulate(getKernel(),
               Conv2DGradKernelOp::create(b, l, getKernel().getType(),
                                          getInput(), dy, getStridesAttr(),
                                          getDilationsAttr(), getPaddingAttr(),
                                          getPadsAttr(), getGroupsAttr(),
                                          /*winograd_rows=*/nullptr));
  if (wants(getBias()))
    accumulate(getBias(), channelSum(b, l, getBias(), dy, 3));
}

void DenseOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                             Accumulate accumulate) {
  Location l = getLoc();
  if (wants(getInput()))
    accumulate(getInput(), MatmulOp::create(b, l, getInput().getType(), dy,
                                            getKernel(), false, true));
  if (wants(getKernel()))
    accumulate(getKernel(), MatmulOp::create(b, l, getKernel().getType(),
                                             getInput(), dy, true, false));
  if (wants(getBias()))
    accumulate(getBias(), channelSum(b, l, getBias(), dy, 1));
}

void EmbeddingOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                                 Accumulate accumulate) {
  if (wants(getTable()))
    accumulate(getTable(),
               EmbeddingGradOp::create(b, getLoc(), getTable().getType(),
                                       getIds(), dy));
}

void BiasAddOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                               Accumulate accumulate) {
  if (wants(getInput()))
    accumulate(getInput(), dy);
  if (wants(getBias()))
    accumulate(getBias(),
               channelSum(b, getLoc(), getBias(), dy,
                          cast<RankedTensorType>(dy.getType()).getRank() - 1));
}

void BatchNormOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                                 Accumulate accumulate) {
  auto channels = getMovingMean().getType();
  auto grad = BatchNormGradOp::create(
      b, getLoc(), getInput().getType(), channels, channels, getInput(),
      getGamma(), getMovingMean(), getMovingVariance(), getRenormMean(),
      getRenormStddev(), dy, getTraining(), getAxisAttr(), getEpsilonAttr(),
      getRenormAttr(), getRenormRminAttr(), getRenormRmaxAttr(),
      getRenormDmaxAttr(), getVirtualBatchSizeAttr(), getSynchronizedAttr());
  if (wants(getInput()))
    accumulate(getInput(), grad.getGradInput());
  if (wants(getGamma()))
    accumulate(getGamma(), grad.getGradGamma());
  if (wants(getBeta()))
    accumulate(getBeta(), grad.getGradBeta());
}

void ReluOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                            Accumulate accumulate) {
  activationGradient(b, *this, getInput(), dy, ActivationKind::relu, {}, wants,
                     accumulate);
}

void Relu6Op::buildGradients(OpBuilder &b, Value dy, Wants wants,
                             Accumulate accumulate) {
  activationGradient(b, *this, getInput(), dy, ActivationKind::relu6, {}, wants,
                     accumulate);
}

void ClipOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                            Accumulate accumulate) {
  activationGradient(b, *this, getInput(), dy, ActivationKind::clip, {}, wants,
                     accumulate, getMinAttr(), getMaxAttr());
}

void SigmoidOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                               Accumulate accumulate) {
  activationGradient(b, *this, getInput(), dy, ActivationKind::sigmoid, {},
                     wants, accumulate);
}

void TanhOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                            Accumulate accumulate) {
  activationGradient(b, *this, getInput(), dy, ActivationKind::tanh, {}, wants,
                     accumulate);
}

void LeakyReluOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                                 Accumulate accumulate) {
  activationGradient(b, *this, getInput(), dy, ActivationKind::leaky_relu,
                     getAlphaAttr(), wants, accumulate);
}

void EluOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                           Accumulate accumulate) {
  activationGradient(b, *this, getInput(), dy, ActivationKind::elu,
                     getAlphaAttr(), wants, accumulate);
}

void Pool2DOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                              Accumulate accumulate) {
  if (wants(getInput()))
    accumulate(getInput(),
               Pool2DGradOp::create(b, getLoc(), getInput(), dy, getKindAttr(),
                                    getPoolSizeAttr(), getStridesAttr(),
                                    getPaddingAttr(), getPadsAttr(),
                                    getCountIncludePadAttr()));
}

void GlobalPool2DOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                                    Accumulate accumulate) {
  if (wants(getInput()))
    accumulate(getInput(), GlobalPool2DGradOp::create(b, getLoc(), getInput(),
                                                      dy, getKindAttr()));
}

void ReshapeOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                               Accumulate accumulate) {
  if (wants(getInput()))
    accumulate(getInput(),
               ReshapeOp::create(b, getLoc(), getInput().getType(), dy));
}

void SoftmaxOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                               Accumulate accumulate) {
  if (wants(getInput()))
    accumulate(getInput(), SoftmaxGradOp::create(b, getLoc(), getOutput(), dy,
                                                 getLogAttr()));
}

void TransposeOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                                 Accumulate accumulate) {
  if (wants(getInput()))
    accumulate(getInput(),
               TransposeOp::create(b, getLoc(), getInput().getType(), dy,
                                   invertPermutationVector(getPermutation())));
}

void ConcatOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                              Accumulate accumulate) {
  int64_t offset = 0, axis = getAxis();
  for (Value in : getInputs()) {
    auto type = cast<RankedTensorType>(in.getType());
    if (wants(in))
      accumulate(in, SliceOp::create(b, getLoc(), type, dy, axis, offset));
    offset += type.getDimSize(axis);
  }
}

void MulOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                           Accumulate accumulate) {
  Location l = getLoc();
  if (wants(getLhs()))
    accumulate(getLhs(),
               MulGradOp::create(b, l, getLhs().getType(), dy, getRhs()));
  if (wants(getRhs()))
    accumulate(getRhs(),
               MulGradOp::create(b, l, getRhs().getType(), dy, getLhs()));
}

void AddOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                           Accumulate accumulate) {
  for (Value in : getInputs())
    if (wants(in))
      accumulate(in, dy);
}

void DropoutOp::buildGradients(OpBuilder &b, Value dy, Wants wants,
                               Accumulate accumulate) {
  // The same key and stream draw the same mask.
  if (wants(getInput()))
    accumulate(getInput(),
               DropoutOp::create(b, getLoc(), dy, getTraining(), getKey(),
                                 getRateAttr(), getStreamAttr()));
}
