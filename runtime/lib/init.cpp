//===- init.cpp - Variable initializers (SPEC 3, tf.keras formulas) -------===//

#include "modelc/runtime/error.h"
#include "modelc/runtime/random.h"
#include "modelc/runtime/state.h"

#include <algorithm>
#include <cmath>

// Imported initial state (an ONNX model's initializers), when the compiler
// emitted any; weak, so executables without it link.
extern "C" __attribute__((weak)) const float modelc_initial_values[];

namespace modelc::rt {

// tf.keras divides the stddev of its truncated-normal variance-scaling
// initializers by the stddev of a unit normal truncated to [-2, 2].
static constexpr double TruncationCorrection = 0.87962566103423978;

void initializeVariable(const StateVar &Var, int64_t Seed, float *Out) {
  const InitSpec &I = Var.Init;
  Rng R(Seed, Var.Name);
  int64_t N = Var.Size;
  auto Fill = [&](double V) {
    for (int64_t K = 0; K < N; ++K)
      Out[K] = static_cast<float>(V);
  };
  auto Uniform = [&](double Lo, double Hi) {
    for (int64_t K = 0; K < N; ++K)
      Out[K] = static_cast<float>(Lo + (Hi - Lo) * R.uniform());
  };
  auto Normal = [&](double Mean, double Stddev) {
    for (int64_t K = 0; K < N; ++K)
      Out[K] = static_cast<float>(Mean + Stddev * R.normal());
  };
  // Values beyond two standard deviations are drawn again, as TF does.
  auto Truncated = [&](double Mean, double Stddev) {
    for (int64_t K = 0; K < N; ++K) {
      double Z;
      do
        Z = R.normal();
      while (std::fabs(Z) > 2.0);
      Out[K] = static_cast<float>(Mean + Stddev * Z);
    }
  };

  if (I.Kind == "values") {
    if (!modelc_initial_values)
      throw Error("state variable '" + Var.Name +
                  "': the executable has no modelc_initial_values");
    std::copy_n(modelc_initial_values + I.ValuesOffset, N, Out);
  } else if (I.Kind == "zeros")
    Fill(0);
  else if (I.Kind == "ones")
    Fill(1);
  else if (I.Kind == "constant")
    Fill(I.Value);
  else if (I.Kind == "glorot_uniform") {
    double Limit = std::sqrt(6.0 / (I.FanIn + I.FanOut));
    Uniform(-Limit, Limit);
  } else if (I.Kind == "he_uniform") {
    double Limit = std::sqrt(6.0 / I.FanIn);
    Uniform(-Limit, Limit);
  } else if (I.Kind == "glorot_normal")
    Truncated(0, std::sqrt(2.0 / (I.FanIn + I.FanOut)) / TruncationCorrection);
  else if (I.Kind == "he_normal")
    Truncated(0, std::sqrt(2.0 / I.FanIn) / TruncationCorrection);
  else if (I.Kind == "random_uniform")
    Uniform(I.MinVal, I.MaxVal);
  else if (I.Kind == "random_normal")
    Normal(I.Mean, I.Stddev);
  else if (I.Kind == "truncated_normal")
    Truncated(I.Mean, I.Stddev);
  else
    throw Error("state variable '" + Var.Name + "': unknown initializer '" +
                I.Kind + "'");
}

} // namespace modelc::rt
