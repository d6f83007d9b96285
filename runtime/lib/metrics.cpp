//===- metrics.cpp - Metrics from model outputs and labels ----------------===//

#include "modelc/runtime/metrics.h"
#include "modelc/runtime/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace modelc::rt {

bool hasAccuracy(const ModelInfo &Info) {
  return Info.Loss == LossKind::SoftmaxCrossEntropy ||
         Info.Loss == LossKind::SigmoidCrossEntropy;
}

int64_t numClasses(const ModelInfo &Info) {
  if (Info.Loss == LossKind::SoftmaxCrossEntropy)
    return Info.Outputs[Info.LossLogits].Shape.back();
  return Info.Loss == LossKind::SigmoidCrossEntropy ? 2 : 0;
}

std::vector<MetricSpec> reportedMetrics(const ModelInfo &Info) {
  std::vector<MetricSpec> Specs;
  bool Listed =
      std::any_of(Info.Metrics.begin(), Info.Metrics.end(),
                  [](const MetricSpec &S) { return S.Name == "accuracy"; });
  if (hasAccuracy(Info) && !Listed)
    Specs.push_back({"accuracy", MetricKind::Accuracy, 0});
  Specs.insert(Specs.end(), Info.Metrics.begin(), Info.Metrics.end());
  return Specs;
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

MetricSet::MetricSet(const ModelInfo &Info, bool WithConfusion)
    : Info(&Info), Specs(reportedMetrics(Info)), Classes(numClasses(Info)),
      TopKHits(Specs.size(), 0) {
  for (const MetricSpec &S : Specs)
    WantScores |= S.Kind == MetricKind::AUC;
  WantConfusion = WithConfusion && Classes > 0;
  if (WantConfusion)
    Confusion.assign(static_cast<size_t>(Classes * Classes), 0);
}

void MetricSet::add(const void *LogitsPtr, const void *Labels, int64_t Batch) {
  if (!Info || Info->Outputs[Info->LossLogits].Type != DType::F32)
    return;
  const TensorSpec &Out = Info->Outputs[Info->LossLogits];
  DType LabelType = Info->Labels[Info->LossLabels].Type;
  const float *L = static_cast<const float *>(LogitsPtr);
  if (Info->Loss == LossKind::MSE) {
    int64_t N = Batch * Out.exampleElements();
    for (int64_t I = 0; I < N; ++I) {
      double D = static_cast<double>(L[I]) - labelAt(LabelType, Labels, I);
      AbsErr += std::fabs(D);
      SqErr += D * D;
    }
    Elements += N;
    return;
  }
  // Classifiers: one row per prediction, with a predicted class, a true
  // class and (for binary ones) a score of the positive class.
  bool Softmax = Info->Loss == LossKind::SoftmaxCrossEntropy;
  int64_t Width = Softmax ? Classes : 1;
  int64_t N = Batch * Out.exampleElements() / std::max<int64_t>(Width, 1);
  for (int64_t R = 0; R < N; ++R) {
    const float *Row = L + R * Width;
    int64_t Pred, Truth;
    double Score;
    if (Softmax) {
      Pred = 0;
      for (int64_t K = 1; K < Classes; ++K)
        if (Row[K] > Row[Pred])
          Pred = K;
      Truth = static_cast<int64_t>(labelAt(LabelType, Labels, R));
      Score = Classes == 2 ? double(Row[1]) - double(Row[0]) : 0;
      for (size_t S = 0; S < Specs.size(); ++S) {
        // Labels are range-checked on load; a stray one counts as a miss.
        if (Specs[S].Kind != MetricKind::TopK || Truth < 0 || Truth >= Classes)
          continue;
        // tf.math.in_top_k: the label is in unless K logits beat it.
        int64_t Above = 0;
        for (int64_t K = 0; K < Classes; ++K)
          Above += Row[K] > Row[Truth];
        TopKHits[S] += Above < Specs[S].K;
      }
    } else {
      Pred = Row[0] > 0;
      Truth = labelAt(LabelType, Labels, R) > 0.5;
      Score = Row[0];
    }
    Hits += Pred == Truth;
    TP += Pred == 1 && Truth == 1;
    FP += Pred == 1 && Truth != 1;
    FN += Pred != 1 && Truth == 1;
    if (WantScores) {
      Scores.push_back(Score);
      Positive.push_back(Truth == 1);
    }
    if (WantConfusion && Truth >= 0 && Truth < Classes)
      ++Confusion[static_cast<size_t>(Truth * Classes + Pred)];
  }
  Rows += N;
}

/// Mann-Whitney: the probability that a random positive scores above a
/// random negative, ties counting half. Exact, unlike Keras's 200
/// thresholds.
double MetricSet::auc() const {
  int64_t N = static_cast<int64_t>(Scores.size());
  // NaN has no rank (and would break the sort's ordering).
  for (double S : Scores)
    if (std::isnan(S))
      return std::numeric_limits<double>::quiet_NaN();
  std::vector<int64_t> Order(static_cast<size_t>(N));
  std::iota(Order.begin(), Order.end(), 0);
  std::sort(Order.begin(), Order.end(),
            [&](int64_t A, int64_t B) { return Scores[A] < Scores[B]; });
  double RankSum = 0;
  int64_t Pos = 0;
  for (int64_t I = 0; I < N;) {
    int64_t J = I;
    while (J < N && Scores[Order[J]] == Scores[Order[I]])
      ++J;
    double MeanRank = (I + 1 + J) / 2.0; // Ranks I+1..J, averaged over ties.
    for (int64_t K = I; K < J; ++K)
      if (Positive[Order[K]]) {
        RankSum += MeanRank;
        ++Pos;
      }
    I = J;
  }
  int64_t Neg = N - Pos;
  if (Pos == 0 || Neg == 0)
    return std::numeric_limits<double>::quiet_NaN();
  return (RankSum - Pos * (Pos + 1) / 2.0) / (static_cast<double>(Pos) * Neg);
}

static double ratio(double A, double B) {
  return B > 0 ? A / B : 0; // Keras: precision/recall of no predictions is 0.
}

std::vector<std::pair<std::string, double>> MetricSet::values() const {
  std::vector<std::pair<std::string, double>> V;
  for (size_t S = 0; S < Specs.size(); ++S) {
    double X = 0;
    switch (Specs[S].Kind) {
    case MetricKind::Accuracy:
      X = accuracy();
      break;
    case MetricKind::TopK:
      X = ratio(TopKHits[S], Rows);
      break;
    case MetricKind::Precision:
      X = ratio(TP, TP + FP);
      break;
    case MetricKind::Recall:
      X = ratio(TP, TP + FN);
      break;
    case MetricKind::AUC:
      X = auc();
      break;
    case MetricKind::MeanAbsoluteError:
      X = ratio(AbsErr, Elements);
      break;
    case MetricKind::MeanSquaredError:
      X = ratio(SqErr, Elements);
      break;
    }
    V.push_back({Specs[S].Name, X});
  }
  return V;
}

double MetricSet::value(const std::string &Key) const {
  for (const auto &[Name, X] : values())
    if (Name == Key)
      return X;
  return std::numeric_limits<double>::quiet_NaN();
}

std::vector<std::pair<std::string, double>> MetricSums::values() const {
  std::vector<std::pair<std::string, double>> V = {
      {"loss", meanLoss()}, {"data_loss", meanDataLoss()}};
  for (auto &KV : Metrics.values())
    V.push_back(KV);
  return V;
}

double roundRate(double X) {
  if (!(X > 0) || !std::isfinite(X))
    return 0;
  double Scale = std::pow(10.0, std::floor(std::log10(X)) - 2);
  return std::round(X / Scale) * Scale;
}

std::string formatRate(double X) {
  X = roundRate(X);
  static const char *Prefix[] = {"", "k", "M", "G", "T"};
  int P = 0;
  while (X >= 999.5 && P < 4) {
    X /= 1000;
    ++P;
  }
  // Three significant digits: 892, 13.4k, 1.34M.
  int Decimals = X >= 99.95 ? 0 : X >= 9.995 ? 1 : 2;
  if (P == 0 && X == std::floor(X))
    Decimals = 0;
  return format("%.*f%s", Decimals, X, Prefix[P]);
}

} // namespace modelc::rt
