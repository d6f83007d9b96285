//===- PadInPlace.cpp - a padded tensor's interior computed in place ------===//
//
// `codegen-pad-in-place`: a convolution reads its input through `tensor.pad`.
// Bufferized as is, that is a filled buffer plus a copy of the whole input
// into its interior, on every step, for every convolution and every input
// gradient. Here the pad becomes a filled tensor of the padded shape and a
// `tensor.insert_slice` of the input, and the empty tensor at the root of the
// input's destination chain becomes the interior slice of it: the producer
// (the previous layer's batch norm, activation or gradient) writes straight
// into the padded buffer, and one-shot bufferization copies nothing. Other
// readers of the input read the interior (of the padded tensor, not the
// input: see padInPlace). An input with no such producer (a
// function argument) is copied into the interior, but only the border is
// filled either way, not the whole buffer. Pads of one value by one
// constant (for a convolution and for its filter gradient) are first made
// slices of one pad (mergePads). The values are unchanged.
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "DestinationChains.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENPADINPLACE
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

LogicalResult padInPlace(tensor::PadOp pad) {
  Value x = pad.getSource();
  RankedTensorType srcType = pad.getSourceType();
  RankedTensorType padType = pad.getResultType();
  auto constant =
      pad.getConstantPaddingValue().getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return failure();
  SmallVector<int64_t> low, high;
  for (auto [l, h] : llvm::zip(pad.getMixedLowPad(), pad.getMixedHighPad())) {
    std::optional<int64_t> lo = getConstantIntValue(l);
    std::optional<int64_t> hi = getConstantIntValue(h);
    if (!lo || !hi)
      return failure();
    low.push_back(*lo);
    high.push_back(*hi);
  }
  // A dynamic dimension (the batch) must not be padded: its size is then the
  // input's.
  for (int64_t d = 0; d < srcType.getRank(); ++d)
    if (srcType.isDynamicDim(d) && (low[d] != 0 || high[d] != 0))
      return failure();
  // The producer writes the interior in place when the input's destination
  // chain starts at an empty tensor in this block; otherwise (a function
  // argument) the input is copied into the interior, and still only the
  // border is filled.
  OpOperand *root = nn::rootEmpty(x);
  Operation *def = x.getDefiningOp();
  Block *block = pad->getBlock();
  tensor::EmptyOp empty =
      root ? root->get().getDefiningOp<tensor::EmptyOp>() : nullptr;
  if (!empty || empty.getType() != srcType || !def ||
      def->getBlock() != block || root->getOwner()->getBlock() != block)
    root = nullptr;
  OpBuilder b(root ? root->getOwner() : pad.getOperation());
  SmallVector<OpFoldResult> sizes =
      root ? empty.getMixedSizes() : tensor::getMixedSizes(b, pad.getLoc(), x);
  SmallVector<Value> dynamic;
  for (int64_t d = 0; d < srcType.getRank(); ++d)
    if (srcType.isDynamicDim(d))
      dynamic.push_back(cast<Value>(sizes[d]));

  Location loc = pad.getLoc();
  Value buffer = tensor::EmptyOp::create(b, loc, padType, dynamic);
  Value value = b.clone(*constant)->getResult(0);
  SmallVector<OpFoldResult> offsets,
      strides(srcType.getRank(), b.getIndexAttr(1));
  for (int64_t l : low)
    offsets.push_back(b.getIndexAttr(l));
  // Only the border is filled (the interior is written by the producer): a
  // slab before and after the interior along each padded dimension, across
  // the whole extent of the others.
  Value filled = buffer;
  SmallVector<OpFoldResult> whole;
  for (int64_t d = 0; d < padType.getRank(); ++d)
    whole.push_back(padType.isDynamicDim(d)
                        ? sizes[d]
                        : OpFoldResult(b.getIndexAttr(padType.getDimSize(d))));
  for (int64_t d = 0; d < srcType.getRank(); ++d) {
    for (auto [start, width] :
         {std::pair{int64_t(0), low[d]},
          std::pair{low[d] + srcType.getDimSize(d), high[d]}}) {
      if (width == 0)
        continue;
      SmallVector<OpFoldResult> slabOffsets(srcType.getRank(),
                                            b.getIndexAttr(0));
      SmallVector<OpFoldResult> slabSizes(whole);
      slabOffsets[d] = b.getIndexAttr(start);
      slabSizes[d] = b.getIndexAttr(width);
      Value slab = tensor::ExtractSliceOp::create(b, loc, filled, slabOffsets,
                                                  slabSizes, strides);
      Value border = linalg::FillOp::create(b, loc, value, slab).getResult(0);
      filled = tensor::InsertSliceOp::create(b, loc, border, filled,
                                             slabOffsets, slabSizes, strides);
    }
  }
  if (root) {
    root->set(tensor::ExtractSliceOp::create(b, loc, srcType, filled, offsets,
                                             sizes, strides));
    // Inserted right after the input is complete: the slice and the insert
    // match, which one-shot bufferization needs to write in place.
    b.setInsertionPointAfter(def);
  }
  auto insert =
      tensor::InsertSliceOp::create(b, loc, x, filled, offsets, sizes, strides);
  tensor::ExtractSliceOp interior;
  if (root) {
    // The input's other readers (a relu's gradient reading its output) read
    // the interior of the padded tensor. Reading the input itself after the
    // insert wrote its buffer is, to one-shot bufferization, a read after a
    // write: it would give the producer a buffer of its own and copy it in.
    interior = tensor::ExtractSliceOp::create(b, loc, srcType, insert, offsets,
                                              sizes, strides);
    x.replaceUsesWithIf(interior.getResult(), [&](OpOperand &use) {
      return use.getOwner() != insert && use.getOwner() != interior;
    });
  }
  // (Last: the builder may insert before the pad.)
  pad.replaceAllUsesWith(insert.getResult());
  pad.erase();
  // (An interior nobody else reads: the pad was x's only reader.)
  if (interior && interior->use_empty())
    interior->erase();
  return success();
}

/// The static pads of `pad` (low, then high), or nullopt.
std::optional<std::pair<SmallVector<int64_t>, SmallVector<int64_t>>>
staticPads(tensor::PadOp pad) {
  if (!pad.getLow().empty() || !pad.getHigh().empty())
    return std::nullopt;
  return std::make_pair(SmallVector<int64_t>(pad.getStaticLow()),
                        SmallVector<int64_t>(pad.getStaticHigh()));
}

/// Pads of one value by one constant in one block (a convolution's input
/// padded for its forward pass, and again with one more row for its filter
/// gradient's whole tiles) become slices of one pad by the largest amounts:
/// the border holds the same constant either way. Else the second pad is a
/// copy of the first's interior into a buffer of its own (the Fashion CNN's
/// conv2 filter gradient: 0.5 ms of copies per train step on one thread).
void mergePads(Operation *root) {
  // (Keyed by block too: pads in other blocks do not keep these apart. An
  // arith.constant, as padInPlace needs; nofold pads promise a tensor of
  // their own.)
  llvm::MapVector<std::tuple<Block *, Value, Attribute>,
                  SmallVector<tensor::PadOp>>
      groups;
  root->walk([&](tensor::PadOp pad) {
    Value value = pad.getConstantPaddingValue();
    auto constant = value ? value.getDefiningOp<arith::ConstantOp>() : nullptr;
    if (constant && !pad.getNofold() && staticPads(pad))
      groups[{pad->getBlock(), pad.getSource(), constant.getValue()}].push_back(
          pad);
  });
  for (auto &[key, pads] : groups) {
    if (pads.size() < 2)
      continue;
    RankedTensorType srcType = pads.front().getSourceType();
    int64_t rank = srcType.getRank();
    SmallVector<int64_t> low(rank, 0), high(rank, 0);
    tensor::PadOp first = pads.front();
    for (tensor::PadOp pad : pads) {
      auto [l, h] = *staticPads(pad);
      for (int64_t d = 0; d < rank; ++d) {
        low[d] = std::max(low[d], l[d]);
        high[d] = std::max(high[d], h[d]);
      }
      if (pad->isBeforeInBlock(first))
        first = pad;
    }
    // A dynamic dimension (the batch) is never padded: its size stays.
    SmallVector<int64_t> shape;
    bool padsDynamic = false;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t size = srcType.getDimSize(d);
      padsDynamic |= ShapedType::isDynamic(size) && (low[d] || high[d]);
      shape.push_back(ShapedType::isDynamic(size) ? size
                                                  : size + low[d] + high[d]);
    }
    if (padsDynamic)
      continue;
    OpBuilder b(first);
    auto merged = cast<tensor::PadOp>(b.clone(*first));
    merged.setStaticLow(low);
    merged.setStaticHigh(high);
    merged.getResult().setType(
        RankedTensorType::get(shape, srcType.getElementType()));
    for (tensor::PadOp pad : pads) {
      auto [l, h] = *staticPads(pad);
      b.setInsertionPoint(pad);
      SmallVector<OpFoldResult> offsets, sizes,
          strides(rank, b.getIndexAttr(1));
      for (int64_t d = 0; d < rank; ++d) {
        offsets.push_back(b.getIndexAttr(low[d] - l[d]));
        int64_t size = pad.getResultType().getDimSize(d);
        sizes.push_back(
            ShapedType::isDynamic(size)
                ? OpFoldResult(tensor::DimOp::create(b, pad.getLoc(), merged, d)
                                   .getResult())
                : b.getIndexAttr(size));
      }
      Value slice =
          tensor::ExtractSliceOp::create(b, pad.getLoc(), pad.getResultType(),
                                         merged, offsets, sizes, strides);
      pad.replaceAllUsesWith(slice);
      pad.erase();
    }
  }
}

struct CodegenPadInPlacePass
    : nn::impl::CodegenPadInPlaceBase<CodegenPadInPlacePass> {
  void runOnOperation() override {
    mergePads(getOperation());
    SmallVector<tensor::PadOp> pads;
    getOperation()->walk([&](tensor::PadOp pad) { pads.push_back(pad); });
    for (tensor::PadOp pad : pads)
      (void)padInPlace(pad);
  }
};

} // namespace
