//===- EliminateEmptyTensors.cpp - empty tensors outside train steps ------===//
//
// `codegen-eliminate-empty-tensors`: upstream empty-tensor elimination,
// skipping the entry points that update the state arena (see the pass
// description).
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/Transforms.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENELIMINATEEMPTYTENSORS
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

/// True if the function materializes a result in its first argument (the
/// arena of an entry point that updates state).
bool updatesArena(func::FuncOp fn) {
  if (fn.isExternal() || fn.getNumArguments() == 0)
    return false;
  Value arena = fn.getArgument(0);
  bool found = false;
  fn.walk([&](bufferization::MaterializeInDestinationOp op) {
    found |= op.getDest() == arena;
  });
  return found;
}

struct CodegenEliminateEmptyTensorsPass
    : nn::impl::CodegenEliminateEmptyTensorsBase<
          CodegenEliminateEmptyTensorsPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (updatesArena(fn))
        continue;
      if (failed(bufferization::eliminateEmptyTensors(rewriter, fn)))
        return signalPassFailure();
    }
  }
};

} // namespace
