//===- replicas.h - The processes of a data-parallel run (SPEC 8) -*- C++ -*-=//
//
// A run is one process unless the executable was built with `modelc --mpi`
// and started by `mpirun`: then main() installs the Open MPI implementation
// (replicas_mpi.cpp, linked only into such executables, so an executable
// built without --mpi never needs MPI at run time).
//
// Every collective here gives the same bits on every rank and in every run
// with the same number of ranks: sums are added in rank order, never in the
// order messages happen to arrive.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_RUNTIME_REPLICAS_H
#define MODELC_RUNTIME_REPLICAS_H

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace modelc::rt {

class Replicas {
public:
  virtual ~Replicas() = default;
  virtual int rank() const { return 0; }
  virtual int size() const { return 1; }
  /// X <- the sum over ranks r of Weight_r * X_r: each product rounded to
  /// float, the products added in rank order in double, the sum rounded.
  virtual void sumInRankOrder(float *X, int64_t N, double Weight);
  /// Every rank's `Bytes` bytes, in rank order, into `All` (size() * Bytes).
  virtual void allGather(const void *Mine, int64_t Bytes, void *All);
  /// Rank 0's `Bytes` bytes to every rank.
  virtual void broadcast(void *Data, int64_t Bytes) {}
  /// Ends every process with exit code `Code` (this one has said why).
  [[noreturn]] virtual void abortAll(int Code);
  /// Called once at a normal exit.
  virtual void finish() {}
};

/// The replicas of this process (one process unless main() installed more).
Replicas &replicas();
void installReplicas(std::unique_ptr<Replicas> R);

/// Defined only in executables built with `modelc --mpi`: initializes MPI.
std::unique_ptr<Replicas> createMpiReplicas(int &Argc, char **&Argv)
    __attribute__((weak));

/// The number of processes a launcher (mpirun, srun) started, or 1.
int launchedProcesses();

/// This process's part of the current global batch: examples
/// [Offset, Offset + Count) of Global. The compiled step's collective hooks
/// (replica_sum and friends) weight this rank's contribution by
/// Count / Global, so the update is the one of the whole batch.
struct Shard {
  int64_t Offset = 0, Count = 0, Global = 0;
  double weight() const {
    return Global ? static_cast<double>(Count) / Global : 1.0;
  }
};

/// Rank `Rank`'s contiguous part of a global batch of `Global` examples: the
/// first Global % Ranks ranks get one example more.
Shard shardOf(int64_t Global, int Rank, int Ranks);

void setCurrentShard(const Shard &S);
const Shard &currentShard();

/// Every rank's rows of a global batch of `Global` rows of `RowBytes` bytes,
/// each rank holding shardOf(Global, rank, size()), into `All` in order.
void gatherShards(const void *Mine, int64_t RowBytes, int64_t Global,
                  void *All);

/// Throws unless every rank has the same values (named for the message):
/// ranks given other data or checkpoint files would otherwise wait in
/// different collectives.
void checkSameOnEveryRank(
    const std::vector<std::pair<std::string, int64_t>> &Values);

/// Seconds this process spent in the compiled step's collectives (the
/// modelc_replica_* hooks, waiting for the other processes included) since
/// the previous call.
double takeCollectiveSeconds();

/// A step's per-shard mean losses to the global batch's (one collective):
/// the rank-order sum of each times this shard's weight().
void globalMeans(float &Loss, float &DataLoss);

} // namespace modelc::rt

#endif // MODELC_RUNTIME_REPLICAS_H
