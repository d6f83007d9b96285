//===- NNTrainOps.td - gradients and state updates --------*- tablegen -*-===//
//
// The ops `nn-build-train-step` emits: one gradient op per layer op (the
// vector-Jacobian product of that op), plus the pieces of batch-norm state
// updates. Each is lowered to linalg like the forward ops.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_NN_TRAIN_OPS
#define MODELC_NN_TRAIN_OPS

def NN_Conv2DGradInputOp : NN_Op<"conv2d_grad_input", [Pure,
    DeclareOpInterfaceMethods<NN_ContractionOpInterface>]> {
  let summary = "gradient of nn.conv2d with respect to its input";
  let description = [{
    `dx[n,h,w,c] = sum dy[n,i,j,o] * kernel[a,b,c,o]` over the taps with
    `h = i*sh + a*dh - ph`, `w = j*sw + b*dw - pw`. The result type is the
    input's type.

    `winograd` (as on `nn.conv2d`: 3x3, stride 1, no dilation, one group;
    and `dy` at least 3x3) computes it as Winograd F(2x2, 3x3) of the padded
    `dy` with the flipped kernel.

    `winograd_rows = m` (as on `nn.conv2d`: row stride 1, no row dilation,
    one group, `m + kh - 1` at most 8; and `dy` at least as tall as the
    kernel) computes it as Winograd F(m, kh) along the rows of the padded
    `dy` with the kernel flipped along its rows; the columns are summed over
    directly, over the kernel's taps or, where `dy` is narrower than the
    kernel (a full-width kernel), over `dy`'s columns.
  }];
  let arguments = (ins NN_FloatTensor:$grad_output, NN_FloatTensor:$kernel,
                       NN_Pair:$strides, NN_Pair:$dilations,
                       NN_PaddingAttr:$padding,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       DefaultValuedAttr<I64Attr, "1">:$groups,
                       UnitAttr:$winograd,
                       OptionalAttr<I64Attr>:$winograd_rows);
  let results = (outs NN_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $grad_output `,` $kernel attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_Conv2DGradKernelOp : NN_Op<"conv2d_grad_kernel", [Pure,
    DeclareOpInterfaceMethods<NN_ContractionOpInterface>]> {
  let summary = "gradient of nn.conv2d with respect to its kernel";
  let description = [{
    `dk[a,b,c,o] = sum_{n,i,j} x[n, i*sh + a*dh - ph, j*sw + b*dw - pw, c] *
    dy[n,i,j,o]` (padded positions contribute zero). The result type is the
    kernel's type.

    `winograd_rows = m` (row stride 1, no row dilation, one group,
    `m + kh - 1` at most 8) computes it as Winograd F(kh, m) along the rows:
    each tile of `m` rows of `dy` and `m + kh - 1` rows of `x` gives the kh
    row taps with `m + kh - 1` multiplications per channel pair and column
    instead of `m kh`, summed over the batch, the tiles and the columns.
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$grad_output,
                       NN_Pair:$strides, NN_Pair:$dilations,
                       NN_PaddingAttr:$padding,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       DefaultValuedAttr<I64Attr, "1">:$groups,
                       OptionalAttr<I64Attr>:$winograd_rows);
  let results = (outs NN_FloatTensor:$grad_kernel);
  let assemblyFormat = [{
    $input `,` $grad_output attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_MatmulOp : NN_Op<"matmul", [Pure,
    DeclareOpInterfaceMethods<NN_ContractionOpInterface>]> {
  let summary = "2-D matrix product with optional transposed operands";
  let description = [{
    `op(a) @ op(b)` with `op` the transpose when `transpose_a` /
    `transpose_b`: the gradients of `nn.dense` are `dy @ kernel^T` and
    `x^T @ dy`.
  }];
  let arguments = (ins NN_FloatTensor:$lhs, NN_FloatTensor:$rhs,
                       DefaultValuedAttr<BoolAttr, "false">:$transpose_lhs,
                       DefaultValuedAttr<BoolAttr, "false">:$transpose_rhs);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_ChannelSumOp : NN_Op<"channel_sum", [Pure]> {
  let summary = "sum over every axis but `axis` (bias and beta gradients)";
  let arguments = (ins NN_FloatTensor:$input, I64Attr:$axis);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_EmbeddingGradOp : NN_Op<"embedding_grad", [Pure]> {
  let summary = "dense gradient of nn.embedding: scatter-add rows of dy";
  let description = [{
    `dtable[v, :] = sum over positions p with ids[p] == v of dy[p, :]`; ids
    outside the table contribute nothing. Every row exists (TF1's dense
    application), zero where no id points.
  }];
  let arguments = (ins NN_IndexTensor:$ids, NN_FloatTensor:$grad_output);
  let results = (outs NN_FloatTensor:$grad_table);
  let assemblyFormat = [{
    $ids `,` $grad_output attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_BatchNormGradOp : NN_Op<"batch_norm_grad", [Pure,
    AttrSizedOperandSegments]> {
  let summary = "gradients of nn.batch_norm";
  let description = [{
    Same operands and attributes as the `nn.batch_norm` it differentiates,
    plus the output gradient. In training mode the gradient flows through
    the batch mean and variance (per sub-batch with `virtual_batch_size`);
    with `renorm`, `r` and `d` are constants. In inference mode
    `dx = dy * gamma / sqrt(moving_variance + epsilon)`. `grad_gamma` and
    `grad_beta` are `sum(dy * xhat')` and `sum(dy)` over every axis but
    `axis` (`xhat'` the normalized input, times `r` plus `d` under renorm).
  }];
  let arguments = (ins NN_FloatTensor:$input,
                       Optional<NN_FloatTensor>:$gamma,
                       NN_FloatTensor:$moving_mean,
                       NN_FloatTensor:$moving_variance,
                       Optional<NN_FloatTensor>:$renorm_mean,
                       Optional<NN_FloatTensor>:$renorm_stddev,
                       NN_FloatTensor:$grad_output,
                       I1:$training,
                       I64Attr:$axis,
                       F32Attr:$epsilon,
                       BoolAttr:$renorm,
                       OptionalAttr<F32Attr>:$renorm_rmin,
                       OptionalAttr<F32Attr>:$renorm_rmax,
                       OptionalAttr<F32Attr>:$renorm_dmax,
                       OptionalAttr<I64Attr>:$virtual_batch_size,
                       UnitAttr:$synchronized);
  let results = (outs NN_FloatTensor:$grad_input, NN_FloatTensor:$grad_gamma,
                      NN_FloatTensor:$grad_beta);
  let assemblyFormat = [{
    $input (`gamma` `(` $gamma^ `)`)?
    `moving` `(` $moving_mean `,` $moving_variance `)`
    (`renorm` `(` $renorm_mean^ `,` $renorm_stddev `)`)?
    `grad` `(` $grad_output `)` `training` `(` $training `)` attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_SoftmaxGradOp : NN_Op<"softmax_grad", [Pure,
    AllTypesMatch<["output", "grad_output", "grad_input"]>]> {
  let summary = "gradient of nn.softmax from its output";
  let description = [{
    `y` is the softmax's output. softmax: `dx = y * (dy - sum_k dy * y)`;
    log-softmax: `dx = dy - exp(y) * sum_k dy` (sums over each row).
  }];
  let arguments = (ins NN_FloatTensor:$output, NN_FloatTensor:$grad_output,
                       UnitAttr:$log);
  let results = (outs NN_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $output `,` $grad_output attr-dict `:` type($output)
  }];
  let hasVerifier = 1;
}

def NN_MulGradOp : NN_Op<"mul_grad", [Pure]> {
  let summary = "gradient of nn.mul with respect to one operand";
  let description = [{
    `dy * other`, summed over the dimensions along which the operand (of the
    result's type) was broadcast: its missing leading dimensions and its
    size-1 dimensions where `dy` is larger.
  }];
  let arguments = (ins NN_FloatTensor:$grad_output, NN_FloatTensor:$other);
  let results = (outs NN_FloatTensor:$grad_operand);
  let assemblyFormat = [{
    $grad_output `,` $other attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_ActivationGradOp : NN_Op<"activation_grad", [Pure,
    AllTypesMatch<["input", "grad_output", "grad_input"]>]> {
  let summary = "dy * f'(x) for an elementwise activation f";
  let description = [{
    `x` is the activation's input. relu: 1 on x > 0; relu6: 1 on 0 < x < 6;
    leaky_relu: 1 on x > 0 else alpha; sigmoid: s(1-s); tanh: 1 - tanh^2;
    clip: 1 on min <= x <= max. `alpha` is leaky_relu's, and only
    leaky_relu's; `min` and `max` are clip's, and only clip's.
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$grad_output,
                       NN_ActivationKindAttr:$kind,
                       OptionalAttr<F32Attr>:$alpha,
                       OptionalAttr<F32Attr>:$min,
                       OptionalAttr<F32Attr>:$max);
  let results = (outs NN_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $kind $input `,` $grad_output attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

def NN_Pool2DGradOp : NN_Op<"pool2d_grad", [Pure,
    AllTypesMatch<["input", "grad_input"]>]> {
  let summary = "gradient of nn.pool2d";
  let description = [{
    Max: each window's gradient goes to its first maximum (row-major window
    order; padded positions never win). Avg: spread evenly over the window's
    valid elements (the divisor of the forward pass: with
    `count_include_pad`, the whole window).
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$grad_output,
                       NN_PoolKindAttr:$kind, NN_Pair:$pool_size,
                       NN_Pair:$strides, NN_PaddingAttr:$padding,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       UnitAttr:$count_include_pad);
  let results = (outs NN_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $kind $input `,` $grad_output attr-dict `:`
    functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// Whether this is the gradient of `pool`'s kind over `pool`'s windows
    /// (pool size, strides, padding, pads).
    bool hasWindowsOf(Pool2DOp pool);
  }];
  let hasVerifier = 1;
}

def NN_GlobalPool2DGradOp : NN_Op<"global_pool2d_grad", [Pure,
    AllTypesMatch<["input", "grad_input"]>]> {
  let summary = "gradient of nn.global_pool2d";
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$grad_output,
                       NN_PoolKindAttr:$kind);
  let results = (outs NN_FloatTensor:$grad_input);
  let assemblyFormat = [{
    $kind $input `,` $grad_output attr-dict `:`
    functional-type(operands, results)
  }];
}

def NN_SliceOp : NN_Op<"slice", [Pure]> {
  let summary = "the part of a tensor at [offset, offset + size) along axis";
  let description = [{ The gradient of nn.concat: size is the result's. }];
  let arguments = (ins NN_FloatTensor:$input, I64Attr:$axis, I64Attr:$offset);
  let results = (outs NN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_SoftmaxCrossEntropyGradOp
    : NN_Op<"softmax_cross_entropy_grad", [Pure,
            AllTypesMatch<["logits", "grad_logits"]>]> {
  let summary = "(softmax(logits) - onehot(labels)) / N, times the label's class_weight";
  let arguments = (ins NN_FloatTensor:$logits, NN_IndexTensor:$labels,
                       OptionalAttr<DenseF32ArrayAttr>:$class_weight);
  let results = (outs NN_FloatTensor:$grad_logits);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_SigmoidCrossEntropyGradOp
    : NN_Op<"sigmoid_cross_entropy_grad", [Pure,
            AllTypesMatch<["logits", "labels", "grad_logits"]>]> {
  let summary = "(sigmoid(logits) - labels) / number of elements, times the label's class_weight";
  let arguments = (ins NN_FloatTensor:$logits, NN_FloatTensor:$labels,
                       OptionalAttr<DenseF32ArrayAttr>:$class_weight);
  let results = (outs NN_FloatTensor:$grad_logits);
  let assemblyFormat = "$logits `,` $labels attr-dict `:` type($logits)";
  let hasVerifier = 1;
}

def NN_MeanSquaredErrorGradOp
    : NN_Op<"mean_squared_error_grad", [Pure,
            AllTypesMatch<["predictions", "labels", "grad_predictions"]>]> {
  let summary = "2 * (predictions - labels) / number of elements";
  let arguments = (ins NN_FloatTensor:$predictions, NN_FloatTensor:$labels);
  let results = (outs NN_FloatTensor:$grad_predictions);
  let assemblyFormat = "$predictions `,` $labels attr-dict `:` type($predictions)";
}

def NN_RegularizerGradOp : NN_Op<"regularizer_grad", [Pure,
    AllTypesMatch<["weights", "grad"]>]> {
  let summary = "2*scale*w (l2) or scale*sign(w) (l1)";
  let arguments = (ins NN_FloatTensor:$weights, NN_RegularizerKindAttr:$kind,
                       F32Attr:$scale);
  let results = (outs NN_FloatTensor:$grad);
  let assemblyFormat = "$kind $weights attr-dict `:` type($weights)";
}

def NN_ConstraintOp : NN_Op<"constraint", [Pure,
    AllTypesMatch<["weights", "result"]>]> {
  let summary = "projects a variable after its update (tf.keras constraints)";
  let description = [{
    `spec` is the normalized constraint: `{kind = "non_neg"}`,
    `{kind = "unit_norm", axis}`, `{kind = "max_norm", max_value, axis}`,
    `{kind = "min_max_norm", min_value, max_value, rate, axis}`. Norms are
    taken over `axis` (an axis or list of axes) as tf.keras does.
  }];
  let arguments = (ins NN_FloatTensor:$weights, DictionaryAttr:$spec);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$weights attr-dict `:` type($weights)";
}

def NN_VarianceCorrectionOp : NN_Op<"variance_correction", [Pure]> {
  let summary = "n/(n-1) for the elements per channel of a batch (1 if n = 1)";
  let description = [{
    The factor applied to the biased batch variance before it enters the
    moving variance, from the input's run-time shape: n counts the elements
    per channel of one (sub-)batch. `unbiased = false` gives 1.
    `synchronized` (in a data-parallel module): n counts the elements of
    every process.
  }];
  let arguments = (ins NN_FloatTensor:$input, I64Attr:$axis, BoolAttr:$unbiased,
                       OptionalAttr<I64Attr>:$virtual_batch_size,
                       UnitAttr:$synchronized);
  let results = (outs NN_Scalar:$correction);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NN_StddevOp : NN_Op<"stddev", [Pure, AllTypesMatch<["variance", "result"]>]> {
  let summary = "sqrt(variance + epsilon) (renorm's sigma_B)";
  let arguments = (ins NN_FloatTensor:$variance, F32Attr:$epsilon);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$variance attr-dict `:` type($variance)";
}

def NN_ScalarOp : NN_Op<"scalar", [Pure]> {
  let summary = "reads a 0-d i64 tensor as a 0-d f32 tensor";
  let arguments = (ins 0DTensorOf<[I64]>:$input);
  let results = (outs NN_Scalar:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def NN_BatchNormFoldOp : NN_Op<"batch_norm_fold", [Pure,
    AttrSizedOperandSegments, AllTypesMatch<["kernel", "folded_kernel"]>]> {
  let summary = "a conv/dense kernel and bias with an inference batch norm folded in";
  let description = [{
    With `s = gamma / sqrt(moving_variance + epsilon)` (gamma = 1 when
    absent): `folded_kernel[..., c] = kernel[..., c] * s[c]` and
    `folded_bias[c] = (bias[c] - moving_mean[c]) * s[c] + beta[c]` (bias and
    beta 0 when absent). The kernel's last axis is the output channel (HWIO
    conv kernels, [in, out] dense kernels). Computed from the current state
    on every call, so a training build's inference entry point folds the
    state it is given.
  }];
  let arguments = (ins NN_FloatTensor:$kernel, Optional<NN_FloatTensor>:$bias,
                       Optional<NN_FloatTensor>:$gamma,
                       Optional<NN_FloatTensor>:$beta,
                       NN_FloatTensor:$moving_mean,
                       NN_FloatTensor:$moving_variance, F32Attr:$epsilon);
  let results = (outs NN_FloatTensor:$folded_kernel,
                      NN_FloatTensor:$folded_bias);
  let assemblyFormat = [{
    $kernel (`bias` `(` $bias^ `)`)? (`gamma` `(` $gamma^ `)`)?
    (`beta` `(` $beta^ `)`)? `moving` `(` $moving_mean `,` $moving_variance `)`
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_ReplicaReduceOp : NN_Op<"replica_reduce", [AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<BufferizableOpInterface,
        ["bufferizesToMemoryRead", "bufferizesToMemoryWrite",
         "getAliasingValues", "bufferize"]>]> {
  let summary = "combines this process's values with the other processes' "
                "of a data-parallel run";
  let description = [{
    Emitted only in modules marked `nn.data_parallel` (`modelc --mpi`,
    SPEC 8), where each process trains on a shard of n_r of the global
    batch's B examples. A collective: every process reaches the same
    replica_reduce ops in the same order.

    - `mean` (one input): x <- sum_r (n_r / B) x_r. A per-shard mean
      (a gradient, a moving statistic) becomes the global batch's.
    - `moments` (mean and biased variance per channel, and `count`, the
      values per channel on this process): the mean and variance of all
      processes' values (Chan et al.'s merge of (count, mean, M2)).
    - `grad_means` (batch norm's backward sums of dy and dy * xhat, and
      `count`): the means over all processes' values that the one-process
      formula divides them into, in this process's units.

    Results are the same on every process and in every run with the same
    number of processes (the runtime adds in rank order). Bufferized in
    place into a call of the runtime's `modelc_replica_<kind>`; with one
    process the runtime returns what a single-process build computes.
  }];
  let arguments = (ins Variadic<NN_FloatTensor>:$inputs,
                       Optional<Index>:$count,
                       NN_ReplicaReductionAttr:$kind);
  let results = (outs Variadic<NN_FloatTensor>:$results);
  let assemblyFormat = [{
    $kind $inputs (`count` $count^)? attr-dict `:` type($inputs) `->` type($results)
  }];
  let builders = [
    OpBuilder<(ins "ReplicaReduction":$kind, "ValueRange":$inputs,
                   CArg<"Value", "{}">:$count), [{
      build($_builder, $_state, inputs.getTypes(), inputs, count,
            ReplicaReductionAttr::get($_builder.getContext(), kind));
    }]>
  ];
  let hasVerifier = 1;
}

#endif // MODELC_NN_TRAIN_OPS
