//===- Winograd.cpp - Winograd F(2x2, 3x3) as linalg contractions ---------===//
//
// A 3x3 convolution of stride 1 marked `winograd` (nn.conv2d, and the
// transposed convolution of nn.conv2d_grad_input) computes each 2x2 output
// tile from a 4x4 input tile d as A^T [(G g G^T) . (B^T d B)] A (Lavin &
// Gray, 2016): 16 multiplications per channel pair instead of 36. Every
// step is a small linalg contraction, which the tile planner and the
// contraction kernels take like any other: the transforms with constant
// matrices, the 16 element-wise products summed over the input channels as
// 16 matrix products.
//
//===----------------------------------------------------------------------===//
#include "Winograd.h"
#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::nn;

namespace {

/// The TH x TW output tiles of a padded NHWC input `x`. Each transform is
/// a small contraction with a constant matrix (the input's in two passes,
/// B^T then B, half the multiply-adds of one 16-term pass).
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
  Value btConst = f32Tensor(b, loc, {4, 4}, btv);

  // U[e1, e2, c, f] = sum_{a,b} GG[e1, e2, a, b] kernel[a, b, c, f];
  // loops (e1 e2 c f a b).
  Value u = buildGeneric(
      b, loc, ValueRange{f32Tensor(b, loc, {4, 4, 3, 3}, gg), kernel},
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
      buildGeneric(b, loc, ValueRange{f32Tensor(b, loc, {4, 4, 4}, aa), m},
                   {map(7, {d(3), d(5), d(6)}),
                    map(7, {d(0), d(5), d(6), d(1), d(2), d(4)})},
                   init, map(7, {d(0), d(1), d(2), d(3), d(4)}),
                   {par, par, par, par, par, red, red}, multiplyAdd);
  // Y[n, th, i, tw, j, f] = Y'[n, th, tw, 2i + j, f] (an index map, not an
  // expand_shape: one that reshape propagation would fold into the product,
  // splitting p into two dims of 2 rows each).
  return buildMap(
      b, loc, ValueRange{y},
      emptyF32(b, loc, {n, idx(th), idx(2), idx(tw), idx(2), idx(f)}),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; },
      {map(6, {d(0), d(1), d(3), d(2) * 2 + d(4), d(5)})});
}

} // namespace

Value nn::winogradInit(OpBuilder &b, Location loc, Value bias,
                       ArrayRef<OpFoldResult> tiled) {
  if (!bias)
    return filledF32(b, loc, tiled, 0.0);
  auto dims = llvm::to_vector(llvm::seq<int64_t>(0, tiled.size() - 1));
  return linalg::BroadcastOp::create(b, loc, bias, emptyF32(b, loc, tiled),
                                     dims)
      .getResult()[0];
}

Value nn::winogradResult(OpBuilder &b, Location loc, Value y,
                         ArrayRef<ReassociationIndices> tiles,
                         ArrayRef<int64_t> wholeShape,
                         RankedTensorType resultType,
                         ArrayRef<OpFoldResult> sizes) {
  auto wholeType = RankedTensorType::get(wholeShape, b.getF32Type());
  y = tensor::CollapseShapeOp::create(b, loc, wholeType, y, tiles);
  if (wholeType == resultType)
    return y;
  return tensor::ExtractSliceOp::create(
      b, loc, resultType, y, SmallVector<OpFoldResult>(4, b.getIndexAttr(0)),
      sizes, SmallVector<OpFoldResult>(4, b.getIndexAttr(1)));
}

Value nn::winogradConv2D(OpBuilder &b, Location loc, Value x, Value kernel,
                         Value bias, RankedTensorType resultType,
                         ArrayRef<OpFoldResult> sizes) {
  ArrayRef<int64_t> outShape = resultType.getShape();
  int64_t th = (outShape[1] + 1) / 2, tw = (outShape[2] + 1) / 2;
  Value init = winogradInit(b, loc, bias,
                            {sizes[0], b.getIndexAttr(th), b.getIndexAttr(tw),
                             b.getIndexAttr(4), sizes[3]});
  Value y = winogradConvolution(b, loc, x, kernel, init, th, tw);
  return winogradResult(b, loc, y, {{0}, {1, 2}, {3, 4}, {5}},
                        {outShape[0], 2 * th, 2 * tw, outShape[3]}, resultType,
                        sizes);
}
