//===- EmbeddingGrad.cpp - nn.embedding_grad to a scatter-add loop --------===//
//
// The dense table gradient is a scatter-add of dy's rows into a zero table.
// A gather formulation (every table row reducing over every position) would
// cost vocab * positions * dim, thousands of times the scatter's
// positions * dim for a real vocabulary, so this one op is an scf.for over
// the positions (in order, so the sums are deterministic) that adds each
// row in place. Ids outside [0, vocab) add nothing.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::nn;

namespace {

struct EmbeddingGradLowering : OpConversionPattern<EmbeddingGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(EmbeddingGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value ids = adaptor.getIds(), dy = adaptor.getGradOutput();
    auto idsType = cast<RankedTensorType>(ids.getType());
    auto tableType = cast<RankedTensorType>(op.getType());
    if (idsType.getRank() == 0 || !tableType.hasStaticShape())
      return op.emitOpError("cannot be lowered: needs ranked ids and a "
                            "static table shape");
    int64_t vocab = tableType.getDimSize(0), dim = tableType.getDimSize(1);

    // Positions flattened: ids [P], dy [P, dim].
    if (idsType.getRank() > 1) {
      ReassociationIndices all;
      for (int64_t d = 0; d < idsType.getRank(); ++d)
        all.push_back(d);
      ids = tensor::CollapseShapeOp::create(
          rewriter, loc, ids, ArrayRef<ReassociationIndices>{all});
      dy = tensor::CollapseShapeOp::create(
          rewriter, loc, dy,
          ArrayRef<ReassociationIndices>{all, {idsType.getRank()}});
    }

    Value table = filledF32(
        rewriter, loc,
        {rewriter.getIndexAttr(vocab), rewriter.getIndexAttr(dim)}, 0.0);
    Value zero = indexConst(rewriter, loc, 0);
    Value one = indexConst(rewriter, loc, 1);
    Value vocabSize = indexConst(rewriter, loc, vocab);
    Value positions = tensor::DimOp::create(rewriter, loc, ids, 0);
    auto rowType = RankedTensorType::get({dim}, rewriter.getF32Type());
    SmallVector<OpFoldResult> rowSizes = {rewriter.getIndexAttr(1),
                                          rewriter.getIndexAttr(dim)};
    SmallVector<OpFoldResult> unitStrides = {rewriter.getIndexAttr(1),
                                             rewriter.getIndexAttr(1)};
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, positions, one, ValueRange{table},
        [&](OpBuilder &b, Location l, Value p, ValueRange iterArgs) {
          Value acc = iterArgs[0];
          Value id = arith::IndexCastOp::create(
              b, l, b.getIndexType(),
              tensor::ExtractOp::create(b, l, ids, ValueRange{p}));
          Value valid = arith::AndIOp::create(
              b, l,
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, id, zero),
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, id,
                                    vocabSize));
          auto ifOp = scf::IfOp::create(
              b, l, valid,
              [&](OpBuilder &tb, Location tl) {
                SmallVector<OpFoldResult> at = {id, tb.getIndexAttr(0)};
                SmallVector<OpFoldResult> from = {p, tb.getIndexAttr(0)};
                Value row = tensor::ExtractSliceOp::create(
                    tb, tl, rowType, acc, at, rowSizes, unitStrides);
                Value grad = tensor::ExtractSliceOp::create(
                    tb, tl, rowType, dy, from, rowSizes, unitStrides);
                // row += grad, in place.
                Value sum = buildMap(
                    tb, tl, grad, row,
                    [](OpBuilder &nb, Location nl, ValueRange args) {
                      return arith::AddFOp::create(nb, nl, args[1], args[0])
                          .getResult();
                    });
                Value updated = tensor::InsertSliceOp::create(
                    tb, tl, sum, acc, at, rowSizes, unitStrides);
                scf::YieldOp::create(tb, tl, updated);
              },
              [&](OpBuilder &eb, Location el) {
                scf::YieldOp::create(eb, el, acc);
              });
          scf::YieldOp::create(b, l, ifOp.getResult(0));
        });
    rewriter.replaceOp(op, loop.getResult(0));
    return success();
  }
};

} // namespace

void nn::populateEmbeddingGradPatterns(RewritePatternSet &patterns) {
  patterns.add<EmbeddingGradLowering>(patterns.getContext());
}
