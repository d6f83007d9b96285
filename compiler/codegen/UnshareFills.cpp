//===- UnshareFills.cpp - one fill per destination ------------------------===//
//
// `codegen-unshare-fills`: CSE merges equal `linalg.fill`s of equal empty
// tensors, so two convolutions of one shape share one zero-filled tensor as
// their destination. One-shot bufferization can then write only one of them in
// place and gives every other one a copy of the filled buffer (2 MB per
// convolution in a ResNet block), and `codegen-vectorize` no longer sees a fill
// it can turn into zero accumulators. Filling is cheaper than copying, so
// every destination gets its own fill again.
//
// The same holds for empty tensors: CSE leaves one `tensor.empty` per shape
// as the destination of every bias broadcast and element-wise op of that
// shape, which joins all of them in one alias set, and the in-place
// analysis checks each write against every read of the set (a 200-layer
// MLP's forward function: 456 uses of one empty tensor, 1.5 s). Every use
// gets its own empty tensor.
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENUNSHAREFILLS
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

/// True if `use` is a destination the user writes in place.
bool isDestination(OpOperand &use) {
  auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
  return dps && dps.isDpsInit(&use);
}

/// Sorts `uses` by their owners' order when all of them are in `block`.
void sortInProgramOrder(SmallVector<OpOperand *> &uses, Block *block) {
  if (llvm::all_of(uses, [&](OpOperand *use) {
        return use->getOwner()->getBlock() == block;
      }))
    llvm::stable_sort(uses, [](OpOperand *x, OpOperand *y) {
      return x->getOwner()->isBeforeInBlock(y->getOwner());
    });
}

struct CodegenUnshareFillsPass
    : nn::impl::CodegenUnshareFillsBase<CodegenUnshareFillsPass> {
  void runOnOperation() override {
    SmallVector<linalg::FillOp> fills;
    getOperation()->walk([&](linalg::FillOp fill) {
      if (fill.hasPureTensorSemantics() &&
          fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>() &&
          !fill->getResult(0).hasOneUse() && !fill->use_empty())
        fills.push_back(fill);
    });
    for (linalg::FillOp fill : fills) {
      auto empty = fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>();
      SmallVector<OpOperand *> destinations;
      for (OpOperand &use : fill->getResult(0).getUses())
        if (isDestination(use))
          destinations.push_back(&use);
      // In program order, so the first writer keeps the original.
      sortInProgramOrder(destinations, fill->getBlock());
      // The first destination keeps the original when nothing else reads it.
      bool keepFirst =
          destinations.size() ==
          static_cast<size_t>(std::distance(fill->getResult(0).use_begin(),
                                            fill->getResult(0).use_end()));
      for (OpOperand *use : ArrayRef(destinations).drop_front(keepFirst)) {
        OpBuilder b(use->getOwner());
        Operation *newEmpty = b.clone(*empty);
        IRMapping map;
        map.map(empty.getResult(), newEmpty->getResult(0));
        use->set(b.clone(*fill, map)->getResult(0));
      }
    }
    SmallVector<tensor::EmptyOp> empties;
    getOperation()->walk([&](tensor::EmptyOp empty) {
      if (!empty->hasOneUse() && !empty->use_empty())
        empties.push_back(empty);
    });
    for (tensor::EmptyOp empty : empties) {
      SmallVector<OpOperand *> uses(llvm::make_pointer_range(empty->getUses()));
      sortInProgramOrder(uses, empty->getBlock());
      // In the empty tensor's block, before the op that holds the use (not
      // inside a loop: one allocation, not one per iteration).
      for (OpOperand *use : ArrayRef(uses).drop_front()) {
        OpBuilder b(empty->getBlock()->findAncestorOpInBlock(*use->getOwner()));
        use->set(b.clone(*empty)->getResult(0));
      }
    }
  }
};

} // namespace
