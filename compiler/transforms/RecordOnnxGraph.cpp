//===- RecordOnnxGraph.cpp - @forward as an ONNX inference graph ----------===//
//
// Each nn op of the forward pass becomes the ONNX nodes that compute it in
// inference mode. Values keep modelc's layout (NHWC), so the graph's inputs
// and outputs are the executable's; the NCHW operators (Conv, pools,
// BatchNormalization on 4-D data) are wrapped in transposes, which ONNX
// runtimes fold. State initializers are declared by name only: the
// executable's `export` appends their data from a checkpoint.
//
//===----------------------------------------------------------------------===//
#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <onnx/onnx_pb.h>

#include <map>

namespace mlir::nn {
#define GEN_PASS_DEF_NNRECORDONNXGRAPH
#include "modelc/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

/// Thrown-free failure: the reason an op cannot be exported.
struct Unsupported {
  std::string reason;
};

class GraphWriter {
public:
  GraphWriter(onnx::GraphProto &graph) : graph(graph) {}

  /// Translates `forward`; returns a reason when some op has no ONNX form.
  std::optional<std::string> run(func::FuncOp forward);

  /// State initializers: name in the graph, variable, permutation.
  struct StateUse {
    std::string name, variable;
    SmallVector<int64_t> perm;
  };
  std::vector<StateUse> state;

private:
  std::string fresh(StringRef base);
  std::string nameOf(Value v);
  std::string node(StringRef op, ArrayRef<std::string> inputs, StringRef base,
                   onnx::NodeProto **out = nullptr);
  std::string transpose(const std::string &x, ArrayRef<int64_t> perm,
                        StringRef base);
  /// The initializer holding variable `var` permuted by `perm`.
  std::string stateInput(nn::ReadOp read, ArrayRef<int64_t> perm = {});
  std::string constantFloats(ArrayRef<float> values, ArrayRef<int64_t> dims,
                             StringRef base);
  std::string constantInts(ArrayRef<int64_t> values, StringRef base);
  std::optional<std::string> convert(Operation *op);

  onnx::GraphProto &graph;
  llvm::DenseMap<Value, std::string> names;
  std::map<std::string, int> used;
  std::map<std::pair<std::string, std::vector<int64_t>>, std::string>
      stateNames;
};

onnx::AttributeProto *addAttr(onnx::NodeProto *n, const char *name) {
  onnx::AttributeProto *a = n->add_attribute();
  a->set_name(name);
  return a;
}

void setInts(onnx::NodeProto *n, const char *name, ArrayRef<int64_t> values) {
  onnx::AttributeProto *a = addAttr(n, name);
  a->set_type(onnx::AttributeProto_AttributeType_INTS);
  for (int64_t v : values)
    a->add_ints(v);
}

void setInt(onnx::NodeProto *n, const char *name, int64_t value) {
  onnx::AttributeProto *a = addAttr(n, name);
  a->set_type(onnx::AttributeProto_AttributeType_INT);
  a->set_i(value);
}

void setFloat(onnx::NodeProto *n, const char *name, float value) {
  onnx::AttributeProto *a = addAttr(n, name);
  a->set_type(onnx::AttributeProto_AttributeType_FLOAT);
  a->set_f(value);
}

void setType(onnx::ValueInfoProto *info, RankedTensorType type) {
  auto *tensor = info->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(type.getElementType().isF32()
                            ? onnx::TensorProto_DataType_FLOAT
                            : onnx::TensorProto_DataType_INT32);
  auto *shape = tensor->mutable_shape();
  for (int64_t d : type.getShape()) {
    auto *dim = shape->add_dim();
    if (ShapedType::isDynamic(d))
      dim->set_dim_param("N");
    else
      dim->set_dim_value(d);
  }
}

std::string GraphWriter::fresh(StringRef base) {
  std::string stem = base.empty() ? "t" : base.str(), name = stem;
  // "dense_1" may be a layer's own name as well as the second "dense".
  for (int k = 1; used.count(name); ++k)
    name = stem + "_" + std::to_string(k);
  used[name] = 1;
  return name;
}

std::string GraphWriter::nameOf(Value v) {
  auto it = names.find(v);
  if (it == names.end())
    throw Unsupported{"a value with no ONNX name"};
  return it->second;
}

std::string GraphWriter::node(StringRef op, ArrayRef<std::string> inputs,
                              StringRef base, onnx::NodeProto **out) {
  onnx::NodeProto *n = graph.add_node();
  n->set_op_type(op.str());
  std::string result = fresh(base);
  n->set_name(result);
  for (const std::string &in : inputs)
    n->add_input(in);
  n->add_output(result);
  if (out)
    *out = n;
  return result;
}

std::string GraphWriter::transpose(const std::string &x, ArrayRef<int64_t> perm,
                                   StringRef base) {
  onnx::NodeProto *n;
  std::string y = node("Transpose", {x}, base, &n);
  setInts(n, "perm", perm);
  return y;
}

std::string GraphWriter::stateInput(nn::ReadOp read, ArrayRef<int64_t> perm) {
  std::string var = read.getVariable().str();
  auto key =
      std::make_pair(var, std::vector<int64_t>(perm.begin(), perm.end()));
  auto it = stateNames.find(key);
  if (it != stateNames.end())
    return it->second;
  std::string name = fresh(var);
  stateNames[key] = name;
  state.push_back({name, var, SmallVector<int64_t>(perm)});
  return name;
}

std::string GraphWriter::constantFloats(ArrayRef<float> values,
                                        ArrayRef<int64_t> dims,
                                        StringRef base) {
  onnx::TensorProto *t = graph.add_initializer();
  std::string name = fresh(base);
  t->set_name(name);
  t->set_data_type(onnx::TensorProto_DataType_FLOAT);
  for (int64_t d : dims)
    t->add_dims(d);
  for (float v : values)
    t->add_float_data(v);
  return name;
}

std::string GraphWriter::constantInts(ArrayRef<int64_t> values,
                                      StringRef base) {
  onnx::TensorProto *t = graph.add_initializer();
  std::string name = fresh(base);
  t->set_name(name);
  t->set_data_type(onnx::TensorProto_DataType_INT64);
  t->add_dims(values.size());
  for (int64_t v : values)
    t->add_int64_data(v);
  return name;
}

/// The nodes of one op; the result names go into `names`.
std::optional<std::string> GraphWriter::convert(Operation *op) {
  // Names follow the layer of the variable an op reads ("conv1/kernel" ->
  // "conv1"), else the op ("relu", "relu_1"): nothing depends on debug
  // locations, so an .mlir file exports the same graph as its model file.
  std::string base = op->getName().stripDialect().str();
  for (Value operand : op->getOperands())
    if (auto r = operand.getDefiningOp<nn::ReadOp>()) {
      StringRef var = r.getVariable();
      base = var.substr(0, var.rfind('/')).str();
      break;
    }
  auto in = [&](Value v) { return nameOf(v); };
  auto read = [&](Value v) { return v.getDefiningOp<nn::ReadOp>(); };
  const int64_t toNCHW[] = {0, 3, 1, 2}, toNHWC[] = {0, 2, 3, 1};
  auto pads = [&](auto windowed, ArrayRef<int64_t> x, ArrayRef<int64_t> window,
                  ArrayRef<int64_t> dilations) {
    auto [h, w] =
        nn::spatialPadding(windowed, x.slice(1, 2), window, dilations);
    return SmallVector<int64_t>{h.first, w.first, h.second, w.second};
  };
  auto shapeOf = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  };

  return TypeSwitch<Operation *, std::optional<std::string>>(op)
      .Case([&](nn::ReadOp) { return std::nullopt; }) // read by its users
      .Case([&](nn::Conv2DOp conv) -> std::optional<std::string> {
        auto k = read(conv.getKernel());
        if (!k)
          return "conv2d with a computed kernel";
        std::vector<std::string> ins = {
            transpose(in(conv.getInput()), toNCHW, base + "_nchw"),
            stateInput(k, {3, 2, 0, 1})};
        if (Value b = conv.getBias()) {
          if (!read(b))
            return "conv2d with a computed bias";
          ins.push_back(stateInput(read(b)));
        }
        onnx::NodeProto *n;
        std::string y = node("Conv", ins, base + "_conv", &n);
        ArrayRef<int64_t> kshape = shapeOf(conv.getKernel());
        setInts(n, "kernel_shape", kshape.take_front(2));
        setInts(n, "strides", conv.getStrides());
        setInts(n, "dilations", conv.getDilations());
        if (conv.getGroups() != 1)
          setInt(n, "group", conv.getGroups());
        setInts(n, "pads",
                pads(conv, shapeOf(conv.getInput()), kshape.take_front(2),
                     conv.getDilations()));
        names[conv.getOutput()] = transpose(y, toNHWC, base);
        return std::nullopt;
      })
      .Case([&](nn::DenseOp dense) -> std::optional<std::string> {
        auto k = read(dense.getKernel());
        if (!k || (dense.getBias() && !read(dense.getBias())))
          return "dense with a computed kernel or bias";
        std::vector<std::string> ins = {in(dense.getInput()), stateInput(k)};
        if (Value b = dense.getBias())
          ins.push_back(stateInput(read(b)));
        names[dense.getOutput()] = node("Gemm", ins, base);
        return std::nullopt;
      })
      .Case([&](nn::EmbeddingOp e) -> std::optional<std::string> {
        auto table = read(e.getTable());
        if (!table)
          return "embedding with a computed table";
        names[e.getOutput()] =
            node("Gather", {stateInput(table), in(e.getIds())}, base);
        return std::nullopt;
      })
      .Case([&](nn::BiasAddOp b) -> std::optional<std::string> {
        if (!read(b.getBias()))
          return "bias_add with a computed bias";
        names[b.getOutput()] = node(
            "Add", {in(b.getInput()), stateInput(read(b.getBias()))}, base);
        return std::nullopt;
      })
      .Case([&](nn::BatchNormOp bn) -> std::optional<std::string> {
        ArrayRef<int64_t> x = shapeOf(bn.getInput());
        int64_t rank = x.size(), axis = bn.getAxis();
        bool lastOf4 = rank == 4 && axis == 3;
        if (axis != 1 && !lastOf4)
          return "batch_norm over axis " + std::to_string(axis) +
                 " of a rank-" + std::to_string(rank) + " input";
        int64_t c = x[axis];
        auto param = [&](Value v, float fill, StringRef what) {
          if (!v)
            return constantFloats(SmallVector<float>(c, fill), {c},
                                  base + "_" + what.str());
          if (!read(v))
            throw Unsupported{"batch_norm with computed parameters"};
          return stateInput(read(v));
        };
        std::string input = in(bn.getInput());
        if (lastOf4)
          input = transpose(input, toNCHW, base + "_nchw");
        onnx::NodeProto *n;
        std::string y = node("BatchNormalization",
                             {input, param(bn.getGamma(), 1, "gamma"),
                              param(bn.getBeta(), 0, "beta"),
                              param(bn.getMovingMean(), 0, ""),
                              param(bn.getMovingVariance(), 1, "")},
                             lastOf4 ? base + "_bn" : base, &n);
        setFloat(n, "epsilon", bn.getEpsilon().convertToFloat());
        setFloat(n, "momentum", bn.getMomentum().convertToFloat());
        names[bn.getOutput()] = lastOf4 ? transpose(y, toNHWC, base) : y;
        return std::nullopt;
      })
      .Case([&](nn::ReluOp r) {
        names[r.getOutput()] = node("Relu", {in(r.getInput())}, base);
        return std::nullopt;
      })
      .Case([&](nn::Relu6Op r) {
        names[r.getOutput()] =
            node("Clip",
                 {in(r.getInput()), constantFloats({0.0f}, {}, base + "_min"),
                  constantFloats({6.0f}, {}, base + "_max")},
                 base);
        return std::nullopt;
      })
      .Case([&](nn::ClipOp c) {
        // An infinite bound is an omitted input.
        std::vector<std::string> ins = {in(c.getInput())};
        auto bound = [&](APFloat v, const char *suffix) {
          return v.isInfinity()
                     ? std::string()
                     : constantFloats({v.convertToFloat()}, {}, base + suffix);
        };
        ins.push_back(bound(c.getMin(), "_min"));
        ins.push_back(bound(c.getMax(), "_max"));
        while (ins.back().empty())
          ins.pop_back();
        names[c.getOutput()] = node("Clip", ins, base);
        return std::nullopt;
      })
      .Case([&](nn::SigmoidOp s) {
        names[s.getOutput()] = node("Sigmoid", {in(s.getInput())}, base);
        return std::nullopt;
      })
      .Case([&](nn::TanhOp t) {
        names[t.getOutput()] = node("Tanh", {in(t.getInput())}, base);
        return std::nullopt;
      })
      .Case([&](nn::LeakyReluOp l) {
        onnx::NodeProto *n;
        names[l.getOutput()] = node("LeakyRelu", {in(l.getInput())}, base, &n);
        setFloat(n, "alpha", l.getAlpha().convertToFloat());
        return std::nullopt;
      })
      .Case([&](nn::EluOp e) {
        onnx::NodeProto *n;
        names[e.getOutput()] = node("Elu", {in(e.getInput())}, base, &n);
        setFloat(n, "alpha", e.getAlpha().convertToFloat());
        return std::nullopt;
      })
      .Case([&](nn::SoftmaxOp sm) {
        onnx::NodeProto *n;
        names[sm.getOutput()] = node(sm.getLog() ? "LogSoftmax" : "Softmax",
                                     {in(sm.getInput())}, base, &n);
        setInt(n, "axis", -1);
        return std::nullopt;
      })
      .Case([&](nn::DropoutOp d) {
        names[d.getOutput()] = node("Identity", {in(d.getInput())}, base);
        return std::nullopt;
      })
      .Case([&](nn::Pool2DOp p) {
        bool max = p.getKind() == nn::PoolKind::max;
        onnx::NodeProto *n;
        std::string y =
            node(max ? "MaxPool" : "AveragePool",
                 {transpose(in(p.getInput()), toNCHW, base + "_nchw")},
                 base + "_pool", &n);
        int64_t ones[2] = {1, 1};
        setInts(n, "kernel_shape", p.getPoolSize());
        setInts(n, "strides", p.getStrides());
        setInts(n, "pads",
                pads(p, shapeOf(p.getInput()), p.getPoolSize(), ones));
        if (p.getCountIncludePad())
          setInt(n, "count_include_pad", 1);
        names[p.getOutput()] = transpose(y, toNHWC, base);
        return std::nullopt;
      })
      .Case([&](nn::GlobalPool2DOp p) {
        std::string y =
            node(p.getKind() == nn::PoolKind::max ? "GlobalMaxPool"
                                                  : "GlobalAveragePool",
                 {transpose(in(p.getInput()), toNCHW, base + "_nchw")},
                 base + "_pool");
        names[p.getOutput()] = node("Flatten", {y}, base);
        return std::nullopt;
      })
      .Case([&](nn::ReshapeOp r) {
        SmallVector<int64_t> shape(shapeOf(r.getOutput()));
        shape[0] = 0; // the batch, copied
        names[r.getOutput()] = node(
            "Reshape", {in(r.getInput()), constantInts(shape, base + "_shape")},
            base);
        return std::nullopt;
      })
      .Case([&](nn::TransposeOp t) {
        names[t.getOutput()] =
            transpose(in(t.getInput()), t.getPermutation(), base);
        return std::nullopt;
      })
      .Case([&](nn::ConcatOp c) {
        std::vector<std::string> ins;
        for (Value v : c.getInputs())
          ins.push_back(in(v));
        onnx::NodeProto *n;
        names[c.getOutput()] = node("Concat", ins, base, &n);
        setInt(n, "axis", c.getAxis());
        return std::nullopt;
      })
      .Case([&](nn::MulOp m) {
        // A scale layer's factor is a state input; NumPy's broadcasting is
        // ONNX's.
        auto operand = [&](Value v) {
          auto r = read(v);
          return r ? stateInput(r) : in(v);
        };
        names[m.getOutput()] =
            node("Mul", {operand(m.getLhs()), operand(m.getRhs())}, base);
        return std::nullopt;
      })
      .Case([&](nn::AddOp a) {
        std::vector<std::string> ins;
        for (Value v : a.getInputs())
          ins.push_back(in(v));
        names[a.getOutput()] = node("Sum", ins, base);
        return std::nullopt;
      })
      .Default([&](Operation *other) -> std::optional<std::string> {
        return "op " + other->getName().getStringRef().str();
      });
}

std::optional<std::string> GraphWriter::run(func::FuncOp forward) {
  graph.set_name(forward->getParentOfType<ModuleOp>()
                     .getSymName()
                     .value_or("model")
                     .str());
  for (BlockArgument arg : forward.getArguments()) {
    auto name =
        forward.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "nn.name");
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type)
      continue; // the training flag: inference is the graph
    if (!name)
      return std::string("an input without nn.name");
    names[arg] = name.str();
    used[name.str()] = 1;
    onnx::ValueInfoProto *info = graph.add_input();
    info->set_name(name.str());
    setType(info, type);
  }
  // The graph's outputs are Identity nodes named after them: no other value
  // may take those names.
  for (unsigned k = 0; k < forward.getNumResults(); ++k) {
    auto name = forward.getResultAttrOfType<StringAttr>(k, "nn.name");
    if (!name)
      return std::string("an output without nn.name");
    used[name.str()] = 1;
  }
  try {
    for (Operation &op : forward.getBody().front()) {
      if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        for (auto [k, v] : llvm::enumerate(ret.getOperands())) {
          auto name =
              forward.getResultAttrOfType<StringAttr>(k, "nn.name").str();
          onnx::NodeProto *n = graph.add_node();
          n->set_op_type("Identity");
          n->set_name(name);
          n->add_input(nameOf(v));
          n->add_output(name);
          onnx::ValueInfoProto *info = graph.add_output();
          info->set_name(name);
          setType(info, cast<RankedTensorType>(v.getType()));
        }
        continue;
      }
      if (std::optional<std::string> reason = convert(&op))
        return reason;
    }
  } catch (const Unsupported &u) {
    return u.reason;
  }
  return std::nullopt;
}

struct NNRecordOnnxGraphPass
    : public nn::impl::NNRecordOnnxGraphBase<NNRecordOnnxGraphPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>("forward");
    if (!forward)
      return;
    Builder b(module.getContext());
    onnx::ModelProto model;
    model.set_ir_version(8);
    model.set_producer_name("modelc");
    onnx::OperatorSetIdProto *opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(13);
    GraphWriter writer(*model.mutable_graph());
    if (std::optional<std::string> reason = writer.run(forward)) {
      module->setAttr("nn.onnx_unsupported", b.getStringAttr(*reason));
      return;
    }
    std::string bytes;
    model.SerializeToString(&bytes);
    SmallVector<Attribute> state;
    for (const GraphWriter::StateUse &use : writer.state)
      state.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("name", b.getStringAttr(use.name)),
           b.getNamedAttr("variable", b.getStringAttr(use.variable)),
           b.getNamedAttr("perm", b.getDenseI64ArrayAttr(use.perm))}));
    module->setAttr("nn.onnx_graph", b.getStringAttr(bytes));
    module->setAttr("nn.onnx_state", b.getArrayAttr(state));
  }
};

} // namespace
