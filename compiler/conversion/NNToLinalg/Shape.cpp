//===- Shape.cpp - nn.reshape, nn.transpose and nn.concat to tensor ops ---===//
//
// A reshape keeps the batch dimension and is row-major in the rest, so it
// always factors into a collapse to [N, prod(rest)] and an expand from it;
// both are free views after bufferization. Concat writes each input into a
// slice of one destination.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::nn;

namespace {

/// [[0], [1, ..., rank-1]]: the batch stays, the rest is one group.
SmallVector<ReassociationIndices> batchAndRest(int64_t rank) {
  ReassociationIndices rest;
  for (int64_t i = 1; i < rank; ++i)
    rest.push_back(i);
  return {{0}, rest};
}

struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto inType = cast<RankedTensorType>(x.getType());
    auto outType = cast<RankedTensorType>(op.getType());
    if (inType == outType) {
      rewriter.replaceOp(op, x);
      return success();
    }
    int64_t perExample = 1;
    for (int64_t d : inType.getShape().drop_front())
      perExample *= d;
    auto flatType = RankedTensorType::get({inType.getDimSize(0), perExample},
                                          inType.getElementType());

    // To [N, perExample]; a rank-1 input gains a unit dimension.
    Value flat = x;
    if (inType.getRank() > 2)
      flat = tensor::CollapseShapeOp::create(rewriter, loc, flatType, x,
                                             batchAndRest(inType.getRank()));
    else if (inType.getRank() == 1)
      flat = tensor::ExpandShapeOp::create(
          rewriter, loc, flatType, x, ArrayRef<ReassociationIndices>{{0, 1}});

    // From [N, perExample] to the result.
    Value result = flat;
    if (outType.getRank() > 2)
      result = tensor::ExpandShapeOp::create(rewriter, loc, outType, flat,
                                             batchAndRest(outType.getRank()));
    else if (outType.getRank() == 1)
      result = tensor::CollapseShapeOp::create(
          rewriter, loc, outType, flat, ArrayRef<ReassociationIndices>{{0, 1}});
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ValueRange inputs = adaptor.getInputs();
    auto outType = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis();
    if (inputs.size() == 1) {
      rewriter.replaceOp(op, inputs.front());
      return success();
    }

    // The result's sizes: the first input's, with the axis summed.
    SmallVector<SmallVector<OpFoldResult>> inputSizes;
    for (Value v : inputs)
      inputSizes.push_back(tensor::getMixedSizes(rewriter, loc, v));
    SmallVector<OpFoldResult> sizes = inputSizes.front();
    SmallVector<OpFoldResult> offsets;
    OpFoldResult offset = rewriter.getIndexAttr(0);
    for (auto &s : inputSizes) {
      offsets.push_back(offset);
      offset = addOfr(rewriter, loc, offset, s[axis]);
    }
    sizes[axis] = offset;
    Value dest =
        tensor::EmptyOp::create(rewriter, loc, sizes, outType.getElementType());
    if (dest.getType() != outType)
      dest = tensor::CastOp::create(rewriter, loc, outType, dest);

    int64_t rank = outType.getRank();
    SmallVector<OpFoldResult> ones(rank, rewriter.getIndexAttr(1));
    for (auto [v, s, off] : llvm::zip(inputs, inputSizes, offsets)) {
      SmallVector<OpFoldResult> where(rank, rewriter.getIndexAttr(0));
      where[axis] = off;
      dest =
          tensor::InsertSliceOp::create(rewriter, loc, v, dest, where, s, ones);
    }
    rewriter.replaceOp(op, dest);
    return success();
  }

  static OpFoldResult addOfr(OpBuilder &b, Location loc, OpFoldResult a,
                             OpFoldResult c) {
    std::optional<int64_t> x = getConstantIntValue(a),
                           y = getConstantIntValue(c);
    if (x && y)
      return b.getIndexAttr(*x + *y);
    if (x == 0)
      return c;
    return arith::AddIOp::create(b, loc,
                                 getValueOrCreateConstantIndexOp(b, loc, a),
                                 getValueOrCreateConstantIndexOp(b, loc, c))
        .getResult();
  }
};

/// A linalg.transpose into a fresh tensor of the result's sizes.
struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    ArrayRef<int64_t> perm = op.getPermutation();
    if (isIdentityPermutation(perm)) {
      rewriter.replaceOp(op, x);
      return success();
    }
    SmallVector<OpFoldResult> inSizes = tensor::getMixedSizes(rewriter, loc, x);
    SmallVector<OpFoldResult> sizes;
    for (int64_t d : perm)
      sizes.push_back(inSizes[d]);
    Value init = emptyF32(rewriter, loc, sizes);
    rewriter.replaceOp(op,
                       linalg::TransposeOp::create(rewriter, loc, x, init, perm)
                           ->getResults());
    return success();
  }
};

} // namespace

void nn::populateShapePatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering, TransposeLowering, ConcatLowering>(
      patterns.getContext());
}
