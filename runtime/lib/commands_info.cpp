//===- commands_info.cpp - `info`: the model at a glance ------------------===//

#include "modelc/runtime/args.h"
#include "modelc/runtime/commands.h"
#include "modelc/runtime/error.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace modelc::rt {

static const char *Help = R"(usage: PROG info

Prints the model's inputs, labels, outputs, loss, optimizer, layers (output
shapes and parameter counts) and state variables (shapes and sizes).
)";

namespace {

/// Left-aligned columns, two spaces apart, indented by two.
class Table {
public:
  void row(std::vector<std::string> Cells) { Rows.push_back(std::move(Cells)); }
  void print() const {
    std::vector<size_t> Width;
    for (const auto &R : Rows)
      for (size_t I = 0; I < R.size(); ++I) {
        if (Width.size() <= I)
          Width.push_back(0);
        Width[I] = std::max(Width[I], R[I].size());
      }
    for (const auto &R : Rows) {
      std::string Line = " ";
      for (size_t I = 0; I < R.size(); ++I) {
        Line += " " + R[I];
        if (I + 1 < R.size())
          Line.append(Width[I] - R[I].size() + 1, ' ');
      }
      std::printf("%s\n", Line.c_str());
    }
  }

private:
  std::vector<std::vector<std::string>> Rows;
};

void printTensors(const char *Title, const std::vector<TensorSpec> &Ts) {
  if (Ts.empty())
    return;
  std::printf("%s:\n", Title);
  Table T;
  for (const TensorSpec &S : Ts)
    T.row({S.Name, S.describe()});
  T.print();
}

std::string optimizerText(const std::string &Json) {
  auto J = nlohmann::json::parse(Json, nullptr, false);
  if (!J.is_object() || !J.contains("op") || !J["op"].is_string())
    return Json;
  std::string S = J["op"].get<std::string>() + "(";
  bool First = true;
  for (const auto &[K, V] : J.items()) {
    if (K == "op")
      continue;
    S += (First ? "" : ", ") + K + "=" + V.dump();
    First = false;
  }
  return S + ")";
}

std::string withThousands(int64_t V) {
  std::string S = std::to_string(V);
  for (int I = static_cast<int>(S.size()) - 3; I > (V < 0 ? 1 : 0); I -= 3)
    S.insert(I, ",");
  return S;
}

} // namespace

int runInfo(const CommandContext &Ctx, const Args &A) {
  ParsedArgs P("info", {}, A);
  if (P.helpRequested()) {
    printHelp(Ctx, Help);
    return 0;
  }
  const ModelInfo &M = Ctx.Info;
  std::printf("model: %s\nfingerprint: %s\nseed: %lld\n", M.Name.c_str(),
              M.Fingerprint.c_str(), static_cast<long long>(M.Seed));
  printTensors("inputs", M.Inputs);
  printTensors("labels", M.Labels);
  printTensors("outputs", M.Outputs);
  std::printf("loss: %s\n",
              M.Loss == LossKind::None ? "none" : M.LossName.c_str());
  if (!M.Metrics.empty()) {
    std::string List;
    for (const MetricSpec &S : M.Metrics)
      List += (List.empty() ? "" : ", ") + S.Name;
    std::printf("metrics: %s\n", List.c_str());
  }
  std::printf("optimizer: %s\n", M.OptimizerText.empty()
                                     ? "none"
                                     : optimizerText(M.OptimizerText).c_str());
  std::vector<std::string> Entries;
  for (const auto &E : M.Entries)
    Entries.push_back(E.first);
  std::printf("entries: %s\n", joinNames(Entries).c_str());
  if (!M.Kernels.empty())
    std::printf("timed kernels: %zu (compiled with --profile; see bench "
                "--profile)\n",
                M.Kernels.size());
  if (!M.VirtualBatchSizes.empty()) {
    std::vector<std::string> V;
    for (int64_t S : M.VirtualBatchSizes)
      V.push_back(std::to_string(S));
    std::printf("batch size must be divisible by: %s\n", joinNames(V).c_str());
  }

  if (!M.Layers.empty()) {
    std::printf("\nlayers:\n");
    Table T;
    T.row({"name", "op", "output shape", "params"});
    for (const LayerInfo &L : M.Layers)
      T.row({L.Name, L.Op, L.Shape.empty() ? "-" : shapeToString(L.Shape),
             withThousands(L.Params)});
    T.print();
  }
  int64_t Params = 0, Trainable = 0;
  for (const StateVar &V : M.State)
    if (V.Role == StateRole::Param) {
      Params += V.Size;
      Trainable += V.Trainable ? V.Size : 0;
    }
  std::printf("parameters: %s (%s trainable)\n", withThousands(Params).c_str(),
              withThousands(Trainable).c_str());

  std::printf("\nstate:\n");
  Table T;
  T.row({"name", "role", "shape", "floats"});
  for (const StateVar &V : M.State)
    T.row({V.Name, roleName(V.Role), shapeToString(V.Shape),
           withThousands(V.Size)});
  T.row({"global_step", "step", "[]", "(int64)"});
  T.print();
  std::printf("state size: %s floats (%s bytes) + global_step\n",
              withThousands(M.StateSize).c_str(),
              withThousands(M.StateSize * 4).c_str());
  return 0;
}

} // namespace modelc::rt
