//===- random.h - Deterministic random streams ------------------*- C++ -*-===//
//
// splitmix64 streams keyed by (seed, name): a variable's initial values and an
// epoch's example order depend on nothing else, so adding a layer or resuming
// a run reproduces them exactly on every platform.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_RUNTIME_RANDOM_H
#define MODELC_RUNTIME_RANDOM_H

#include <cmath>
#include <cstdint>
#include <string>

namespace modelc::rt {

inline uint64_t mix64(uint64_t Z) {
  Z = (Z ^ (Z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  Z = (Z ^ (Z >> 27)) * 0x94d049bb133111ebULL;
  return Z ^ (Z >> 31);
}

inline uint64_t fnv1a64(const std::string &S) {
  uint64_t H = 0xcbf29ce484222325ULL;
  for (unsigned char C : S)
    H = (H ^ C) * 0x100000001b3ULL;
  return H;
}

class Rng {
public:
  Rng(int64_t Seed, const std::string &Stream)
      : State(mix64(mix64(static_cast<uint64_t>(Seed)) ^ fnv1a64(Stream))) {}

  uint64_t next() { return mix64(State += 0x9e3779b97f4a7c15ULL); }
  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Standard normal by Box-Muller (the cosine branch only, so the stream
  /// position does not depend on caching).
  double normal() {
    double U1 = 1.0 - uniform(); // (0, 1]: log stays finite.
    double U2 = uniform();
    return std::sqrt(-2.0 * std::log(U1)) * std::cos(2.0 * M_PI * U2);
  }
  /// Uniform integer in [0, Bound), Bound > 0 (Lemire's multiply-shift).
  uint64_t below(uint64_t Bound) {
    return static_cast<uint64_t>(
        (static_cast<unsigned __int128>(next()) * Bound) >> 64);
  }

private:
  uint64_t State;
};

} // namespace modelc::rt

#endif // MODELC_RUNTIME_RANDOM_H
