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

def NNUnshareFills : Pass<"nn-unshare-fills"> {
  let summary = "Give every destination its own linalg.fill and every use "
                "its own tensor.empty";
  let description = [{
    A `linalg.fill` of a `tensor.empty` that is the destination of several
    ops (CSE merges equal fills) is cloned, with its empty tensor, in front of
    each such op but the first. One-shot bufferization then writes each in
    place instead of copying the filled buffer, and `nn-vectorize` turns each
    fill into zero accumulators. Likewise every use of a `tensor.empty`
    gets its own: a shared one joins all its users in one alias set, which
    the in-place analysis checks pairwise (quadratic in a model's depth).
    Run before bufferization.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def NNConcatInPlace : Pass<"nn-concat-in-place", "func::FuncOp"> {
  let summary = "Compute the operands of a 1-D tensor.concat in their slices";
  let description = [{
    Rewrites each static 1-D `tensor.concat` (the gradients gathered by
    `nn-flatten-optimizer`) into an empty tensor and `tensor.insert_slice`s,
    and replaces the empty tensor each operand's producer chain writes into
    (through linalg destinations and reshapes) with the operand's slice of
    it. One-shot bufferization then builds every operand in place and copies
    nothing. Run after `nn-unshare-fills`, before bufferization.
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

def NNPadInPlace : Pass<"nn-pad-in-place", "func::FuncOp"> {
  let summary = "Compute a padded tensor's interior in place";
  let description = [{
    Rewrites each constant-padded `tensor.pad` (a convolution's input, or an
    output gradient on its way to the input gradient) into a filled tensor of
    the padded shape and a `tensor.insert_slice` of the input, and replaces
    the empty tensor the input's producer chain writes into with the interior
    slice. One-shot bufferization then writes the input straight into the
    padded buffer instead of copying it there. An input without such a
    producer (a function argument) is still copied into the interior, but
    either way only the border is filled. Only batch-sized (dynamic)
    dimensions must be unpadded. Run before bufferization.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
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
    call) and leaves training-mode batch norms alone.
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
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::tensor::TensorDialect",
    "mlir::bufferization::BufferizationDialect", "mlir::memref::MemRefDialect",
    "mlir::func::FuncDialect"
  ];
}

def NNEliminateEmptyTensors
    : Pass<"nn-eliminate-empty-tensors", "ModuleOp"> {
  let summary = "Empty-tensor elimination for the entry points that do not "
                "update the arena";
  let description = [{
    Runs upstream empty-tensor elimination (results computed straight into
    the caller's output buffers, no copy) on every function except those
    that write the state arena (their first argument) back: in a train step
    it would move the optimizer's updates of the arena before reads of other
    variables, and one-shot bufferization would then copy the whole arena in
    and out of every step.
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect",
                           "mlir::tensor::TensorDialect"];
}

def NNOutlineKernels : Pass<"nn-outline-kernels", "ModuleOp"> {
  let summary = "Move each top-level loop nest of an entry point into a "
                "function of its own";
  let description = [{
    Each op with regions (a loop nest, an OpenMP parallel region) directly
    in the body of an entry point (a function with `nn.abi`) becomes a
    private function `<entry>_k<N>` (internal linkage, `noinline`), called
    in its place.
    Values from above become the callee's arguments, except constants, which
    are cloned into it. LLVM's optimizer takes time superlinear in the size
    of one function; with a function per loop nest a model's compile time
    grows linearly with its depth. Run after the loops are final, before the
    lowering to LLVM.
  }];
  let options = [
    Option<"minOps", "min-ops", "unsigned", /*default=*/"0",
           "Leave loop nests of fewer ops (the nest included) in place">,
    Option<"profile", "profile", "bool", /*default=*/"false",
           "Time each kernel: wrap its call in calls of the runtime's "
           "modelc_kernel_begin/end(id) and record the kernels (name, entry "
           "point, layer) in the module's nn.kernels">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect",
                           "mlir::LLVM::LLVMDialect"];
}

def NNCopiesToLinalg : Pass<"nn-copies-to-linalg", "func::FuncOp"> {
  let summary = "Rewrite strided memref.copy as linalg.copy";
  let description = [{
    Bufferization copies into strided views (a padded tensor, a slice of a
    concatenation). The LLVM lowering would turn such a copy into a call to
    a generic runtime routine (`memrefCopy`); as a `linalg.copy` it becomes
    loops that LLVM vectorizes, and the executable needs no MLIR runtime
    library. Contiguous copies are left alone (they become `llvm.memcpy`).
    A copy between two static views of the same elements of one allocation
    (what bufferization leaves after building a value in place in its slice,
    see `nn-concat-in-place`) is erased.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}


def NNFuseElementwise : Pass<"nn-fuse-elementwise", "func::FuncOp"> {
  let summary = "Fuse element-wise linalg ops where nothing is recomputed";
  let description = [{
    `linalg-fuse-elementwise-ops` (element-wise fusion, reshape propagation
    by expansion, constant folding) with one more condition for fusing an
    element-wise producer into a consumer: the consumer must read each
    produced element once (the operand's indexing map is a permutation of
    the consumer's loops). The upstream rule also fuses into consumers that
    read an element many times (a 3x3 convolution's weight gradient reads
    its output gradient nine times; a per-pixel op reads a per-channel
    vector once per pixel), which recomputes the producer's whole body at
    every read. A producer with several such readers is copied into each
    when it reads at most one tensor of its own size (each reader then reads
    that tensor instead of the stored result, which is never written).
    `linalg.reduce` ops are generalized first, so that an
    activation before a reduction (relu before global average pooling) is
    applied as the reduction reads. Results are bit-identical: the same
    operations run in the same order.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::affine::AffineDialect"];
}

def NNVectorize : Pass<"nn-vectorize", "func::FuncOp"> {
  let summary = "Tile linalg ops on buffers for registers and vectorize them";
  let description = [{
    Runs after bufferization. Every linalg op whose output's innermost
    (contiguous) dimension is a static parallel loop is generalized, tiled
    with `scf.for` loops (parallel loops outside) so that one tile is a
    register block, and vectorized. Contractions (`out += a * b`, which
    covers matmuls, convolutions and their gradients) get an `r x vt`
    register block (`r` rows of a parallel dimension of the output and the
    left operand, `vt` lanes of the contiguous output dimension, chosen by a
    throughput model, remainders peeled) and become micro-kernels: the
    accumulators live in 1-D register-sized vectors carried through all the
    reduction loops, updated by broadcast-times-vector `vector.fma`. An
    element-wise consumer of a contraction's output (bias, batch norm at
    inference, activation) is applied to the accumulators before they are
    stored (epilogue fusion). Reductions into the contiguous dimension
    (batch-norm statistics) and element-wise ops become 1-D vector code.
    The order of every floating-point reduction is the one of the scalar
    loops (only parallel dimensions are vectorized or split across threads).
    Everything is lowered to 1-D vector ops; ops it cannot handle are left
    for `convert-linalg-to-loops`.
  }];
  let options = [
    Option<"vectorLanes", "vector-lanes", "int64_t", /*default=*/"16",
           "f32 lanes of one vector register (16: AVX-512, 8: AVX2)">,
    Option<"accumulatorRegisters", "accumulator-registers", "int64_t",
           /*default=*/"16",
           "Vector registers a contraction's register block may use">,
    Option<"fmaLatency", "fma-latency", "int64_t", /*default=*/"4",
           "Cycles from a vector FMA to the next one that reads its result">,
    Option<"fmasPerCycle", "fmas-per-cycle", "double", /*default=*/"1.0",
           "Vector FMAs issued per cycle">,
    Option<"loadsPerCycle", "loads-per-cycle", "double", /*default=*/"2.0",
           "Vector loads issued per cycle">,
    Option<"l2Bytes", "l2-bytes", "int64_t", /*default=*/"1048576",
           "L2 cache of one core, in bytes (cache blocking keeps a "
           "contraction's streamed inputs within half of it)">,
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Turn the outermost tile loop of a parallel dimension into "
           "scf.parallel (for convert-scf-to-openmp)">,
    Option<"fuseEpilogues", "fuse-epilogues", "bool", /*default=*/"true",
           "Apply an element-wise consumer of a contraction (bias, batch "
           "norm, activation) to the kernel's accumulator registers">,
    Option<"reportPlans", "report-plans", "bool", /*default=*/"false",
           "A remark on each planned op: its tile sizes, a contraction's "
           "register block, cache blocking and threads">,
  ];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::scf::SCFDialect",
    "mlir::vector::VectorDialect", "mlir::memref::MemRefDialect",
    "mlir::affine::AffineDialect", "mlir::arith::ArithDialect",
    "mlir::LLVM::LLVMDialect"];
}

def CodegenSplitReductions
    : Pass<"codegen-split-reductions", "func::FuncOp"> {
  let summary = "Split large reductions into the channels into chunks summed "
                "in parallel";
  let description = [{
    Before `nn-vectorize`, in builds with threads: a reduction into the
    channels (batch-norm statistics, bias gradients) has no parallel tile
    loop wide enough for threads, so its outermost reduction dimension is
    split into a fixed number of chunks (4), each summed into its own
    partial result, then added to the output in chunk order. The result
    does not depend on the number of threads.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::linalg::LinalgDialect"];
}

def CodegenLowerVectors : Pass<"codegen-lower-vectors", "func::FuncOp"> {
  let summary = "Lower n-D vector code to 1-D, register-sized vector ops";
  let description = [{
    After `nn-vectorize`: contractions become outer products and then FMAs,
    multi-reductions become inner-parallel adds, transfers lose their
    permutations, broadcasts and leading unit dimensions and become 1-D
    loads and stores (`vector-to-scf` with full unrolling), one family of
    patterns at a time, with the vector canonicalizations in between.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
}

def CodegenTileLoops : Pass<"codegen-tile-loops", "func::FuncOp"> {
  let summary = "Tile loops to threads; no unrolling of vector loops";
  let description = [{
    The tile loops `nn-vectorize` marked worth running on threads (no
    loop-carried values, more than one iteration; a few iterations take the
    constant loops nested below into one linearized loop) become
    `scf.parallel` for `convert-scf-to-openmp` when `parallel` is set; each
    iteration computes its own output slice with the same operations in the
    same order, so results do not depend on the thread count. Without
    `parallel` the marks are dropped. Every loop with a vector body gets a
    `loop_annotation` that disables LLVM's unroller: the bodies are already
    register-sized.
  }];
  let options = [
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Turn the marked tile loops into scf.parallel">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::LLVM::LLVMDialect",
                           "mlir::arith::ArithDialect"];
}

#endif
