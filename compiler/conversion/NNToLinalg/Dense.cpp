//===- Dense.cpp - nn.dense to linalg.matmul ------------------------------===//
//
// The bias, when present, is broadcast into the accumulator so the matmul
// adds onto it.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::nn;

namespace {

struct DenseLowering : OpConversionPattern<DenseOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DenseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<OpFoldResult> sizes =
        sizesLike(rewriter, loc, resultType, adaptor.getInput());
    Value init;
    if (Value bias = adaptor.getBias())
      init = linalg::BroadcastOp::create(rewriter, loc, bias,
                                         emptyF32(rewriter, loc, sizes),
                                         ArrayRef<int64_t>{0})
                 .getResult()[0];
    else
      init = filledF32(rewriter, loc, sizes, 0.0);
    auto matmul = linalg::MatmulOp::create(
        rewriter, loc, TypeRange{resultType},
        ValueRange{adaptor.getInput(), adaptor.getKernel()}, ValueRange{init});
    rewriter.replaceOp(op, matmul.getResult(0));
    return success();
  }
};

} // namespace

void nn::populateDensePatterns(RewritePatternSet &patterns) {
  patterns.add<DenseLowering>(patterns.getContext());
}
