//===- Passes.td - modelc nn-level transformations --------*- tablegen -*-===//
#ifndef MODELC_TRANSFORMS_PASSES
#define MODELC_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def NNSpecializeMode : Pass<"nn-specialize-mode", "ModuleOp"> {
  let summary = "Clone @forward once per mode with the training flag constant";
  let description = [{
    For the model function `@forward(inputs..., %training: i1)` creates
    `@forward_infer` and `@forward_train`, each without the flag, whose
    `nn.batch_norm` and `nn.dropout` ops see a constant mode. The original is
    kept (private) until `nn-build-entry-points` has used it.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def NNBuildEntryPoints : Pass<"nn-build-entry-points", "ModuleOp"> {
  let summary = "Lay out the state arena and build the runtime's entry points";
  let description = [{
    Gives every `nn.variable` its `offset` in the float state arena and
    builds one public function per runtime entry point (see
    docs/RUNTIME_ABI.md) taking caller-owned memrefs: the arena, the inputs,
    then the outputs. Inside, `nn.read` becomes a slice of the arena and the
    results are materialized into the output buffers, so one-shot
    bufferization writes them in place.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::tensor::TensorDialect",
    "mlir::bufferization::BufferizationDialect", "mlir::memref::MemRefDialect",
    "mlir::func::FuncDialect"
  ];
}

def NNCopiesToLinalg : Pass<"nn-copies-to-linalg", "func::FuncOp"> {
  let summary = "Rewrite strided memref.copy as linalg.copy";
  let description = [{
    Bufferization copies into strided views (a padded tensor, a slice of a
    concatenation). The LLVM lowering would turn such a copy into a call to
    a generic runtime routine (`memrefCopy`); as a `linalg.copy` it becomes
    loops that LLVM vectorizes, and the executable needs no MLIR runtime
    library. Contiguous copies are left alone (they become `llvm.memcpy`).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

#endif
