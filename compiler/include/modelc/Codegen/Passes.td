//===- Passes.td - the CPU code generator's passes ---------*- tablegen -*-===//
//
// From tensors to loops of vector code on buffers: destinations for
// bufferization, then the plan, kernels and threads of each loop nest.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_CODEGEN_PASSES
#define MODELC_CODEGEN_PASSES

include "mlir/Pass/PassBase.td"

def CodegenUnshareFills : Pass<"codegen-unshare-fills"> {
  let summary = "Give every destination its own linalg.fill and every use "
                "its own tensor.empty";
  let description = [{
    A `linalg.fill` of a `tensor.empty` that is the destination of several
    ops (CSE merges equal fills) is cloned, with its empty tensor, in front of
    each such op but the first. One-shot bufferization then writes each in
    place instead of copying the filled buffer, and `codegen-vectorize` turns each
    fill into zero accumulators. Likewise every use of a `tensor.empty`
    gets its own: a shared one joins all its users in one alias set, which
    the in-place analysis checks pairwise (quadratic in a model's depth).
    Run before bufferization.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def CodegenBlockImages : Pass<"codegen-block-images", "func::FuncOp"> {
  let summary = "Run chains of per-image ops one block of images at a time";
  let description = [{
    A chain of ops that each compute an image from the same image (padding,
    convolutions with small filters, element-wise ops, pooling, a global
    average) writes and reads its intermediate tensors once per op: for the
    whole batch they do not fit in the L2 (the Fashion CNN's first
    convolution alone writes 6.4 MB at batch 64). Each maximal chain ending
    in an op whose result leaves it (the features a dense layer reads) is
    tiled along the batch into an `scf.forall` over blocks of images, the
    chain's producers fused into it (upstream's
    `tileConsumerAndFuseProducersUsingSCF`; each block writes its slice of
    the last op's destination, and a zero fill or bias broadcast that the
    last op accumulates onto is done per block, just before it, so that its
    kernels start from it), so that a block's intermediates stay in the
    L2. A block is as many images as fit in half of `l2-bytes`
    (what the chain writes, and reads from outside, per image), at least
    one. A loop whose chain has the work for which `codegen-plan-tiles`
    gives an op threads (its contractions' FMA cycles, at `vector-lanes`
    and `fmas-per-cycle`, and its other ops' elements, as fractions of the
    planner's thresholds, add up to one or more) is marked
    `nn.parallel_tiles`: `codegen-tile-loops` makes it the one
    loop threads share (one fork and join for the chain, not one per op)
    and any other a sequential loop; `codegen-plan-tiles` gives the ops
    inside either none.

    An op joins a chain when the batch passes through it (a parallel loop
    that is dimension 0 of the result and of every operand that depends on
    it; one result), when its result is used only by one op of the chain
    (fusion would compute it once per reader; fills and broadcasts may have
    several; a `tensor.dim` of it, the batch size read off it, is no
    reader: once the chain is blocked it reads the size from elsewhere),
    and when the operands that do not depend on the batch
    (filters) take at most `l2-bytes` / 4: a dense layer's weights are read
    once per call, not once per block. A pad joins only if what it pads is
    computed in the chain or comes from outside the function
    (`bufferization.to_tensor`, an argument): `codegen-pad-in-place` has
    any other producer write into the padded buffer, where a block would
    copy. A chain needs two ops or more besides fills and broadcasts, and
    intermediates (the results of its ops but the last, fills and
    broadcasts) that for the batch (64 images when it is dynamic) exceed
    `l2-bytes`. Tiling along the batch splits no sum: each image's
    results are those of the whole batch's ops. Run on tensors, before
    `codegen-unshare-fills`.
  }];
  let options = [
    Option<"l2Bytes", "l2-bytes", "int64_t", /*default=*/"1048576",
           "Bytes of the L2 cache of one core">,
    Option<"vectorLanes", "vector-lanes", "int64_t", /*default=*/"16",
           "f32 lanes of a vector register (as codegen-plan-tiles)">,
    Option<"fmasPerCycle", "fmas-per-cycle", "double", /*default=*/"1.0",
           "Vector FMAs issued per cycle (as codegen-plan-tiles)">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::affine::AffineDialect"];
}

def CodegenConcatInPlace : Pass<"codegen-concat-in-place", "func::FuncOp"> {
  let summary = "Compute the operands of a 1-D tensor.concat in their slices";
  let description = [{
    Rewrites each static 1-D `tensor.concat` (the gradients gathered by
    `nn-flatten-optimizer`) into an empty tensor and `tensor.insert_slice`s,
    and replaces the empty tensor each operand's producer chain writes into
    (through linalg destinations and reshapes) with the operand's slice of
    it. One-shot bufferization then builds every operand in place and copies
    nothing. Run after `codegen-unshare-fills`, before bufferization.
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

def CodegenPadInPlace : Pass<"codegen-pad-in-place", "func::FuncOp"> {
  let summary = "Compute a padded tensor's interior in place";
  let description = [{
    Rewrites each constant-padded `tensor.pad` (a convolution's input, or an
    output gradient on its way to the input gradient) into a filled tensor of
    the padded shape and a `tensor.insert_slice` of the input, and replaces
    the empty tensor the input's producer chain writes into with the interior
    slice. One-shot bufferization then writes the input straight into the
    padded buffer instead of copying it there. An input without such a
    producer (a function argument) is still copied into the interior, but
    either way only the border is filled. The input's other readers read
    the interior of the padded tensor. Pads of one value by one constant in
    one block (a convolution's input padded for its forward pass and again
    for its filter gradient's whole tiles) first become slices of one pad by
    the largest amounts: the second is not a copy of the first. Only
    batch-sized (dynamic) dimensions must be unpadded. Run before
    bufferization.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def CodegenEliminateEmptyTensors
    : Pass<"codegen-eliminate-empty-tensors", "ModuleOp"> {
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

def CodegenLongestFirst : Pass<"codegen-longest-first", "ModuleOp"> {
  let summary = "Order the module's functions by size, largest first";
  let description = [{
    Moves the functions with bodies to the end of the module (after its
    globals and declarations), the one with the most ops first (a stable
    sort: equal sizes keep their order). A nested pass pipeline runs on the
    functions in parallel, and its threads take them in module order: with
    the largest last, the other threads idle while one works through it
    (the text CNN's train step is 57% of its ops and came last; the
    vectorizing pipeline took 0.80 s instead of 0.57 s on 2 threads). Each function moved keeps its place in
    `codegen.order`; with `restore`, those functions go back into their
    order among themselves (still at the end, after anything else, such as
    kernels outlined meanwhile) and the attribute goes. Run before such a
    pipeline, and with `restore` after it.
  }];
  let options = [
    Option<"restore", "restore", "bool", /*default=*/"false",
           "Put the functions back in the order they had before">,
  ];
}

def CodegenOutlineKernels : Pass<"codegen-outline-kernels", "ModuleOp"> {
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

    With `merge` (the default), a loop nest whose kernel would have the same
    argument types and an equivalent body (ops, attributes, use-def
    structure; locations aside) as one outlined before calls that one
    instead: entry points that share their forward pass share its code.
  }];
  let options = [
    Option<"merge", "merge", "bool", /*default=*/"true",
           "Call an earlier kernel with the same signature and body instead "
           "of outlining a copy">,
    Option<"minOps", "min-ops", "unsigned", /*default=*/"0",
           "Leave loop nests of fewer ops (the nest included) in place">,
    Option<"profile", "profile", "bool", /*default=*/"false",
           "Time each kernel: wrap its call in calls of the runtime's "
           "modelc_kernel_begin/end(id) and record the kernels (name, entry "
           "point, layer: first..last when it computes several) in the "
           "module's nn.kernels">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect",
                           "mlir::LLVM::LLVMDialect"];
}

def CodegenCopiesToLinalg : Pass<"codegen-copies-to-linalg", "func::FuncOp"> {
  let summary = "Rewrite strided memref.copy as linalg.copy";
  let description = [{
    Bufferization copies into strided views (a padded tensor, a slice of a
    concatenation). The LLVM lowering would turn such a copy into a call to
    a generic runtime routine (`memrefCopy`); as a `linalg.copy` it becomes
    loops that LLVM vectorizes, and the executable needs no MLIR runtime
    library. Contiguous copies are left alone (they become `llvm.memcpy`).
    A copy between two static views of the same elements of one allocation
    (what bufferization leaves after building a value in place in its slice,
    see `codegen-concat-in-place`) is erased. An element-wise linalg.generic
    that writes a fresh allocation only copied into a view (a train step's
    optimizer update, copied into the state arena: bufferization cannot see
    that the arena's old values there are dead) writes the view itself, when
    it reads none of the view's elements but its own at the same index,
    does not read its initial values, and nothing between it and the copy
    touches the view's elements (static ranges of the same buffer).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}


def CodegenPlanTiles : Pass<"codegen-plan-tiles", "func::FuncOp"> {
  let summary = "Plan the register tiles of each linalg op on buffers";
  let description = [{
    Runs after bufferization, first of the three passes that make linalg
    ops vector code (then `codegen-fuse-epilogues`, `codegen-vectorize`).
    Every linalg op on buffers whose output's innermost (contiguous)
    dimension is a static parallel loop, and whose body the vectorizer
    handles, gets its plan as a `#nn.tile_plan` attribute, `codegen.plan`
    (named ops keep their names: the plan is the one of their
    generalization, which has the same loops). Contractions (`out += a * b`,
    which covers matmuls, convolutions and their gradients) get an `r x vt`
    register block: `r` rows of a parallel dimension of the output and the
    left operand (`m_dim`), `vt` lanes of the contiguous output dimension,
    chosen by a throughput model of the target (FMAs and loads per cycle,
    FMA latency, accumulator registers, and the L2's bandwidth when the
    right operand's panel does not stay in the L1), remainders peeled or,
    where the model prices it better, covered with the last full tile by
    equal smaller tiles (`tail_rows`, `tail_tiles`; not when the rows are
    the loop threads share, which the planner assumes for ops with enough
    work even in builds without threads); a
    right operand not contiguous along the lanes is packed first
    (`pack_input`), and one whose tile panel streams from the L2 while
    several output tiles read it is copied into contiguous panels of the
    tile's width (`pack_panels`); when the reduction streams more than half
    the L2 per output tile, or more than 8 L1s when one step of its
    outermost loop fits in half the L1 (not inside a loop over blocks of
    images, and when at least 4 tiles re-read it), that loop is blocked
    outside the tiles (`outer_dim`, `outer_block`: blocks that fit in the
    L1, where the other tiles re-read them, or else blocks of one step,
    which they re-read from the L2).
    Register blocks have at most 8 rows, 16 when one register holds the
    whole vector dimension and the rows' extent is static. A reduction's
    vector tile and its remainder are powers of two where some tile is (its
    accumulators cross loop blocks, which LLVM does lane by lane for other
    widths).
    Element-wise ops and reductions into the contiguous dimension get one
    vector tile along it. The parallel tile loop with the most tiles goes
    outermost (for a contraction the others follow by their number of
    tiles; for other ops they stay in the op's order, which for
    identity-mapped operands is memory order), and `parallel` marks ops
    with enough work for threads (none inside a loop over blocks of images
    of `codegen-block-images`). Ops without a plan are left to the scalar
    loops.
  }];
  let options = [
    Option<"vectorLanes", "vector-lanes", "int64_t", /*default=*/"16",
           "f32 lanes of one vector register (16: AVX-512, 8: AVX2)">,
    Option<"vectorRegisters", "vector-registers", "int64_t",
           /*default=*/"32",
           "Vector registers (a block's accumulators, its rhs vectors and a "
           "broadcast must fit)">,
    Option<"accumulatorRegisters", "accumulator-registers", "int64_t",
           /*default=*/"16",
           "Vector registers a contraction's register block may use">,
    Option<"fmaLatency", "fma-latency", "int64_t", /*default=*/"4",
           "Cycles from a vector FMA to the next one that reads its result">,
    Option<"fmasPerCycle", "fmas-per-cycle", "double", /*default=*/"1.0",
           "Vector FMAs issued per cycle">,
    Option<"loadsPerCycle", "loads-per-cycle", "double", /*default=*/"2.0",
           "Vector loads issued per cycle">,
    Option<"l1Bytes", "l1-bytes", "int64_t", /*default=*/"32768",
           "L1 data cache of one core, in bytes (a right operand's panel "
           "larger than half of it streams from the L2 at every reduction "
           "step)">,
    Option<"l2Bytes", "l2-bytes", "int64_t", /*default=*/"1048576",
           "L2 cache of one core, in bytes (cache blocking keeps a "
           "contraction's streamed inputs within half of it, or within the "
           "L1 once they exceed 8 L1s)">,
    Option<"l2BytesPerCycle", "l2-bytes-per-cycle", "int64_t",
           /*default=*/"64",
           "Bytes the L2 delivers to the L1 per cycle (bounds a register "
           "block whose right operand streams from the L2)">,
    Option<"reportPlans", "report-plans", "bool", /*default=*/"false",
           "A remark on each planned op: its tile sizes, a contraction's "
           "register block, cache blocking and whether it is worth threads">,
  ];
  let dependentDialects = ["mlir::nn::NNDialect"];
}

def CodegenFuseEpilogues : Pass<"codegen-fuse-epilogues", "func::FuncOp"> {
  let summary = "Pair each planned contraction with an element-wise consumer "
                "its kernels apply to their registers";
  let description = [{
    After `codegen-plan-tiles`: for each planned contraction without cache
    blocking, in order, the element-wise consumer of its output (bias, batch
    norm at inference, activation, a sum of gradients) that its kernels can
    apply to the accumulator registers before they are stored: the next op
    with memory effects, all-parallel over the output's shape, reading the
    output with the identity map, with a body of arith/math ops, writing the
    output itself or a buffer neither op reads. Ops in between may touch
    neither the output nor what the contraction reads (the per-channel
    constants of a batch norm); the op order is left as it was. The plan
    gets `epilogue` (and `store_accumulators` when the output is read again
    later), the consumer the unit attribute `codegen.epilogue`.
    `codegen-vectorize` finds the consumer again by the same rule (the
    consumers fused before it are gone by then), moves the ops in between
    before the contraction, and refuses a plan whose consumer it finds
    unmarked or unfusable; a tile whose output is no window of the
    consumer's input applies the consumer after the tile instead.
  }];
  let options = [
    Option<"enabled", "enabled", "bool", /*default=*/"true",
           "Pair epilogues (false: every contraction stores its "
           "accumulators, and its consumer is a loop nest of its own)">,
  ];
  let dependentDialects = ["mlir::nn::NNDialect"];
}

def CodegenVectorize : Pass<"codegen-vectorize", "func::FuncOp"> {
  let summary = "Tile and vectorize linalg ops on buffers as their plans say";
  let description = [{
    After `codegen-plan-tiles` and `codegen-fuse-epilogues`; plans nothing
    itself. Every linalg op on buffers is generalized; one with a
    `codegen.plan` is tiled with `scf.for` loops as the plan says (parallel
    loops outside, remainder tiles peeled; a row tail splits the op, with
    `linalg::splitOp`, inside the tile loops before its rows, and each part
    makes the loops from the rows inwards) so that one tile is a register
    block, and vectorized. A contraction's tiles become micro-kernels: the
    accumulators live in 1-D register-sized vectors carried through all the
    reduction loops, updated by broadcast-times-vector `vector.fma`; a zero
    fill of its output just before it, or a bias broadcast into it along the
    lanes, becomes the accumulators' start (and goes), and the consumer
    paired with it (`epilogue`) is applied to the accumulators before they
    are stored. With `pack_panels` the right operand is first copied (one
    vector row at a time) into panels of the tile's lanes, which the full
    tiles' kernels read instead; a `pack_input` transposed copy and the
    panels of an operand that a loop over blocks of images reads and does
    not write are made once before that loop, not once per block. An op
    with `linalg.index` is tiled under an interchange by interchanging its
    own dimensions first (so each index is the iv of the loop over its
    dimension). Reductions into the contiguous
    dimension (batch-norm statistics), element-wise ops and the remaining
    fills become 1-D vector code, their accumulators hoisted out of the
    reduction loops. The order of every floating-point reduction is the one
    of the scalar loops (only parallel dimensions are vectorized or split
    across threads). The outermost tile loop of a parallel dimension of a
    `parallel` plan is marked for `codegen-tile-loops`;
    `codegen-lower-vectors` lowers what is left n-D. The plans and marks go;
    ops without a plan are left for `convert-linalg-to-loops`. Contractions
    left to the scalar loops (unplanned, or a remainder tile whose size is
    known only at run time) multiply-add with `math.fma`, as the kernels
    do, so that every output of a contraction is rounded the same way
    whichever code computes it (a register block or the scalar remainder
    of a batch; fusing the optimizer or the epilogues changes neither).
  }];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::scf::SCFDialect",
    "mlir::vector::VectorDialect", "mlir::memref::MemRefDialect",
    "mlir::affine::AffineDialect", "mlir::arith::ArithDialect",
    "mlir::math::MathDialect", "mlir::LLVM::LLVMDialect"];
}

def CodegenSplitReductions
    : Pass<"codegen-split-reductions", "func::FuncOp"> {
  let summary = "Split large reductions into the channels into chunks summed "
                "in parallel";
  let description = [{
    Before `codegen-plan-tiles`, in builds with threads: a reduction into the
    channels (batch-norm statistics, bias gradients) has no parallel tile
    loop wide enough for threads, so its outermost reduction dimension is
    split into a fixed number of chunks (4), each summed into its own
    partial result, then added to the output in chunk order. The same for a
    contraction (`out + a * b`) with at most 2^15 outputs and at least 2^23
    multiply-adds, along its first reduction loop: a convolution's weight
    gradient, whose few tiles would split unevenly over the threads. The
    result does not depend on the number of threads.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::linalg::LinalgDialect"];
}

def CodegenLowerVectors : Pass<"codegen-lower-vectors", "func::FuncOp"> {
  let summary = "Lower n-D vector code to 1-D, register-sized vector ops";
  let description = [{
    After `codegen-vectorize`: contractions become outer products and then FMAs,
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
    The tile loops `codegen-vectorize` marked worth running on threads (no
    loop-carried values, more than one iteration, not inside a loop over
    blocks of images; a few iterations take the constant loops nested below
    into one linearized loop) become `scf.parallel` for
    `convert-scf-to-openmp` when `parallel` is set, and so do the marked
    blocks' loops (`scf.forall`) of `codegen-block-images`; unmarked ones
    become `scf.for`. Each iteration computes its own output slice with the
    same operations in the same order, so results do not depend on the
    thread count. Without `parallel` the marks are dropped. Every loop with a vector body gets a
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

def CodegenWidenParallelRegions
    : Pass<"codegen-widen-parallel-regions", "func::FuncOp"> {
  let summary = "One OpenMP team for all the blocks of a cache-blocked loop";
  let description = [{
    After `convert-scf-to-openmp`: the `omp.parallel` regions that are the
    only effectful ops of a sequential `scf.for` (a contraction blocked
    along its reduction by `codegen-plan-tiles`' `outer_dim` runs its
    parallel tile loops once per block) become one region holding the
    loop, so the thread team is forked and joined once, not once per block
    and region. Every thread runs the loop's index arithmetic and shares the
    iterations of each worksharing loop (`omp.wsloop`, the regions' only
    effectful ops), each closed by its barrier. When the team's loops are
    all blocks of one contraction's reduction (`codegen-vectorize` marks
    them `nn.reduction_blocks`; the mark goes here) and its worksharing
    loops' bounds do not depend on the blocks, those loops get
    `schedule(static)` and `nowait`: each thread has the same iterations
    (output tiles) of each loop in every block, the loops (the parts of the
    contraction's tile loops: the full tiles and the peeled remainder of
    rows known only at run time) write disjoint tiles, and each block adds
    into the same tiles, so no thread reads what another writes and the
    blocks need no barrier between them (the region's closing one
    remains). Results are unchanged: each output tile gets the same
    operations in the same order. Inner loops first: a team that holds one
    loop can hold the loop around it.
  }];
}

#endif
