//===- Passes.td - modelc conversion passes ---------------*- tablegen -*-===//
#ifndef MODELC_CONVERSION_PASSES
#define MODELC_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertNNToLinalg : Pass<"convert-nn-to-linalg", "ModuleOp"> {
  let summary = "Lower nn layer and loss ops to linalg, tensor, arith and math";
  let description = [{
    Rewrites every `nn` compute op (conv2d, dense, embedding, bias_add,
    batch_norm, activations, pools, reshape, concat, add, dropout, losses,
    and their gradients) into upstream ops on tensors: `linalg` named ops and
    `linalg.generic`, `tensor.pad`/`expand_shape`/`collapse_shape`/
    `insert_slice`, `arith` and `math` (and an `scf.for` scatter-add for
    `nn.embedding_grad`). The batch dimension stays dynamic. The `training`
    operand of `nn.batch_norm`, `nn.batch_norm_grad` and `nn.dropout` must be
    a constant (run
    `nn-specialize-mode` first); the op is lowered for that mode only.
  }];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
    "mlir::arith::ArithDialect", "mlir::math::MathDialect",
    "mlir::scf::SCFDialect"
  ];
}

#endif
