//===- Pool.cpp - nn.pool2d and nn.global_pool2d to linalg ----------------===//
//
// Windowed pools use linalg's NHWC pooling ops on an explicitly padded input:
// max pools pad with -inf so padded positions never win; average pools pad
// with 0, sum, and divide by the number of real (non-padded) elements of each
// window, as TensorFlow does (with `count_include_pad`, by the window's size,
// as PyTorch does by default). Global pools are linalg.reduce over H and W.
// A max pool of a relu that nothing else reads starts its maxima from 0 and
// reads the relu's input (see maxPoolInput). A small disjoint max pool whose
// windows tile its input, and whose gradient reads the same input in the
// same block (a train step), is the scan of the windows that gradient needs
// for its winners (PoolWinners.h), built once, here.
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

/// The converted input of a max pool and the value its maxima start from. A
/// max pool of relu(x), the relu read by nothing else (an inference pass;
/// a train step's gradient reads the relu too), is a max pool of x from 0:
/// maximum is associative and commutative, NaNs and signed zeros included,
/// so max(-inf, max(x_1, 0), ...) = max(0, x_1, ...), and padding with -inf
/// still never wins (every window holds a real element: pads are smaller
/// than the window). The relu, no longer read, goes as dead code: the pool
/// takes 4 maxima per output of a 2x2 window instead of 8.
std::pair<Value, double> maxPoolInput(Value input, Value converted,
                                      ConversionPatternRewriter &rewriter) {
  auto relu = input.getDefiningOp<ReluOp>();
  if (!relu || !relu->hasOneUse())
    return {converted, kNegInf};
  return {rewriter.getRemappedValue(relu.getInput()), 0.0};
}

/// Whether a max pool gradient reads the same input with the same windows
/// (a train step): its lowering scans the windows for their winners.
bool hasGradientSibling(Pool2DOp pool) {
  return llvm::any_of(pool.getInput().getUsers(), [&](Operation *user) {
    auto grad = dyn_cast<Pool2DGradOp>(user);
    return grad && grad.getInput() == pool.getInput() &&
           grad.hasWindowsOf(pool);
  });
}

struct Pool2DLowering : OpConversionPattern<Pool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Pool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto xType = cast<RankedTensorType>(x.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    if (failed(requireStaticButBatch(op, {xType})))
      return failure();

    bool isMax = op.getKind() == PoolKind::max;
    double start = 0.0;
    if (isMax)
      std::tie(x, start) = maxPoolInput(op.getInput(), x, rewriter);
    ArrayRef<int64_t> window = op.getPoolSize(), strides = op.getStrides();
    int64_t height = xType.getDimSize(1), width = xType.getDimSize(2);
    int64_t outHeight = resultType.getDimSize(1);
    int64_t outWidth = resultType.getDimSize(2);
    int64_t ones[2] = {1, 1};
    auto [padH, padW] =
        spatialPadding(op, {height, width}, window, ArrayRef<int64_t>(ones));
    // A small disjoint max pool whose gradient reads the same input (a train
    // step): the scan of the windows the gradient needs for its winners
    // gives the maxima too (PoolWinners.h); built here, the gradient's
    // lowering finds and reuses it in the same block. (Windows that tile x:
    // the scan of a whole x. Maxima from -inf: not a relu's, see above.)
    bool anyPad = padH.first || padH.second || padW.first || padW.second;
    if (isMax && start == kNegInf && hasGradientSibling(op))
      if (auto step = comparedWindowSteps(window, strides,
                                          {outHeight, outWidth}, anyPad);
          step && outHeight * step->first == height &&
          outWidth * step->second == width) {
        rewriter.replaceOp(op, scanMaxWindows(rewriter, loc, x, window, *step,
                                              {outHeight, outWidth},
                                              /*withMax=*/true)
                                   .max);
        return success();
      }
    Value padded = padHW(rewriter, loc, x, padH.first, padH.second, padW.first,
                         padW.second, isMax ? kNegInf : 0.0);

    SmallVector<OpFoldResult> sizes = sizesLike(rewriter, loc, resultType, x);
    Value init = filledF32(rewriter, loc, sizes, start);
    Value windowShape =
        tensor::EmptyOp::create(rewriter, loc, window, rewriter.getF32Type());
    SmallVector<Value> operands = {padded, windowShape};
    Attribute stridesAttr = pairAttr(rewriter, strides);
    Attribute dilationsAttr = pairAttr(rewriter, {1, 1});
    if (isMax) {
      Value result = linalg::PoolingNhwcMaxOp::create(
                         rewriter, loc, TypeRange{resultType}, operands,
                         ValueRange{init}, stridesAttr, dilationsAttr)
                         .getResult(0);
      rewriter.replaceOp(op, result);
      return success();
    }

    Value sum = linalg::PoolingNhwcSumOp::create(
                    rewriter, loc, TypeRange{resultType}, operands,
                    ValueRange{init}, stridesAttr, dilationsAttr)
                    .getResult(0);
    Value out = emptyF32(rewriter, loc, sizes);
    Value result;
    if (op.getCountIncludePad() ||
        (padH == std::make_pair<int64_t, int64_t>(0, 0) &&
         padW == std::make_pair<int64_t, int64_t>(0, 0))) {
      Value count = f32Const(rewriter, loc, double(window[0] * window[1]));
      result =
          buildMap(rewriter, loc, sum, out,
                   [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                     return arith::DivFOp::create(b, l, args[0], count);
                   });
    } else {
      // The count of window (i, j) is rows(i) * cols(j); both factors and
      // their product are small integers, exact in f32.
      Value rows = f32Vector(
          rewriter, loc,
          validCounts(height, window[0], strides[0], padH.first, outHeight));
      Value cols = f32Vector(
          rewriter, loc,
          validCounts(width, window[1], strides[1], padW.first, outWidth));
      MLIRContext *ctx = rewriter.getContext();
      result = buildMap(rewriter, loc, ValueRange{sum, rows, cols}, out,
                        [](OpBuilder &b, Location l, ValueRange args) -> Value {
                          Value count =
                              arith::MulFOp::create(b, l, args[1], args[2]);
                          return arith::DivFOp::create(b, l, args[0], count);
                        },
                        {rewriter.getMultiDimIdentityMap(4),
                         projection(ctx, 4, {1}), projection(ctx, 4, {2})});
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct GlobalPool2DLowering : OpConversionPattern<GlobalPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GlobalPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto resultType = cast<RankedTensorType>(op.getType());
    bool isMax = op.getKind() == PoolKind::max;
    double start = 0.0;
    if (isMax)
      std::tie(x, start) = maxPoolInput(op.getInput(), x, rewriter);
    SmallVector<OpFoldResult> sizes = sizesLike(rewriter, loc, resultType, x);
    Value init = filledF32(rewriter, loc, sizes, start);
    Value reduced =
        linalg::ReduceOp::create(
            rewriter, loc, ValueRange{x}, ValueRange{init},
            ArrayRef<int64_t>{1, 2},
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value r = isMax
                            ? arith::MaximumFOp::create(b, l, args[0], args[1])
                                  .getResult()
                            : arith::AddFOp::create(b, l, args[0], args[1])
                                  .getResult();
              linalg::YieldOp::create(b, l, r);
            })
            .getResult(0);
    if (!isMax) {
      Value count = countAsF32(rewriter, loc, x, {1, 2});
      reduced =
          buildMap(rewriter, loc, reduced, emptyF32(rewriter, loc, sizes),
                   [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                     return arith::DivFOp::create(b, l, args[0], count);
                   });
    }
    rewriter.replaceOp(op, reduced);
    return success();
  }
};

} // namespace

void nn::populatePoolPatterns(RewritePatternSet &patterns) {
  patterns.add<Pool2DLowering, GlobalPool2DLowering>(patterns.getContext());
}
