//===- ConcatInPlace.cpp - operands of a concat built in their slices -----===//
//
// `codegen-concat-in-place`: `nn-flatten-optimizer` gathers every gradient with
// a 1-D `tensor.concat`. Bufferized as is, that is one more copy of every
// gradient per step. Here the concat becomes an empty tensor and one
// `tensor.insert_slice` per operand, and the empty tensor at the root of each
// operand's destination chain (through linalg destinations and reshapes)
// becomes the operand's slice of it, so each gradient is computed where the
// concat needs it and one-shot bufferization copies nothing. The rewrite
// never changes what is computed: an empty tensor's contents are undefined,
// so any buffer will do; if bufferization finds a conflict, it copies.
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "DestinationChains.h"
#include "modelc/Transforms/FlatViews.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Dominance.h"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENCONCATINPLACE
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

/// Row-major order survives collapse_shape and expand_shape, so the slice
/// for a tensor of any static shape is a 1-D slice expanded to that shape.
Value sliceAs(OpBuilder &b, Location loc, Value flat, int64_t offset,
              RankedTensorType type) {
  int64_t size = type.getNumElements();
  Value slice = tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get({size}, type.getElementType()), flat,
      ArrayRef<OpFoldResult>{b.getIndexAttr(offset)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(size)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  return nn::unflatten(b, loc, slice, type);
}

/// One operand of the concatenation.
struct Part {
  Value input;
  int64_t offset;
  OpOperand *root; // the empty destination it is built in, if any
};

struct CodegenConcatInPlacePass
    : nn::impl::CodegenConcatInPlaceBase<CodegenConcatInPlacePass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (fn.isExternal())
      return;
    SmallVector<tensor::ConcatOp> concats;
    fn.walk([&](tensor::ConcatOp op) {
      if (op.getResultType().getRank() == 1 &&
          op.getResultType().hasStaticShape() &&
          llvm::all_of(op.getInputs(), [](Value v) {
            return cast<RankedTensorType>(v.getType()).hasStaticShape();
          }))
        concats.push_back(op);
    });
    for (tensor::ConcatOp concat : concats)
      rewrite(concat, fn);
  }

  static void rewrite(tensor::ConcatOp concat, func::FuncOp fn) {
    Location loc = concat.getLoc();
    // At the top, so it dominates every producer it replaces an empty of.
    OpBuilder b(&fn.getBody().front(), fn.getBody().front().begin());
    Value flat =
        tensor::EmptyOp::create(b, loc, concat.getResultType(), ValueRange{});
    SmallVector<Part> parts, deferred;
    int64_t offset = 0;
    for (Value input : concat.getInputs()) {
      OpOperand *root = nn::rootEmpty(input);
      auto type = cast<RankedTensorType>(input.getType());
      if (root) {
        auto emptyType = cast<RankedTensorType>(root->get().getType());
        if (!emptyType.hasStaticShape() ||
            emptyType.getNumElements() != type.getNumElements())
          root = nullptr;
      }
      (root ? parts : deferred).push_back({input, offset, root});
      offset += type.getNumElements();
    }
    // Each operand is built in a slice of the concatenation so far and
    // inserted right after it is complete, in the order the operands start:
    // slice and insert then match, which one-shot bufferization needs to
    // write in place. An operand that starts before the previous one is
    // inserted (a multi-result op computing both) is copied at the end.
    Block *block = concat->getBlock();
    auto start = [&](const Part &p) {
      return block->findAncestorOpInBlock(*p.root->getOwner());
    };
    if (llvm::all_of(parts, [&](const Part &p) { return start(p); }))
      llvm::stable_sort(parts, [&](const Part &x, const Part &y) {
        return start(x)->isBeforeInBlock(start(y));
      });
    else
      deferred.append(parts.begin(), parts.end()), parts.clear();
    DominanceInfo dom(fn);
    Value current = flat;
    for (const Part &p : parts) {
      Operation *def = p.input.getDefiningOp();
      if (!def || def->getBlock() != block ||
          !dom.properlyDominates(current, p.root->getOwner())) {
        deferred.push_back(p);
        continue;
      }
      auto emptyType = cast<RankedTensorType>(p.root->get().getType());
      OpBuilder at(p.root->getOwner());
      p.root->set(sliceAs(at, loc, current, p.offset, emptyType));
      at.setInsertionPointAfter(def);
      current = insertAt(at, loc, p, current);
    }
    b.setInsertionPoint(concat);
    for (const Part &p : deferred)
      current = insertAt(b, loc, p, current);
    concat.replaceAllUsesWith(current);
    concat.erase();
  }

  static Value insertAt(OpBuilder &b, Location loc, const Part &p, Value into) {
    int64_t size = cast<RankedTensorType>(p.input.getType()).getDimSize(0);
    return tensor::InsertSliceOp::create(
        b, loc, p.input, into, ArrayRef<OpFoldResult>{b.getIndexAttr(p.offset)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(size)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  }
};

} // namespace
