//===- NNBase.td - nn dialect, enums and attributes -------*- tablegen -*-===//
#ifndef MODELC_NN_BASE
#define MODELC_NN_BASE

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def NN_Dialect : Dialect {
  let name = "nn";
  let cppNamespace = "::mlir::nn";
  let summary = "Neural-network layers, losses, optimizers and model state";
  let description = [{
    The `nn` dialect is modelc's model-level IR. A model is a module holding
    `nn.variable` declarations (parameters, batch-norm moving statistics,
    optimizer slots) and functions over ranked tensors (NHWC activations,
    HWIO kernels, dynamic batch). Batch normalization, convolution and the
    optimizer updates are first-class ops, so passes can reason about them
    (fold BN into a convolution, fuse its statistics, build the train step)
    before they are lowered to `linalg`.

    The train/inference mode is an `i1` operand (`training`) of the ops whose
    semantics depend on it (`nn.batch_norm`, `nn.dropout`): a function that
    takes it is compiled for both modes, and `nn-specialize-mode` clones it
    with the flag made constant.
  }];
  let useDefaultAttributePrinterParser = 1;
}

// The op's shape rule (its InferTypeOpInterface) runs before its verifier,
// which can then rely on the shapes (see ShapeRule in NNOps.h).
def NN_ShapeRule : NativeOpTrait<"ShapeRule"> {
  let cppNamespace = "::mlir::nn";
}

class NN_Op<string mnemonic, list<Trait> traits = []>
    : Op<NN_Dialect, mnemonic, traits>;

def NN_Padding : I32EnumAttr<"Padding", "padding of a windowed op", [
    I32EnumAttrCase<"valid", 0>, I32EnumAttrCase<"same", 1>,
    I32EnumAttrCase<"explicitPads", 2, "explicit">]> {
  let cppNamespace = "::mlir::nn";
  let genSpecializedAttr = 0;
}
def NN_PaddingAttr : EnumAttr<NN_Dialect, NN_Padding, "padding"> {
  let assemblyFormat = "`<` $value `>`";
}

def NN_VarianceCorrection : I32EnumAttr<"VarianceCorrection",
    "factor applied to the batch variance before the moving average", [
    I32EnumAttrCase<"unbiased", 0>, I32EnumAttrCase<"biased", 1>]> {
  let cppNamespace = "::mlir::nn";
  let genSpecializedAttr = 0;
}
def NN_VarianceCorrectionAttr
    : EnumAttr<NN_Dialect, NN_VarianceCorrection, "variance_correction"> {
  let assemblyFormat = "`<` $value `>`";
}

def NN_ReplicaReduction : I32EnumAttr<"ReplicaReduction",
    "how nn.replica_reduce combines the processes' values", [
    I32EnumAttrCase<"mean", 0>, I32EnumAttrCase<"moments", 1>,
    I32EnumAttrCase<"grad_means", 2>]> {
  let cppNamespace = "::mlir::nn";
  let genSpecializedAttr = 0;
}
def NN_ReplicaReductionAttr
    : EnumAttr<NN_Dialect, NN_ReplicaReduction, "replica_reduction"> {
  let assemblyFormat = "`<` $value `>`";
}

def NN_VariableRole : I32EnumAttr<"VariableRole", "what a state variable holds", [
    I32EnumAttrCase<"param", 0>, I32EnumAttrCase<"moving_mean", 1>,
    I32EnumAttrCase<"moving_variance", 2>, I32EnumAttrCase<"renorm_mean", 3>,
    I32EnumAttrCase<"renorm_stddev", 4>, I32EnumAttrCase<"slot", 5>]> {
  let cppNamespace = "::mlir::nn";
  let genSpecializedAttr = 0;
}
def NN_VariableRoleAttr : EnumAttr<NN_Dialect, NN_VariableRole, "role"> {
  let assemblyFormat = "`<` $value `>`";
}

def NN_RegularizerKind : I32EnumAttr<"RegularizerKind", "weight penalty", [
    I32EnumAttrCase<"l1", 0>, I32EnumAttrCase<"l2", 1>]> {
  let cppNamespace = "::mlir::nn";
  let genSpecializedAttr = 0;
}
def NN_RegularizerKindAttr
    : EnumAttr<NN_Dialect, NN_RegularizerKind, "regularizer"> {
  let assemblyFormat = "`<` $value `>`";
}

def NN_PoolKind : I32EnumAttr<"PoolKind", "pooling reduction", [
    I32EnumAttrCase<"max", 0>, I32EnumAttrCase<"avg", 1>]> {
  let cppNamespace = "::mlir::nn";
  let genSpecializedAttr = 0;
}
def NN_PoolKindAttr : EnumAttr<NN_Dialect, NN_PoolKind, "pool"> {
  let assemblyFormat = "`<` $value `>`";
}

def NN_ActivationKind : I32EnumAttr<"ActivationKind", "elementwise activation", [
    I32EnumAttrCase<"relu", 0>, I32EnumAttrCase<"relu6", 1>,
    I32EnumAttrCase<"sigmoid", 2>, I32EnumAttrCase<"tanh", 3>,
    I32EnumAttrCase<"leaky_relu", 4>, I32EnumAttrCase<"clip", 5>,
    I32EnumAttrCase<"elu", 6>]> {
  let cppNamespace = "::mlir::nn";
  let genSpecializedAttr = 0;
}
def NN_ActivationKindAttr
    : EnumAttr<NN_Dialect, NN_ActivationKind, "activation"> {
  let assemblyFormat = "`<` $value `>`";
}

def NN_OptimizerKind : I32EnumAttr<"OptimizerKind", "optimizer", [
    I32EnumAttrCase<"sgd", 0>, I32EnumAttrCase<"momentum", 1>,
    I32EnumAttrCase<"adam", 2>, I32EnumAttrCase<"rmsprop", 3>]> {
  let cppNamespace = "::mlir::nn";
  let genSpecializedAttr = 0;
}

def NN_ScheduleKind : I32EnumAttr<"ScheduleKind", "learning-rate schedule", [
    I32EnumAttrCase<"constant", 0>, I32EnumAttrCase<"exponential_decay", 1>,
    I32EnumAttrCase<"cosine_decay", 2>, I32EnumAttrCase<"piecewise_constant", 3>]> {
  let cppNamespace = "::mlir::nn";
  let genSpecializedAttr = 0;
}

// A real number of a learning rate: the f64 the front end read (so the
// model info prints the number of the model file), printed in its shortest
// decimal form that reads back exactly (`0.1`, `1.0e-08`).
class NN_RealParameter<string desc>
    : OptionalParameter<"::mlir::FloatAttr", desc> {
  let parser = "parseReal($_parser)";
  let printer = "printReal($_printer, $_self)";
}
// A step count, printed as a plain integer.
class NN_StepsParameter<string desc>
    : OptionalParameter<"std::optional<int64_t>", desc> {
  let parser = "parseSteps($_parser)";
  let printer = "$_printer << *$_self";
}
// Lists in brackets: `[100, 200]`, `[0.1, 0.01, 0.001]`.
class NN_StepListParameter<string desc>
    : OptionalArrayRefParameter<"int64_t", desc> {
  let parser = "parseStepList($_parser)";
  let printer = "printStepList($_printer, $_self)";
}
class NN_RealListParameter<string desc>
    : OptionalParameter<"::mlir::DenseF64ArrayAttr", desc> {
  let parser = "parseRealList($_parser)";
  let printer = "printRealList($_printer, $_self)";
}

// The model's learning rate, as the front end normalized it (every default
// filled in): nn-build-train-step puts it on nn.learning_rate, the model
// info prints it back as the model file's JSON.
def NN_LearningRateAttr : AttrDef<NN_Dialect, "LearningRate"> {
  let mnemonic = "learning_rate";
  let summary = "a learning rate: a constant or a schedule, with an optional warmup";
  let description = [{
    One of Keras's schedules (docs/MODEL_FORMAT.md; `nn.learning_rate` gives
    the formulas), each kind with exactly its fields:

    | kind | fields |
    |---|---|
    | `constant` | `initial` |
    | `exponential_decay` | `initial`, `decay_steps`, `decay_rate`, `staircase` |
    | `cosine_decay` | `initial`, `decay_steps`, `alpha` |
    | `piecewise_constant` | `boundaries` (steps), `values` (one more rate) |

    Any kind may be behind a linear warmup of `warmup_steps` steps from
    `warmup_from` (0 when absent). Rates (`initial`, `decay_rate`,
    `values`) are finite and > 0, `alpha` is in [0, 1], `warmup_from` >= 0,
    step counts >= 1, boundaries increasing steps >= 0. The reals are f64,
    the numbers of the model file.

    ```mlir
    #nn.learning_rate<constant, initial = 0.01>
    #nn.learning_rate<exponential_decay, initial = 0.1, decay_steps = 100, decay_rate = 0.5, staircase = true>
    #nn.learning_rate<cosine_decay, initial = 0.1, decay_steps = 1000, alpha = 0.0, warmup_steps = 100, warmup_from = 0.0>
    #nn.learning_rate<piecewise_constant, boundaries = [100, 200], values = [0.1, 0.01, 0.001]>
    ```
  }];
  let parameters = (ins
    EnumParameter<NN_ScheduleKind>:$kind,
    NN_RealParameter<"the rate at step 0 (all but piecewise_constant)">:$initial,
    NN_StepsParameter<"steps of one decay (exponential, cosine)">:$decay_steps,
    NN_RealParameter<"factor per decay_steps (exponential)">:$decay_rate,
    OptionalParameter<"::mlir::BoolAttr",
                      "whole decays only (exponential)">:$staircase,
    NN_RealParameter<"the final fraction of initial (cosine)">:$alpha,
    NN_StepListParameter<"last step of each value but the last (piecewise)">:$boundaries,
    NN_RealListParameter<"the rates (piecewise)">:$values,
    NN_StepsParameter<"steps of the linear warmup">:$warmup_steps,
    NN_RealParameter<"the rate the warmup starts from">:$warmup_from);
  let assemblyFormat = [{
    `<` $kind `,` struct($initial, $decay_steps, $decay_rate, $staircase,
    $alpha, $boundaries, $values, $warmup_steps, $warmup_from) `>`
  }];
  let genVerifyDecl = 1;
}

// An optimizer's learning rate, printed in full (`#nn.learning_rate<...>`),
// as it is written alone.
def NN_LearningRateParameter
    : AttrParameter<"::mlir::nn::LearningRateAttr", "the learning rate"> {
  let printer = "$_printer.printAttribute($_self)";
}

// The model's optimizer, every hyper-parameter resolved once by the front
// end (the schema's defaults filled in): nn-build-train-step reads it, the
// model info prints it. Which parameters a kind takes is checked by the
// verifier.
def NN_OptimizerAttr : AttrDef<NN_Dialect, "Optimizer"> {
  let mnemonic = "optimizer";
  let summary = "an optimizer and all its hyper-parameters";
  let description = [{
    `learning_rate` is a `#nn.learning_rate` (a constant or a schedule,
    which its own verifier checks). sgd takes no other parameter; momentum
    takes `momentum` and `use_nesterov`; adam `beta1`, `beta2`, `epsilon`;
    rmsprop `decay`, `momentum`, `epsilon`. Any kind may clip the
    gradients' global norm and decay the weights (Keras's decoupled
    `weight_decay`).
  }];
  let parameters = (ins
    EnumParameter<NN_OptimizerKind>:$kind,
    NN_LearningRateParameter:$learning_rate,
    OptionalParameter<"::mlir::FloatAttr">:$momentum,
    OptionalParameter<"::mlir::BoolAttr">:$use_nesterov,
    OptionalParameter<"::mlir::FloatAttr">:$beta1,
    OptionalParameter<"::mlir::FloatAttr">:$beta2,
    OptionalParameter<"::mlir::FloatAttr">:$decay,
    OptionalParameter<"::mlir::FloatAttr">:$epsilon,
    OptionalParameter<"::mlir::FloatAttr">:$weight_decay,
    OptionalParameter<"::mlir::FloatAttr">:$clip_global_norm);
  let assemblyFormat = [{
    `<` $kind `,` struct($learning_rate, $momentum, $use_nesterov, $beta1,
    $beta2, $decay, $epsilon, $weight_decay, $clip_global_norm) `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The state each trainable variable gets from this optimizer, as
    /// (slot name, initializer kind), in the update op's operand order.
    ::llvm::SmallVector<std::pair<::llvm::StringRef, ::llvm::StringRef>>
    getSlots() const;
  }];
}

// The code generator's plan of one linalg op on buffers: codegen-plan-tiles
// attaches it (as `codegen.plan`), codegen-fuse-epilogues adds the epilogue
// choice, codegen-vectorize carries it out and drops it.
def NN_TilePlanAttr : AttrDef<NN_Dialect, "TilePlan"> {
  let mnemonic = "tile_plan";
  let summary = "how codegen-vectorize tiles and vectorizes one linalg op";
  let description = [{
    Dimensions are the op's loops (`d0`, `d1`, ... of its indexing maps).
    `tiles` has a tile size per loop (0: the whole extent, no loop);
    `interchange` orders the tile loops (a permutation); `vector_dim` is the
    loop that becomes vector lanes, `lanes` the f32 lanes of one register.
    A `contraction` (`out += a * b`) is register-blocked over `m_dim` rows x
    the vector dimension and becomes a micro-kernel; `pack_input` (0 or 1)
    is an input first copied, in the order `pack_perm`, to a buffer where
    the vector dimension is contiguous; `pack_panels`: the input that
    varies along the vector dimension (its innermost) is copied into panels
    of `tiles[vector_dim]` lanes, each contiguous over all its other
    dimensions, and full tiles read their panel (remainder tiles the input
    itself); `outer_dim` is a reduction loop
    blocked by `outer_block` outside the tile loops (cache blocking).
    `parallel`: the op is worth threads. `epilogue`: the element-wise
    consumer `codegen-fuse-epilogues` marked `codegen.epilogue` for the op
    (found again by `codegen-vectorize` by the same rule) is applied to the
    accumulator registers (only without cache blocking);
    `store_accumulators`: the op's own output is still written (it is read
    later). `tail_rows = t, tail_tiles = n`: the last `n * t` rows of `m_dim`
    are tiled by `t` rows instead of `tiles[m_dim]` (which tiles the others
    exactly): 32 pixels as 6 + 6 + 6 + 6 + 4 + 4 rather than five blocks of 6
    and a latency-bound one of 2. `codegen-vectorize` ignores a tail that
    does not fit the op (the rows then get full tiles and a remainder).

    ```mlir
    #nn.tile_plan<tiles = [1, 1, 1, 0], interchange = [3, 0, 1, 2], vector_dim = 3, lanes = 16, parallel>
    #nn.tile_plan<tiles = [1, 1, 0, 0, 0, 0, 0], interchange = [0, 1, 2, 3, 4, 5, 6], contraction, vector_dim = 3, m_dim = 2, lanes = 16, epilogue>
    #nn.tile_plan<tiles = [4, 0, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16, pack_input = 1, pack_perm = [1, 0]>
    #nn.tile_plan<tiles = [1, 6, 1, 16, 0, 0, 0], interchange = [0, 1, 3, 2, 4, 5, 6], contraction, vector_dim = 3, m_dim = 1, lanes = 8, pack_panels>
    #nn.tile_plan<tiles = [1, 1, 6, 0, 0, 0, 0], interchange = [0, 1, 2, 3, 4, 5, 6], contraction, vector_dim = 3, m_dim = 2, lanes = 8, tail_rows = 4, tail_tiles = 2>
    ```
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t", "tile size per loop (0: whole extent)">:$tiles,
    ArrayRefParameter<"int64_t", "order of the tile loops">:$interchange,
    "bool":$contraction,
    "int64_t":$vector_dim,
    "int64_t":$m_dim,
    "int64_t":$lanes,
    "bool":$parallel,
    "int64_t":$pack_input,
    ArrayRefParameter<"int64_t", "dims of the packed input">:$pack_perm,
    "bool":$pack_panels,
    "int64_t":$outer_dim,
    "int64_t":$outer_block,
    "bool":$epilogue,
    "bool":$store_accumulators,
    "int64_t":$tail_rows,
    "int64_t":$tail_tiles);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

// Float tensors (activations, parameters) and integer tensors (ids, labels).
def NN_FloatTensor : RankedTensorOf<[F32]>;
def NN_IndexTensor : RankedTensorOf<[I32]>;
def NN_Scalar : 0DTensorOf<[F32]>;
def NN_Pair : ConfinedAttr<DenseI64ArrayAttr, [DenseArrayCount<2>]>;

#endif // MODELC_NN_BASE
