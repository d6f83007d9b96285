//===- dataset.cpp - Model inputs and labels from .npz files --------------===//

#include "modelc/runtime/dataset.h"
#include "modelc/runtime/error.h"
#include "modelc/runtime/npz.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

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

/// Element I of a numeric array as a double (exact for every int32 and f32;
/// int64 beyond 2^53 rounds, which the range checks below then reject).
double elementAt(const Array &A, int64_t I) {
  switch (A.dtype()) {
  case DType::F32:
    return A.as<float>()[I];
  case DType::F64:
    return A.as<double>()[I];
  case DType::I32:
    return A.as<int32_t>()[I];
  case DType::I64:
    return static_cast<double>(A.as<int64_t>()[I]);
  case DType::U8:
  case DType::Bool:
    return A.as<uint8_t>()[I];
  case DType::Bytes:
    break;
  }
  return 0;
}

bool isNumeric(DType T) { return T != DType::Bytes; }

/// The array in the model's dtype, as Keras would feed it: float64 rounds to
/// float32; integers and integral floats become int32 and small integers
/// float32 only if every value converts exactly. Throws naming the first
/// value that does not.
Array convertTo(const Array &A, DType To, const std::string &Where,
                const std::string &Want) {
  Array Out(To, A.shape());
  int64_t N = A.numElements();
  bool Rounds = To == DType::F32 && A.dtype() == DType::F64;
  for (int64_t I = 0; I < N; ++I) {
    double V = elementAt(A, I);
    // Rounding to float32 is fine; overflowing it is not (nor defined).
    bool Exact =
        To == DType::I32
            ? V == std::floor(V) && V >= INT32_MIN && V <= INT32_MAX
            : (Rounds && !(std::fabs(V) > std::numeric_limits<float>::max())) ||
                  std::fabs(V) <= 16777216.0;
    if (!Exact)
      throw Error(Where + " has dtype " + dtypeName(A.dtype(), A.itemSize()) +
                  " and element " + std::to_string(I) + " = " +
                  format("%.17g", V) + " has no exact " + Want +
                  " value; convert it yourself");
    if (To == DType::I32)
      Out.as<int32_t>()[I] = static_cast<int32_t>(V);
    else
      Out.as<float>()[I] = static_cast<float>(V);
  }
  return Out;
}

} // namespace

static Array readTensor(const NpzReader &R, const TensorSpec &Spec,
                        const char *What) {
  if (!R.contains(Spec.Name)) {
    std::string Has =
        R.names().empty() ? "no arrays" : "arrays " + joinNames(R.names());
    throw Error(R.path() + ": missing array '" + Spec.Name + "' (model " +
                What + " " + Spec.Name + ": " + Spec.describe() +
                "); the file has " + Has);
  }
  std::string Where = R.path() + ": array '" + Spec.Name + "'";
  bool Label = std::string(What) == "label";
  // A label may lack or add a trailing dimension of 1 ([N] for [N, 1] and
  // the other way round), as Keras's losses accept.
  auto SameShape = [&](const std::vector<int64_t> &Got) {
    auto Tail = [](const std::vector<int64_t> &S) {
      return std::vector<int64_t>(S.begin() + (S.empty() ? 0 : 1), S.end());
    };
    std::vector<int64_t> A = Tail(Got), B = Tail(Spec.Shape);
    if (A == B)
      return true;
    if (!Label)
      return false;
    if (!A.empty() && A.back() == 1 && A.size() == B.size() + 1)
      A.pop_back();
    else if (!B.empty() && B.back() == 1 && B.size() == A.size() + 1)
      B.pop_back();
    return A == B;
  };
  // Checked on the header, before a large or compressed array is decoded.
  auto Check = [&](const NpyHeader &H) {
    if (H.Type != Spec.Type &&
        !(isNumeric(H.Type) &&
          (Spec.Type == DType::F32 || Spec.Type == DType::I32)))
      throw Error(Where + " has dtype " + dtypeName(H.Type, H.ItemSize) +
                  " but model " + What + " " + Spec.Name + " is " +
                  Spec.describe() + " (convert with .astype(" +
                  numpyCast(Spec.Type) + "))");
    if (H.Shape.empty() || !SameShape(H.Shape))
      throw Error(Where + " has shape " + shapeToString(H.Shape) +
                  " but model " + What + " " + Spec.Name + " expects " +
                  shapeToString(Spec.Shape) + " (? = any batch size)");
  };
  Array A = R.read(Spec.Name, Check);
  std::vector<int64_t> Shape = Spec.withBatch(A.shape()[0]);
  if (A.dtype() == Spec.Type && A.shape() == Shape)
    return A;
  std::string From =
      dtypeName(A.dtype(), A.itemSize()) + " " + shapeToString(A.shape());
  if (A.dtype() != Spec.Type)
    A = convertTo(A, Spec.Type, Where, modelDTypeName(Spec.Type));
  A.reshape(Shape);
  std::fprintf(stderr, "note: %s (%s) converted to %s %s\n", Where.c_str(),
               From.c_str(), modelDTypeName(Spec.Type).c_str(),
               shapeToString(Shape).c_str());
  return A;
}

namespace {

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

static bool isCsv(const std::string &Path) {
  return Path.size() >= 4 && (Path.compare(Path.size() - 4, 4, ".csv") == 0 ||
                              Path.compare(Path.size() - 4, 4, ".CSV") == 0);
}

Dataset loadDataset(const ModelInfo &Info, const std::string &Path,
                    bool WithLabels) {
  Dataset D;
  if (isCsv(Path)) {
    D = loadCsvDataset(Info, Path, WithLabels);
  } else {
    NpzReader R(Path);
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
  }
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
