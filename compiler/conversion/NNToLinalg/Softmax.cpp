//===- Softmax.cpp - nn.softmax and its gradient to linalg ----------------===//
//
// Row statistics (max and the sum of shifted exponentials) as for the
// softmax cross-entropy, then one element-wise map. The gradient reads the
// forward output: one row sum, then one map. Above rank 2, every dimension
// but the last is collapsed into the rows.
//
//===----------------------------------------------------------------------===//
#include "LossUtils.h"
#include "Patterns.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::nn;

namespace {

/// `f(elems[n, k]..., rows[n]...)` for every element of the [N, K]
/// tensors `elems`.
Value mapWithRows(OpBuilder &b, Location loc, ValueRange elems, ValueRange rows,
                  function_ref<Value(OpBuilder &, Location, ValueRange)> f) {
  SmallVector<Value> inputs(elems.begin(), elems.end());
  inputs.append(rows.begin(), rows.end());
  AffineMap identity = b.getMultiDimIdentityMap(2);
  SmallVector<AffineMap> maps(elems.size(), identity);
  maps.append(rows.size(), projection(b.getContext(), 2, {0}));
  Value init = emptyF32(b, loc, tensor::getMixedSizes(b, loc, elems[0]));
  return buildGeneric(
      b, loc, inputs, maps, init, identity,
      {utils::IteratorType::parallel, utils::IteratorType::parallel}, f);
}

/// `x` as rows [M, K]: every dimension but the last collapsed into one (a
/// rank-2 tensor as it is).
Value asRows(OpBuilder &b, Location loc, Value x) {
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  if (rank == 2)
    return x;
  ReassociationIndices leading =
      llvm::to_vector(llvm::seq<int64_t>(0, rank - 1));
  return tensor::CollapseShapeOp::create(
      b, loc, x, ArrayRef<ReassociationIndices>{leading, {rank - 1}});
}

/// `rows` back in the shape of `like`.
Value likeShape(OpBuilder &b, Location loc, Value rows, Value like) {
  auto type = cast<RankedTensorType>(like.getType());
  if (type.getRank() == 2)
    return rows;
  ReassociationIndices leading =
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank() - 1));
  return tensor::ExpandShapeOp::create(
      b, loc, type, rows,
      ArrayRef<ReassociationIndices>{leading, {type.getRank() - 1}},
      tensor::getMixedSizes(b, loc, like));
}

struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = asRows(rewriter, loc, adaptor.getInput());
    auto [maxRow, sumExp] = softmaxRowStatistics(rewriter, loc, x);
    bool log = op.getLog();
    Value y =
        mapWithRows(rewriter, loc, x, {maxRow, sumExp},
                    [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                      Value shifted = arith::SubFOp::create(b, l, a[0], a[1]);
                      if (log)
                        return arith::SubFOp::create(
                            b, l, shifted, math::LogOp::create(b, l, a[2]));
                      return arith::DivFOp::create(
                          b, l, math::ExpOp::create(b, l, shifted), a[2]);
                    });
    rewriter.replaceOp(op, likeShape(rewriter, loc, y, adaptor.getInput()));
    return success();
  }
};

struct SoftmaxGradLowering : OpConversionPattern<SoftmaxGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SoftmaxGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value y = asRows(rewriter, loc, adaptor.getOutput());
    Value dy = asRows(rewriter, loc, adaptor.getGradOutput());
    bool log = op.getLog();
    // Per row: sum_k dy * y (softmax) or sum_k dy (log-softmax).
    AffineMap identity = rewriter.getMultiDimIdentityMap(2);
    AffineMap rows = projection(rewriter.getContext(), 2, {0});
    Value sum = buildGeneric(
        rewriter, loc, ValueRange{y, dy}, {identity, identity},
        filledF32(rewriter, loc, {sizeOf(rewriter, loc, y, 0)}, 0.0), rows,
        {utils::IteratorType::parallel, utils::IteratorType::reduction},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value term = log ? a[1] : arith::MulFOp::create(b, l, a[0], a[1]);
          return arith::AddFOp::create(b, l, a[2], term);
        });
    Value dx = mapWithRows(
        rewriter, loc, {y, dy}, sum,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          // a = (y, dy, row sum): dy is mapped per element.
          Value yv = a[0], g = a[1], s = a[2];
          if (log)
            return arith::SubFOp::create(
                b, l, g,
                arith::MulFOp::create(b, l, math::ExpOp::create(b, l, yv), s));
          return arith::MulFOp::create(b, l, yv,
                                       arith::SubFOp::create(b, l, g, s));
        });
    rewriter.replaceOp(op,
                       likeShape(rewriter, loc, dx, adaptor.getGradOutput()));
    return success();
  }
};

} // namespace

void nn::populateSoftmaxPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxLowering, SoftmaxGradLowering>(patterns.getContext());
}
