//===- library_fuzzer.cpp - libFuzzer target for the library's C API ------===//
//
// Plays the input as a sequence of C API calls on the runtime's test model
// (testing/fake_model.c), as a program embedding a --emit=lib library might
// make them: create/destroy, load of arbitrary file bytes, save, init,
// set_threads, train_step/predict/eval with arbitrary values (NaN, labels
// out of range, NULL buffers, bad batch sizes and modes), state queries
// with arbitrary indices and names, set_global_step. Buffers are always as
// large as the batch the call is given (the caller's side of the contract).
// Properties: no crash; every status is a documented code; a failing call
// leaves a message in last_error; a successful train_step advances
// global_step by one and a failed one leaves it.
//
//===----------------------------------------------------------------------===//
#include "modelc/runtime/library.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace {

/// Reads the input front to back; past the end everything is zero.
struct Reader {
  const uint8_t *Data;
  size_t Size, Pos = 0;
  bool done() const { return Pos >= Size; }
  uint8_t byte() { return Pos < Size ? Data[Pos++] : 0; }
  int64_t int64() {
    int64_t V = 0;
    for (int I = 0; I < 8; ++I)
      V = (V << 8) | byte();
    return V;
  }
  float number() {
    uint32_t Bits = 0;
    for (int I = 0; I < 4; ++I)
      Bits = (Bits << 8) | byte();
    float F;
    std::memcpy(&F, &Bits, 4);
    return F;
  }
  std::string bytes(size_t N) {
    N = std::min(N, Size - std::min(Pos, Size));
    std::string S(reinterpret_cast<const char *>(Data + Pos), N);
    Pos += N;
    return S;
  }
};

[[noreturn]] void fail(const char *What, const char *Detail = "") {
  std::fprintf(stderr, "library_fuzzer: %s %s\n", What, Detail);
  std::abort();
}

void checkStatus(modelc_api_model *M, int Status) {
  if (Status < MODELC_API_OK || Status > MODELC_API_INTERNAL)
    fail("undocumented status");
  if (Status != MODELC_API_OK && !*modelc_api_last_error(M))
    fail("a failing call left no message");
}

std::string fileWith(const std::string &Bytes) {
  static int Fd = memfd_create("library_fuzzer", 0);
  if (Fd < 0 || ftruncate(Fd, 0) != 0 ||
      pwrite(Fd, Bytes.data(), Bytes.size(), 0) !=
          static_cast<ssize_t>(Bytes.size()))
    fail("memfd");
  return "/proc/self/fd/" + std::to_string(Fd);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  // The test model: x f32[?, 3], y i32[?] (2 classes), logits f32[?, 2].
  Reader R{Data, Size};
  modelc_api_model *M = nullptr;
  if (modelc_api_create(&M, R.int64()) != MODELC_API_OK || !M)
    fail("create failed");
  for (int Calls = 0; !R.done() && Calls < 64; ++Calls) {
    uint8_t Op = R.byte() % 10;
    // Batches from -2 to 61; buffers always hold max(batch, 0) examples.
    int64_t Batch = static_cast<int64_t>(R.byte() % 64) - 2;
    size_t Rows = Batch > 0 ? static_cast<size_t>(Batch) : 0;
    std::vector<float> X(Rows * 3 + 1), Logits(Rows * 2 + 1);
    std::vector<int32_t> Y(Rows + 1);
    uint8_t Nulls = 0;
    if (Op >= 3 && Op <= 5) {
      Nulls = R.byte();
      for (float &V : X)
        V = R.number();
      for (int32_t &V : Y)
        V = static_cast<int32_t>(R.byte() % 4) - 1; // -1..2: some invalid
    }
    const void *XIn[] = {(Nulls & 1) ? nullptr : X.data()};
    const void *YIn[] = {(Nulls & 2) ? nullptr : Y.data()};
    void *Out[] = {(Nulls & 4) ? nullptr : Logits.data()};
    const void *const *Inputs = (Nulls & 8) ? nullptr : XIn;
    const void *const *Labels = (Nulls & 16) ? nullptr : YIn;
    int Status = MODELC_API_OK;
    switch (Op) {
    case 0:
      Status = modelc_api_init(M, R.int64());
      break;
    case 1:
      Status = modelc_api_load(M, fileWith(R.bytes(R.byte() * 16)).c_str());
      break;
    case 2: {
      char Path[] = "/tmp/library_fuzzer-XXXXXX";
      int Fd = mkstemp(Path);
      if (Fd < 0)
        fail("mkstemp");
      close(Fd);
      Status = modelc_api_save(M, Path);
      unlink(Path);
      break;
    }
    case 3: {
      int64_t Before = modelc_api_global_step(M);
      float Loss = 0;
      Status = modelc_api_train_step_arrays(M, Inputs, Labels, Batch,
                                            (Nulls & 32) ? nullptr : &Loss);
      int64_t After = modelc_api_global_step(M);
      if (After != Before + (Status == MODELC_API_OK ? 1 : 0))
        fail("train_step moved global_step wrongly");
      break;
    }
    case 4:
      Status =
          modelc_api_predict_arrays(M, static_cast<int>(R.byte()) - 1, Inputs,
                                    Batch, (Nulls & 64) ? nullptr : Out);
      break;
    case 5: {
      float Loss = 0, Accuracy = 0;
      Status = modelc_api_eval_arrays(M, Inputs, Labels, Batch, &Loss,
                                      (Nulls & 32) ? nullptr : &Accuracy);
      break;
    }
    case 6:
      Status = modelc_api_set_threads(M, static_cast<int>(R.byte() % 6) - 1);
      break;
    case 7: {
      int64_t Index = static_cast<int64_t>(R.byte()) - 2;
      modelc_api_state_name(M, Index);
      modelc_api_state_role(M, Index);
      int32_t Rank = modelc_api_state_rank(M, Index);
      const int64_t *Shape = modelc_api_state_shape(M, Index);
      int64_t N = modelc_api_state_size(M, Index);
      float *P = modelc_api_state_data(M, Index);
      if (P) {
        int64_t Elements = 1;
        for (int32_t D = 0; D < Rank; ++D)
          Elements *= Shape[D];
        if (Elements != N)
          fail("state shape and size disagree");
        for (int64_t K = 0; K < N; ++K)
          P[K] = R.number(); // Writable, as documented.
      }
      break;
    }
    case 8:
      modelc_api_state_find(M, R.bytes(R.byte() % 24).c_str());
      break;
    case 9:
      Status = modelc_api_set_global_step(M, R.int64());
      break;
    }
    checkStatus(M, Status);
  }
  modelc_api_destroy(M);
  return 0;
}
