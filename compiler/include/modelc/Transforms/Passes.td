//===- Passes.td - modelc nn-level transformations --------*- tablegen -*-===//
#ifndef MODELC_TRANSFORMS_PASSES
#define MODELC_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def NNBuildTrainStep : Pass<"nn-build-train-step", "ModuleOp"> {
  let summary = "Build the train step: forward, loss, gradients, updates";
  let description = [{
    From `@forward` and `@loss` and the module's `nn.optimizer`, builds
    `@train_step(inputs..., labels..., %step, %seed) -> (outputs..., loss,
    data_loss)`: the forward pass in training mode (dropout keyed by seed and
    step), the data loss plus every regularizer, reverse-mode gradients of
    every trainable variable (one `nn.*_grad` op per forward op, accumulated
    where a value has several uses), global-norm clipping, the optimizer
    update with its slots (declared here as `nn.variable`s of role `slot`),
    constraints, and the moving-statistics (and renorm-statistics) update of
    every `nn.batch_norm`, all written back with `nn.assign`. Nothing a model
    says can leave the moving-statistics updates out. Does nothing for a
    model without a loss and an optimizer.

    In a data-parallel module (`nn.data_parallel`, `modelc --mpi`), every
    trainable gradient and the moving statistics of each batch norm that is
    not `synchronized` (per-shard means) go through one
    `nn.replica_reduce <mean>` on their concatenation, in a fixed order,
    before the optimizer reads them.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

def NNRecordOnnxGraph : Pass<"nn-record-onnx-graph", "ModuleOp"> {
  let summary = "Record @forward's inference graph as ONNX, for `export`";
  let description = [{
    Translates `@forward` in inference mode (moving statistics, no dropout)
    into an ONNX model (opset 13) and records it on the module: the
    serialized `ModelProto` as `nn.onnx_graph` and, as `nn.onnx_state`, the
    state variables its initializers hold, each with the permutation that
    turns modelc's layout into ONNX's (HWIO conv kernels to OIHW). The
    initializers of state carry no data here: the executable's `export`
    command appends them from a checkpoint. Activations stay NHWC, as the
    executable's inputs are; convolutions, pools and 4-D batch norms are
    wrapped in the transposes ONNX's NCHW operators need. A model that uses
    an op ONNX cannot express this way gets `nn.onnx_unsupported` with the
    reason instead.
  }];
}

def NNFlattenOptimizer : Pass<"nn-flatten-optimizer", "ModuleOp"> {
  let summary = "Update every trainable variable in one optimizer sweep";
  let description = [{
    Replaces the train step's per-variable `nn.sgd`/`nn.momentum`/`nn.adam`/
    `nn.rmsprop` ops (same attributes, learning rate and step) by one op over
    a flat parameter range: the parameters are declared one after another,
    each slot kind likewise in the same order, and read and written as 1-D
    arena ranges with `nn.read_flat`/`nn.assign_flat`; the gradients are
    concatenated in the same order. One element-wise loop then updates the
    whole model, large enough to thread even when every variable is small.
    A parameter with a constraint keeps its own update.

    A sweep takes at most `max-variables` variables; a longer run of them is
    split into consecutive sweeps over consecutive ranges. The gradient
    concatenation of one sweep becomes a chain of in-place inserts into one
    buffer, and one-shot bufferization's alias analysis of such a chain grows
    with the cube of its length (a 100-layer MLP took minutes to compile).
  }];
  let options = [
    Option<"maxVariables", "max-variables", "unsigned", "32",
           "Most variables updated by one sweep">
  ];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

def NNSelectConvAlgorithm : Pass<"nn-select-conv-algorithm"> {
  let summary = "Mark the convolutions to lower as Winograd";
  let description = [{
    Sets `winograd` (F(2x2, 3x3)) on each `nn.conv2d` and
    `nn.conv2d_grad_input` (the transposed convolution of the input gradient)
    the option picks, among those with a 3x3 kernel, stride 1, no dilation
    and one group: `auto` those with at least 32 input and 32 output channels
    whose transformed filter (16 floats, 64 bytes, per channel pair) is at
    most a quarter of the target's L2, `winograd` all of them, `direct` none
    (and clears it).
    Winograd F(2x2, 3x3) computes each 2x2 output tile with 16 instead of 36
    multiplications per channel pair; its transforms cost multiply-adds per
    channel, not per pair, and write and read tiles 4x the input and the
    output, so with fewer channels they outweigh what it saves (a ResNet
    block of 16 channels: inference 1.9x slower). Those tiles stay in the
    L2 only when `codegen-block-images` runs the transforms and the products
    one block of images at a time, which it does for filters of at most a
    quarter of the L2: in one A/B run (AVX-512, 1 thread), planned for a
    256 KB L2, the Fashion CNN's inference ran 5.16 -> 5.59 ms with
    Winograd, planned for 1 MB 5.09 -> 3.45 ms. An input gradient whose dy
    is shorter than the kernel (summed over dy, not over the taps) stays
    direct, as does every kernel gradient.

    Sets `winograd_rows = m` (Winograd F(m, kh) along the rows only) on each
    `nn.conv2d`, `nn.conv2d_grad_input` (dy at least as tall as the kernel)
    and `nn.conv2d_grad_kernel` not marked `winograd` whose rows have stride
    1 and no dilation, without groups: `auto` those with at least 3 kernel
    rows, at least 32 terms in each product (for the forward pass kernel
    columns x input channels; the input gradient's sum over dy's channels,
    the kernel gradient's over the batch) and 16 outputs (filters; dx's
    channels, or columns x channels for a full-width kernel),
    `winograd-rows` all of them (and no F(2x2, 3x3)). The tile of
    m + kh - 1 <= 8 rows is the one that does the fewest multiplications for
    the output's rows, whole tiles counted (the text CNN's 5x200 kernel over
    52 output rows: F(4, 5), 13 tiles of 8 rows, 2.5x fewer multiplications).
    Its products sum over the columns and channels directly, so they keep
    the direct convolution's shape with kh rows folded into (m + kh - 1) / m:
    in A/B runs (AVX-512, 1 thread) the text CNN's inference ran 15.4 ->
    9.7 ms and a ResNet block's (16 channels) 2.72 -> 2.25 ms; with kw C = 3
    (the Fashion CNN's conv1) the short products lose (3.60 -> 4.68 ms).
  }];
  let options = [
    Option<"algorithm", "algorithm", "std::string", /*default=*/"\"auto\"",
           "auto, winograd, winograd-rows or direct">,
    Option<"l2Bytes", "l2-bytes", "int64_t", /*default=*/"1048576",
           "L2 bytes per core of the target (auto: transformed filters of "
           "at most a quarter of it for F(2x2, 3x3))">
  ];
}

def NNPoolBeforeRelu : Pass<"nn-pool-before-relu"> {
  let summary = "Max-pool before relu in a train step, relu on the pooled values";
  let description = [{
    Rewrites `pool<max>(relu(x))` as `relu(pool<max>(x))` and its gradient
    `relu_grad(x, pool_grad(relu(x), dy))` as
    `pool_grad(x, relu_grad(pool<max>(x), dy))` where the relu feeds only the
    pool and its gradient (so only in train steps). Values and gradients are
    the same (relu is monotone and its derivative is 0 wherever ties could
    route the gradient differently); the full-size relu output is no longer
    written, and the relu and its gradient run on the pooled tensor.
  }];
}

def NNReluGradFromOutput : Pass<"nn-relu-grad-from-output"> {
  let summary = "Mask relu's gradient with relu's output where that is stored";
  let description = [{
    `dy * (x > 0)` equals `dy * (relu(x) > 0)`. Where the relu's output is
    read by a convolution, dense layer or reshape (so it is stored anyway)
    and x feeds nothing but the relu and relu gradients, the gradients take
    the relu's output; x's producer and the relu then fuse into one loop that
    does not store x. Bit-identical.
  }];
}

def NNFoldBatchNorm : Pass<"nn-fold-batch-norm", "ModuleOp"> {
  let summary = "Fold inference-mode batch norms into the preceding conv/dense";
  let description = [{
    `nn.batch_norm` in inference mode (constant false `training`, channel axis
    last) whose input is an `nn.conv2d` or `nn.dense` used only by it becomes
    that layer with an `nn.batch_norm_fold`ed kernel and bias: one loop nest
    instead of two, and no normalization pass over the activations. Runs
    after `nn-specialize-mode`, so in a training build it folds the
    inference entry points only (from the arena's current state, on every
    call) and leaves training-mode batch norms alone. Since the folded
    kernel is computed on every call, a kernel with more than 16 elements
    per output element of one example (a large dense layer) is not folded:
    its batch norm stays, for the dense kernel to apply in registers.
  }];
}

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
  let options = [
    Option<"recordWork", "record-work", "bool", /*default=*/"false",
           "Record each layer's multiply-adds per example and entry point "
           "in `nn.work` (for `bench --profile`'s GFLOP/s)">,
  ];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::tensor::TensorDialect",
    "mlir::bufferization::BufferizationDialect", "mlir::memref::MemRefDialect",
    "mlir::func::FuncDialect"
  ];
}

def NNFuseElementwise : Pass<"nn-fuse-elementwise", "func::FuncOp"> {
  let summary = "Fuse element-wise linalg ops where nothing is recomputed";
  let description = [{
    `linalg-fuse-elementwise-ops` (element-wise fusion, reshape propagation
    by expansion, constant folding) with one more condition for fusing an
    element-wise producer into a consumer: the consumer must read each
    produced element once (the operand's indexing map is a permutation of
    the consumer's loops, or a disjoint window such as a 2x2 stride-2
    pool's `(n, 2i + a, 2j + b, c)`; not into a contraction, which would
    lose its micro-kernel). The upstream rule also fuses into consumers that
    read an element many times (a 3x3 convolution's weight gradient reads
    its output gradient nine times; a per-pixel op reads a per-channel
    vector once per pixel), which recomputes the producer's whole body at
    every read. A producer with several such readers is copied into each
    when that moves less memory: each reader then reads those of the
    producer's full-size inputs it does not read already, instead of the
    producer reading them, writing its result and each reader reading that.
    `linalg.reduce` and pooling ops are generalized first, so that an
    activation before a reduction (relu before global average pooling) is
    applied as the reduction reads, and batch norm before a max pool as the
    pool and its gradient's window winners read. A 2x2 stride-2 max pool
    whose input is Winograd F(2x2, 3x3)'s output, copied from its 2x2
    tiles into rows, reads the tiles in place when every reader of that
    output can (an inference's pool; see TilesInPlace.cpp, which takes any
    collapsed copy that only rearranges): the copy is gone, and the pool
    joins the convolution's chain in code generation.
    Results are bit-identical: the same operations run in the same order.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::affine::AffineDialect"];
}

#endif
