//===- ShapeGrad.cpp - nn.slice to tensor.extract_slice -------------------===//
//
// nn.slice (the gradient of nn.concat) is a view of its input; its size along
// the axis is the result's, so it must be static there.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::nn;

namespace {

struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis();
    if (resultType.isDynamicDim(axis))
      return op.emitOpError(
          "cannot be lowered: the slice size along the axis must be static");
    int64_t rank = resultType.getRank();
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
    offsets[axis] = rewriter.getIndexAttr(op.getOffset());
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, x);
    sizes[axis] = rewriter.getIndexAttr(resultType.getDimSize(axis));
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    Value slice = tensor::ExtractSliceOp::create(rewriter, loc, resultType, x,
                                                 offsets, sizes, strides);
    rewriter.replaceOp(op, slice);
    return success();
  }
};

} // namespace

void nn::populateShapeGradPatterns(RewritePatternSet &patterns) {
  patterns.add<SliceLowering>(patterns.getContext());
}
