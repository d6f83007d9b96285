//===- NNOps.td - nn dialect operations -------------------*- tablegen -*-===//
#ifndef MODELC_NN_OPS
#define MODELC_NN_OPS

include "modelc/Dialect/NN/NNBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.td"
include "modelc/Dialect/NN/NNInterfaces.td"

//===----------------------------------------------------------------------===//
// Model state
//===----------------------------------------------------------------------===//

def NN_VariableOp : NN_Op<"variable", [Symbol]> {
  let summary = "a named piece of model state";
  let description = [{
    Declares one state variable with its SPEC name (`conv1/kernel`,
    `bn1/moving_mean`, `bn1/gamma/m`, ...), its type, what it holds (`role`)
    and how it is initialized (`init`, the model's initializer spec with the
    fan-in/fan-out made explicit). The runtime owns the storage; functions
    read it with `nn.read` and only the train step writes it (`nn.assign`).

    ```mlir
    nn.variable @"conv1/kernel" : tensor<3x3x1x8xf32> role <param>
        {init = {kind = "glorot_uniform", fan_in = 9 : i64, fan_out = 72 : i64},
         trainable = true}
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<NN_FloatTensor>:$type,
                       NN_VariableRoleAttr:$role,
                       DictionaryAttr:$init,
                       DefaultValuedAttr<BoolAttr, "false">:$trainable,
                       OptionalAttr<DictionaryAttr>:$regularizer,
                       OptionalAttr<DictionaryAttr>:$constraint);
  let assemblyFormat = "$sym_name `:` $type `role` $role attr-dict";
  let hasVerifier = 1;
}

def NN_ReadOp : NN_Op<"read", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    MemoryEffects<[MemRead]>]> {
  let summary = "the current value of a state variable";
  let arguments = (ins FlatSymbolRefAttr:$variable);
  let results = (outs NN_FloatTensor:$value);
  let assemblyFormat = "$variable attr-dict `:` type($value)";
}

def NN_AssignOp : NN_Op<"assign", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    MemoryEffects<[MemWrite]>]> {
  let summary = "replaces the value of a state variable (train step only)";
  let arguments = (ins FlatSymbolRefAttr:$variable, NN_FloatTensor:$value);
  let assemblyFormat = "$value `to` $variable attr-dict `:` type($value)";
}

def NN_ReadFlatOp : NN_Op<"read_flat", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    MemoryEffects<[MemRead]>]> {
  let summary = "variables declared one after another, read as one 1-D tensor";
  let description = [{
    The values of `variables`, flattened and concatenated in order. The
    variables must be declared consecutively (the arena stores variables in
    declaration order), so this is one contiguous range of the state arena;
    `nn-flatten-optimizer` uses it to update every parameter in one sweep.

    ```mlir
    %w = nn.read_flat [@"conv1/kernel", @"bn1/gamma"] : tensor<160xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefArrayAttr:$variables);
  let results = (outs 1DTensorOf<[F32]>:$value);
  let assemblyFormat = "$variables attr-dict `:` type($value)";
}

def NN_AssignFlatOp : NN_Op<"assign_flat", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    MemoryEffects<[MemWrite]>]> {
  let summary = "replaces consecutive variables from one 1-D tensor";
  let description = [{
    The inverse of `nn.read_flat`: the value is split in order into the
    `variables` (declared consecutively) and each is replaced by its part.
  }];
  let arguments = (ins FlatSymbolRefArrayAttr:$variables,
                       1DTensorOf<[F32]>:$value);
  let assemblyFormat = "$value `to` $variables attr-dict `:` type($value)";
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

def NN_Conv2DOp : NN_Op<"conv2d", [Pure, InferTypeOpAdaptor, NN_ShapeRule,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>,
    DeclareOpInterfaceMethods<NN_ContractionOpInterface>]> {
  let summary = "2-D convolution, NHWC input, HWIO kernel";
  let description = [{
    `y[n,i,j,o] = sum_{a,b,c} x[n, i*sh + a*dh - ph, j*sw + b*dw - pw, c] *
    kernel[a,b,c,o] (+ bias[o])`, where `ph`/`pw` (the padding before) are
    zero for `valid` padding, TensorFlow's for `same` (the smaller half
    before, the larger after) and `pads = [top, bottom, left, right]` for
    `explicit` padding (ONNX's and PyTorch's). The verifier checks the
    channel count against the kernel and the result shape against the
    output-size rule `floor((in + before + after - (k-1)*d - 1) / s) + 1`
    (for `same`: `ceil(in / s)`).

    With `groups = G` (Keras's `groups`, ONNX's `group`) the kernel is
    `[kh, kw, C / G, O]`: output channel `o` reads only the input channels
    of its group `g = o / (O / G)`, i.e. `c = g * (C / G) + c'`. Depthwise
    convolution is `G = C`.

    `winograd` (set by `nn-select-conv-algorithm`; only on a 3x3 kernel with
    stride 1, no dilation and one group) lowers it as Winograd F(2x2, 3x3):
    the same sums, rounded differently, with 2.25x fewer multiplications in
    its matrix products (plus its transforms').

    `winograd_rows = m` (also set by `nn-select-conv-algorithm`; only with
    row stride 1, no row dilation, one group, `winograd` unset and
    `m + kh - 1` at most 8) lowers it as Winograd F(m, kh) along the rows
    only: each tile of `m` output rows is computed from `m + kh - 1` input
    rows with `(m + kh - 1) / m` multiplications per output row instead of
    `kh` (F(4, 3): 2x fewer); the columns are summed over directly, so any
    kernel width, column stride or column dilation fits.
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$kernel,
                       Optional<NN_FloatTensor>:$bias,
                       NN_Pair:$strides, NN_Pair:$dilations,
                       NN_PaddingAttr:$padding,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       DefaultValuedAttr<I64Attr, "1">:$groups,
                       UnitAttr:$winograd,
                       OptionalAttr<I64Attr>:$winograd_rows);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $kernel (`bias` `(` $bias^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The output shape for NHWC input `x` and HWIO kernel `k` (the rule
    /// the verifier, the gradients and the front end share).
    static ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    inferShape(::llvm::ArrayRef<int64_t> x, ::llvm::ArrayRef<int64_t> k,
               ::llvm::ArrayRef<int64_t> strides,
               ::llvm::ArrayRef<int64_t> dilations, Padding padding,
               std::optional<::llvm::ArrayRef<int64_t>> pads, int64_t groups,
               ShapeError &error);
  }];
}

def NN_DenseOp : NN_Op<"dense", [Pure, InferTypeOpAdaptor, NN_ShapeRule,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>,
    DeclareOpInterfaceMethods<NN_ContractionOpInterface>]> {
  let summary = "fully connected layer: x @ kernel (+ bias)";
  let description = [{ `x` is `[N, in]`, `kernel` `[in, out]`, `bias` `[out]`. }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$kernel,
                       Optional<NN_FloatTensor>:$bias);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $kernel (`bias` `(` $bias^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    static ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    inferShape(::llvm::ArrayRef<int64_t> x, ::llvm::ArrayRef<int64_t> kernel,
               ShapeError &error);
  }];
}

def NN_EmbeddingOp : NN_Op<"embedding", [Pure, InferTypeOpAdaptor, NN_ShapeRule, DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "row lookup: y[..., :] = table[ids[...], :]";
  let description = [{
    Ids outside `[0, vocab_size)` produce zero rows (TF on CPU raises; modelc
    never reads out of bounds).
  }];
  let arguments = (ins NN_IndexTensor:$ids, NN_FloatTensor:$table);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = [{
    $ids `,` $table attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    static ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    inferShape(::llvm::ArrayRef<int64_t> ids, ::llvm::ArrayRef<int64_t> table,
               ShapeError &error);
  }];
}

def NN_BiasAddOp : NN_Op<"bias_add", [Pure, InferTypeOpAdaptor, NN_ShapeRule, DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "adds a per-channel bias on the last axis";
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$bias);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $bias attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    static ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    inferShape(::llvm::ArrayRef<int64_t> x, ::llvm::ArrayRef<int64_t> bias,
               ShapeError &error);
  }];
}

def NN_BatchNormOp : NN_Op<"batch_norm", [Pure, AttrSizedOperandSegments, InferTypeOpAdaptor, NN_ShapeRule, DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "batch normalization (tf.layers.batch_normalization)";
  let description = [{
    Normalizes over every axis but `axis`. With `training` true it uses the
    batch mean and biased variance (per sub-batch of `virtual_batch_size`
    examples, interleaved as TF reshapes them; with `renorm`, corrected by the
    clipped `r` and `d` of Batch Renormalization) and returns them as
    `batch_mean`/`batch_variance` (over sub-batches: their mean). With
    `training` false it uses the moving statistics and returns them
    unchanged. The op itself changes no state: the train step feeds the
    returned statistics to `nn.moving_average` and assigns the result, with
    `momentum` and the resolved `variance_correction` carried here.

    `gamma` is present iff `scale`, `beta` iff `center`; the renorm state
    iff `renorm`.

    `synchronized` (Keras's name): in a data-parallel module
    (`nn.data_parallel`) the training-mode statistics are those of the
    global batch over every process (nn.replica_reduce); elsewhere it
    changes nothing.
  }];
  let arguments = (ins NN_FloatTensor:$input,
                       Optional<NN_FloatTensor>:$gamma,
                       Optional<NN_FloatTensor>:$beta,
                       NN_FloatTensor:$moving_mean,
                       NN_FloatTensor:$moving_variance,
                       Optional<NN_FloatTensor>:$renorm_mean,
                       Optional<NN_FloatTensor>:$renorm_stddev,
                       I1:$training,
                       I64Attr:$axis,
                       F32Attr:$momentum,
                       F32Attr:$epsilon,
                       BoolAttr:$center,
                       BoolAttr:$scale,
                       BoolAttr:$trainable,
                       NN_VarianceCorrectionAttr:$variance_correction,
                       BoolAttr:$renorm,
                       F32Attr:$renorm_momentum,
                       OptionalAttr<F32Attr>:$renorm_rmin,
                       OptionalAttr<F32Attr>:$renorm_rmax,
                       OptionalAttr<F32Attr>:$renorm_dmax,
                       OptionalAttr<I64Attr>:$virtual_batch_size,
                       UnitAttr:$synchronized);
  let results = (outs NN_FloatTensor:$output, NN_FloatTensor:$batch_mean,
                      NN_FloatTensor:$batch_variance);
  let assemblyFormat = [{
    $input (`gamma` `(` $gamma^ `)`)? (`beta` `(` $beta^ `)`)?
    `moving` `(` $moving_mean `,` $moving_variance `)`
    (`renorm` `(` $renorm_mean^ `,` $renorm_stddev `)`)?
    `training` `(` $training `)` attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The output shape (the input's); the statistics are `[x[axis]]`.
    static ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    inferShape(::llvm::ArrayRef<int64_t> x, int64_t axis,
               std::optional<int64_t> virtualBatchSize, ShapeError &error);
  }];
}

class NN_UnaryOp<string mnemonic, string summary_, list<Trait> traits = []>
    : NN_Op<mnemonic, !listconcat([Pure, SameOperandsAndResultType,
        InferTypeOpInterface,
        DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>], traits)> {
  let summary = summary_;
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def NN_ReluOp : NN_UnaryOp<"relu", "max(x, 0)"> {
  let arguments = (ins NN_FloatTensor:$input);
}
def NN_Relu6Op : NN_UnaryOp<"relu6", "min(max(x, 0), 6)"> {
  let arguments = (ins NN_FloatTensor:$input);
}
def NN_SigmoidOp : NN_UnaryOp<"sigmoid", "1 / (1 + exp(-x))"> {
  let arguments = (ins NN_FloatTensor:$input);
}
def NN_TanhOp : NN_UnaryOp<"tanh", "tanh(x)"> {
  let arguments = (ins NN_FloatTensor:$input);
}
def NN_LeakyReluOp : NN_UnaryOp<"leaky_relu", "x > 0 ? x : alpha * x"> {
  let arguments = (ins NN_FloatTensor:$input, F32Attr:$alpha);
}
def NN_EluOp : NN_UnaryOp<"elu", "x > 0 ? x : alpha * (exp(x) - 1)"> {
  let description = [{
    Keras's ELU (ONNX's Elu): the identity for positive inputs, an
    exponential that saturates at `-alpha` below. The gradient is `dy` above
    0 and `dy * alpha * exp(x)` at and below.
  }];
  let arguments = (ins NN_FloatTensor:$input, F32Attr:$alpha);
}
def NN_ClipOp : NN_UnaryOp<"clip", "min(max(x, min), max)"> {
  let description = [{
    `np.clip` (ONNX's Clip, TF's `clip_by_value`): `min <= max`, either may
    be infinite. The gradient passes where `min <= x <= max`.
  }];
  let arguments = (ins NN_FloatTensor:$input, F32Attr:$min, F32Attr:$max);
  let hasVerifier = 1;
}

def NN_SoftmaxOp : NN_Op<"softmax", [Pure, InferTypeOpAdaptor, NN_ShapeRule,
    DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "softmax (or log-softmax) over the last axis";
  let description = [{
    `y[.., k] = exp(x[.., k] - m) / sum_j exp(x[.., j] - m)` with `m` the
    maximum along the last axis (rank >= 2: [N, K], or [N, ..., K] with a
    softmax per position); with `log`, `y = x - m - log(sum_j exp(x[.., j]
    - m))`. For models that output probabilities (ONNX's Softmax and
    LogSoftmax); modelc's losses take logits.
  }];
  let arguments = (ins NN_FloatTensor:$input, UnitAttr:$log);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let extraClassDeclaration = [{
    static ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    inferShape(::llvm::ArrayRef<int64_t> x, ShapeError &error);
  }];
}

def NN_DropoutOp : NN_Op<"dropout", [Pure, InferTypeOpAdaptor, NN_ShapeRule, DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "inverted dropout; the identity in inference mode";
  let description = [{
    In training mode each element is kept with probability `1 - rate` and
    scaled by `1 / (1 - rate)`; the mask comes from a counter-based generator
    keyed by the run's seed, the step and `stream` (unique per layer), so a
    run is reproducible. In inference mode the op is the identity.

    `key` is the run's `(seed, step)`; without it (a forward pass outside
    the train step, e.g. `predict --mode train`) training mode is also the
    identity. The gradient of a dropout is the same op, with the same key
    and stream, applied to the incoming gradient: it draws the same mask.
  }];
  let arguments = (ins NN_FloatTensor:$input, I1:$training,
                       Variadic<0DTensorOf<[I64]>>:$key, F32Attr:$rate,
                       I64Attr:$stream);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = [{
    $input `training` `(` $training `)` (`key` `(` $key^ `:` type($key) `)`)? attr-dict
    `:` type($input)
  }];
  let hasVerifier = 1;
}

def NN_Pool2DOp : NN_Op<"pool2d", [Pure, InferTypeOpAdaptor, NN_ShapeRule, DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "max or average pooling over H and W (NHWC)";
  let description = [{
    Max pooling ignores padded positions; average pooling divides by the
    number of valid elements in each window (TensorFlow's convention), or
    with `count_include_pad` (average only) by the whole window, padded
    positions included (PyTorch's default, ONNX's `count_include_pad = 1`).
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_PoolKindAttr:$kind,
                       NN_Pair:$pool_size, NN_Pair:$strides,
                       NN_PaddingAttr:$padding,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       UnitAttr:$count_include_pad);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = [{
    $kind $input attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    static ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    inferShape(::llvm::ArrayRef<int64_t> x, ::llvm::ArrayRef<int64_t> poolSize,
               ::llvm::ArrayRef<int64_t> strides, Padding padding,
               std::optional<::llvm::ArrayRef<int64_t>> pads,
               ShapeError &error);
  }];
}

def NN_GlobalPool2DOp : NN_Op<"global_pool2d", [Pure, InferTypeOpAdaptor, NN_ShapeRule, DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "max or mean over H and W: [N,H,W,C] -> [N,C]";
  let arguments = (ins NN_FloatTensor:$input, NN_PoolKindAttr:$kind);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = [{
    $kind $input attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    static ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    inferShape(::llvm::ArrayRef<int64_t> x, ShapeError &error);
  }];
}

def NN_ReshapeOp : NN_Op<"reshape", [Pure, DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "row-major reshape keeping the (dynamic) batch dimension";
  let description = [{
    `flatten` is a reshape to `[N, prod(rest)]`. The batch dimension is the
    first of both types and must match; the rest must hold as many elements.
  }];
  let arguments = (ins NN_FloatTensor:$input);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The result type is the op's own; this checks it against the input.
    static ::llvm::LogicalResult checkShapes(::llvm::ArrayRef<int64_t> in,
                                             ::llvm::ArrayRef<int64_t> out,
                                             ShapeError &error);
  }];
}

def NN_TransposeOp : NN_Op<"transpose", [Pure, InferTypeOpAdaptor, NN_ShapeRule, DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "permutation of the dimensions that keeps the batch first";
  let description = [{
    `output` dimension `i` is `input` dimension `permutation[i]`, as in
    ONNX's Transpose and `np.transpose`. The batch stays dimension 0
    (`permutation[0] = 0`), so every other op still sees it first. The
    gradient is the transpose by the inverse permutation.

    ```mlir
    %y = nn.transpose %x {permutation = array<i64: 0, 2, 3, 1>}
        : (tensor<?x3x8x8xf32>) -> tensor<?x8x8x3xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input,
                       DenseI64ArrayAttr:$permutation);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    static ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    inferShape(::llvm::ArrayRef<int64_t> x,
               ::llvm::ArrayRef<int64_t> permutation, ShapeError &error);
  }];
}

def NN_ConcatOp : NN_Op<"concat", [Pure, InferTypeOpAdaptor, NN_ShapeRule, DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "concatenation along one axis";
  let arguments = (ins Variadic<NN_FloatTensor>:$inputs, I64Attr:$axis);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    static ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    inferShape(::llvm::ArrayRef<::llvm::SmallVector<int64_t>> inputs,
               int64_t axis, ShapeError &error);
  }];
}

def NN_AddOp : NN_Op<"add", [Pure, SameOperandsAndResultType, InferTypeOpAdaptor, NN_ShapeRule, DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "elementwise sum of tensors of one shape";
  let arguments = (ins Variadic<NN_FloatTensor>:$inputs);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` type($output)";
  let extraClassDeclaration = [{
    static ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    inferShape(::llvm::ArrayRef<::llvm::SmallVector<int64_t>> inputs,
               ShapeError &error);
  }];
}

//===----------------------------------------------------------------------===//
// Losses and regularizers
//===----------------------------------------------------------------------===//

def NN_MulOp : NN_Op<"mul", [Pure, InferTypeOpAdaptor, NN_ShapeRule, DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>]> {
  let summary = "element-wise product with NumPy broadcasting";
  let description = [{
    `y = lhs * rhs` with the shapes aligned at the right: in each dimension
    the operands agree or one of them is 1 (or absent, for the operand of
    lower rank) and is repeated. The `multiply` layer (same rank, size-1
    dimensions broadcast), the `scale` layer (`x * scale`, `scale` along
    the last axis) and ONNX's Mul.

    ```mlir
    %y = nn.mul %x, %s : (tensor<?x8x8x16xf32>, tensor<16xf32>) -> tensor<?x8x8x16xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$lhs, NN_FloatTensor:$rhs);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    static ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    inferShape(::llvm::ArrayRef<int64_t> lhs, ::llvm::ArrayRef<int64_t> rhs,
               ShapeError &error);
  }];
}

def NN_SoftmaxCrossEntropyOp : NN_Op<"softmax_cross_entropy", [Pure]> {
  let summary = "sparse softmax cross-entropy, mean over the batch";
  let description = [{
    With `class_weight` (one weight per class), each example's loss is
    multiplied by the weight of its label before the mean over the batch
    (Keras's `class_weight`: the sum is still divided by the batch size).
    Only the train step keeps it: the eval entry drops it, as Keras's
    evaluate and val_loss are unweighted.
  }];
  let arguments = (ins NN_FloatTensor:$logits, NN_IndexTensor:$labels,
                       OptionalAttr<DenseF32ArrayAttr>:$class_weight);
  let results = (outs NN_Scalar:$loss);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_SigmoidCrossEntropyOp : NN_Op<"sigmoid_cross_entropy", [Pure]> {
  let summary = "sigmoid cross-entropy with float labels, mean over all elements";
  let description = [{
    With `class_weight = [w0, w1]`, each element's loss is multiplied by
    `w0 * (1 - z) + w1 * z` for its label z (w0 for label 0, w1 for label 1,
    as Keras weighs a binary classifier's examples) before the mean.
  }];
  let arguments = (ins NN_FloatTensor:$logits, NN_FloatTensor:$labels,
                       OptionalAttr<DenseF32ArrayAttr>:$class_weight);
  let results = (outs NN_Scalar:$loss);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_MeanSquaredErrorOp : NN_Op<"mean_squared_error", [Pure]> {
  let summary = "mean over all elements of (predictions - labels)^2";
  let arguments = (ins NN_FloatTensor:$predictions, NN_FloatTensor:$labels);
  let results = (outs NN_Scalar:$loss);
  let assemblyFormat = [{
    $predictions `,` $labels attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_RegularizerOp : NN_Op<"regularizer", [Pure]> {
  let summary = "weight penalty: scale * sum(w^2) (l2) or scale * sum(|w|) (l1)";
  let arguments = (ins NN_FloatTensor:$weights, NN_RegularizerKindAttr:$kind,
                       F32Attr:$scale);
  let results = (outs NN_Scalar:$loss);
  let assemblyFormat = [{
    $kind $weights attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Optimizer updates and moving averages (used by the train step)
//===----------------------------------------------------------------------===//

def NN_LearningRateOp : NN_Op<"learning_rate", [Pure]> {
  let summary = "the learning rate at a global step";
  let description = [{
    The rate at `step`, the global step before its increment, by the
    `schedule` attribute (`#nn.learning_rate`, whose verifier checks the
    fields of each kind; Keras's names and formulas):
    - `constant`: `initial`;
    - `exponential_decay` (`decay_steps`, `decay_rate`): `initial *
      decay_rate ^ (step / decay_steps)`, the exponent floored when
      `staircase`;
    - `cosine_decay` (`decay_steps`, `alpha`): `initial * ((1 - alpha) * c
      + alpha)` with `c = (1 + cos(pi * min(step, decay_steps) /
      decay_steps)) / 2`;
    - `piecewise_constant` (`boundaries`, `values`): `values[i]` for the
      first `i` with `step <= boundaries[i]`, else the last value.
    With `warmup_steps` W, steps below W ramp linearly from `warmup_from` to
    the schedule's first rate (`warmup_from + step / W * (rate(0) -
    warmup_from)`), and step s >= W takes the schedule's rate at s - W.

    ```mlir
    %lr = nn.learning_rate %step {schedule = #nn.learning_rate<cosine_decay, initial = 0.1, decay_steps = 1000, alpha = 0.0>} : (tensor<i64>) -> tensor<f32>
    ```
  }];
  let arguments = (ins 0DTensorOf<[I64]>:$step,
                       NN_LearningRateAttr:$schedule);
  let results = (outs NN_Scalar:$rate);
  let assemblyFormat = "$step attr-dict `:` functional-type(operands, results)";
}

def NN_ClipGlobalNormOp : NN_Op<"clip_global_norm", [Pure, SameVariadicOperandSize]> {
  let summary = "scales all gradients by c / max(global_norm, c)";
  let arguments = (ins Variadic<NN_FloatTensor>:$gradients, F32Attr:$clip_norm);
  let results = (outs Variadic<NN_FloatTensor>:$clipped);
  let assemblyFormat = [{
    $gradients attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_SgdOp : NN_Op<"sgd", [Pure]> {
  let summary = "w - lr * g";
  let description = [{
    Every optimizer op takes `weight_decay` (Keras's decoupled weight decay,
    AdamW/SGDW style): before the update, `w -= lr * weight_decay * w` with
    the step's (scheduled) learning rate `lr`; the gradient is unchanged.
  }];
  let arguments = (ins NN_FloatTensor:$param, NN_FloatTensor:$grad,
                       NN_Scalar:$lr, DefaultValuedAttr<F32Attr, "0.0f">:$weight_decay);
  let results = (outs NN_FloatTensor:$new_param);
  let assemblyFormat = [{
    $param `,` $grad `,` $lr attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_MomentumOp : NN_Op<"momentum", [Pure]> {
  let summary = "TF1 momentum: accum = m*accum + g; w -= lr*accum (or Nesterov)";
  let arguments = (ins NN_FloatTensor:$param, NN_FloatTensor:$accum,
                       NN_FloatTensor:$grad, NN_Scalar:$lr, F32Attr:$momentum,
                       BoolAttr:$use_nesterov, DefaultValuedAttr<F32Attr, "0.0f">:$weight_decay);
  let results = (outs NN_FloatTensor:$new_param, NN_FloatTensor:$new_accum);
  let assemblyFormat = [{
    $param `,` $accum `,` $grad `,` $lr attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_AdamOp : NN_Op<"adam", [Pure]> {
  let summary = "TF1 Adam with t = step + 1";
  let description = [{
    `m = b1*m + (1-b1)*g`, `v = b2*v + (1-b2)*g^2`,
    `lr_t = lr*sqrt(1-b2^t)/(1-b1^t)`, `w -= lr_t*m/(sqrt(v)+epsilon)`.
  }];
  let arguments = (ins NN_FloatTensor:$param, NN_FloatTensor:$m,
                       NN_FloatTensor:$v, NN_FloatTensor:$grad, NN_Scalar:$lr,
                       0DTensorOf<[I64]>:$step, F32Attr:$beta1, F32Attr:$beta2,
                       F32Attr:$epsilon, DefaultValuedAttr<F32Attr, "0.0f">:$weight_decay);
  let results = (outs NN_FloatTensor:$new_param, NN_FloatTensor:$new_m,
                      NN_FloatTensor:$new_v);
  let assemblyFormat = [{
    $param `,` $m `,` $v `,` $grad `,` $lr `,` $step attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_RmspropOp : NN_Op<"rmsprop", [Pure]> {
  let summary = "TF1 RMSProp (rms starts at one)";
  let description = [{
    `rms = decay*rms + (1-decay)*g^2`,
    `mom = momentum*mom + lr*g/sqrt(rms+epsilon)`, `w -= mom`.
  }];
  let arguments = (ins NN_FloatTensor:$param, NN_FloatTensor:$rms,
                       NN_FloatTensor:$mom, NN_FloatTensor:$grad, NN_Scalar:$lr,
                       F32Attr:$decay, F32Attr:$momentum, F32Attr:$epsilon,
                       DefaultValuedAttr<F32Attr, "0.0f">:$weight_decay);
  let results = (outs NN_FloatTensor:$new_param, NN_FloatTensor:$new_rms,
                      NN_FloatTensor:$new_mom);
  let assemblyFormat = [{
    $param `,` $rms `,` $mom `,` $grad `,` $lr attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_MovingAverageOp : NN_Op<"moving_average", [Pure,
    AllTypesMatch<["average", "value", "result"]>]> {
  let summary = "momentum*average + (1-momentum)*value*correction";
  let description = [{
    The moving-statistics update of batch normalization (and of the renorm
    statistics). `correction` (a scalar from `nn.variance_correction`) is 1
    when absent.
  }];
  let arguments = (ins NN_FloatTensor:$average, NN_FloatTensor:$value,
                       Optional<NN_Scalar>:$correction, F32Attr:$momentum);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $average `,` $value (`correction` `(` $correction^ `:` type($correction) `)`)?
    attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

include "modelc/Dialect/NN/NNTrainOps.td"

#endif // MODELC_NN_OPS
