//===- DenseGrad.cpp - nn.matmul and nn.channel_sum to linalg -------------===//
//
// The gradients of nn.dense (dy @ kernel^T, x^T @ dy) are linalg.matmul with
// transposed indexing maps, so no transpose is materialized. Bias and beta
// gradients (nn.channel_sum) are a linalg.reduce over every other axis.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::nn;

namespace {

struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    bool transposeLhs = op.getTransposeLhs(),
         transposeRhs = op.getTransposeRhs();
    auto resultType = cast<RankedTensorType>(op.getType());
    // Dynamic result sizes come from the operand dimension they stand for.
    SmallVector<OpFoldResult> sizes = {
        resultType.isDynamicDim(0)
            ? sizeOf(rewriter, loc, lhs, transposeLhs ? 1 : 0)
            : rewriter.getIndexAttr(resultType.getDimSize(0)),
        resultType.isDynamicDim(1)
            ? sizeOf(rewriter, loc, rhs, transposeRhs ? 0 : 1)
            : rewriter.getIndexAttr(resultType.getDimSize(1))};
    Value init = filledF32(rewriter, loc, sizes, 0.0);
    auto matmul =
        linalg::MatmulOp::create(rewriter, loc, TypeRange{resultType},
                                 ValueRange{lhs, rhs}, ValueRange{init});
    if (transposeLhs || transposeRhs) {
      // Loops (m, n, k).
      AffineMap lhsMap = projection(ctx, 3,
                                    transposeLhs ? ArrayRef<int64_t>{2, 0}
                                                 : ArrayRef<int64_t>{0, 2});
      AffineMap rhsMap = projection(ctx, 3,
                                    transposeRhs ? ArrayRef<int64_t>{1, 2}
                                                 : ArrayRef<int64_t>{2, 1});
      matmul.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(
          {lhsMap, rhsMap, projection(ctx, 3, {0, 1})}));
    }
    rewriter.replaceOp(op, matmul.getResult(0));
    return success();
  }
};

struct ChannelSumLowering : OpConversionPattern<ChannelSumOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ChannelSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    int64_t axis = op.getAxis();
    SmallVector<int64_t> reduced;
    for (int64_t d = 0; d < cast<RankedTensorType>(x.getType()).getRank(); ++d)
      if (d != axis)
        reduced.push_back(d);
    Value init =
        filledF32(rewriter, loc, {sizeOf(rewriter, loc, x, axis)}, 0.0);
    Value sum = linalg::ReduceOp::create(
                    rewriter, loc, ValueRange{x}, ValueRange{init}, reduced,
                    [](OpBuilder &b, Location l, ValueRange args) {
                      Value s = arith::AddFOp::create(b, l, args[0], args[1]);
                      linalg::YieldOp::create(b, l, s);
                    })
                    .getResult(0);
    rewriter.replaceOp(op, sum);
    return success();
  }
};

} // namespace

void nn::populateDenseGradPatterns(RewritePatternSet &patterns) {
  patterns.add<MatmulLowering, ChannelSumLowering>(patterns.getContext());
}
