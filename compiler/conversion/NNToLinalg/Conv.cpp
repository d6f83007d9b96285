//===- Conv.cpp - nn.conv2d to linalg.conv_2d_nhwc_hwcf -------------------===//
//
// TF `same` padding becomes an explicit zero `tensor.pad` (smaller half
// before); the bias, when present, is broadcast into the accumulator so the
// convolution adds onto it.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Dialect/NN/ShapeRules.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::nn;

namespace {

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
    if (op.getPadding() != Padding::valid)
      x = padHW(rewriter, loc, x, padH.first, padH.second, padW.first,
                padW.second, 0.0);

    SmallVector<OpFoldResult> sizes =
        sizesLike(rewriter, loc, resultType, adaptor.getInput());
    Value init;
    if (Value bias = adaptor.getBias())
      init = linalg::BroadcastOp::create(rewriter, loc, bias,
                                         emptyF32(rewriter, loc, sizes),
                                         ArrayRef<int64_t>{0, 1, 2})
                 .getResult()[0];
    else
      init = filledF32(rewriter, loc, sizes, 0.0);

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
