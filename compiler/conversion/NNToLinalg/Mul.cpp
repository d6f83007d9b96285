//===- Mul.cpp - nn.mul and nn.mul_grad to linalg -------------------------===//
//
// Broadcasting is in the indexing maps: an operand reads dimension `d` of
// the result at index 0 where it repeats (size 1 against a larger result)
// and not at all where it lacks the dimension. The gradient of an operand
// is `dy * other` reduced over exactly those dimensions, into a tensor
// without them that an expand_shape gives back the operand's unit dims.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Dialect/NN/ShapeRules.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::nn;

namespace {

/// How an operand of type `type` is read at the result's indices.
AffineMap broadcastMap(MLIRContext *ctx, RankedTensorType type,
                       ArrayRef<int64_t> result) {
  int64_t offset = result.size() - type.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < type.getRank(); ++i)
    exprs.push_back(isBroadcastDim(type.getShape(), result, offset + i)
                        ? getAffineConstantExpr(0, ctx)
                        : getAffineDimExpr(offset + i, ctx));
  return AffineMap::get(result.size(), 0, exprs, ctx);
}

/// The sizes of the broadcast result, its dynamic ones read from whichever
/// operand has that dimension dynamic.
SmallVector<OpFoldResult> resultSizes(OpBuilder &b, Location loc,
                                      ArrayRef<int64_t> result,
                                      ValueRange operands) {
  SmallVector<OpFoldResult> sizes;
  for (auto [d, size] : llvm::enumerate(result)) {
    if (!ShapedType::isDynamic(size)) {
      sizes.push_back(b.getIndexAttr(size));
      continue;
    }
    for (Value v : operands) {
      auto type = cast<RankedTensorType>(v.getType());
      int64_t i = d - (result.size() - type.getRank());
      if (i >= 0 && type.isDynamicDim(i)) {
        sizes.push_back(sizeOf(b, loc, v, i));
        break;
      }
    }
  }
  return sizes;
}

struct MulLowering : OpConversionPattern<MulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    ArrayRef<int64_t> result = op.getType().getShape();
    Value init =
        emptyF32(rewriter, loc, resultSizes(rewriter, loc, result, {lhs, rhs}));
    Value y = buildMap(
        rewriter, loc, ValueRange{lhs, rhs}, init,
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::MulFOp::create(b, l, args[0], args[1]);
        },
        {broadcastMap(ctx, cast<RankedTensorType>(lhs.getType()), result),
         broadcastMap(ctx, cast<RankedTensorType>(rhs.getType()), result)});
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct MulGradLowering : OpConversionPattern<MulGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MulGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value dy = adaptor.getGradOutput(), other = adaptor.getOther();
    auto dyType = cast<RankedTensorType>(dy.getType());
    auto operandType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> result = dyType.getShape();
    ArrayRef<int64_t> operand = operandType.getShape();
    int64_t rank = result.size(), offset = rank - operand.size();

    // The reduced gradient keeps the result dimensions the operand does not
    // repeat; the operand's repeated unit dims join a neighbouring group of
    // the expand_shape that restores them.
    SmallVector<int64_t> kept;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d) {
      bool repeated = isBroadcastDim(operand, result, d);
      iterators.push_back(repeated ? utils::IteratorType::reduction
                                   : utils::IteratorType::parallel);
      if (!repeated)
        kept.push_back(d);
    }
    SmallVector<OpFoldResult> sizes;
    for (int64_t d : kept)
      sizes.push_back(sizeOf(rewriter, loc, dy, d));
    Value init = filledF32(rewriter, loc, sizes, 0.0);
    Value reduced = buildGeneric(
        rewriter, loc, ValueRange{dy, other},
        {rewriter.getMultiDimIdentityMap(rank),
         broadcastMap(ctx, cast<RankedTensorType>(other.getType()), result)},
        init, projection(ctx, rank, kept), iterators, multiplyAdd);
    // The reduced sizes are dy's: where the operand's are dynamic and dy's
    // static, a tensor.cast gives the operand's type back.
    auto castToOperand = [&](Value v) -> Value {
      if (v.getType() == operandType)
        return v;
      return tensor::CastOp::create(rewriter, loc, operandType, v);
    };
    auto reducedType = cast<RankedTensorType>(reduced.getType());
    if (reducedType.getRank() == operandType.getRank()) {
      rewriter.replaceOp(op, castToOperand(reduced));
      return success();
    }
    SmallVector<int64_t> expandedShape;
    for (int64_t i = 0, next = 0; i < (int64_t)operand.size(); ++i)
      expandedShape.push_back(isBroadcastDim(operand, result, offset + i)
                                  ? 1
                                  : reducedType.getDimSize(next++));
    SmallVector<ReassociationIndices> groups;
    for (int64_t i = 0; i < (int64_t)operand.size(); ++i) {
      if (!isBroadcastDim(operand, result, offset + i) || groups.empty())
        groups.push_back({i});
      else
        groups.back().push_back(i);
    }
    // Unit dims before the first kept one belong to its group.
    if (!kept.empty() && groups.size() > kept.size()) {
      ReassociationIndices first = groups.front();
      groups.erase(groups.begin());
      groups.front().insert(groups.front().begin(), first.begin(), first.end());
    }
    if (kept.empty())
      groups.clear();
    Value expanded = tensor::ExpandShapeOp::create(
        rewriter, loc,
        RankedTensorType::get(expandedShape, operandType.getElementType()),
        reduced, groups);
    rewriter.replaceOp(op, castToOperand(expanded));
    return success();
  }
};

} // namespace

void nn::populateMulPatterns(RewritePatternSet &patterns) {
  patterns.add<MulLowering, MulGradLowering>(patterns.getContext());
}
