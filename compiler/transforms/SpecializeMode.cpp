//===- SpecializeMode.cpp - one copy of @forward per mode -----------------===//
//
// The runtime never passes the mode as data: it calls the inference or the
// training entry point. Making the flag a constant here lets every later
// pass see which batch-norm and dropout semantics apply.
//
//===----------------------------------------------------------------------===//
#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace mlir::nn {
#define GEN_PASS_DEF_NNSPECIALIZEMODE
#include "modelc/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

struct NNSpecializeModePass
    : public nn::impl::NNSpecializeModeBase<NNSpecializeModePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>("forward");
    if (!forward)
      return; // already specialized, or nothing to do
    unsigned flag = forward.getNumArguments();
    for (unsigned i = 0; i < forward.getNumArguments(); ++i)
      if (auto name = forward.getArgAttrOfType<StringAttr>(i, "nn.name"))
        if (name.getValue() == "training" &&
            forward.getArgument(i).getType().isInteger(1))
          flag = i;
    if (flag == forward.getNumArguments()) {
      forward.emitError("@forward has no i1 argument named 'training'");
      return signalPassFailure();
    }
    OpBuilder b(forward);
    for (bool training : {false, true}) {
      auto clone = cast<func::FuncOp>(b.clone(*forward));
      clone.setName(training ? "forward_train" : "forward_infer");
      clone.setPrivate();
      Block &entry = clone.getBody().front();
      OpBuilder inner = OpBuilder::atBlockBegin(&entry);
      Value mode = arith::ConstantOp::create(inner, clone.getLoc(),
                                             inner.getBoolAttr(training));
      clone.getArgument(flag).replaceAllUsesWith(mode);
      if (failed(clone.eraseArgument(flag)))
        return signalPassFailure();
    }
    forward.erase();
  }
};

} // namespace
