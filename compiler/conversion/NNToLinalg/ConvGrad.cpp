//===- ConvGrad.cpp - conv2d gradients to linalg --------------------------===//
//
// - grad_input is the transposed convolution: dy, with sh - 1 (sw - 1) zeros
//   between its rows (columns) and padded by (k - 1) * d - pad before, is
//   convolved (stride 1, the forward dilation) with the kernel flipped in
//   space and with in/out channels swapped, as one linalg.conv_2d_nhwc_hwcf.
//   That sums over the k taps for each of the `in` positions of an axis;
//   along an axis where dy is shorter than the kernel (out < k: a window
//   covering most of the input, e.g. a full-width kernel with one output
//   column) it instead sums over the `out` dy positions, reading the kernel
//   spread by d and padded, and the whole gradient is one linalg.generic.
//   Marked `winograd` (3x3, stride 1), the transposed convolution is
//   Winograd F(2x2, 3x3) (Winograd.cpp); marked `winograd_rows`, Winograd
//   along the rows (WinogradRows.cpp), summing the columns over the taps or
//   over dy as above.
// - grad_kernel is one linalg.generic with the forward's indexing maps,
//   reducing over (n, i, j): as a named convolution it would need x and dy
//   transposed batch-last first (two full copies). Marked `winograd_rows`,
//   it is Winograd F(kh, m) along the rows (WinogradRows.cpp).
//
// TF `same` padding is an explicit zero pad of x (the smaller half before),
// as in the forward lowering.
//
// With `groups` > 1 the channels of every operand are split into
// [groups, channels / groups] and the group is one more parallel loop;
// grad_input then always takes the linalg.generic form.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "Utils.h"
#include "Winograd.h"

#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Dialect/NN/ShapeRules.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::nn;

namespace {

/// `x` placed in zeros along its dimensions `first` and `first + 1`: element j
/// of dimension `first + i` goes to `offset[i] + j * step[i]` of a dimension
/// of `extent[i]` elements; the other dimensions are unchanged. A
/// `tensor.pad` when both steps are 1 (nothing when it would pad nothing),
/// else an `insert_slice` into a zero fill. The caller checks that `x` fits.
Value placeInZeros(OpBuilder &b, Location loc, Value x, int64_t first,
                   ArrayRef<int64_t> offset, ArrayRef<int64_t> step,
                   ArrayRef<int64_t> extent) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  if (step[0] == 1 && step[1] == 1) {
    SmallVector<int64_t> shape(type.getShape());
    SmallVector<OpFoldResult> low(rank, b.getIndexAttr(0)),
        high(rank, b.getIndexAttr(0));
    bool any = false;
    for (int i = 0; i < 2; ++i) {
      int64_t dim = first + i, size = type.getDimSize(dim);
      int64_t after = extent[i] - offset[i] - size;
      low[dim] = b.getIndexAttr(offset[i]);
      high[dim] = b.getIndexAttr(after);
      shape[dim] = extent[i];
      any |= offset[i] != 0 || after != 0;
    }
    if (!any)
      return x;
    return tensor::PadOp::create(
        b, loc, RankedTensorType::get(shape, type.getElementType()), x, low,
        high, f32Const(b, loc, 0.0));
  }
  SmallVector<OpFoldResult> sizes, offsets, strides;
  for (int64_t dim = 0; dim < rank; ++dim) {
    bool spatial = dim == first || dim == first + 1;
    int64_t i = dim - first;
    sizes.push_back(spatial ? b.getIndexAttr(extent[i])
                            : sizeOf(b, loc, x, dim));
    offsets.push_back(b.getIndexAttr(spatial ? offset[i] : 0));
    strides.push_back(b.getIndexAttr(spatial ? step[i] : 1));
  }
  Value canvas = filledF32(b, loc, sizes, 0.0);
  return tensor::InsertSliceOp::create(
      b, loc, x, canvas, offsets, tensor::getMixedSizes(b, loc, x), strides);
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
    if (failed(requireStaticButBatch(op, {dyType, dxType}, {kType})))
      return failure();

    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
    ArrayRef<int64_t> k = kType.getShape(), dyShape = dyType.getShape();
    ArrayRef<int64_t> in = dxType.getShape().slice(1, 2);
    auto [padH, padW] = spatialPadding(op, in, k.take_front(2), dilations);
    int64_t pad[2] = {padH.first, padW.first};
    int64_t out[2] = {dyShape[1], dyShape[2]};
    SmallVector<OpFoldResult> dxSizes = sizesLike(rewriter, loc, dxType, dy);
    Value zeros = filledF32(rewriter, loc, dxSizes, 0.0);
    if (out[0] == 0 || out[1] == 0) {
      rewriter.replaceOp(op, zeros);
      return success();
    }

    // Per axis, dx[h] = sum dy[i] * kernel[a] over h = i*s + a*d - pad:
    // every dx position sums over the k taps (reading dy spread and padded,
    // the transposed convolution) or over the `out` dy positions (reading
    // the kernel spread and padded). The first costs in * k, the second
    // in * out; the forward costs out * k, and in <= out * s + (k - 1) * d,
    // so the cheaper of the two is within a factor s + d of the forward.
    // The second one is needed when dy is short and the kernel long (a
    // window covering most of the input: the text CNN's full-width kernels
    // with one output column), where padding dy by k - 1 on both sides
    // costs in / out times the forward.
    bool overDy[2] = {out[0] < k[0], out[1] < k[1]};
    int64_t groups = op.getGroups();
    // (The verifier holds winograd_rows to dy rows >= kernel rows.)
    std::optional<int64_t> rows = op.getWinogradRows();

    // Rows of the spread dy: (k - 1) * d - pad zeros, then dy's rows s
    // apart, then zeros up to in + (k - 1) * d (the stride-1 convolution's
    // input extent). The forward shape rule keeps every part non-negative.
    // Axes that sum over dy keep dy as it is.
    int64_t dyOff[2], dyStep[2], dyExt[2];
    for (int i = 0; i < 2; ++i) {
      if (overDy[i]) {
        dyOff[i] = 0, dyStep[i] = 1, dyExt[i] = out[i];
        continue;
      }
      dyOff[i] = (k[i] - 1) * dilations[i] - pad[i];
      dyStep[i] = strides[i];
      dyExt[i] = in[i] + (k[i] - 1) * dilations[i];
      // Winograd F(2x2, 3x3) computes whole 2x2 tiles: an odd dx gets one
      // more zero row or column; along the rows, whole tiles of m rows.
      if (op.getWinograd())
        dyExt[i] += in[i] % 2;
      if (rows && i == 0)
        dyExt[i] += *rows * llvm::divideCeil(in[i], *rows) - in[i];
      int64_t after = dyExt[i] - dyOff[i] - ((out[i] - 1) * strides[i] + 1);
      if (dyOff[i] < 0 || after < 0)
        return op.emitOpError("cannot be lowered: inconsistent padding");
    }
    Value spread =
        placeInZeros(rewriter, loc, dy, /*first=*/1, dyOff, dyStep, dyExt);

    if (!overDy[0] && !overDy[1] && groups == 1) {
      // A stride-1 convolution (forward dilation) with the kernel flipped in
      // space and its channels swapped:
      // flipped[a, b, o, c] = kernel[kh - 1 - a, kw - 1 - b, c, o].
      AffineExpr a = getAffineDimExpr(0, ctx), bb = getAffineDimExpr(1, ctx);
      AffineMap flipMap =
          AffineMap::get(4, 0,
                         {getAffineConstantExpr(k[0] - 1, ctx) - a,
                          getAffineConstantExpr(k[1] - 1, ctx) - bb,
                          getAffineDimExpr(3, ctx), getAffineDimExpr(2, ctx)},
                         ctx);
      Value flippedInit =
          emptyF32(rewriter, loc,
                   getAsIndexOpFoldResult(
                       ctx, ArrayRef<int64_t>{k[0], k[1], k[3], k[2]}));
      Value flipped = buildMap(
          rewriter, loc, kernel, flippedInit,
          [](OpBuilder &, Location, ValueRange args) { return args[0]; },
          {flipMap});
      if (op.getWinograd()) {
        rewriter.replaceOp(op, winogradConv2D(rewriter, loc, spread, flipped,
                                              Value(), dxType, dxSizes));
        return success();
      }
      if (rows) {
        rewriter.replaceOp(op,
                           winogradRowsConv2D(rewriter, loc, spread, flipped,
                                              Value(), dxType, dxSizes, *rows,
                                              {false, 1, dilations[1]}));
        return success();
      }
      auto conv = linalg::Conv2DNhwcHwcfOp::create(
          rewriter, loc, TypeRange{dxType}, ValueRange{spread, flipped},
          ValueRange{zeros}, pairAttr(rewriter, {1, 1}),
          pairAttr(rewriter, dilations));
      rewriter.replaceOp(op, conv.getResult(0));
      return success();
    }

    // Along an axis summed over dy, tap a meets dy position i at
    // h = i*s + a*d - pad, i.e. at h + (out - 1 - i) * s = lo + a*d with
    // lo = (out - 1) * s - pad: the kernel, its taps d apart from lo, in
    // zeros of in + (out - 1) * s (the h + (out - 1 - i) * s that occur).
    // Taps that fall outside never meet dx (a window larger than the
    // padded input) and are sliced off first.
    int64_t tapFirst[2], tapCount[2], kOff[2], kStep[2], kExt[2];
    bool slice = false;
    for (int i = 0; i < 2; ++i) {
      if (!overDy[i]) {
        tapFirst[i] = 0, tapCount[i] = k[i];
        kOff[i] = 0, kStep[i] = 1, kExt[i] = k[i];
        continue;
      }
      int64_t d = dilations[i];
      int64_t lo = (out[i] - 1) * strides[i] - pad[i];
      kExt[i] = in[i] + (out[i] - 1) * strides[i];
      int64_t first = lo >= 0 ? 0 : (-lo + d - 1) / d;
      int64_t last = std::min(k[i] - 1, (kExt[i] - 1 - lo) / d);
      if (kExt[i] - 1 - lo < 0 || last < first) {
        rewriter.replaceOp(op, zeros);
        return success();
      }
      tapFirst[i] = first, tapCount[i] = last - first + 1;
      kOff[i] = lo + first * d, kStep[i] = d;
      slice |= first != 0 || tapCount[i] != k[i];
    }
    Value taps = kernel;
    if (slice)
      taps = tensor::ExtractSliceOp::create(
          rewriter, loc, kernel,
          getAsIndexOpFoldResult(
              ctx, ArrayRef<int64_t>{tapFirst[0], tapFirst[1], 0, 0}),
          getAsIndexOpFoldResult(
              ctx, ArrayRef<int64_t>{tapCount[0], tapCount[1], k[2], k[3]}),
          getAsIndexOpFoldResult(ctx, ArrayRef<int64_t>{1, 1, 1, 1}));
    Value spreadKernel =
        placeInZeros(rewriter, loc, taps, /*first=*/0, kOff, kStep, kExt);

    // Along the rows by Winograd (the rows summed over the taps, the columns
    // over dy): the spread dy convolved with the spread kernel flipped along
    // its rows, its channels swapped: flipped[a, w, o, c] =
    // spreadKernel[kh - 1 - a, w, c, o], and
    // dx[n, h, w, c] = sum flipped[a, w + (out - 1) s - j s, o, c] *
    // spread[n, h + a, j, o].
    if (rows && groups == 1) {
      AffineExpr a = getAffineDimExpr(0, ctx);
      AffineMap flipMap = AffineMap::get(
          4, 0,
          {getAffineConstantExpr(k[0] - 1, ctx) - a, getAffineDimExpr(1, ctx),
           getAffineDimExpr(3, ctx), getAffineDimExpr(2, ctx)},
          ctx);
      Value flipped = buildMap(
          rewriter, loc, spreadKernel,
          emptyF32(rewriter, loc,
                   getAsIndexOpFoldResult(
                       ctx, ArrayRef<int64_t>{k[0], kExt[1], k[3], k[2]})),
          [](OpBuilder &, Location, ValueRange args) { return args[0]; },
          {flipMap});
      rewriter.replaceOp(op, winogradRowsConv2D(rewriter, loc, spread, flipped,
                                                Value(), dxType, dxSizes, *rows,
                                                {true, strides[1], 1}));
      return success();
    }

    // Loops (n, h, w, c, [r_h], [r_w], o), r_h / r_w the tap (a, b) or the
    // dy position (i, j) summed along each axis (no loop for extent 1):
    //   tap:  spread[.., h + (k - 1)*d - a*d, ..] * kernel[a, ..]
    //   dy:   dy[.., i, ..] * spreadKernel[h + (out - 1 - i)*s, ..]
    // dx[n, h, w, c] += spread[n, ., ., o] * spreadKernel[., ., c, o].
    // Grouped: (n, h, w, g, [c], [r_h], [r_w], [o]), c and o counting
    // within group g, each a loop (and a split dimension) only when the
    // group has more than one: depthwise keeps g innermost in dx.
    bool grouped = groups > 1;
    bool splitIn = grouped && k[2] > 1, splitOut = grouped && k[3] > groups;
    if (splitOut) {
      spread = splitLastDim(rewriter, loc, spread, groups);
      spreadKernel = splitLastDim(rewriter, loc, spreadKernel, groups);
    }
    if (splitIn)
      zeros = splitLastDim(rewriter, loc, zeros, groups);
    unsigned parallel = splitIn ? 5 : 4, numLoops = parallel;
    auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> dyIdx = {dim(0)}, kIdx;
    for (int i = 0; i < 2; ++i) {
      int64_t extent = overDy[i] ? out[i] : k[i];
      AffineExpr r =
          extent > 1 ? dim(numLoops++) : getAffineConstantExpr(0, ctx);
      AffineExpr pos = dim(1 + i);
      if (overDy[i]) {
        dyIdx.push_back(r);
        kIdx.push_back(pos + (out[i] - 1) * strides[i] - r * strides[i]);
      } else {
        dyIdx.push_back(pos + (k[i] - 1) * dilations[i] - r * dilations[i]);
        kIdx.push_back(r);
      }
    }
    if (!grouped) {
      unsigned o = numLoops++;
      kIdx.append({dim(3), dim(o)});
      dyIdx.push_back(dim(o));
    } else {
      kIdx.append({splitIn ? dim(4) : getAffineConstantExpr(0, ctx), dim(3)});
      dyIdx.push_back(dim(3));
      if (splitOut) {
        unsigned o = numLoops++;
        kIdx.push_back(dim(o));
        dyIdx.push_back(dim(o));
      }
    }
    SmallVector<utils::IteratorType> iterators(parallel,
                                               utils::IteratorType::parallel);
    iterators.append(numLoops - parallel, utils::IteratorType::reduction);
    SmallVector<int64_t> dxDims =
        llvm::to_vector(llvm::seq<int64_t>(0, static_cast<int64_t>(parallel)));
    Value dx = buildGeneric(rewriter, loc, ValueRange{spread, spreadKernel},
                            {AffineMap::get(numLoops, 0, dyIdx, ctx),
                             AffineMap::get(numLoops, 0, kIdx, ctx)},
                            zeros, projection(ctx, numLoops, dxDims), iterators,
                            multiplyAdd);
    if (splitIn)
      dx = mergeLastDims(rewriter, loc, dx);
    rewriter.replaceOp(op, dx);
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
    if (failed(requireStaticButBatch(op, {xType, dyType}, {dkType})))
      return failure();

    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
    ArrayRef<int64_t> k = dkType.getShape();
    auto [padH, padW] = spatialPadding(op, xType.getShape().slice(1, 2),
                                       k.take_front(2), dilations);
    if (op.getPadding() != Padding::valid)
      x = padHW(rewriter, loc, x, padH.first, padH.second, padW.first,
                padW.second, 0.0);

    if (std::optional<int64_t> rows = op.getWinogradRows()) {
      rewriter.replaceOp(
          op, winogradRowsConv2DGradKernel(rewriter, loc, x, dy, dkType, *rows,
                                           strides[1], dilations[1]));
      return success();
    }

    // Loops (a, b, c, o, n, i, j):
    //   dk[a, b, c, o] += x[n, i*sh + a*dh, j*sw + b*dw, c] * dy[n, i, j, o].
    // Grouped: (a, b, c, g, [o], n, i, j), c and o counting within group g;
    // x and dy split their channels only where a group has more than one
    // (depthwise: neither).
    int64_t groups = op.getGroups();
    bool grouped = groups > 1;
    bool splitIn = grouped && k[2] > 1, splitOut = grouped && k[3] > groups;
    Value init = filledF32(rewriter, loc,
                           getAsIndexOpFoldResult(ctx, dkType.getShape()), 0.0);
    if (splitIn)
      x = splitLastDim(rewriter, loc, x, groups);
    if (splitOut) {
      dy = splitLastDim(rewriter, loc, dy, groups);
      init = splitLastDim(rewriter, loc, init, groups);
    }
    unsigned parallel = splitOut ? 5 : 4, loops = parallel + 3;
    unsigned n = parallel, i = parallel + 1, j = parallel + 2;
    auto dim = [&](unsigned d) { return getAffineDimExpr(d, ctx); };
    SmallVector<AffineExpr> xIdx = {
        dim(n), dim(i) * strides[0] + dim(0) * dilations[0],
        dim(j) * strides[1] + dim(1) * dilations[1]};
    SmallVector<int64_t> dyDims = {n, i, j}, dkDims = {0, 1, 2};
    if (!grouped) {
      xIdx.push_back(dim(2));
    } else {
      xIdx.push_back(dim(3));
      if (splitIn)
        xIdx.push_back(dim(2));
    }
    for (unsigned d = 3; d < parallel; ++d) {
      dyDims.push_back(d);
      dkDims.push_back(d);
    }
    AffineMap xMap = AffineMap::get(loops, 0, xIdx, ctx);
    AffineMap dyMap = projection(ctx, loops, dyDims);
    AffineMap dkMap = projection(ctx, loops, dkDims);
    SmallVector<utils::IteratorType> iterators(parallel,
                                               utils::IteratorType::parallel);
    iterators.append(3, utils::IteratorType::reduction);
    Value dk = buildGeneric(rewriter, loc, ValueRange{x, dy}, {xMap, dyMap},
                            init, dkMap, iterators, multiplyAdd);
    if (splitOut)
      dk = mergeLastDims(rewriter, loc, dk);
    rewriter.replaceOp(op, dk);
    return success();
  }
};

} // namespace

void nn::populateConvGradPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2DGradInputLowering, Conv2DGradKernelLowering>(
      patterns.getContext());
}
