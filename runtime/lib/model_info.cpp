//===- model_info.cpp - Parsing modelc_model_info -------------------------===//

#include "modelc/runtime/model_info.h"
#include "modelc/runtime/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>

// The model object defines the info and whichever entries the model has;
// the entries are weak so an inference-only model links without train_step.
extern "C" {
extern const char modelc_model_info[];
void modelc_entry_forward_infer(void **) __attribute__((weak));
void modelc_entry_forward_train(void **) __attribute__((weak));
void modelc_entry_eval(void **) __attribute__((weak));
void modelc_entry_train_step(void **) __attribute__((weak));
}

namespace modelc::rt {

using nlohmann::json;

std::vector<int64_t> TensorSpec::withBatch(int64_t Batch) const {
  std::vector<int64_t> S = Shape;
  S[0] = Batch;
  return S;
}

int64_t TensorSpec::exampleElements() const {
  int64_t N = 1;
  for (size_t I = 1; I < Shape.size(); ++I)
    N *= Shape[I];
  return N;
}

std::string TensorSpec::describe() const {
  return modelDTypeName(Type) + shapeToString(Shape);
}

const char *roleName(StateRole Role) {
  switch (Role) {
  case StateRole::Param:
    return "param";
  case StateRole::MovingMean:
    return "moving_mean";
  case StateRole::MovingVariance:
    return "moving_variance";
  case StateRole::RenormMean:
    return "renorm_mean";
  case StateRole::RenormStddev:
    return "renorm_stddev";
  case StateRole::Slot:
    return "slot";
  }
  return "?";
}

const EntrySpec *ModelInfo::entry(const std::string &Name) const {
  auto It = Entries.find(Name);
  return It == Entries.end() ? nullptr : &It->second;
}

bool ModelInfo::forwardStateIsImported() const {
  for (const StateVar &V : State)
    if (V.usedByForward() && V.Init.Kind != "values")
      return false;
  return true;
}

const StateVar *ModelInfo::findState(const std::string &Name) const {
  for (const StateVar &V : State)
    if (V.Name == Name)
      return &V;
  return nullptr;
}

namespace {

[[noreturn]] void invalid(const std::string &Why) {
  throw Error("invalid model info: " + Why);
}

const json &field(const json &Obj, const char *Key, const std::string &Ctx) {
  if (!Obj.is_object() || !Obj.contains(Key))
    invalid(Ctx + ": missing '" + Key + "'");
  return Obj.at(Key);
}

std::string str(const json &Obj, const char *Key, const std::string &Ctx) {
  const json &V = field(Obj, Key, Ctx);
  if (!V.is_string())
    invalid(Ctx + ": '" + Key + "' is not a string");
  return V.get<std::string>();
}

int64_t integer(const json &Obj, const char *Key, const std::string &Ctx) {
  const json &V = field(Obj, Key, Ctx);
  if (!V.is_number_integer())
    invalid(Ctx + ": '" + Key + "' is not an integer");
  return V.get<int64_t>();
}

double number(const json &Obj, const char *Key, double Default) {
  if (!Obj.contains(Key))
    return Default;
  const json &V = Obj.at(Key);
  if (!V.is_number())
    invalid(std::string("'") + Key + "' is not a number");
  return V.get<double>();
}

std::vector<int64_t> shape(const json &Obj, const std::string &Ctx,
                           const char *Key = "shape") {
  const json &V = field(Obj, Key, Ctx);
  if (!V.is_array())
    invalid(Ctx + ": '" + Key + "' is not an array");
  std::vector<int64_t> S;
  for (const json &D : V) {
    if (!D.is_number_integer() || D.get<int64_t>() < -1)
      invalid(Ctx + ": bad dimension in '" + Key + "'");
    S.push_back(D.get<int64_t>());
  }
  return S;
}

std::vector<TensorSpec> tensors(const json &Root, const char *Key) {
  std::vector<TensorSpec> Out;
  if (!Root.contains(Key))
    return Out;
  for (const json &T : Root.at(Key)) {
    TensorSpec S;
    S.Name = str(T, "name", Key);
    std::string Ctx = std::string(Key) + " '" + S.Name + "'";
    S.Shape = shape(T, Ctx);
    if (S.Shape.empty() || S.Shape[0] != -1)
      invalid(Ctx + ": the first dimension must be the batch (-1)");
    for (size_t I = 1; I < S.Shape.size(); ++I)
      if (S.Shape[I] < 0)
        invalid(Ctx + ": only the first dimension may be -1");
    std::string D = T.contains("dtype") ? str(T, "dtype", Ctx) : "f32";
    if (!parseModelDType(D, S.Type))
      invalid(Ctx + ": unknown dtype '" + D + "'");
    if (T.contains("range")) {
      const json &R = T.at("range");
      if (!R.is_array() || R.size() != 2 || !R[0].is_number_integer() ||
          !R[1].is_number_integer() ||
          R[0].get<int64_t>() >= R[1].get<int64_t>())
        invalid(Ctx + ": 'range' must be [lo, hi] with lo < hi");
      S.HasRange = true;
      S.RangeLo = R[0].get<int64_t>();
      S.RangeHi = R[1].get<int64_t>();
    }
    Out.push_back(std::move(S));
  }
  return Out;
}

int indexOf(const std::vector<TensorSpec> &Ts, const std::string &Name) {
  for (size_t I = 0; I < Ts.size(); ++I)
    if (Ts[I].Name == Name)
      return static_cast<int>(I);
  return -1;
}

EntryFn resolveSymbol(const std::string &Symbol) {
  if (Symbol == "modelc_entry_forward_infer")
    return modelc_entry_forward_infer;
  if (Symbol == "modelc_entry_forward_train")
    return modelc_entry_forward_train;
  if (Symbol == "modelc_entry_eval")
    return modelc_entry_eval;
  if (Symbol == "modelc_entry_train_step")
    return modelc_entry_train_step;
  return nullptr;
}

InitSpec parseInit(const json &J, const std::string &Ctx) {
  InitSpec I;
  I.Kind = str(J, "kind", Ctx + " init");
  I.Value = number(J, "value", 0);
  I.FanIn = number(J, "fan_in", 0);
  I.FanOut = number(J, "fan_out", 0);
  I.Mean = number(J, "mean", 0);
  I.Stddev = number(J, "stddev", 0.05); // tf.keras defaults.
  I.MinVal = number(J, "minval", -0.05);
  I.MaxVal = number(J, "maxval", 0.05);
  if (I.Kind == "values") {
    I.ValuesOffset = integer(J, "offset", Ctx + " init");
    return I;
  }
  static const char *Known[] = {"zeros",          "ones",
                                "constant",       "glorot_uniform",
                                "glorot_normal",  "he_normal",
                                "he_uniform",     "random_normal",
                                "random_uniform", "truncated_normal"};
  bool Ok = false;
  for (const char *K : Known)
    Ok |= I.Kind == K;
  if (!Ok)
    invalid(Ctx + ": unknown initializer '" + I.Kind + "'");
  bool NeedsFans =
      I.Kind.rfind("glorot", 0) == 0 || I.Kind.rfind("he_", 0) == 0;
  if (NeedsFans && (I.FanIn <= 0 || (I.Kind[0] == 'g' && I.FanOut <= 0)))
    invalid(Ctx + ": initializer '" + I.Kind +
            "' needs positive fan_in/fan_out");
  return I;
}

/// The metrics list; each kind must be defined for the model's loss.
std::vector<MetricSpec> parseMetrics(const json &List, LossKind Loss,
                                     int64_t Classes) {
  if (!List.is_array())
    invalid("'metrics' is not an array");
  static const std::pair<const char *, MetricKind> Kinds[] = {
      {"accuracy", MetricKind::Accuracy},
      {"top_k_accuracy", MetricKind::TopK},
      {"precision", MetricKind::Precision},
      {"recall", MetricKind::Recall},
      {"auc", MetricKind::AUC},
      {"mean_absolute_error", MetricKind::MeanAbsoluteError},
      {"mean_squared_error", MetricKind::MeanSquaredError}};
  std::vector<MetricSpec> Out;
  for (const json &J : List) {
    MetricSpec S;
    S.Name = str(J, "name", "metric");
    std::string Ctx = "metric '" + S.Name + "'";
    std::string Kind = str(J, "kind", Ctx);
    auto It = std::find_if(std::begin(Kinds), std::end(Kinds),
                           [&](const auto &K) { return Kind == K.first; });
    if (It == std::end(Kinds))
      invalid(Ctx + ": unknown kind '" + Kind + "'");
    S.Kind = It->second;
    bool Classifier = Loss == LossKind::SoftmaxCrossEntropy ||
                      Loss == LossKind::SigmoidCrossEntropy;
    bool Binary = Loss == LossKind::SigmoidCrossEntropy ||
                  (Loss == LossKind::SoftmaxCrossEntropy && Classes == 2);
    bool Ok = true;
    switch (S.Kind) {
    case MetricKind::Accuracy:
      Ok = Classifier;
      break;
    case MetricKind::TopK:
      S.K = integer(J, "k", Ctx);
      Ok = Loss == LossKind::SoftmaxCrossEntropy && S.K >= 1;
      break;
    case MetricKind::Precision:
    case MetricKind::Recall:
    case MetricKind::AUC:
      Ok = Binary;
      break;
    case MetricKind::MeanAbsoluteError:
    case MetricKind::MeanSquaredError:
      Ok = Loss == LossKind::MSE;
      break;
    }
    if (!Ok)
      invalid(Ctx + ": not defined for this model's loss");
    for (const MetricSpec &Prev : Out)
      if (Prev.Name == S.Name)
        invalid(Ctx + " is listed twice");
    Out.push_back(S);
  }
  return Out;
}

} // namespace

/// The "onnx" section of the model info (what `export` needs).
static OnnxExport parseOnnxExport(const json &O, const ModelInfo &M) {
  OnnxExport X;
  if (O.contains("unsupported")) {
    X.Unsupported = str(O, "unsupported", "onnx");
    return X;
  }
  X.GraphBytes = integer(O, "graph_bytes", "onnx");
  if (X.GraphBytes < 0)
    invalid("onnx: negative graph_bytes");
  if (O.contains("state") && O.at("state").is_array())
    for (const json &U : O.at("state")) {
      OnnxExport::StateUse Use;
      Use.Name = str(U, "name", "onnx state");
      std::string Var = str(U, "variable", "onnx state");
      const StateVar *V = M.findState(Var);
      if (!V)
        invalid("onnx state '" + Use.Name + "': unknown variable '" + Var +
                "'");
      Use.Var = V - M.State.data();
      Use.Perm = shape(U, "onnx state '" + Use.Name + "'", "perm");
      bool Ok = Use.Perm.empty() || Use.Perm.size() == V->Shape.size();
      std::vector<bool> Seen(Use.Perm.size(), false);
      for (int64_t P : Use.Perm) {
        Ok &= P >= 0 && P < (int64_t)Use.Perm.size() && !Seen[P];
        if (Ok)
          Seen[P] = true;
      }
      if (!Ok)
        invalid("onnx state '" + Use.Name + "': bad permutation");
      X.State.push_back(std::move(Use));
    }
  return X;
}

ModelInfo parseModelInfo(const char *Text) {
  json Root = json::parse(Text, nullptr, /*allow_exceptions=*/false);
  if (Root.is_discarded() || !Root.is_object())
    invalid("not a JSON object");
  try {
    ModelInfo M;
    M.Name = str(Root, "name", "model");
    M.Fingerprint = str(Root, "fingerprint", "model");
    if (M.Fingerprint.empty())
      invalid("empty fingerprint");
    M.Seed = Root.contains("seed") ? integer(Root, "seed", "model") : 0;
    M.Inputs = tensors(Root, "inputs");
    M.Labels = tensors(Root, "labels");
    M.Outputs = tensors(Root, "outputs");
    if (M.Inputs.empty() || M.Outputs.empty())
      invalid("a model needs inputs and outputs");

    if (Root.contains("loss") && !Root.at("loss").is_null()) {
      const json &L = Root.at("loss");
      M.LossName = str(L, "op", "loss");
      if (M.LossName == "softmax_cross_entropy")
        M.Loss = LossKind::SoftmaxCrossEntropy;
      else if (M.LossName == "sigmoid_cross_entropy")
        M.Loss = LossKind::SigmoidCrossEntropy;
      else if (M.LossName == "mean_squared_error")
        M.Loss = LossKind::MSE;
      else
        invalid("unknown loss '" + M.LossName + "'");
      // The loss names a layer; the runtime sees it as an output.
      M.LossLogits = L.contains("logits")
                         ? indexOf(M.Outputs, str(L, "logits", "loss"))
                         : 0;
      if (M.LossLogits < 0)
        M.LossLogits = 0;
      M.LossLabels = L.contains("labels")
                         ? indexOf(M.Labels, str(L, "labels", "loss"))
                         : 0;
      if (M.Labels.empty())
        invalid("a model with a loss needs labels");
      if (M.LossLabels < 0)
        M.LossLabels = 0;
      M.LossName += "(" + M.Outputs[M.LossLogits].Name + ", " +
                    M.Labels[M.LossLabels].Name + ")";
    }
    if (Root.contains("metrics"))
      M.Metrics = parseMetrics(
          Root.at("metrics"), M.Loss,
          M.Loss == LossKind::None ? 0 : M.Outputs[M.LossLogits].Shape.back());
    if (Root.contains("optimizer") && !Root.at("optimizer").is_null())
      M.OptimizerText = Root.at("optimizer").dump();
    if (Root.contains("ignorable_state"))
      for (const json &V : Root.at("ignorable_state")) {
        if (!V.is_string())
          invalid("bad ignorable_state");
        M.IgnorableState.push_back(V.get<std::string>());
      }
    if (Root.contains("virtual_batch_sizes"))
      for (const json &V : Root.at("virtual_batch_sizes")) {
        if (!V.is_number_integer() || V.get<int64_t>() <= 0)
          invalid("bad virtual_batch_sizes");
        M.VirtualBatchSizes.push_back(V.get<int64_t>());
      }
    if (Root.contains("kernels"))
      for (const json &K : Root.at("kernels")) {
        KernelInfo Kernel;
        Kernel.Name = str(K, "name", "kernel");
        Kernel.Entry = str(K, "entry", "kernel '" + Kernel.Name + "'");
        Kernel.Layer = str(K, "layer", "kernel '" + Kernel.Name + "'");
        if (K.contains("layers"))
          for (const json &L : K.at("layers")) {
            if (!L.is_string())
              invalid("bad layers of kernel '" + Kernel.Name + "'");
            Kernel.Layers.push_back(L.get<std::string>());
          }
        M.Kernels.push_back(std::move(Kernel));
      }
    if (Root.contains("work"))
      for (const json &W : Root.at("work")) {
        WorkInfo Work;
        Work.Entry = str(W, "entry", "work");
        Work.Layer = str(W, "layer", "work of '" + Work.Entry + "'");
        Work.MultiplyAdds =
            integer(W, "multiply_adds", "work of " + Work.Layer);
        M.Work.push_back(std::move(Work));
      }
    if (Root.contains("layers"))
      for (const json &L : Root.at("layers")) {
        LayerInfo Layer;
        Layer.Name = str(L, "name", "layer");
        Layer.Op = L.contains("op") ? str(L, "op", Layer.Name) : "";
        if (L.contains("shape"))
          Layer.Shape = shape(L, "layer '" + Layer.Name + "'");
        Layer.Params = L.contains("params") ? integer(L, "params", "layer") : 0;
        M.Layers.push_back(std::move(Layer));
      }

    M.StateSize = integer(Root, "state_size", "model");
    M.InitialValues = Root.contains("initial_values")
                          ? integer(Root, "initial_values", "model")
                          : 0;
    if (M.StateSize < 0)
      invalid("negative state_size");
    for (const json &S : field(Root, "state", "model")) {
      StateVar V;
      V.Name = str(S, "name", "state variable");
      std::string Ctx = "state variable '" + V.Name + "'";
      if (V.Name == "global_step" || V.Name.rfind("modelc/", 0) == 0 ||
          M.findState(V.Name))
        invalid(Ctx + ": reserved or duplicate name");
      V.Shape = shape(S, Ctx);
      V.Offset = integer(S, "offset", Ctx);
      V.Size = integer(S, "size", Ctx);
      if (checkedNumElements(V.Shape) != V.Size || V.Offset < 0 ||
          V.Offset > M.StateSize || V.Size > M.StateSize - V.Offset)
        invalid(Ctx + ": size/offset inconsistent with shape or state_size");
      std::string Role = str(S, "role", Ctx);
      static const StateRole Roles[] = {
          StateRole::Param,          StateRole::MovingMean,
          StateRole::MovingVariance, StateRole::RenormMean,
          StateRole::RenormStddev,   StateRole::Slot};
      bool Found = false;
      for (StateRole R : Roles)
        if (Role == roleName(R)) {
          V.Role = R;
          Found = true;
        }
      if (!Found)
        invalid(Ctx + ": unknown role '" + Role + "'");
      V.Trainable = S.contains("trainable") && S.at("trainable").is_boolean() &&
                    S.at("trainable").get<bool>();
      V.Init = parseInit(field(S, "init", Ctx), Ctx);
      if (V.Init.Kind == "values" &&
          (V.Init.ValuesOffset < 0 ||
           V.Init.ValuesOffset > M.InitialValues - V.Size))
        invalid(Ctx + ": initial values outside modelc_initial_values");
      M.State.push_back(std::move(V));
    }

    // The ONNX form only matters to `export`: a fault in it disables
    // export, not the executable.
    if (Root.contains("onnx")) {
      try {
        M.Onnx = parseOnnxExport(Root.at("onnx"), M);
      } catch (const Error &E) {
        M.Onnx = OnnxExport();
        M.Onnx.Unsupported = E.what();
      }
    }

    for (const auto &[Name, E] : field(Root, "entries", "model").items()) {
      EntrySpec Spec;
      Spec.Name = Name;
      std::string Ctx = "entry '" + Name + "'";
      Spec.Symbol = str(E, "symbol", Ctx);
      Spec.Fn = resolveSymbol(Spec.Symbol);
      if (!Spec.Fn)
        invalid(Ctx + ": symbol '" + Spec.Symbol +
                "' is not linked into this executable");
      for (const json &A : field(E, "args", Ctx)) {
        std::string Kind = str(A, "kind", Ctx);
        EntryArg Arg;
        auto Named = [&](const std::vector<TensorSpec> &Ts) {
          Arg.Index = indexOf(Ts, str(A, "name", Ctx));
          if (Arg.Index < 0)
            invalid(Ctx + ": unknown " + Kind + " '" + str(A, "name", Ctx) +
                    "'");
        };
        if (Kind == "arena")
          Arg.Kind = ArgKind::Arena;
        else if (Kind == "input")
          Arg.Kind = ArgKind::Input, Named(M.Inputs);
        else if (Kind == "label")
          Arg.Kind = ArgKind::Label, Named(M.Labels);
        else if (Kind == "output")
          Arg.Kind = ArgKind::Output, Named(M.Outputs);
        else if (Kind == "loss")
          Arg.Kind = ArgKind::Loss;
        else if (Kind == "data_loss")
          Arg.Kind = ArgKind::DataLoss;
        else if (Kind == "step")
          Arg.Kind = ArgKind::Step;
        else if (Kind == "seed")
          Arg.Kind = ArgKind::Seed;
        else
          invalid(Ctx + ": unknown argument kind '" + Kind + "'");
        Spec.Args.push_back(Arg);
      }
      M.Entries.emplace(Name, std::move(Spec));
    }
    return M;
  } catch (const json::exception &E) {
    invalid(E.what());
  }
}

const ModelInfo &linkedModel() {
  static const ModelInfo Info = parseModelInfo(modelc_model_info);
  return Info;
}

} // namespace modelc::rt
