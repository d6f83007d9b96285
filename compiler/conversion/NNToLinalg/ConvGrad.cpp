//===- ConvGrad.cpp - conv2d gradients to linalg --------------------------===//
//
// - grad_input is the transposed convolution: dy, with sh - 1 (sw - 1) zeros
//   between its rows (columns) and padded by (k - 1) * d - pad before, is
//   convolved (stride 1, the forward dilation) with the kernel flipped in
//   space and with in/out channels swapped, as one linalg.conv_2d_nhwc_hwcf.
// - grad_kernel is one linalg.generic with the forward's indexing maps,
//   reducing over (n, i, j): as a named convolution it would need x and dy
//   transposed batch-last first (two full copies).
//
// TF `same` padding is an explicit zero pad of x (the smaller half before),
// as in the forward lowering.
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

/// The padding before the first row and column of the input.
std::pair<int64_t, int64_t> padBefore(Padding padding, ArrayRef<int64_t> in,
                                      ArrayRef<int64_t> kernel,
                                      ArrayRef<int64_t> strides,
                                      ArrayRef<int64_t> dilations) {
  if (padding != Padding::same)
    return {0, 0};
  return {samePadding(in[0], kernel[0], strides[0], dilations[0]).first,
          samePadding(in[1], kernel[1], strides[1], dilations[1]).first};
}

bool onlyBatchDynamic(RankedTensorType type) {
  return llvm::all_of(llvm::seq<int64_t>(1, type.getRank()),
                      [&](int64_t d) { return !type.isDynamicDim(d); });
}

struct Conv2DGradInputLowering : OpConversionPattern<Conv2DGradInputOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DGradInputOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value dy = adaptor.getGradOutput(), kernel = adaptor.getKernel();
    auto dyType = cast<RankedTensorType>(dy.getType());
    auto kType = cast<RankedTensorType>(kernel.getType());
    auto dxType = cast<RankedTensorType>(op.getType());
    if (!onlyBatchDynamic(dyType) || !onlyBatchDynamic(dxType) ||
        !kType.hasStaticShape())
      return op.emitOpError(
          "cannot be lowered: only the batch dimension may be dynamic");

    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
    ArrayRef<int64_t> k = kType.getShape(), dyShape = dyType.getShape();
    ArrayRef<int64_t> in = dxType.getShape().slice(1, 2);
    auto [top, left] = padBefore(op.getPadding(), in, k, strides, dilations);
    SmallVector<OpFoldResult> dxSizes = sizesLike(rewriter, loc, dxType, dy);
    Value zeros = filledF32(rewriter, loc, dxSizes, 0.0);
    if (dyShape[1] == 0 || dyShape[2] == 0) {
      rewriter.replaceOp(op, zeros);
      return success();
    }

    // Rows of the spread dy: (k - 1) * d - pad zeros, then dy's rows sh
    // apart, then zeros up to in + (k - 1) * d (the stride-1 convolution's
    // input extent). The forward shape rule keeps every part non-negative.
    int64_t low[2], high[2], extent[2];
    for (int i = 0; i < 2; ++i) {
      low[i] = (k[i] - 1) * dilations[i] - (i == 0 ? top : left);
      extent[i] = in[i] + (k[i] - 1) * dilations[i];
      high[i] = extent[i] - low[i] - ((dyShape[1 + i] - 1) * strides[i] + 1);
      if (low[i] < 0 || high[i] < 0)
        return op.emitOpError("cannot be lowered: inconsistent padding");
    }
    Value spread;
    if (strides[0] == 1 && strides[1] == 1) {
      spread = padHW(rewriter, loc, dy, low[0], high[0], low[1], high[1], 0.0);
    } else {
      SmallVector<OpFoldResult> sizes = {
          sizeOf(rewriter, loc, dy, 0), rewriter.getIndexAttr(extent[0]),
          rewriter.getIndexAttr(extent[1]), rewriter.getIndexAttr(dyShape[3])};
      Value canvas = filledF32(rewriter, loc, sizes, 0.0);
      SmallVector<OpFoldResult> offsets = {
          rewriter.getIndexAttr(0), rewriter.getIndexAttr(low[0]),
          rewriter.getIndexAttr(low[1]), rewriter.getIndexAttr(0)};
      SmallVector<OpFoldResult> steps = {
          rewriter.getIndexAttr(1), rewriter.getIndexAttr(strides[0]),
          rewriter.getIndexAttr(strides[1]), rewriter.getIndexAttr(1)};
      spread = tensor::InsertSliceOp::create(
          rewriter, loc, dy, canvas, offsets,
          tensor::getMixedSizes(rewriter, loc, dy), steps);
    }

    // flipped[a, b, o, c] = kernel[kh - 1 - a, kw - 1 - b, c, o].
    AffineExpr a = getAffineDimExpr(0, ctx), bb = getAffineDimExpr(1, ctx);
    AffineMap flipMap =
        AffineMap::get(4, 0,
                       {getAffineConstantExpr(k[0] - 1, ctx) - a,
                        getAffineConstantExpr(k[1] - 1, ctx) - bb,
                        getAffineDimExpr(3, ctx), getAffineDimExpr(2, ctx)},
                       ctx);
    Value flippedInit = emptyF32(
        rewriter, loc,
        getAsIndexOpFoldResult(ctx, ArrayRef<int64_t>{k[0], k[1], k[3], k[2]}));
    Value flipped =
        buildMap(rewriter, loc, kernel, flippedInit,
                 [](OpBuilder &, Location, ValueRange args) { return args[0]; },
                 {flipMap});

    auto conv = linalg::Conv2DNhwcHwcfOp::create(
        rewriter, loc, TypeRange{dxType}, ValueRange{spread, flipped},
        ValueRange{zeros}, pairAttr(rewriter, {1, 1}),
        pairAttr(rewriter, dilations));
    rewriter.replaceOp(op, conv.getResult(0));
    return success();
  }
};

struct Conv2DGradKernelLowering : OpConversionPattern<Conv2DGradKernelOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DGradKernelOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getInput(), dy = adaptor.getGradOutput();
    auto xType = cast<RankedTensorType>(x.getType());
    auto dyType = cast<RankedTensorType>(dy.getType());
    auto dkType = cast<RankedTensorType>(op.getType());
    if (!onlyBatchDynamic(xType) || !onlyBatchDynamic(dyType) ||
        !dkType.hasStaticShape())
      return op.emitOpError(
          "cannot be lowered: only the batch dimension may be dynamic");

    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
    ArrayRef<int64_t> k = dkType.getShape();
    if (op.getPadding() == Padding::same) {
      auto [top, bottom] =
          samePadding(xType.getDimSize(1), k[0], strides[0], dilations[0]);
      auto [left, right] =
          samePadding(xType.getDimSize(2), k[1], strides[1], dilations[1]);
      x = padHW(rewriter, loc, x, top, bottom, left, right, 0.0);
    }

    // Loops (a, b, c, o, n, i, j):
    //   dk[a, b, c, o] += x[n, i*sh + a*dh, j*sw + b*dw, c] * dy[n, i, j, o].
    auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    AffineMap xMap =
        AffineMap::get(7, 0,
                       {dim(4), dim(5) * strides[0] + dim(0) * dilations[0],
                        dim(6) * strides[1] + dim(1) * dilations[1], dim(2)},
                       ctx);
    AffineMap dyMap = projection(ctx, 7, {4, 5, 6, 3});
    AffineMap dkMap = projection(ctx, 7, {0, 1, 2, 3});
    SmallVector<utils::IteratorType> iterators(4,
                                               utils::IteratorType::parallel);
    iterators.append(3, utils::IteratorType::reduction);
    Value init = filledF32(rewriter, loc,
                           getAsIndexOpFoldResult(ctx, dkType.getShape()), 0.0);
    Value dk = buildGeneric(
        rewriter, loc, ValueRange{x, dy}, {xMap, dyMap}, init, dkMap, iterators,
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value product = arith::MulFOp::create(b, l, args[0], args[1]);
          return arith::AddFOp::create(b, l, args[2], product);
        });
    rewriter.replaceOp(op, dk);
    return success();
  }
};

} // namespace

void nn::populateConvGradPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2DGradInputLowering, Conv2DGradKernelLowering>(
      patterns.getContext());
}
