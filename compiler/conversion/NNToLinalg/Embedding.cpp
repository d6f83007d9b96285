//===- Embedding.cpp - nn.embedding to a gathering linalg.generic ---------===//
//
// One generic over [ids..., dim] reads the table with tensor.extract. Ids
// outside [0, vocab) give zero rows and never index the table out of bounds.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <numeric>

using namespace mlir;
using namespace mlir::nn;

namespace {

struct EmbeddingLowering : OpConversionPattern<EmbeddingOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(EmbeddingOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value ids = adaptor.getIds(), table = adaptor.getTable();
    auto resultType = cast<RankedTensorType>(op.getType());
    unsigned rank = resultType.getRank();
    MLIRContext *ctx = rewriter.getContext();

    Value vocab = getValueOrCreateConstantIndexOp(
        rewriter, loc, sizeOf(rewriter, loc, table, 0));
    Value zeroIndex = indexConst(rewriter, loc, 0);
    Value zero = f32Const(rewriter, loc, 0.0);
    Value init =
        emptyF32(rewriter, loc, sizesLike(rewriter, loc, resultType, ids));
    SmallVector<int64_t> idDims(rank - 1);
    std::iota(idDims.begin(), idDims.end(), 0);
    Value result = buildMap(
        rewriter, loc, ids, init,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value id =
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value nonNegative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::sge, id, zeroIndex);
          Value belowVocab =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, id, vocab);
          Value valid = arith::AndIOp::create(b, l, nonNegative, belowVocab);
          Value row = arith::SelectOp::create(b, l, valid, id, zeroIndex);
          Value column = linalg::IndexOp::create(b, l, rank - 1);
          Value value =
              tensor::ExtractOp::create(b, l, table, ValueRange{row, column});
          return arith::SelectOp::create(b, l, valid, value, zero);
        },
        {projection(ctx, rank, idDims)});
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void nn::populateEmbeddingPatterns(RewritePatternSet &patterns) {
  patterns.add<EmbeddingLowering>(patterns.getContext());
}
