//===- Conv.cpp - nn.conv2d to linalg.conv_2d_nhwc_hwcf -------------------===//
//
// TF `same` padding becomes an explicit zero `tensor.pad` (smaller half
// before); the bias, when present, is broadcast into the accumulator so the
// convolution adds onto it. A grouped convolution (`groups` > 1, depthwise
// included) splits the channels of input, kernel and output into
// [groups, channels / groups] and is one linalg.generic with the group as a
// parallel loop. A convolution marked `winograd` lowers as Winograd
// F(2x2, 3x3) (Winograd.cpp), one marked `winograd_rows` as Winograd along
// the rows (WinogradRows.cpp); the pad also pads the output to whole tiles.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "Utils.h"
#include "Winograd.h"

#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Dialect/NN/ShapeRules.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
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
    // Winograd along the rows likewise pads the rows to whole tiles of m.
    std::optional<int64_t> rows = op.getWinogradRows();
    if (rows)
      padH.second += *rows * llvm::divideCeil(outShape[1], *rows) - outShape[1];
    x = padHW(rewriter, loc, x, padH.first, padH.second, padW.first,
              padW.second, 0.0);

    SmallVector<OpFoldResult> sizes =
        sizesLike(rewriter, loc, resultType, adaptor.getInput());
    if (op.getWinograd()) {
      rewriter.replaceOp(op,
                         winogradConv2D(rewriter, loc, x, adaptor.getKernel(),
                                        adaptor.getBias(), resultType, sizes));
      return success();
    }
    if (rows) {
      rewriter.replaceOp(
          op, winogradRowsConv2D(rewriter, loc, x, adaptor.getKernel(),
                                 adaptor.getBias(), resultType, sizes, *rows,
                                 {false, strides[1], dilations[1]}));
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
