//===- FoldBatchNorm.cpp - inference batch norm into conv/dense -----------===//
#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::nn {
#define GEN_PASS_DEF_NNFOLDBATCHNORM
#include "modelc/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

struct FoldIntoProducer : public OpRewritePattern<nn::BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(nn::BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    // Only inference mode: the statistics are then state, not data.
    if (!matchPattern(bn.getTraining(), m_Zero()))
      return failure();
    auto type = cast<RankedTensorType>(bn.getInput().getType());
    if (static_cast<int64_t>(bn.getAxis()) != type.getRank() - 1)
      return failure();
    Operation *producer = bn.getInput().getDefiningOp();
    if (!producer || !bn.getInput().hasOneUse() ||
        !isa<nn::Conv2DOp, nn::DenseOp>(producer))
      return failure();
    Value kernel = producer->getOperand(1);
    Value bias = isa<nn::Conv2DOp>(producer)
                     ? cast<nn::Conv2DOp>(producer).getBias()
                     : cast<nn::DenseOp>(producer).getBias();
    auto channels = bn.getMovingMean().getType();
    auto fold = nn::BatchNormFoldOp::create(
        rewriter, bn.getLoc(), kernel.getType(), channels, kernel, bias,
        bn.getGamma(), bn.getBeta(), bn.getMovingMean(), bn.getMovingVariance(),
        bn.getEpsilonAttr());
    Value folded;
    if (auto conv = dyn_cast<nn::Conv2DOp>(producer))
      folded = nn::Conv2DOp::create(
          rewriter, conv.getLoc(), conv.getType(), conv.getInput(),
          fold.getFoldedKernel(), fold.getFoldedBias(), conv.getStridesAttr(),
          conv.getDilationsAttr(), conv.getPaddingAttr(), conv.getPadsAttr(),
          conv.getGroupsAttr());
    else
      folded = nn::DenseOp::create(
          rewriter, producer->getLoc(), producer->getResult(0).getType(),
          producer->getOperand(0), fold.getFoldedKernel(),
          fold.getFoldedBias());
    // In inference mode the statistics a batch norm returns are the moving
    // ones.
    rewriter.replaceOp(bn,
                       {folded, bn.getMovingMean(), bn.getMovingVariance()});
    rewriter.eraseOp(producer);
    return success();
  }
};

struct NNFoldBatchNormPass
    : public nn::impl::NNFoldBatchNormBase<NNFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoProducer>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
