//===- NNInterfaces.td - interfaces of nn ops --------------*- tablegen -*-===//
#ifndef MODELC_NN_INTERFACES
#define MODELC_NN_INTERFACES

include "mlir/IR/OpBase.td"

def NN_DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::mlir::nn";
  let description = [{
    An op that knows its own gradient: given `dy`, the gradient of the
    loss with respect to its (first) result, it builds the gradient with
    respect to each operand that `wants` selects and hands it to
    `accumulate`. `nn-build-train-step` walks the forward function backwards
    and asks each op; the gradient of an op lives beside its definition
    (`dialect/lib/NNGradients.cpp`), in the gradient ops of `NNTrainOps.td`.
  }];
  let methods = [
    InterfaceMethod<[{
        Builds the gradients of the operands `wants` selects from `dy` at
        the builder's insertion point and passes each to `accumulate`
        (operand, gradient).
      }],
      "void", "buildGradients",
      (ins "::mlir::OpBuilder &":$b, "::mlir::Value":$dy,
           "::llvm::function_ref<bool(::mlir::Value)>":$wants,
           "::llvm::function_ref<void(::mlir::Value, ::mlir::Value)>":$accumulate)>
  ];
}

def NN_ContractionOpInterface : OpInterface<"ContractionOpInterface"> {
  let cppNamespace = "::mlir::nn";
  let description = [{
    An op whose work is multiply-adds (a convolution, a matrix product, and
    their gradients): how many per example of the batch, from its static
    shapes. `bench --profile` divides them by the time of the layer's
    kernels (GFLOP/s); `nn-build-entry-points` records them per entry point
    and layer in `nn.work`.
  }];
  let methods = [
    InterfaceMethod<[{
        Multiply-adds per example (every dimension but the batch).
      }],
      "int64_t", "getMultiplyAddsPerExample", (ins)>
  ];
}

#endif // MODELC_NN_INTERFACES
