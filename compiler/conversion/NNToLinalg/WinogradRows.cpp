//===- WinogradRows.cpp - Winograd F(m, kh) along the rows ----------------===//
//
// A convolution marked `winograd_rows = m` computes each tile of m output
// rows from a = m + kh - 1 input rows d as A^T [(G g) . (B^T d)] for every
// kernel column and channel pair: a multiplications per tile instead of
// m kh. The matrices are Toom-Cook's for the points 0, 1, -1, 2, -2, 1/2,
// -1/2 (the first a - 1) and infinity: the correlation of d with g is the
// transpose of the polynomial product of g and an m-term polynomial, which
// is evaluated at the points (A^T = E_m^T, G = E_kh) and interpolated back
// (B^T = V^-T, V the a x a Vandermonde matrix). Row i of B^T is scaled by
// prod_{j != i} (p_i - p_j) and row i of G divided by it, so that B^T is
// integral for integral points (the standard F(4, 3) matrices).
//
// The columns, channels and filters are left to the matrix products: the
// a products are convolutions along the columns of the transformed rows
// with the transformed kernel rows, which the tile planner takes like the
// direct convolution (or, for a transposed convolution whose dy is
// narrower than the kernel, sums over dy's columns; RowsColumns).
//
// The kernel gradient is F(kh, m) with dy as the filter: tiles of m rows of
// dy against m + kh - 1 rows of the input, its products summed over the
// batch, the tiles and the columns before A^T gives the kh row taps
// (winogradRowsConv2DGradKernel).
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "Winograd.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace mlir::nn;

namespace {

/// Toom-Cook matrices of F(m, r), row-major: A^T [m, a], G [a, r],
/// B^T [a, a] with a = m + r - 1.
struct ToomCook {
  SmallVector<float> at, g, bt;
};

ToomCook toomCook(int64_t m, int64_t r) {
  const double points[] = {0, 1, -1, 2, -2, 0.5, -0.5};
  int64_t a = m + r - 1;
  assert(a - 1 <= int64_t(std::size(points)) && "tile beyond the points");
  // Row i of the evaluation at point i of a polynomial with `terms`
  // coefficients (infinity, the last row, takes the leading one).
  auto evaluation = [&](int64_t terms) {
    std::vector<double> e(a * terms, 0.0);
    for (int64_t i = 0; i + 1 < a; ++i)
      for (int64_t k = 0; k < terms; ++k)
        e[i * terms + k] = std::pow(points[i], double(k));
    e[(a - 1) * terms + terms - 1] = 1.0;
    return e;
  };
  std::vector<double> ex = evaluation(m), eh = evaluation(r), v = evaluation(a);
  // inv = V^-1 by Gauss-Jordan with partial pivoting (V is invertible: the
  // points are distinct).
  std::vector<double> inv(a * a, 0.0);
  for (int64_t i = 0; i < a; ++i)
    inv[i * a + i] = 1.0;
  for (int64_t col = 0; col < a; ++col) {
    int64_t pivot = col;
    for (int64_t row = col + 1; row < a; ++row)
      if (std::fabs(v[row * a + col]) > std::fabs(v[pivot * a + col]))
        pivot = row;
    for (int64_t k = 0; k < a; ++k) {
      std::swap(v[col * a + k], v[pivot * a + k]);
      std::swap(inv[col * a + k], inv[pivot * a + k]);
    }
    double scale = v[col * a + col];
    for (int64_t k = 0; k < a; ++k) {
      v[col * a + k] /= scale;
      inv[col * a + k] /= scale;
    }
    for (int64_t row = 0; row < a; ++row) {
      double factor = v[row * a + col];
      if (row == col || factor == 0.0)
        continue;
      for (int64_t k = 0; k < a; ++k) {
        v[row * a + k] -= factor * v[col * a + k];
        inv[row * a + k] -= factor * inv[col * a + k];
      }
    }
  }
  ToomCook t;
  for (int64_t i = 0; i < a; ++i) {
    double scale = 1.0;
    for (int64_t j = 0; i + 1 < a && j + 1 < a; ++j)
      if (j != i)
        scale *= points[i] - points[j];
    for (int64_t k = 0; k < a; ++k) {
      // Round what is integral up to the elimination's error (and -0 to 0).
      double entry = inv[k * a + i] * scale;
      double whole = std::round(entry);
      if (std::fabs(entry - whole) < 1e-9)
        entry = whole == 0.0 ? 0.0 : whole;
      t.bt.push_back(entry);
    }
    for (int64_t k = 0; k < r; ++k)
      t.g.push_back(eh[i * r + k] == 0.0 ? 0.0 : eh[i * r + k] / scale);
  }
  for (int64_t p = 0; p < m; ++p)
    for (int64_t e = 0; e < a; ++e)
      t.at.push_back(ex[e * m + p]);
  return t;
}

/// The small contractions both lowerings are made of.
struct Contractions {
  OpBuilder &b;
  Location loc;

  AffineExpr d(unsigned i) const { return b.getAffineDimExpr(i); }
  AffineMap map(unsigned loops, ArrayRef<AffineExpr> results) const {
    return AffineMap::get(loops, 0, results, b.getContext());
  }
  OpFoldResult idx(int64_t v) const { return b.getIndexAttr(v); }

  /// T[n, e, t, w, c] = sum_i mat[e, i] x[n, m t + i, w, c] for the
  /// `rows` x `cols` matrix `mat` and `tiles` tiles of `cols` rows of the
  /// NHWC `x`, m apart; loops (n e t w c i).
  Value rowTiles(ArrayRef<float> mat, int64_t rows, int64_t cols, Value x,
                 int64_t m, int64_t tiles) const {
    auto type = cast<RankedTensorType>(x.getType());
    const auto par = utils::IteratorType::parallel;
    return buildGeneric(
        b, loc, ValueRange{f32Tensor(b, loc, {rows, cols}, mat), x},
        {map(6, {d(1), d(5)}), map(6, {d(0), d(2) * m + d(5), d(3), d(4)})},
        filledF32(b, loc,
                  {sizeOf(b, loc, x, 0), idx(rows), idx(tiles),
                   idx(type.getDimSize(2)), idx(type.getDimSize(3))},
                  0.0),
        map(6, {d(0), d(1), d(2), d(3), d(4)}),
        {par, par, par, par, par, utils::IteratorType::reduction}, multiplyAdd);
  }

  /// out[e, kb, c, f] = sum_i mat[e, i] k[i, kb, c, f] for the `rows` x
  /// `cols` matrix `mat` and a kernel-shaped `k` ([cols, kw, C, F]), its
  /// kb and c swapped when `swap`; loops (e kb c f i).
  Value kernelRows(ArrayRef<float> mat, int64_t rows, int64_t cols, Value k,
                   bool swap = false) const {
    ArrayRef<int64_t> shape = cast<RankedTensorType>(k.getType()).getShape();
    SmallVector<OpFoldResult> sizes = {idx(rows), idx(shape[1]), idx(shape[2]),
                                       idx(shape[3])};
    SmallVector<AffineExpr> dims = {d(0), d(1), d(2), d(3)};
    if (swap) {
      std::swap(sizes[1], sizes[2]);
      std::swap(dims[1], dims[2]);
    }
    const auto par = utils::IteratorType::parallel;
    return buildGeneric(
        b, loc, ValueRange{f32Tensor(b, loc, {rows, cols}, mat), k},
        {map(5, {d(0), d(4)}), map(5, {d(4), d(1), d(2), d(3)})},
        filledF32(b, loc, sizes, 0.0), map(5, dims),
        {par, par, par, par, utils::IteratorType::reduction}, multiplyAdd);
  }
};

} // namespace

Value nn::winogradRowsConv2D(OpBuilder &b, Location loc, Value x, Value kernel,
                             Value bias, RankedTensorType resultType,
                             ArrayRef<OpFoldResult> sizes, int64_t m,
                             RowsColumns columns) {
  ArrayRef<int64_t> k = cast<RankedTensorType>(kernel.getType()).getShape();
  int64_t r = k[0], f = k[3], a = m + r - 1;
  ArrayRef<int64_t> outShape = resultType.getShape();
  int64_t th = (outShape[1] + m - 1) / m, wo = outShape[2];
  int64_t wp = cast<RankedTensorType>(x.getType()).getDimSize(2);
  ToomCook t = toomCook(m, r);
  Contractions c{b, loc};
  auto d = [&](unsigned i) { return c.d(i); };
  const auto par = utils::IteratorType::parallel,
             red = utils::IteratorType::reduction;

  // U[e, kb, c, f] = sum_ka G[e, ka] kernel[ka, kb, c, f]. Summed over the
  // input's columns, U is [e, c, kb, f]: the products' output columns j
  // then read consecutive kernel columns, which are the vectors when there
  // is one filter (a text CNN's input gradient: dx's one channel).
  bool overInput = columns.overInput;
  Value u = c.kernelRows(t.g, a, r, kernel, /*swap=*/overInput);
  // V[n, e, t, w, c] = sum_i BT[e, i] x[n, m t + i, w, c].
  Value v = c.rowTiles(t.bt, a, a, x, m, th);
  // M[n, e, t, j, f] = sum_{r,c} V[n, e, t, vcol, c] U[e, ucol, c, f] with
  // (vcol, ucol) = (j sw + r dw, r) over the kernel's columns, or
  // (r, j + (wp - 1) sw - r sw) over the input's; loops (n e t j f r c).
  int64_t sw = columns.stride, dw = columns.dilation;
  AffineExpr vcol = overInput ? d(5) : d(3) * sw + d(5) * dw;
  // (One input column, as in a text CNN: r is 0, and the planner takes j
  // alone better than j - r sw.)
  AffineExpr ucol = !overInput ? d(5)
                    : wp == 1  ? d(3)
                               : d(3) + (wp - 1) * sw - d(5) * sw;
  Value prod = buildGeneric(b, loc, ValueRange{v, u},
                            {c.map(7, {d(0), d(1), d(2), vcol, d(6)}),
                             overInput ? c.map(7, {d(1), d(6), ucol, d(4)})
                                       : c.map(7, {d(1), ucol, d(6), d(4)})},
                            filledF32(b, loc,
                                      {sizeOf(b, loc, x, 0), c.idx(a),
                                       c.idx(th), c.idx(wo), c.idx(f)},
                                      0.0),
                            c.map(7, {d(0), d(1), d(2), d(3), d(4)}),
                            {par, par, par, par, par, red, red}, multiplyAdd);
  // Y[n, t, p, j, f] = init + sum_e AT[p, e] M[n, e, t, j, f];
  // loops (n t p j f e).
  Value init = winogradInit(
      b, loc, bias, {sizes[0], c.idx(th), c.idx(m), c.idx(wo), sizes[3]});
  Value y = buildGeneric(
      b, loc, ValueRange{f32Tensor(b, loc, {m, a}, t.at), prod},
      {c.map(6, {d(2), d(5)}), c.map(6, {d(0), d(5), d(1), d(3), d(4)})}, init,
      c.map(6, {d(0), d(1), d(2), d(3), d(4)}), {par, par, par, par, par, red},
      multiplyAdd);
  return winogradResult(b, loc, y, {{0}, {1, 2}, {3}, {4}},
                        {outShape[0], m * th, wo, f}, resultType, sizes);
}

Value nn::winogradRowsConv2DGradKernel(OpBuilder &b, Location loc, Value x,
                                       Value dy, RankedTensorType dkType,
                                       int64_t m, int64_t strideW,
                                       int64_t dilationW) {
  ArrayRef<int64_t> k = dkType.getShape();
  int64_t r = k[0], a = m + r - 1;
  auto dyType = cast<RankedTensorType>(dy.getType());
  int64_t ho = dyType.getDimSize(1), th = (ho + m - 1) / m;
  // dy padded with zero rows to whole tiles, x to the rows they read (the
  // zero rows of dy meet whatever x holds there: zeros).
  dy = padHW(b, loc, dy, 0, th * m - ho, 0, 0, 0.0);
  int64_t xRows =
      th * m + r - 1 - cast<RankedTensorType>(x.getType()).getDimSize(1);
  if (xRows > 0)
    x = padHW(b, loc, x, 0, xRows, 0, 0, 0.0);
  // The correlation of m + r - 1 rows of x with m rows of dy gives the r
  // taps: F(r, m), dy as its filter.
  ToomCook t = toomCook(r, m);
  Contractions c{b, loc};
  auto d = [&](unsigned i) { return c.d(i); };
  const auto par = utils::IteratorType::parallel,
             red = utils::IteratorType::reduction;
  // V[n, e, t, w, c] = sum_i BT[e, i] x[n, m t + i, w, c], W[n, e, t, j, o]
  // = sum_i G[e, i] dy[n, m t + i, j, o].
  Value v = c.rowTiles(t.bt, a, a, x, m, th);
  Value w = c.rowTiles(t.g, a, m, dy, m, th);
  // P[e, kb, c, o] = sum_{n,t,j} V[n, e, t, j sw + kb dw, c] W[n, e, t, j, o];
  // loops (e kb c o n t j).
  Value p = buildGeneric(
      b, loc, ValueRange{v, w},
      {c.map(7, {d(4), d(0), d(5), d(6) * strideW + d(1) * dilationW, d(2)}),
       c.map(7, {d(4), d(0), d(5), d(6), d(3)})},
      filledF32(b, loc, {c.idx(a), c.idx(k[1]), c.idx(k[2]), c.idx(k[3])}, 0.0),
      c.map(7, {d(0), d(1), d(2), d(3)}), {par, par, par, par, red, red, red},
      multiplyAdd);
  // dk[ka, kb, c, o] = sum_e AT[ka, e] P[e, kb, c, o].
  return c.kernelRows(t.at, r, a, p);
}
