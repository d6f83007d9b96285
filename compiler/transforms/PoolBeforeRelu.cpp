//===- PoolBeforeRelu.cpp - max-pool first, relu on the pooled values -----===//
//
// `nn-pool-before-relu`: in a train step, `pool<max>(relu(x))` becomes
// `relu(pool<max>(x))`, and its gradient `relu_grad(x, pool_grad(relu(x),
// dy))` becomes `pool_grad(x, relu_grad(pool<max>(x), dy))`. Relu is monotone,
// so both forms give the same values, and the same gradients: where a
// window's maximum is positive, both route dy to its first maximum; where it
// is not, relu's derivative is 0 in both. The relu then runs on the pooled
// tensor (a quarter of the elements for 2x2 windows), and the full-size relu
// output is neither written nor read again. Only where the relu feeds nothing
// but the pool and its gradient.
//
//===----------------------------------------------------------------------===//
#include "modelc/Transforms/Passes.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::nn {
#define GEN_PASS_DEF_NNPOOLBEFORERELU
#include "modelc/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

/// Matches the gradient side: relu_grad(x, pool_grad(relu(x), dy)), with the
/// relu used by one max pool and this gradient only.
struct SwapReluAndPool : OpRewritePattern<nn::Pool2DGradOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(nn::Pool2DGradOp grad,
                                PatternRewriter &rewriter) const override {
    if (grad.getKind() != nn::PoolKind::max || !grad->hasOneUse())
      return failure();
    auto relu = grad.getInput().getDefiningOp<nn::ReluOp>();
    auto reluGrad = dyn_cast<nn::ActivationGradOp>(*grad->user_begin());
    if (!relu || !reluGrad || reluGrad.getKind() != nn::ActivationKind::relu ||
        reluGrad.getGradOutput() != grad.getResult() ||
        reluGrad.getInput() != relu.getInput())
      return failure();
    nn::Pool2DOp pool;
    for (Operation *user : relu->getUsers()) {
      if (user == grad.getOperation())
        continue;
      auto p = dyn_cast<nn::Pool2DOp>(user);
      if (!p || pool || !grad.hasWindowsOf(p))
        return failure();
      pool = p;
    }
    if (!pool)
      return failure();

    Value x = relu.getInput();
    Location loc = pool.getLoc();
    rewriter.setInsertionPoint(pool);
    auto pooled = nn::Pool2DOp::create(
        rewriter, loc, pool.getType(), x, pool.getKindAttr(),
        pool.getPoolSizeAttr(), pool.getStridesAttr(), pool.getPaddingAttr(),
        pool.getPadsAttr(), pool.getCountIncludePadAttr());
    auto activated = nn::ReluOp::create(rewriter, relu.getLoc(), pool.getType(),
                                        pooled.getResult());
    rewriter.replaceOp(pool, activated.getResult());

    rewriter.setInsertionPoint(reluGrad);
    auto dPooled = nn::ActivationGradOp::create(
        rewriter, reluGrad.getLoc(), pooled.getResult(), grad.getGradOutput(),
        reluGrad.getKindAttr(), reluGrad.getAlphaAttr(), reluGrad.getMinAttr(),
        reluGrad.getMaxAttr());
    auto dx = nn::Pool2DGradOp::create(
        rewriter, grad.getLoc(), reluGrad.getType(), x, dPooled.getResult(),
        grad.getKindAttr(), grad.getPoolSizeAttr(), grad.getStridesAttr(),
        grad.getPaddingAttr(), grad.getPadsAttr(),
        grad.getCountIncludePadAttr());
    rewriter.replaceOp(reluGrad, dx.getResult());
    rewriter.eraseOp(grad);
    rewriter.eraseOp(relu);
    return success();
  }
};

struct NNPoolBeforeReluPass
    : nn::impl::NNPoolBeforeReluBase<NNPoolBeforeReluPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<SwapReluAndPool>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
