//===- dataset.cpp - Model inputs and labels from .npz files --------------===//

#include "modelc/runtime/dataset.h"
#include "modelc/runtime/error.h"
#include "modelc/runtime/npz.h"

#include <cstring>

namespace modelc::rt {

namespace {

const char *numpyCast(DType T) {
  switch (T) {
  case DType::F32:
    return "np.float32";
  case DType::F64:
    return "np.float64";
  case DType::I32:
    return "np.int32";
  case DType::I64:
    return "np.int64";
  case DType::U8:
    return "np.uint8";
  case DType::Bool:
    return "bool";
  case DType::Bytes:
    return "bytes";
  }
  return "?";
}

Array readTensor(const NpzReader &R, const TensorSpec &Spec, const char *What) {
  if (!R.contains(Spec.Name)) {
    std::string Has =
        R.names().empty() ? "no arrays" : "arrays " + joinNames(R.names());
    throw Error(R.path() + ": missing array '" + Spec.Name + "' (model " +
                What + " " + Spec.Name + ": " + Spec.describe() +
                "); the file has " + Has);
  }
  std::string Where = R.path() + ": array '" + Spec.Name + "'";
  // Checked on the header, before a large or compressed array is decoded.
  auto Check = [&](const NpyHeader &H) {
    if (H.Type != Spec.Type)
      throw Error(Where + " has dtype " + dtypeName(H.Type, H.ItemSize) +
                  " but model " + What + " " + Spec.Name + " is " +
                  Spec.describe() + " (convert with .astype(" +
                  numpyCast(Spec.Type) + "))");
    bool ShapeOk = H.Shape.size() == Spec.Shape.size();
    for (size_t I = 1; ShapeOk && I < Spec.Shape.size(); ++I)
      ShapeOk = H.Shape[I] == Spec.Shape[I];
    if (!ShapeOk)
      throw Error(Where + " has shape " + shapeToString(H.Shape) +
                  " but model " + What + " " + Spec.Name + " expects " +
                  shapeToString(Spec.Shape) + " (? = any batch size)");
  };
  Array A = R.read(Spec.Name, Check);
  return A;
}

/// The first element of Count integers at Data outside [Lo, Hi), or -1.
int64_t firstOutOfRange(const void *Data, DType Type, int64_t Count, int64_t Lo,
                        int64_t Hi, int64_t &V) {
  for (int64_t I = 0; I < Count; ++I) {
    V = Type == DType::I64   ? static_cast<const int64_t *>(Data)[I]
        : Type == DType::I32 ? static_cast<const int32_t *>(Data)[I]
        : Type == DType::U8  ? static_cast<const uint8_t *>(Data)[I]
                             : Lo;
    if (V < Lo || V >= Hi)
      return I;
  }
  return -1;
}

/// "x[3, 1]" for flat element I of an array of `Shape`.
std::string elementName(const std::string &Name,
                        const std::vector<int64_t> &Shape, int64_t I) {
  std::vector<int64_t> Index(Shape.size());
  for (size_t K = Index.size(); K-- > 0;) {
    Index[K] = I % Shape[K];
    I /= Shape[K];
  }
  std::string S = Name + "[";
  for (size_t K = 0; K < Index.size(); ++K)
    S += (K ? ", " : "") + std::to_string(Index[K]);
  return S + "]";
}

} // namespace

void checkValueRanges(const ModelInfo &Info,
                      const std::vector<const void *> &Inputs,
                      const std::vector<const void *> &Labels, int64_t Batch,
                      const std::string &Where) {
  int64_t V;
  // Out-of-range token ids would index outside an embedding table.
  for (size_t K = 0; K < Info.Inputs.size() && K < Inputs.size(); ++K) {
    const TensorSpec &Spec = Info.Inputs[K];
    if (!Spec.HasRange)
      continue;
    std::vector<int64_t> Shape = Spec.withBatch(Batch);
    int64_t I =
        firstOutOfRange(Inputs[K], Spec.Type, Batch * Spec.exampleElements(),
                        Spec.RangeLo, Spec.RangeHi, V);
    if (I >= 0)
      throw Error(Where + "input " + elementName(Spec.Name, Shape, I) + " = " +
                  std::to_string(V) +
                  " is out of range; values must "
                  "be in [" +
                  std::to_string(Spec.RangeLo) + ", " +
                  std::to_string(Spec.RangeHi - 1) + "]");
  }
  if (Labels.empty() || Info.Loss != LossKind::SoftmaxCrossEntropy)
    return;
  const TensorSpec &Logits = Info.Outputs[Info.LossLogits];
  const TensorSpec &Spec = Info.Labels[Info.LossLabels];
  int64_t Classes = Logits.Shape.back();
  std::vector<int64_t> Shape = Spec.withBatch(Batch);
  int64_t I = firstOutOfRange(Labels[Info.LossLabels], Spec.Type,
                              Batch * Spec.exampleElements(), 0, Classes, V);
  if (I >= 0)
    throw Error(
        Where + "label " + elementName(Spec.Name, Shape, I) + " = " +
        std::to_string(V) + " is out of range for " + std::to_string(Classes) +
        " classes (output " + Logits.Name + " " + shapeToString(Logits.Shape) +
        "); labels must be in [0, " + std::to_string(Classes - 1) + "]");
}

Dataset loadDataset(const ModelInfo &Info, const std::string &Path,
                    bool WithLabels) {
  NpzReader R(Path);
  Dataset D;
  D.Path = Path;
  std::vector<std::pair<std::string, int64_t>> Batches;
  for (const TensorSpec &S : Info.Inputs) {
    D.Inputs.push_back(readTensor(R, S, "input"));
    Batches.push_back({S.Name, D.Inputs.back().shape()[0]});
  }
  if (WithLabels)
    for (const TensorSpec &S : Info.Labels) {
      D.Labels.push_back(readTensor(R, S, "label"));
      Batches.push_back({S.Name, D.Labels.back().shape()[0]});
    }
  D.NumExamples = Batches.front().second;
  for (const auto &[Name, N] : Batches)
    if (N != D.NumExamples)
      throw Error(Path + ": arrays have different batch sizes: " +
                  Batches.front().first + " has " +
                  std::to_string(D.NumExamples) + " examples, " + Name +
                  " has " + std::to_string(N));
  std::vector<const void *> In, Lab;
  for (const Array &A : D.Inputs)
    In.push_back(A.data());
  for (const Array &A : D.Labels)
    Lab.push_back(A.data());
  checkValueRanges(Info, In, Lab, D.NumExamples, Path + ": ");
  return D;
}

void gatherExamples(const Array &Src, const int64_t *Order, int64_t Count,
                    Array &Dst) {
  size_t Row = Src.rowBytes();
  for (int64_t I = 0; I < Count; ++I)
    std::memcpy(Dst.data() + I * Row, Src.data() + Order[I] * Row, Row);
}

} // namespace modelc::rt
