//===- metrics.cpp - Accuracy from model outputs --------------------------===//

#include "modelc/runtime/metrics.h"

namespace modelc::rt {

bool hasAccuracy(const ModelInfo &Info) {
  return Info.Loss == LossKind::SoftmaxCrossEntropy ||
         Info.Loss == LossKind::SigmoidCrossEntropy;
}

static double labelAt(DType T, const void *P, int64_t I) {
  switch (T) {
  case DType::F32:
    return static_cast<const float *>(P)[I];
  case DType::F64:
    return static_cast<const double *>(P)[I];
  case DType::I32:
    return static_cast<const int32_t *>(P)[I];
  case DType::I64:
    return static_cast<const int64_t *>(P)[I];
  case DType::U8:
  case DType::Bool:
    return static_cast<const uint8_t *>(P)[I];
  case DType::Bytes:
    return 0;
  }
  return 0;
}

Correct countCorrect(const ModelInfo &Info, const void *Logits,
                     const void *Labels, int64_t Batch) {
  Correct C;
  if (!hasAccuracy(Info) || Info.Outputs[Info.LossLogits].Type != DType::F32)
    return C;
  const TensorSpec &Out = Info.Outputs[Info.LossLogits];
  const TensorSpec &Lab = Info.Labels[Info.LossLabels];
  const float *L = static_cast<const float *>(Logits);
  if (Info.Loss == LossKind::SoftmaxCrossEntropy) {
    int64_t Classes = Out.Shape.back();
    int64_t Rows = Batch * Out.exampleElements() / (Classes ? Classes : 1);
    for (int64_t R = 0; R < Rows; ++R) {
      const float *Row = L + R * Classes;
      int64_t Best = 0;
      for (int64_t K = 1; K < Classes; ++K)
        if (Row[K] > Row[Best])
          Best = K;
      C.Hits += Best == static_cast<int64_t>(labelAt(Lab.Type, Labels, R));
    }
    C.Total = Rows;
    return C;
  }
  int64_t N = Batch * Out.exampleElements();
  for (int64_t I = 0; I < N; ++I)
    C.Hits += (L[I] > 0) == (labelAt(Lab.Type, Labels, I) > 0.5);
  C.Total = N;
  return C;
}

} // namespace modelc::rt
