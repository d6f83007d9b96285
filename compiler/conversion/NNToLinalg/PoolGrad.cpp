//===- PoolGrad.cpp - pool2d and global_pool2d gradients to linalg --------===//
//
// Gather formulations, so every op is a parallel linalg.generic without
// atomics: each input element sums, over the window taps (a, b) that can
// reach it, the gradient of the window (i, j) whose tap it is. When windows
// do not overlap and there is no padding, each element has at most one
// window, found with floordiv/mod: an element-wise map instead.
//
// - max: a first generic finds each window's winner, the first maximum in
//   row-major tap order (ties broken by the smaller tap, so the result does
//   not depend on the reduction order; padded taps never win); an element
//   then takes dy of the windows where it is the winning tap. A small
//   disjoint window (2x2 stride 2) finds its winner in an element-wise map
//   over the windows, comparing the taps (a float tap number), and dx is an
//   element-wise map of two pooled-size tensors (dy and the winners). The
//   forward pool of the same input, when its windows tile it, builds that
//   scan with the maxima (PoolWinners.h), and the gradient reuses it.
// - avg: dy divided by each window's count of real (non-padded) elements
//   (with count_include_pad, by the window's size), the forward's divisor,
//   is spread over the window's taps.
// - global: avg broadcasts dy / (H * W); max routes dy to the first maximum
//   in row-major (h, w) order.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "PoolWinners.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Dialect/NN/ShapeRules.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;
using namespace mlir::nn;

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

Value i32Const(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIntOp::create(b, loc, b.getI32Type(), value);
}

Value indexToI32(OpBuilder &b, Location loc, Value v) {
  return arith::IndexCastOp::create(b, loc, b.getI32Type(), v);
}

/// Whether (value, tap) beats the running (best, bestTap): larger, or equal
/// at an earlier tap.
Value beats(OpBuilder &b, Location loc, Value value, Value tap, Value best,
            Value bestTap) {
  Value greater =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, value, best);
  Value equal =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, value, best);
  Value earlier =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, tap, bestTap);
  return arith::OrIOp::create(b, loc, greater,
                              arith::AndIOp::create(b, loc, equal, earlier));
}

/// lo <= v < hi for an index v and constant bounds.
Value inRange(OpBuilder &b, Location loc, Value v, int64_t lo, int64_t hi) {
  return arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, v,
                            indexConst(b, loc, lo)),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, v,
                            indexConst(b, loc, hi)));
}

/// Computes an index-derived value in a linalg body.
using IndexFn = function_ref<Value(OpBuilder &, Location)>;

/// The winning tap (i32) of each group a generic reduces: the first maximum
/// of inputs[0], taps numbered by `tapOf` from the loop indices; `validOf`,
/// when given, excludes taps (padding). Other inputs only bound the loops.
Value firstArgmax(OpBuilder &b, Location loc, ValueRange inputs,
                  ArrayRef<AffineMap> inputMaps, AffineMap resultMap,
                  ArrayRef<OpFoldResult> resultSizes,
                  ArrayRef<utils::IteratorType> iterators, IndexFn tapOf,
                  IndexFn validOf = nullptr) {
  Value bestInit = filledF32(b, loc, resultSizes, kNegInf);
  Value tapInit = tensor::EmptyOp::create(b, loc, resultSizes, b.getI32Type());
  tapInit =
      linalg::FillOp::create(
          b, loc,
          ValueRange{i32Const(b, loc, std::numeric_limits<int32_t>::max())},
          ValueRange{tapInit})
          .getResult(0);
  SmallVector<AffineMap> maps(inputMaps);
  maps.append({resultMap, resultMap});
  size_t numInputs = inputs.size();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{bestInit.getType(), tapInit.getType()}, inputs,
      ValueRange{bestInit, tapInit}, maps, iterators,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value value = args[0], best = args[numInputs];
        Value bestTap = args[numInputs + 1];
        Value tap = tapOf(nb, l);
        Value better = beats(nb, l, value, tap, best, bestTap);
        if (validOf)
          better = arith::AndIOp::create(nb, l, better, validOf(nb, l));
        linalg::YieldOp::create(
            nb, l,
            ValueRange{arith::SelectOp::create(nb, l, better, value, best),
                       arith::SelectOp::create(nb, l, better, tap, bestTap)});
      });
  return generic.getResult(1);
}

struct Pool2DGradLowering : OpConversionPattern<Pool2DGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Pool2DGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getInput(), dy = adaptor.getGradOutput();
    auto xType = cast<RankedTensorType>(x.getType());
    auto dyType = cast<RankedTensorType>(dy.getType());
    if (failed(requireStaticButBatch(op, {xType, dyType})))
      return failure();

    bool isMax = op.getKind() == PoolKind::max;
    ArrayRef<int64_t> window = op.getPoolSize(), strides = op.getStrides();
    int64_t height = xType.getDimSize(1), width = xType.getDimSize(2);
    int64_t outHeight = dyType.getDimSize(1), outWidth = dyType.getDimSize(2);
    int64_t ones[2] = {1, 1};
    auto [padH, padW] =
        spatialPadding(op, {height, width}, window, ArrayRef<int64_t>(ones));
    bool padded = padH.first || padH.second || padW.first || padW.second;
    int64_t top = padH.first, left = padW.first;
    Value windowShape =
        tensor::EmptyOp::create(rewriter, loc, window, rewriter.getF32Type());
    AffineMap windowMap = projection(ctx, 6, {4, 5});
    AffineMap outerMap = projection(ctx, 6, {0, 1, 2, 3});
    SmallVector<utils::IteratorType> iterators(4,
                                               utils::IteratorType::parallel);
    iterators.append(2, utils::IteratorType::reduction);
    auto tapOf = [&](OpBuilder &b, Location l) -> Value {
      Value a = linalg::IndexOp::create(b, l, 4);
      Value c = linalg::IndexOp::create(b, l, 5);
      Value row = arith::MulIOp::create(b, l, a, indexConst(b, l, window[1]));
      return indexToI32(b, l, arith::AddIOp::create(b, l, row, c));
    };

    // What a window passes to its taps: dy (max) or dy / count (avg).
    Value source = dy, winner;
    SmallVector<OpFoldResult> dySizes =
        tensor::getMixedSizes(rewriter, loc, dy);
    // Windows that do not overlap (stride >= window, or one window along a
    // dimension) and no padding: element (h, w) is tap (h mod sh, w mod sw)
    // of window (h floordiv sh, w floordiv sw), so dx is an element-wise map
    // over the covered region (the vectorizer's kind of op), not a gather.
    int64_t inExtent[2] = {height, width}, outExtent[2] = {outHeight, outWidth};
    int64_t step[2], covered[2];
    bool disjoint = !padded;
    for (int d = 0; d < 2 && disjoint; ++d) {
      step[d] = outExtent[d] == 1 ? window[d] : strides[d];
      covered[d] = std::min(inExtent[d], outExtent[d] * step[d]);
      disjoint = step[d] >= window[d];
    }
    // A small disjoint max window compares its taps in an element-wise map
    // over the windows (below), not in a reduction over the window.
    bool compareTaps =
        isMax &&
        comparedWindowSteps(window, strides, {outHeight, outWidth}, padded)
            .has_value();
    if (isMax && !compareTaps) {
      // Loops (n, i, j, c, a, b) over the -inf padded input.
      Value xp = padHW(rewriter, loc, x, padH.first, padH.second, padW.first,
                       padW.second, kNegInf);
      auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
      AffineMap xMap = AffineMap::get(6, 0,
                                      {dim(0), dim(1) * strides[0] + dim(4),
                                       dim(2) * strides[1] + dim(5), dim(3)},
                                      ctx);
      auto validOf = [&](OpBuilder &b, Location l) -> Value {
        Value hp = arith::AddIOp::create(
            b, l,
            arith::MulIOp::create(b, l, linalg::IndexOp::create(b, l, 1),
                                  indexConst(b, l, strides[0])),
            linalg::IndexOp::create(b, l, 4));
        Value wp = arith::AddIOp::create(
            b, l,
            arith::MulIOp::create(b, l, linalg::IndexOp::create(b, l, 2),
                                  indexConst(b, l, strides[1])),
            linalg::IndexOp::create(b, l, 5));
        return arith::AndIOp::create(b, l, inRange(b, l, hp, top, top + height),
                                     inRange(b, l, wp, left, left + width));
      };
      winner = firstArgmax(rewriter, loc, ValueRange{xp, windowShape},
                           {xMap, windowMap}, outerMap, dySizes, iterators,
                           tapOf, padded ? IndexFn(validOf) : nullptr);
    } else if (!isMax) {
      Value out = emptyF32(rewriter, loc, dySizes);
      if (!padded || op.getCountIncludePad()) {
        Value count = f32Const(rewriter, loc, double(window[0] * window[1]));
        source =
            buildMap(rewriter, loc, dy, out,
                     [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                       return arith::DivFOp::create(b, l, args[0], count);
                     });
      } else {
        Value rows = f32Vector(
            rewriter, loc,
            validCounts(height, window[0], strides[0], top, outHeight));
        Value cols = f32Vector(
            rewriter, loc,
            validCounts(width, window[1], strides[1], left, outWidth));
        source = buildMap(
            rewriter, loc, ValueRange{dy, rows, cols}, out,
            [](OpBuilder &b, Location l, ValueRange args) -> Value {
              Value count = arith::MulFOp::create(b, l, args[1], args[2]);
              return arith::DivFOp::create(b, l, args[0], count);
            },
            {rewriter.getMultiDimIdentityMap(4), projection(ctx, 4, {1}),
             projection(ctx, 4, {2})});
      }
    }

    if (disjoint) {
      auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
      AffineMap windowOf = AffineMap::get(
          4, 0,
          {dim(0), dim(1).floorDiv(step[0]), dim(2).floorDiv(step[1]), dim(3)},
          ctx);
      SmallVector<OpFoldResult> coreSizes =
          tensor::getMixedSizes(rewriter, loc, x);
      coreSizes[1] = rewriter.getIndexAttr(covered[0]);
      coreSizes[2] = rewriter.getIndexAttr(covered[1]);
      SmallVector<Value> inputs = {source};
      SmallVector<AffineMap> maps = {windowOf};
      if (compareTaps) {
        // Each window's winner, once per window (not once per tap): its
        // first maximum in row-major tap order as a float tap number, or -1
        // when a tap is NaN. The map below then reads two pooled-size
        // tensors instead of the input, and is cheap enough to be copied
        // into its readers (batch norm's backward) by nn-fuse-elementwise:
        // dx is never stored. When the forward max pool of the same input
        // in the same block has built the scan with the maxima (windows
        // that tile the input, Pool.cpp), the winners are that scan's: the
        // forward pass reads the input anyway.
        winner = scanMaxWindows(rewriter, loc, x, window, {step[0], step[1]},
                                {outHeight, outWidth}, /*withMax=*/false)
                     .winner;
      }
      if (isMax) {
        inputs.push_back(winner);
        maps.push_back(windowOf);
      }
      Value core = buildMap(
          rewriter, loc, inputs, emptyF32(rewriter, loc, coreSizes),
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            Value zero = f32Const(b, l, 0.0);
            Value a =
                arith::RemUIOp::create(b, l, linalg::IndexOp::create(b, l, 1),
                                       indexConst(b, l, step[0]));
            Value c =
                arith::RemUIOp::create(b, l, linalg::IndexOp::create(b, l, 2),
                                       indexConst(b, l, step[1]));
            Value ok;
            auto both = [&](Value v) {
              ok = ok ? arith::AndIOp::create(b, l, ok, v).getResult() : v;
            };
            if (step[0] > window[0])
              both(arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, a,
                                         indexConst(b, l, window[0])));
            if (step[1] > window[1])
              both(arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, c,
                                         indexConst(b, l, window[1])));
            if (compareTaps) {
              Value self = arith::AddIOp::create(
                  b, l,
                  arith::MulIOp::create(b, l, a, indexConst(b, l, window[1])),
                  c);
              both(arith::CmpFOp::create(
                  b, l, arith::CmpFPredicate::OEQ, args[1],
                  arith::UIToFPOp::create(b, l, b.getF32Type(),
                                          indexToI32(b, l, self))));
            } else if (isMax) {
              Value row =
                  arith::MulIOp::create(b, l, a, indexConst(b, l, window[1]));
              Value tap = indexToI32(b, l, arith::AddIOp::create(b, l, row, c));
              both(arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                         args[1], tap));
            }
            return ok ? arith::SelectOp::create(b, l, ok, args[0], zero)
                            .getResult()
                      : args[0];
          },
          maps);
      Value dx = core;
      if (covered[0] < height || covered[1] < width) {
        // Elements no window covers get no gradient.
        Value zeros = filledF32(rewriter, loc,
                                tensor::getMixedSizes(rewriter, loc, x), 0.0);
        SmallVector<OpFoldResult> offsets(4, rewriter.getIndexAttr(0));
        SmallVector<OpFoldResult> ones(4, rewriter.getIndexAttr(1));
        dx = tensor::InsertSliceOp::create(rewriter, loc, core, zeros, offsets,
                                           coreSizes, ones);
      }
      rewriter.replaceOp(op, dx);
      return success();
    }

    // Loops (n, h, w, c, a, b): element (h, w) is tap (a, b) of window
    // ((h + top - a) / sh, (w + left - b) / sw) when that divides exactly
    // and lies inside dy.
    auto windowIndex = [&](OpBuilder &b, Location l, Value pos, int64_t pad,
                           Value tap, int64_t stride,
                           int64_t extent) -> std::pair<Value, Value> {
      Value shifted = pos;
      if (pad != 0)
        shifted = arith::AddIOp::create(b, l, pos, indexConst(b, l, pad));
      Value t = arith::SubIOp::create(b, l, shifted, tap);
      Value zero = indexConst(b, l, 0);
      Value ok =
          arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, t, zero);
      Value index = t;
      if (stride != 1) {
        Value s = indexConst(b, l, stride);
        ok = arith::AndIOp::create(
            b, l, ok,
            arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                  arith::RemSIOp::create(b, l, t, s), zero));
        index = arith::DivSIOp::create(b, l, t, s);
      }
      ok = arith::AndIOp::create(
          b, l, ok,
          arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, index,
                                indexConst(b, l, extent)));
      return {ok, index};
    };
    Value init =
        filledF32(rewriter, loc, tensor::getMixedSizes(rewriter, loc, x), 0.0);
    Value dx = buildGeneric(
        rewriter, loc, windowShape, {windowMap}, init, outerMap, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value acc = args[1];
          Value n = linalg::IndexOp::create(b, l, 0);
          Value h = linalg::IndexOp::create(b, l, 1);
          Value w = linalg::IndexOp::create(b, l, 2);
          Value c = linalg::IndexOp::create(b, l, 3);
          Value a = linalg::IndexOp::create(b, l, 4);
          Value bb = linalg::IndexOp::create(b, l, 5);
          auto [okI, i] = windowIndex(b, l, h, top, a, strides[0], outHeight);
          auto [okJ, j] = windowIndex(b, l, w, left, bb, strides[1], outWidth);
          Value ok = arith::AndIOp::create(b, l, okI, okJ);
          // Clamped so the reads stay in bounds; `ok` discards them.
          Value zero = indexConst(b, l, 0);
          i = arith::SelectOp::create(b, l, ok, i, zero);
          j = arith::SelectOp::create(b, l, ok, j, zero);
          Value g =
              tensor::ExtractOp::create(b, l, source, ValueRange{n, i, j, c});
          if (isMax) {
            Value won =
                tensor::ExtractOp::create(b, l, winner, ValueRange{n, i, j, c});
            ok = arith::AndIOp::create(
                b, l, ok,
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, won,
                                      tapOf(b, l)));
          }
          Value sum = arith::AddFOp::create(b, l, acc, g);
          return arith::SelectOp::create(b, l, ok, sum, acc);
        });
    rewriter.replaceOp(op, dx);
    return success();
  }
};

struct GlobalPool2DGradLowering : OpConversionPattern<GlobalPool2DGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GlobalPool2DGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getInput(), dy = adaptor.getGradOutput();
    auto xType = cast<RankedTensorType>(x.getType());
    if (xType.isDynamicDim(2))
      return op.emitOpError(
          "cannot be lowered: only the batch dimension may be dynamic");
    int64_t width = xType.getDimSize(2);
    AffineMap identity = rewriter.getMultiDimIdentityMap(4);
    AffineMap perExample = projection(ctx, 4, {0, 3});
    SmallVector<OpFoldResult> xSizes = tensor::getMixedSizes(rewriter, loc, x);
    Value out = emptyF32(rewriter, loc, xSizes);

    if (op.getKind() == PoolKind::avg) {
      Value count = countAsF32(rewriter, loc, x, {1, 2});
      Value dx =
          buildMap(rewriter, loc, dy, out,
                   [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                     return arith::DivFOp::create(b, l, args[0], count);
                   },
                   {perExample});
      rewriter.replaceOp(op, dx);
      return success();
    }

    // The tap of (h, w) is h * W + w: row-major order.
    auto tapOf = [&](OpBuilder &b, Location l) -> Value {
      Value h = linalg::IndexOp::create(b, l, 1);
      Value w = linalg::IndexOp::create(b, l, 2);
      Value row = arith::MulIOp::create(b, l, h, indexConst(b, l, width));
      return indexToI32(b, l, arith::AddIOp::create(b, l, row, w));
    };
    SmallVector<utils::IteratorType> iterators = {
        utils::IteratorType::parallel, utils::IteratorType::reduction,
        utils::IteratorType::reduction, utils::IteratorType::parallel};
    Value winner =
        firstArgmax(rewriter, loc, x, identity, perExample,
                    tensor::getMixedSizes(rewriter, loc, dy), iterators, tapOf);
    Value zero = f32Const(rewriter, loc, 0.0);
    Value dx =
        buildMap(rewriter, loc, ValueRange{dy, winner}, out,
                 [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                   Value won = arith::CmpIOp::create(
                       b, l, arith::CmpIPredicate::eq, args[1], tapOf(b, l));
                   return arith::SelectOp::create(b, l, won, args[0], zero);
                 },
                 {perExample, perExample});
    rewriter.replaceOp(op, dx);
    return success();
  }
};

} // namespace

void nn::populatePoolGradPatterns(RewritePatternSet &patterns) {
  patterns.add<Pool2DGradLowering, GlobalPool2DGradLowering>(
      patterns.getContext());
}
