//===- replicas.cpp - One process, and the hooks of the compiled step -----===//
//
// The compiled train step of an executable built with `modelc --mpi` calls
// the C functions at the end of this file (nn.replica_reduce, lowered at
// bufferization). They combine this rank's part of a global batch with the
// others' so that every rank computes the update of the whole batch:
//
// - a per-shard mean (a gradient, a moving statistic) m_r becomes
//   sum_r (n_r / B) m_r, the mean over the B examples of the batch;
// - batch norm's per-channel mean and variance become those of all ranks'
//   values, merged from (count, mean, M2) per rank (Chan et al.);
// - batch norm's backward sums become the means the local formula divides
//   them into (see modelc_replica_grad_means).
//
//===----------------------------------------------------------------------===//

#include "modelc/runtime/replicas.h"
#include "modelc/runtime/error.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace modelc::rt {

void Replicas::sumInRankOrder(float *X, int64_t N, double Weight) {
  if (Weight != 1.0)
    for (int64_t I = 0; I < N; ++I)
      X[I] = static_cast<float>(X[I] * Weight);
}

void Replicas::allGather(const void *Mine, int64_t Bytes, void *All) {
  std::memcpy(All, Mine, static_cast<size_t>(Bytes));
}

void Replicas::abortAll(int Code) { std::exit(Code); }

static std::unique_ptr<Replicas> &installed() {
  static std::unique_ptr<Replicas> R = std::make_unique<Replicas>();
  return R;
}

Replicas &replicas() { return *installed(); }

void installReplicas(std::unique_ptr<Replicas> R) {
  installed() = std::move(R);
}

int launchedProcesses() {
  // Open MPI's mpirun, then the PMI of MPICH's hydra and Slurm.
  for (const char *Var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char *V = std::getenv(Var))
      return std::max(1, std::atoi(V));
  return 1;
}

Shard shardOf(int64_t Global, int Rank, int Ranks) {
  int64_t Base = Global / Ranks, Extra = Global % Ranks;
  Shard S;
  S.Global = Global;
  S.Count = Base + (Rank < Extra ? 1 : 0);
  S.Offset = Rank * Base + std::min<int64_t>(Rank, Extra);
  return S;
}

static Shard Current;
static double CollectiveSeconds = 0;

double takeCollectiveSeconds() {
  double S = CollectiveSeconds;
  CollectiveSeconds = 0;
  return S;
}

void setCurrentShard(const Shard &S) { Current = S; }
const Shard &currentShard() { return Current; }

void gatherShards(const void *Mine, int64_t RowBytes, int64_t Global,
                  void *All) {
  Replicas &R = replicas();
  int N = R.size();
  Shard S = shardOf(Global, R.rank(), N);
  if (N == 1) {
    std::memcpy(All, Mine, static_cast<size_t>(S.Count * RowBytes));
    return;
  }
  // Equal messages: every rank sends the largest shard's size.
  int64_t Largest = shardOf(Global, 0, N).Count * RowBytes;
  std::vector<char> Padded(static_cast<size_t>(Largest)),
      Gathered(static_cast<size_t>(Largest) * N);
  std::memcpy(Padded.data(), Mine, static_cast<size_t>(S.Count * RowBytes));
  R.allGather(Padded.data(), Largest, Gathered.data());
  auto *Out = static_cast<char *>(All);
  for (int K = 0; K < N; ++K) {
    Shard Part = shardOf(Global, K, N);
    std::memcpy(Out + Part.Offset * RowBytes, Gathered.data() + K * Largest,
                static_cast<size_t>(Part.Count * RowBytes));
  }
}

void checkSameOnEveryRank(
    const std::vector<std::pair<std::string, int64_t>> &Values) {
  Replicas &R = replicas();
  if (R.size() == 1)
    return;
  std::vector<int64_t> Mine;
  for (const auto &[Name, V] : Values)
    Mine.push_back(V);
  std::vector<int64_t> All(Mine.size() * R.size());
  R.allGather(Mine.data(), static_cast<int64_t>(Mine.size() * sizeof(int64_t)),
              All.data());
  for (int Rank = 1; Rank < R.size(); ++Rank)
    for (size_t I = 0; I < Mine.size(); ++I)
      if (All[Rank * Mine.size() + I] != All[I])
        throw Error(format("rank %d's %s (%lld) differs from rank 0's (%lld): "
                           "give every process the same data and checkpoint "
                           "files",
                           Rank, Values[I].first.c_str(),
                           static_cast<long long>(All[Rank * Mine.size() + I]),
                           static_cast<long long>(All[I])));
}

void globalMeans(float &Loss, float &DataLoss) {
  float Pair[2] = {Loss, DataLoss};
  replicas().sumInRankOrder(Pair, 2, Current.weight());
  Loss = Pair[0];
  DataLoss = Pair[1];
}

} // namespace modelc::rt

using namespace modelc::rt;

namespace {
float *floats(intptr_t P) { return reinterpret_cast<float *>(P); }

/// Adds the lifetime of the object to the collectives' time.
class Timed {
public:
  ~Timed() {
    CollectiveSeconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
            .count();
  }

private:
  std::chrono::steady_clock::time_point Start =
      std::chrono::steady_clock::now();
};

/// Every rank's `Values` (the same count on each), in rank order.
std::vector<double> gatherDoubles(const std::vector<double> &Values) {
  std::vector<double> All(Values.size() * replicas().size());
  replicas().allGather(Values.data(),
                       static_cast<int64_t>(Values.size() * sizeof(double)),
                       All.data());
  return All;
}
} // namespace

extern "C" {

/// Data[0, N) <- sum over ranks of (n_r / B) * Data_r.
void modelc_replica_mean(intptr_t Data, int64_t N) {
  Timed T;
  replicas().sumInRankOrder(floats(Data), N, currentShard().weight());
}

/// Per channel c: (Mean[c], Var[c]), the mean and biased variance of this
/// rank's Count values, become those of every rank's values.
void modelc_replica_moments(intptr_t MeanP, intptr_t VarP, int64_t Channels,
                            int64_t Count) {
  Timed T;
  // A process without examples ran stand-in rows: they do not count.
  if (currentShard().Global > 0 && currentShard().Count == 0)
    Count = 0;
  float *Mean = floats(MeanP), *Var = floats(VarP);
  std::vector<double> Mine(1 + 2 * Channels);
  Mine[0] = static_cast<double>(Count);
  for (int64_t C = 0; C < Channels; ++C) {
    Mine[1 + C] = Mean[C];
    Mine[1 + Channels + C] = static_cast<double>(Var[C]) * Count; // M2
  }
  std::vector<double> All = gatherDoubles(Mine);
  for (int64_t C = 0; C < Channels; ++C) {
    double N = 0, M = 0, M2 = 0;
    for (int R = 0; R < replicas().size(); ++R) {
      const double *P = All.data() + R * Mine.size();
      double NB = P[0];
      if (NB == 0)
        continue;
      double Delta = P[1 + C] - M, Total = N + NB;
      M += Delta * NB / Total;
      M2 += P[1 + Channels + C] + Delta * Delta * N * NB / Total;
      N = Total;
    }
    Mean[C] = static_cast<float>(M);
    Var[C] = static_cast<float>(N > 0 ? M2 / N : 0.0);
  }
}

/// Batch norm's backward pass divides the per-channel sums of dy and
/// dy * xhat over this rank's Count values by the count. Over all ranks,
/// with dy in units of each rank's own mean loss (a rank's gradients are
/// weighted by w_r = n_r / B afterwards), rank r needs
/// (sum_s w_s S_s) / (w_r * sum_s Count_s): the global mean of the
/// globally weighted sums, in rank r's units.
void modelc_replica_grad_means(intptr_t SumDyP, intptr_t SumDyXhatP,
                               int64_t Channels, int64_t Count) {
  Timed T;
  float *S1 = floats(SumDyP), *S2 = floats(SumDyXhatP);
  double W = currentShard().weight();
  std::vector<double> Mine(2 + 2 * Channels);
  if (currentShard().Global > 0 && currentShard().Count == 0)
    Count = 0;
  Mine[0] = static_cast<double>(Count);
  Mine[1] = W;
  for (int64_t C = 0; C < Channels; ++C) {
    Mine[2 + C] = S1[C];
    Mine[2 + Channels + C] = S2[C];
  }
  std::vector<double> All = gatherDoubles(Mine);
  double Total = 0;
  for (int R = 0; R < replicas().size(); ++R)
    Total += All[R * Mine.size()];
  for (int64_t C = 0; C < Channels; ++C) {
    double A = 0, B = 0;
    for (int R = 0; R < replicas().size(); ++R) {
      const double *P = All.data() + R * Mine.size();
      A += P[1] * P[2 + C];
      B += P[1] * P[2 + Channels + C];
    }
    // A process without examples (weight 0) contributes nothing: any
    // finite value will do.
    S1[C] = W > 0 ? static_cast<float>(A / (W * Total)) : 0.0f;
    S2[C] = W > 0 ? static_cast<float>(B / (W * Total)) : 0.0f;
  }
}

/// The number of values over all ranks, given this rank's.
int64_t modelc_replica_total(int64_t Count) {
  Timed T;
  if (currentShard().Global > 0 && currentShard().Count == 0)
    Count = 0;
  std::vector<double> All = gatherDoubles({static_cast<double>(Count)});
  double Total = 0;
  for (double V : All)
    Total += V;
  return static_cast<int64_t>(Total);
}

/// The index of this rank's first example in the global batch (dropout
/// draws by global index, so masks do not depend on the number of ranks).
int64_t modelc_replica_example_offset() { return currentShard().Offset; }

} // extern "C"
