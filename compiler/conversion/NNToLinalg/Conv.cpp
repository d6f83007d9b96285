//===- Conv.cpp - nn.conv2d to linalg.conv_2d_nhwc_hwcf -------------------===//
//
// TF `same` padding becomes an explicit zero `tensor.pad` (smaller half
// before); the bias, when present, is broadcast into the accumulator so the
// convolution adds onto it. A grouped convolution (`groups` > 1, depthwise
// included) splits the channels of input, kernel and output into
// [groups, channels / groups] and is one linalg.generic with the group as a
// parallel loop.
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

/// y[n, i, j, g, o'] += x[n, i*sh + a*dh, j*sw + b*dw, g, c'] *
/// kernel[a, b, c', g, o'] on the (padded) input, kernel and accumulator,
/// their channels split into [g, c'] or [g, o'] only where a group has more
/// than one (depthwise: neither, g stays the innermost dimension).
Value groupedConvolution(OpBuilder &b, Location loc, Value x, Value kernel,
                         Value init, int64_t groups, ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> dilations) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> k = cast<RankedTensorType>(kernel.getType()).getShape();
  bool splitIn = k[2] > 1, splitOut = k[3] > groups;
  if (splitIn)
    x = splitLastDim(b, loc, x, groups);
  if (splitOut) {
    kernel = splitLastDim(b, loc, kernel, groups);
    init = splitLastDim(b, loc, init, groups);
  }
  // Loops (n, i, j, g, [o'], a, b, [c']).
  unsigned loops = 4;
  auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  int o = splitOut ? loops++ : -1;
  unsigned ka = loops++, kb = loops++;
  int c = splitIn ? loops++ : -1;
  SmallVector<AffineExpr> xIdx = {
      dim(0), dim(1) * strides[0] + dim(ka) * dilations[0],
      dim(2) * strides[1] + dim(kb) * dilations[1], dim(3)};
  SmallVector<AffineExpr> kIdx = {
      dim(ka), dim(kb), splitIn ? dim(c) : getAffineConstantExpr(0, ctx),
      dim(3)};
  SmallVector<int64_t> yDims = {0, 1, 2, 3};
  if (splitIn)
    xIdx.push_back(dim(c));
  if (splitOut) {
    kIdx.push_back(dim(o));
    yDims.push_back(o);
  }
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::reduction);
  for (int64_t d : yDims)
    iterators[d] = utils::IteratorType::parallel;
  Value y =
      buildGeneric(b, loc, ValueRange{x, kernel},
                   {AffineMap::get(loops, 0, xIdx, ctx),
                    AffineMap::get(loops, 0, kIdx, ctx)},
                   init, projection(ctx, loops, yDims), iterators, multiplyAdd);
  return splitOut ? mergeLastDims(b, loc, y) : y;
}

/// A constant f32 tensor of `shape` holding `values` (row-major).
Value f32Constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

/// Winograd F(2x2, 3x3) on a padded NHWC input `x` (stride 1, no
/// dilation) of TH x TW output tiles: per 4x4 input tile d and 3x3 kernel g,
/// the 2x2 outputs A^T [(G g G^T) . (B^T d B)] A (Lavin & Gray, 2016), the
/// 16 element-wise products summed over the input channels as 16 matrix
/// products. Each transform is a small contraction with a constant matrix
/// (the input's in two passes, B^T then B, half the multiply-adds of one).
/// `init` is [N, TH, TW, 4, F] (zeros or the bias); returns [N, TH, 2, TW,
/// 2, F].
Value winogradConvolution(OpBuilder &b, Location loc, Value x, Value kernel,
                          Value init, int64_t th, int64_t tw) {
  MLIRContext *ctx = b.getContext();
  const float bt[4][4] = {
      {1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
  const float g[4][3] = {
      {1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
  const float at[2][4] = {{1, 1, 1, 0}, {0, 1, -1, -1}};
  SmallVector<float> btv, gg, aa;
  for (int e = 0; e < 4; ++e)
    for (int i = 0; i < 4; ++i)
      btv.push_back(bt[e][i]);
  for (int e1 = 0; e1 < 4; ++e1)
    for (int e2 = 0; e2 < 4; ++e2)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
          gg.push_back(g[e1][i] * g[e2][j]);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      for (int e1 = 0; e1 < 4; ++e1)
        for (int e2 = 0; e2 < 4; ++e2)
          aa.push_back(at[i][e1] * at[j][e2]);
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  auto map = [&](unsigned loops, ArrayRef<AffineExpr> results) {
    return AffineMap::get(loops, 0, results, ctx);
  };
  auto idx = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
  using utils::IteratorType;
  const auto par = IteratorType::parallel, red = IteratorType::reduction;
  ArrayRef<int64_t> k = cast<RankedTensorType>(kernel.getType()).getShape();
  int64_t c = k[2], f = k[3];
  OpFoldResult n = sizeOf(b, loc, x, 0);
  Value btConst = f32Constant(b, loc, {4, 4}, btv);

  // U[e1, e2, c, f] = sum_{a,b} GG[e1, e2, a, b] kernel[a, b, c, f];
  // loops (e1 e2 c f a b).
  Value u = buildGeneric(
      b, loc, ValueRange{f32Constant(b, loc, {4, 4, 3, 3}, gg), kernel},
      {map(6, {d(0), d(1), d(4), d(5)}), map(6, {d(4), d(5), d(2), d(3)})},
      filledF32(b, loc, {idx(4), idx(4), idx(c), idx(f)}, 0.0),
      map(6, {d(0), d(1), d(2), d(3)}), {par, par, par, par, red, red},
      multiplyAdd);
  // W[n, i, e2, th, tw, c] = sum_j BT[e2, j] x[n, 2th+i, 2tw+j, c];
  // loops (n i e2 th tw c j).
  Value w = buildGeneric(
      b, loc, ValueRange{btConst, x},
      {map(7, {d(2), d(6)}),
       map(7, {d(0), d(3) * 2 + d(1), d(4) * 2 + d(6), d(5)})},
      filledF32(b, loc, {n, idx(4), idx(4), idx(th), idx(tw), idx(c)}, 0.0),
      map(7, {d(0), d(1), d(2), d(3), d(4), d(5)}),
      {par, par, par, par, par, par, red}, multiplyAdd);
  // V[n, e1, e2, th, tw, c] = sum_i BT[e1, i] W[n, i, e2, th, tw, c];
  // loops (n e1 e2 th tw c i).
  Value v = buildGeneric(
      b, loc, ValueRange{btConst, w},
      {map(7, {d(1), d(6)}), map(7, {d(0), d(6), d(2), d(3), d(4), d(5)})},
      filledF32(b, loc, {n, idx(4), idx(4), idx(th), idx(tw), idx(c)}, 0.0),
      map(7, {d(0), d(1), d(2), d(3), d(4), d(5)}),
      {par, par, par, par, par, par, red}, multiplyAdd);
  // M[n, e1, e2, th, tw, f] = sum_c V[n, e1, e2, th, tw, c] U[e1, e2, c, f];
  // loops (n e1 e2 th tw f c).
  Value m = buildGeneric(
      b, loc, ValueRange{v, u},
      {map(7, {d(0), d(1), d(2), d(3), d(4), d(6)}),
       map(7, {d(1), d(2), d(6), d(5)})},
      filledF32(b, loc, {n, idx(4), idx(4), idx(th), idx(tw), idx(f)}, 0.0),
      map(7, {d(0), d(1), d(2), d(3), d(4), d(5)}),
      {par, par, par, par, par, par, red}, multiplyAdd);
  // Y'[n, th, tw, p, f] += sum_{e1,e2} AA[p, e1, e2] M[n, e1, e2, th, tw, f]
  // with p = 2i + j (one dim: the rows of the register tile);
  // loops (n th tw p f e1 e2).
  Value y =
      buildGeneric(b, loc, ValueRange{f32Constant(b, loc, {4, 4, 4}, aa), m},
                   {map(7, {d(3), d(5), d(6)}),
                    map(7, {d(0), d(5), d(6), d(1), d(2), d(4)})},
                   init, map(7, {d(0), d(1), d(2), d(3), d(4)}),
                   {par, par, par, par, par, red, red}, multiplyAdd);
  // Y[n, th, i, tw, j, f] = Y'[n, th, tw, i, j, f].
  auto yType = cast<RankedTensorType>(y.getType());
  auto split = tensor::ExpandShapeOp::create(
      b, loc,
      RankedTensorType::get({yType.getDimSize(0), th, tw, 2, 2, f},
                            b.getF32Type()),
      y, SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4}, {5}},
      SmallVector<OpFoldResult>{n, idx(th), idx(tw), idx(2), idx(2), idx(f)});
  return buildMap(
      b, loc, ValueRange{split},
      emptyF32(b, loc, {n, idx(th), idx(2), idx(tw), idx(2), idx(f)}),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; },
      {map(6, {d(0), d(1), d(3), d(2), d(4), d(5)})});
}

struct Conv2DLowering : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto xType = cast<RankedTensorType>(x.getType());
    auto kType = cast<RankedTensorType>(adaptor.getKernel().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    if (failed(requireStaticButBatch(op, {xType}, {kType})))
      return failure();

    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
    auto [padH, padW] =
        spatialPadding(op, xType.getShape().slice(1, 2),
                       kType.getShape().take_front(2), dilations);
    if (op.getPadding() == Padding::valid)
      padH = padW = {0, 0};
    // Winograd F(2x2, 3x3) computes whole 2x2 output tiles: an odd output
    // height or width gets one more zero row or column in the same pad.
    // (The verifier holds winograd to 3x3, stride 1, no dilation, 1 group.)
    ArrayRef<int64_t> outShape = resultType.getShape();
    int64_t th = (outShape[1] + 1) / 2, tw = (outShape[2] + 1) / 2;
    if (op.getWinograd()) {
      padH.second += 2 * th - outShape[1];
      padW.second += 2 * tw - outShape[2];
    }
    x = padHW(rewriter, loc, x, padH.first, padH.second, padW.first,
              padW.second, 0.0);

    SmallVector<OpFoldResult> sizes =
        sizesLike(rewriter, loc, resultType, adaptor.getInput());
    if (op.getWinograd()) {
      SmallVector<OpFoldResult> tiled = {sizes[0], rewriter.getIndexAttr(th),
                                         rewriter.getIndexAttr(tw),
                                         rewriter.getIndexAttr(4), sizes[3]};
      Value init;
      if (Value bias = adaptor.getBias())
        init = linalg::BroadcastOp::create(rewriter, loc, bias,
                                           emptyF32(rewriter, loc, tiled),
                                           ArrayRef<int64_t>{0, 1, 2, 3})
                   .getResult()[0];
      else
        init = filledF32(rewriter, loc, tiled, 0.0);
      Value y = winogradConvolution(rewriter, loc, x, adaptor.getKernel(), init,
                                    th, tw);
      auto fullType = RankedTensorType::get(
          {outShape[0], 2 * th, 2 * tw, outShape[3]}, rewriter.getF32Type());
      y = tensor::CollapseShapeOp::create(
          rewriter, loc, fullType, y,
          SmallVector<ReassociationIndices>{{0}, {1, 2}, {3, 4}, {5}});
      if (fullType != resultType)
        y = tensor::ExtractSliceOp::create(
            rewriter, loc, resultType, y,
            SmallVector<OpFoldResult>(4, rewriter.getIndexAttr(0)), sizes,
            SmallVector<OpFoldResult>(4, rewriter.getIndexAttr(1)));
      rewriter.replaceOp(op, y);
      return success();
    }
    Value init;
    if (Value bias = adaptor.getBias())
      init = linalg::BroadcastOp::create(rewriter, loc, bias,
                                         emptyF32(rewriter, loc, sizes),
                                         ArrayRef<int64_t>{0, 1, 2})
                 .getResult()[0];
    else
      init = filledF32(rewriter, loc, sizes, 0.0);

    if (op.getGroups() > 1) {
      rewriter.replaceOp(
          op, groupedConvolution(rewriter, loc, x, adaptor.getKernel(), init,
                                 op.getGroups(), strides, dilations));
      return success();
    }
    auto conv = linalg::Conv2DNhwcHwcfOp::create(
        rewriter, loc, TypeRange{resultType},
        ValueRange{x, adaptor.getKernel()}, ValueRange{init},
        pairAttr(rewriter, strides), pairAttr(rewriter, dilations));
    rewriter.replaceOp(op, conv.getResult(0));
    return success();
  }
};

} // namespace

void nn::populateConvPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering>(patterns.getContext());
}
