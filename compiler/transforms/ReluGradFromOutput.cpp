//===- ReluGradFromOutput.cpp - relu's gradient masked by its output -----===//
//
// `nn-relu-grad-from-output`: relu's gradient is `dy * (x > 0)`, and
// `x > 0` exactly when `relu(x) > 0` (for -0 and NaN too: both sides are
// false). When the relu's output is stored anyway (a convolution or dense
// layer reads it), the gradient takes its mask from that output instead of
// from x. x then has no reader but the relu, so the producer of x (a batch
// norm in training mode) and the relu fuse into one loop that writes only
// the relu's output: one full-size tensor less per step. Bit-identical.
//
//===----------------------------------------------------------------------===//
#include "modelc/Transforms/Passes.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::nn {
#define GEN_PASS_DEF_NNRELUGRADFROMOUTPUT
#include "modelc/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

bool isReluGradOf(Operation *op, Value x) {
  auto grad = dyn_cast<nn::ActivationGradOp>(op);
  return grad && grad.getKind() == nn::ActivationKind::relu &&
         grad.getInput() == x && grad.getGradOutput() != x;
}

struct MaskFromOutput : OpRewritePattern<nn::ActivationGradOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(nn::ActivationGradOp grad,
                                PatternRewriter &rewriter) const override {
    Value x = grad.getInput();
    if (!isReluGradOf(grad, x))
      return failure();
    // x feeds one relu and relu gradients only.
    nn::ReluOp relu;
    for (Operation *user : x.getUsers()) {
      if (isReluGradOf(user, x))
        continue;
      auto r = dyn_cast<nn::ReluOp>(user);
      if (!r || relu)
        return failure();
      relu = r;
    }
    // The relu's output is stored anyway: a layer that reads it as a whole
    // (not an element-wise consumer, which would take the relu in).
    if (!relu || !llvm::any_of(relu->getUsers(), [](Operation *user) {
          return isa<nn::Conv2DOp, nn::DenseOp, nn::ReshapeOp>(user);
        }))
      return failure();
    // The relu must come first (it does in a train step: forward, then
    // backward).
    if (relu->getBlock() != grad->getBlock() || !relu->isBeforeInBlock(grad))
      return failure();
    rewriter.modifyOpInPlace(
        grad, [&] { grad.getInputMutable().assign(relu.getResult()); });
    return success();
  }
};

struct NNReluGradFromOutputPass
    : nn::impl::NNReluGradFromOutputBase<NNReluGradFromOutputPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<MaskFromOutput>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
