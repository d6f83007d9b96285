//===- replicas_mpi.cpp - The processes of an mpirun (Open MPI) -----------===//
//
// Linked only into executables built with `modelc --mpi` (whole, so that
// main() finds createMpiReplicas). MPI is initialized here and finalized at
// a normal exit; an error on any rank aborts all of them (MPI_Abort), so no
// rank waits forever in a collective for one that has given up.
//
// sumInRankOrder is a reduce-scatter and an all-gather, as a ring allreduce
// moves the data (each rank sends and receives 2 (P-1)/P of the vector),
// but each rank adds its slice's P contributions itself, in rank order:
// MPI_Allreduce promises neither an order nor the same bits on every rank.
//
//===----------------------------------------------------------------------===//

#include "modelc/runtime/error.h"
#include "modelc/runtime/replicas.h"

#include <mpi.h>

#include <climits>
#include <cstdio>
#include <vector>

namespace modelc::rt {
namespace {

void check(int Code, const char *What) {
  if (Code == MPI_SUCCESS)
    return;
  char Text[MPI_MAX_ERROR_STRING];
  int Len = 0;
  MPI_Error_string(Code, Text, &Len);
  throw Error(std::string("MPI: ") + What +
              " failed: " + std::string(Text, Len));
}

int toInt(int64_t N, const char *What) {
  if (N < 0 || N > INT_MAX)
    throw Error(std::string("MPI: ") + What + " of " + std::to_string(N) +
                " elements is more than one message can carry");
  return static_cast<int>(N);
}

class MpiReplicas : public Replicas {
public:
  MpiReplicas() {
    MPI_Comm_rank(MPI_COMM_WORLD, &Rank);
    MPI_Comm_size(MPI_COMM_WORLD, &Size);
    // Errors come back as codes (check() turns them into exceptions).
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  }
  int rank() const override { return Rank; }
  int size() const override { return Size; }

  void sumInRankOrder(float *X, int64_t N, double Weight) override {
    // Slice k of [0, N) belongs to rank k.
    std::vector<int> Counts(Size), Starts(Size);
    for (int K = 0; K < Size; ++K) {
      int64_t Begin = N * K / Size, End = N * (K + 1) / Size;
      Starts[K] = toInt(Begin, "a sum");
      Counts[K] = toInt(End - Begin, "a sum");
    }
    int Mine = Counts[Rank];
    // Weighted as the slices leave (floats: half the bytes of doubles).
    std::vector<float> Send(static_cast<size_t>(N));
    for (int64_t I = 0; I < N; ++I)
      Send[I] = static_cast<float>(X[I] * Weight);
    std::vector<float> Parts(static_cast<size_t>(Mine) * Size);
    std::vector<int> RecvCounts(Size, Mine), RecvStarts(Size);
    for (int K = 0; K < Size; ++K)
      RecvStarts[K] = K * Mine;
    check(MPI_Alltoallv(Send.data(), Counts.data(), Starts.data(), MPI_FLOAT,
                        Parts.data(), RecvCounts.data(), RecvStarts.data(),
                        MPI_FLOAT, MPI_COMM_WORLD),
          "the gradient reduce-scatter");
    std::vector<float> Slice(Mine);
    for (int I = 0; I < Mine; ++I) {
      double Sum = 0;
      for (int K = 0; K < Size; ++K)
        Sum += static_cast<double>(Parts[static_cast<size_t>(K) * Mine + I]);
      Slice[I] = static_cast<float>(Sum);
    }
    check(MPI_Allgatherv(Slice.data(), Mine, MPI_FLOAT, X, Counts.data(),
                         Starts.data(), MPI_FLOAT, MPI_COMM_WORLD),
          "the gradient all-gather");
  }

  void allGather(const void *MineP, int64_t Bytes, void *All) override {
    check(MPI_Allgather(MineP, toInt(Bytes, "a gather"), MPI_BYTE, All,
                        toInt(Bytes, "a gather"), MPI_BYTE, MPI_COMM_WORLD),
          "an all-gather");
  }

  void broadcast(void *Data, int64_t Bytes) override {
    // In pieces: a state can exceed what one int counts.
    auto *P = static_cast<char *>(Data);
    for (int64_t Done = 0; Done < Bytes;) {
      int64_t Piece = std::min<int64_t>(Bytes - Done, int64_t(1) << 30);
      check(MPI_Bcast(P + Done, static_cast<int>(Piece), MPI_BYTE, 0,
                      MPI_COMM_WORLD),
            "a broadcast");
      Done += Piece;
    }
  }

  [[noreturn]] void abortAll(int Code) override {
    std::fflush(stdout);
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, Code);
    std::_Exit(Code);
  }

  void finish() override { MPI_Finalize(); }

private:
  int Rank = 0, Size = 1;
};

} // namespace

std::unique_ptr<Replicas> createMpiReplicas(int &Argc, char **&Argv) {
  int Ready = 0;
  MPI_Initialized(&Ready);
  if (!Ready && MPI_Init(&Argc, &Argv) != MPI_SUCCESS)
    throw Error("MPI_Init failed");
  return std::make_unique<MpiReplicas>();
}

} // namespace modelc::rt
