//===- NNShapes.cpp - the shape rule of each layer op ---------------------===//
//
// One `inferShape` per op states which operand shapes and attributes it
// accepts and what it produces. `inferReturnTypes` (InferTypeOpInterface)
// wraps it, so builders infer result types and the verifier checks them;
// the front end calls the same function on the model's shapes.
//
//===----------------------------------------------------------------------===//
#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::nn;

//===----------------------------------------------------------------------===//
// ShapeError
//===----------------------------------------------------------------------===//

std::string ShapeError::shape(ArrayRef<int64_t> dims) const {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i)
      s += ", ";
    s += ShapedType::isDynamic(dims[i])
             ? (dynamicAsMinusOne ? std::string("-1") : std::string("?"))
             : std::to_string(dims[i]);
  }
  return s + "]";
}

std::string ShapeError::value(unsigned k, ArrayRef<int64_t> dims) const {
  if (k < names.size())
    return "'" + names[k] + "' " + shape(dims);
  return shape(dims);
}

LogicalResult ShapeError::blame(StringRef attribute, std::string text) {
  field = attribute.str();
  message = std::move(text);
  return failure();
}

LogicalResult ShapeError::blameOperand(unsigned k, std::string text) {
  operand = k;
  mismatch = true;
  message = std::move(text);
  return failure();
}

namespace {

bool isDynamic(int64_t d) { return ShapedType::isDynamic(d); }

/// Static sizes must agree; a dynamic size agrees with anything.
bool agree(int64_t a, int64_t b) {
  return isDynamic(a) || isDynamic(b) || a == b;
}

std::string str(int64_t v) { return std::to_string(v); }

LogicalResult positive(ShapeError &e, StringRef name,
                       ArrayRef<int64_t> values) {
  for (int64_t v : values)
    if (v < 1)
      return e.blame(name,
                     name.str() + " must be >= 1, got " + e.shape(values));
  return success();
}

/// The spatial output sizes of a window (`window` taps, `dilations`) moved
/// by `strides` over NHWC `x`: after the padding's own checks, the
/// TensorFlow/ONNX output-size rule, and an error naming the window when it
/// does not fit. `windowName` is the attribute blamed ("kernel" is the
/// kernel operand, 1).
FailureOr<std::array<int64_t, 2>>
windowOutput(ShapeError &e, ArrayRef<int64_t> x, ArrayRef<int64_t> window,
             ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
             Padding padding, std::optional<ArrayRef<int64_t>> pads,
             StringRef windowName) {
  // (A window size known only at run time has no span to check pads
  // against.)
  auto spanOf = [&](int i) {
    return isDynamic(window[i]) ? ShapedType::kDynamic
                                : (window[i] - 1) * dilations[i] + 1;
  };
  int64_t spans[2] = {spanOf(0), spanOf(1)};
  bool isExplicit = padding == Padding::explicitPads;
  if (isExplicit != pads.has_value())
    return e.blame("pads", "pads are given exactly when the padding is "
                           "explicit");
  if (pads) {
    if (pads->size() != 4)
      return e.blame("pads", "pads must be [top, bottom, left, right], got " +
                                 e.shape(*pads));
    for (int i = 0; i < 4; ++i)
      if ((*pads)[i] < 0 ||
          (!isDynamic(spans[i / 2]) && (*pads)[i] >= spans[i / 2]))
        return e.blame("pads", "pads " + e.shape(*pads) +
                                   " (top, bottom, left, right) must be >= "
                                   "0 and smaller than the "
                                   "window's span " +
                                   e.shape(spans));
  }
  std::array<int64_t, 2> out;
  for (int i = 0; i < 2; ++i) {
    int64_t in = x[1 + i];
    int64_t before = pads ? (*pads)[2 * i] : 0;
    int64_t after = pads ? (*pads)[2 * i + 1] : 0;
    out[i] =
        padding == Padding::same
            ? windowOutputSize(in, window[i], strides[i], dilations[i], true)
            : paddedOutputSize(in, window[i], strides[i], dilations[i], before,
                               after);
    if (out[i] != 0)
      continue;
    std::string what = windowName.str() + " " + e.shape(window);
    if (windowName == "kernel")
      what += " with dilations " + e.shape(dilations);
    std::string how = pads                       ? "pads " + e.shape(*pads)
                      : padding == Padding::same ? "'same' padding"
                                                 : "'valid' padding";
    std::string text =
        what + " does not fit input " + e.value(0, x) + " with " + how;
    if (windowName == "kernel")
      return e.blameOperand(1, text);
    e.mismatch = true;
    return e.blame(windowName, text);
  }
  return out;
}

/// The operand's shape; null for an unranked operand (IR only: the
/// operand types are ranked tensors).
std::optional<ArrayRef<int64_t>> shapeOf(Value v) {
  if (auto t = dyn_cast_if_present<RankedTensorType>(v ? v.getType() : Type()))
    return t.getShape();
  return std::nullopt;
}

Type f32Tensor(MLIRContext *context, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, Float32Type::get(context));
}

} // namespace

//===----------------------------------------------------------------------===//
// Rules
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>>
Conv2DOp::inferShape(ArrayRef<int64_t> x, ArrayRef<int64_t> k,
                     ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                     Padding padding, std::optional<ArrayRef<int64_t>> pads,
                     int64_t groups, ShapeError &e) {
  if (x.size() != 4)
    return e.blameOperand(0, "expects a 4-D input [N, H, W, C], got " +
                                 e.value(0, x));
  if (k.size() != 4)
    return e.blameOperand(1, "expects a 4-D kernel [kh, kw, C / groups, O], "
                             "got " +
                                 e.shape(k));
  if (failed(positive(e, "strides", strides)) ||
      failed(positive(e, "dilations", dilations)))
    return failure();
  if (groups < 1)
    return e.blame("groups", "groups must be >= 1, got " + str(groups));
  if (!isDynamic(x[3]) && x[3] % groups != 0)
    return e.blame("groups", "groups " + str(groups) +
                                 " must divide the input's " + str(x[3]) +
                                 " channels (" + e.value(0, x) + ")");
  if (!isDynamic(k[3]) && k[3] % groups != 0)
    return e.blame("groups", "groups " + str(groups) +
                                 " must divide the kernel's " + str(k[3]) +
                                 " output channels (the filters; kernel " +
                                 e.shape(k) + ")");
  int64_t channels = isDynamic(k[2]) ? k[2] : k[2] * groups;
  if (!agree(x[3], channels))
    return e.blameOperand(
        1,
        "input " + e.value(0, x) + " has " + str(x[3]) +
            " channels but the kernel " + e.shape(k) + " expects " +
            str(channels) +
            (groups > 1 ? " (" + str(groups) + " groups of " + str(k[2]) + ")"
                        : std::string()));
  auto hw = windowOutput(e, x, k.take_front(2), strides, dilations, padding,
                         pads, "kernel");
  if (failed(hw))
    return failure();
  return SmallVector<int64_t>{x[0], (*hw)[0], (*hw)[1], k[3]};
}

FailureOr<SmallVector<int64_t>>
Pool2DOp::inferShape(ArrayRef<int64_t> x, ArrayRef<int64_t> poolSize,
                     ArrayRef<int64_t> strides, Padding padding,
                     std::optional<ArrayRef<int64_t>> pads, ShapeError &e) {
  if (x.size() != 4)
    return e.blameOperand(0, "expects a 4-D input [N, H, W, C], got " +
                                 e.value(0, x));
  if (failed(positive(e, "pool_size", poolSize)) ||
      failed(positive(e, "strides", strides)))
    return failure();
  int64_t ones[2] = {1, 1};
  auto hw =
      windowOutput(e, x, poolSize, strides, ones, padding, pads, "pool_size");
  if (failed(hw))
    return failure();
  return SmallVector<int64_t>{x[0], (*hw)[0], (*hw)[1], x[3]};
}

FailureOr<SmallVector<int64_t>> GlobalPool2DOp::inferShape(ArrayRef<int64_t> x,
                                                           ShapeError &e) {
  if (x.size() != 4)
    return e.blameOperand(0, "expects a 4-D input [N, H, W, C], got " +
                                 e.value(0, x));
  return SmallVector<int64_t>{x[0], x[3]};
}

FailureOr<SmallVector<int64_t>> DenseOp::inferShape(ArrayRef<int64_t> x,
                                                    ArrayRef<int64_t> kernel,
                                                    ShapeError &e) {
  if (x.size() != 2)
    return e.blameOperand(0, "expects a 2-D input [N, features] (flatten "
                             "it first), got " +
                                 e.value(0, x));
  if (kernel.size() != 2)
    return e.blameOperand(1, "expects a 2-D kernel [features, units], got " +
                                 e.shape(kernel));
  if (!agree(x[1], kernel[0]))
    return e.blameOperand(1, "input " + e.value(0, x) +
                                 " does not match kernel " + e.shape(kernel));
  return SmallVector<int64_t>{x[0], kernel[1]};
}

FailureOr<SmallVector<int64_t>> EmbeddingOp::inferShape(ArrayRef<int64_t> ids,
                                                        ArrayRef<int64_t> table,
                                                        ShapeError &e) {
  if (table.size() != 2)
    return e.blameOperand(1, "expects a 2-D table [vocab_size, dim], got " +
                                 e.shape(table));
  SmallVector<int64_t> out(ids);
  out.push_back(table[1]);
  return out;
}

FailureOr<SmallVector<int64_t>> BiasAddOp::inferShape(ArrayRef<int64_t> x,
                                                      ArrayRef<int64_t> bias,
                                                      ShapeError &e) {
  if (x.size() < 2)
    return e.blameOperand(0, "expects an input of rank >= 2 (the batch and "
                             "the channels last), got " +
                                 e.value(0, x));
  if (bias.size() != 1 || bias[0] != x.back())
    return e.blameOperand(1, "bias " + e.shape(bias) +
                                 " must be one per channel of input " +
                                 e.value(0, x));
  return SmallVector<int64_t>(x);
}

FailureOr<SmallVector<int64_t>> SoftmaxOp::inferShape(ArrayRef<int64_t> x,
                                                      ShapeError &e) {
  if (x.size() < 2)
    return e.blameOperand(0, "expects an input of rank >= 2 (the batch and "
                             "the softmax axis), got " +
                                 e.value(0, x));
  return SmallVector<int64_t>(x);
}

FailureOr<SmallVector<int64_t>>
BatchNormOp::inferShape(ArrayRef<int64_t> x, int64_t axis,
                        std::optional<int64_t> virtualBatchSize,
                        ShapeError &e) {
  int64_t rank = x.size();
  if (rank < 2)
    return e.blameOperand(0, "expects an input of rank >= 2, got " +
                                 e.value(0, x));
  if (axis == 0)
    return e.blame("axis", "axis 0 is the batch axis; batch_norm normalizes "
                           "over it");
  if (axis < 0 || axis >= rank)
    return e.blame("axis", "axis " + str(axis) + " is out of range for input " +
                               e.value(0, x));
  if (virtualBatchSize) {
    if (*virtualBatchSize < 1)
      return e.blame("virtual_batch_size", "virtual_batch_size must be >= 1, "
                                           "got " +
                                               str(*virtualBatchSize));
    if (!isDynamic(x[0]) && x[0] % *virtualBatchSize != 0)
      return e.blame("virtual_batch_size",
                     "virtual_batch_size " + str(*virtualBatchSize) +
                         " does not divide the batch size " + str(x[0]));
  }
  return SmallVector<int64_t>(x);
}

LogicalResult ReshapeOp::checkShapes(ArrayRef<int64_t> in,
                                     ArrayRef<int64_t> out, ShapeError &e) {
  if (in.empty() || out.empty())
    return e.blameOperand(0, "reshape keeps the batch dimension: rank must "
                             "be >= 1");
  if (in[0] != out[0])
    return e.blameOperand(0, "batch dimension changes from " + e.value(0, in) +
                                 " to " + e.shape(out));
  // Elements per example; nullopt past 2^63.
  auto count = [](ArrayRef<int64_t> s) -> std::optional<int64_t> {
    int64_t n = 1;
    for (int64_t d : s.drop_front())
      if (isDynamic(d) || llvm::MulOverflow(n, d, n))
        return std::nullopt;
    return n;
  };
  for (int64_t d : in.drop_front())
    if (isDynamic(d))
      return e.blameOperand(0, "only the batch dimension may be dynamic");
  for (int64_t d : out.drop_front())
    if (isDynamic(d))
      return e.blameOperand(0, "only the batch dimension may be dynamic");
  std::optional<int64_t> a = count(in), b = count(out);
  if (!a || !b || *a != *b) {
    auto text = [](std::optional<int64_t> n) {
      return n ? std::to_string(*n) : std::string("more than 2^63");
    };
    return e.blameOperand(0, e.value(0, in) + " (" + text(a) +
                                 " elements per example) cannot become " +
                                 e.shape(out) + " (" + text(b) + ")");
  }
  return success();
}

FailureOr<SmallVector<int64_t>>
TransposeOp::inferShape(ArrayRef<int64_t> x, ArrayRef<int64_t> permutation,
                        ShapeError &e) {
  if (permutation.size() != x.size())
    return e.blame("permutation", "permutation " + e.shape(permutation) +
                                      " has " + str(permutation.size()) +
                                      " entries, input " + e.value(0, x) +
                                      " has rank " + str(x.size()));
  if (!isPermutationVector(permutation))
    return e.blame("permutation", "permutation " + e.shape(permutation) +
                                      " is not a permutation of 0.." +
                                      str(x.size() - 1));
  if (permutation.empty() || permutation[0] != 0)
    return e.blame("permutation", "the batch dimension must stay first "
                                  "(permutation[0] = 0), got " +
                                      e.shape(permutation));
  SmallVector<int64_t> out;
  for (int64_t d : permutation)
    out.push_back(x[d]);
  return out;
}

FailureOr<SmallVector<int64_t>>
ConcatOp::inferShape(ArrayRef<SmallVector<int64_t>> inputs, int64_t axis,
                     ShapeError &e) {
  if (inputs.empty())
    return e.blame("inputs", "needs at least one input");
  ArrayRef<int64_t> first = inputs.front();
  int64_t rank = first.size();
  if (axis < 0 || axis >= rank)
    return e.blame("axis", "axis " + str(axis) + " is out of range for input " +
                               e.value(0, first));
  SmallVector<int64_t> out(first);
  for (unsigned k = 1; k < inputs.size(); ++k) {
    ArrayRef<int64_t> s = inputs[k];
    bool sameRank = (int64_t)s.size() == rank;
    bool ok = sameRank;
    for (int64_t d = 0; ok && d < rank; ++d)
      ok = d == axis || s[d] == first[d];
    if (!ok)
      return e.blameOperand(k,
                            e.value(0, first) + " and " + e.value(k, s) +
                                (sameRank ? " differ outside axis " + str(axis)
                                          : std::string(" differ in rank")));
    out[axis] = isDynamic(out[axis]) || isDynamic(s[axis])
                    ? ShapedType::kDynamic
                    : out[axis] + s[axis];
  }
  return out;
}

FailureOr<SmallVector<int64_t>>
AddOp::inferShape(ArrayRef<SmallVector<int64_t>> inputs, ShapeError &e) {
  if (inputs.size() < 2)
    return e.blame("inputs", "needs at least two inputs");
  for (unsigned k = 1; k < inputs.size(); ++k)
    if (inputs[k] != inputs.front())
      return e.blameOperand(k, e.value(0, inputs.front()) + " and " +
                                   e.value(k, inputs[k]) +
                                   " must have the same shape");
  return SmallVector<int64_t>(inputs.front());
}

FailureOr<SmallVector<int64_t>>
MulOp::inferShape(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs, ShapeError &e) {
  auto out = broadcastShapes(lhs, rhs);
  if (!out)
    return e.blameOperand(1, e.value(0, lhs) + " and " + e.value(1, rhs) +
                                 " do not broadcast: aligned at the right, "
                                 "each dimension must agree or be 1");
  return *out;
}

//===----------------------------------------------------------------------===//
// InferTypeOpInterface
//===----------------------------------------------------------------------===//

LogicalResult mlir::nn::verifyInferredShapes(Operation *op,
                                             ArrayRef<Type> inferred) {
  ShapeError e;
  for (auto [i, type] : llvm::enumerate(op->getResultTypes())) {
    if (i >= inferred.size() || type == inferred[i])
      continue;
    auto expected = cast<RankedTensorType>(inferred[i]).getShape();
    auto got = cast<RankedTensorType>(type).getShape();
    std::string name = i == 0 ? "result" : "result #" + std::to_string(i);
    return op->emitOpError() << "expected " << name << " shape "
                             << e.shape(expected) << ", got " << e.shape(got);
  }
  return success();
}

namespace {

using Shapes = ArrayRef<SmallVector<int64_t>>;
using Rule =
    function_ref<FailureOr<SmallVector<int64_t>>(Shapes, ShapeError &)>;

/// An op's inferReturnTypes: `rule` on the shapes of `operands` gives the
/// first result (f32), or its error at `location` in the verifier's words.
LogicalResult inferFrom(MLIRContext *context, std::optional<Location> location,
                        StringRef opName, ValueRange operands, Rule rule,
                        SmallVectorImpl<Type> &types) {
  SmallVector<SmallVector<int64_t>> shapes;
  for (Value v : operands) {
    auto s = shapeOf(v);
    if (!s)
      return emitOptionalError(location, "'", opName,
                               "' op expects ranked tensor operands");
    shapes.emplace_back(*s);
  }
  ShapeError e;
  FailureOr<SmallVector<int64_t>> shape = rule(shapes, e);
  if (failed(shape))
    return emitOptionalError(location, "'", opName, "' op ", e.message);
  types.push_back(f32Tensor(context, *shape));
  return success();
}

} // namespace

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> location,
                                         Adaptor a,
                                         SmallVectorImpl<Type> &types) {
  auto rule = [&](Shapes s, ShapeError &e) {
    return inferShape(s[0], s[1], a.getStrides(), a.getDilations(),
                      a.getPadding(), a.getPads(), a.getGroups(), e);
  };
  return inferFrom(context, location, getOperationName(),
                   {a.getInput(), a.getKernel()}, rule, types);
}

LogicalResult Pool2DOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> location,
                                         Adaptor a,
                                         SmallVectorImpl<Type> &types) {
  auto rule = [&](Shapes s, ShapeError &e) {
    return inferShape(s[0], a.getPoolSize(), a.getStrides(), a.getPadding(),
                      a.getPads(), e);
  };
  return inferFrom(context, location, getOperationName(), {a.getInput()}, rule,
                   types);
}

LogicalResult GlobalPool2DOp::inferReturnTypes(MLIRContext *context,
                                               std::optional<Location> location,
                                               Adaptor a,
                                               SmallVectorImpl<Type> &types) {
  auto rule = [](Shapes s, ShapeError &e) { return inferShape(s[0], e); };
  return inferFrom(context, location, getOperationName(), {a.getInput()}, rule,
                   types);
}

LogicalResult DenseOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location> location,
                                        Adaptor a,
                                        SmallVectorImpl<Type> &types) {
  auto rule = [](Shapes s, ShapeError &e) { return inferShape(s[0], s[1], e); };
  return inferFrom(context, location, getOperationName(),
                   {a.getInput(), a.getKernel()}, rule, types);
}

LogicalResult EmbeddingOp::inferReturnTypes(MLIRContext *context,
                                            std::optional<Location> location,
                                            Adaptor a,
                                            SmallVectorImpl<Type> &types) {
  auto rule = [](Shapes s, ShapeError &e) { return inferShape(s[0], s[1], e); };
  return inferFrom(context, location, getOperationName(),
                   {a.getIds(), a.getTable()}, rule, types);
}

LogicalResult BiasAddOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> location,
                                          Adaptor a,
                                          SmallVectorImpl<Type> &types) {
  auto rule = [](Shapes s, ShapeError &e) { return inferShape(s[0], s[1], e); };
  return inferFrom(context, location, getOperationName(),
                   {a.getInput(), a.getBias()}, rule, types);
}

LogicalResult SoftmaxOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> location,
                                          Adaptor a,
                                          SmallVectorImpl<Type> &types) {
  auto rule = [](Shapes s, ShapeError &e) { return inferShape(s[0], e); };
  return inferFrom(context, location, getOperationName(), {a.getInput()}, rule,
                   types);
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *context,
                                            std::optional<Location> location,
                                            Adaptor a,
                                            SmallVectorImpl<Type> &types) {
  std::optional<int64_t> vbs;
  if (std::optional<uint64_t> v = a.getVirtualBatchSize())
    vbs = static_cast<int64_t>(*v);
  int64_t axis = a.getAxis();
  auto rule = [&](Shapes s, ShapeError &e) {
    return inferShape(s[0], axis, vbs, e);
  };
  if (failed(inferFrom(context, location, getOperationName(), {a.getInput()},
                       rule, types)))
    return failure();
  // The batch statistics: one per channel.
  Type channels = f32Tensor(
      context, {cast<RankedTensorType>(types.front()).getDimSize(axis)});
  types.append({channels, channels});
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *context,
                                            std::optional<Location> location,
                                            Adaptor a,
                                            SmallVectorImpl<Type> &types) {
  auto rule = [&](Shapes s, ShapeError &e) {
    return inferShape(s[0], a.getPermutation(), e);
  };
  return inferFrom(context, location, getOperationName(), {a.getInput()}, rule,
                   types);
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> location,
                                         Adaptor a,
                                         SmallVectorImpl<Type> &types) {
  auto rule = [&](Shapes s, ShapeError &e) {
    return inferShape(s, a.getAxis(), e);
  };
  return inferFrom(context, location, getOperationName(), a.getInputs(), rule,
                   types);
}

LogicalResult AddOp::inferReturnTypes(MLIRContext *context,
                                      std::optional<Location> location,
                                      Adaptor a, SmallVectorImpl<Type> &types) {
  auto rule = [](Shapes s, ShapeError &e) { return inferShape(s, e); };
  return inferFrom(context, location, getOperationName(), a.getInputs(), rule,
                   types);
}

LogicalResult MulOp::inferReturnTypes(MLIRContext *context,
                                      std::optional<Location> location,
                                      Adaptor a, SmallVectorImpl<Type> &types) {
  auto rule = [](Shapes s, ShapeError &e) { return inferShape(s[0], s[1], e); };
  return inferFrom(context, location, getOperationName(),
                   {a.getLhs(), a.getRhs()}, rule, types);
}

/// Dropout keeps its input's type (the key and flag do not shape it).
LogicalResult DropoutOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> location,
                                          Adaptor a,
                                          SmallVectorImpl<Type> &types) {
  types.push_back(a.getInput().getType());
  return success();
}
