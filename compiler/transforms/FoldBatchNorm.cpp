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

/// The folded kernel is computed from the state on every call: worth it
/// when the kernel is small next to what one example's output costs to
/// normalize (a conv's 3x3 taps), not for a large dense kernel (the Fashion
/// CNN's 3136 x 128: 1.6 MB scaled and copied on every call, where its
/// kernel applies the batch norm to 128 outputs per example in registers).
/// Ratio: at most kMaxKernelPerOutput kernel elements per output element of
/// one example.
constexpr int64_t kMaxKernelPerOutput = 16;

bool worthFolding(Value kernel, Value output) {
  auto kernelType = cast<ShapedType>(kernel.getType());
  auto outputType = cast<ShapedType>(output.getType());
  if (!kernelType.hasStaticShape() || outputType.getRank() < 1)
    return true;
  int64_t perExample = 1;
  for (int64_t d : outputType.getShape().drop_front())
    if (!ShapedType::isDynamic(d))
      perExample *= d;
  return kernelType.getNumElements() <= kMaxKernelPerOutput * perExample;
}

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
    if (!worthFolding(kernel, bn.getInput()))
      return failure();
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
          conv.getGroupsAttr(), conv.getWinogradAttr(),
          conv.getWinogradRowsAttr());
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
