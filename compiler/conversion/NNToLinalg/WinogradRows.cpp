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
// direct convolution.
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
      t.g.push_back(eh[i * r + k] / scale);
  }
  for (int64_t p = 0; p < m; ++p)
    for (int64_t e = 0; e < a; ++e)
      t.at.push_back(ex[e * m + p]);
  return t;
}

} // namespace

Value nn::winogradRowsConv2D(OpBuilder &b, Location loc, Value x, Value kernel,
                             Value bias, RankedTensorType resultType,
                             ArrayRef<OpFoldResult> sizes, int64_t m,
                             int64_t strideW, int64_t dilationW) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> k = cast<RankedTensorType>(kernel.getType()).getShape();
  int64_t r = k[0], kw = k[1], c = k[2], f = k[3], a = m + r - 1;
  ArrayRef<int64_t> outShape = resultType.getShape();
  int64_t th = (outShape[1] + m - 1) / m, wo = outShape[2];
  int64_t wp = cast<RankedTensorType>(x.getType()).getDimSize(2);
  ToomCook t = toomCook(m, r);
  OpFoldResult n = sizeOf(b, loc, x, 0);
  auto idx = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  auto map = [&](unsigned loops, ArrayRef<AffineExpr> results) {
    return AffineMap::get(loops, 0, results, ctx);
  };
  const auto par = utils::IteratorType::parallel,
             red = utils::IteratorType::reduction;

  // U[e, kb, c, f] = sum_ka G[e, ka] kernel[ka, kb, c, f];
  // loops (e kb c f ka).
  Value u = buildGeneric(
      b, loc, ValueRange{f32Tensor(b, loc, {a, r}, t.g), kernel},
      {map(5, {d(0), d(4)}), map(5, {d(4), d(1), d(2), d(3)})},
      filledF32(b, loc, {idx(a), idx(kw), idx(c), idx(f)}, 0.0),
      map(5, {d(0), d(1), d(2), d(3)}), {par, par, par, par, red}, multiplyAdd);
  // V[n, e, t, w, c] = sum_i BT[e, i] x[n, m t + i, w, c];
  // loops (n e t w c i).
  Value v = buildGeneric(
      b, loc, ValueRange{f32Tensor(b, loc, {a, a}, t.bt), x},
      {map(6, {d(1), d(5)}), map(6, {d(0), d(2) * m + d(5), d(3), d(4)})},
      filledF32(b, loc, {n, idx(a), idx(th), idx(wp), idx(c)}, 0.0),
      map(6, {d(0), d(1), d(2), d(3), d(4)}), {par, par, par, par, par, red},
      multiplyAdd);
  // M[n, e, t, j, f] = sum_{kb,c} V[n, e, t, j sw + kb dw, c] U[e, kb, c, f];
  // loops (n e t j f kb c).
  Value prod = buildGeneric(
      b, loc, ValueRange{v, u},
      {map(7, {d(0), d(1), d(2), d(3) * strideW + d(5) * dilationW, d(6)}),
       map(7, {d(1), d(5), d(6), d(4)})},
      filledF32(b, loc, {n, idx(a), idx(th), idx(wo), idx(f)}, 0.0),
      map(7, {d(0), d(1), d(2), d(3), d(4)}),
      {par, par, par, par, par, red, red}, multiplyAdd);
  // Y[n, t, p, j, f] = init + sum_e AT[p, e] M[n, e, t, j, f];
  // loops (n t p j f e).
  Value init = winogradInit(b, loc, bias,
                            {sizes[0], idx(th), idx(m), idx(wo), sizes[3]});
  Value y = buildGeneric(
      b, loc, ValueRange{f32Tensor(b, loc, {m, a}, t.at), prod},
      {map(6, {d(2), d(5)}), map(6, {d(0), d(5), d(1), d(3), d(4)})}, init,
      map(6, {d(0), d(1), d(2), d(3), d(4)}), {par, par, par, par, par, red},
      multiplyAdd);
  return winogradResult(b, loc, y, {{0}, {1, 2}, {3}, {4}},
                        {outShape[0], m * th, wo, f}, resultType, sizes);
}
