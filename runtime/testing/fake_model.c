/*===- fake_model.c - A hand-written model to test the runtime ------------===
 *
 * Stands in for the compiler's object file (docs/RUNTIME_ABI.md): it defines
 * modelc_model_info and the four entries for
 *
 *   x f32[?, 3] -> dense 3->2 (kernel, bias) -> z
 *   logits = z - mean_B(z)   (training mode; moving_mean updated by the step)
 *   logits = z - moving_mean (inference mode)
 *   loss = softmax_cross_entropy(logits, y) + 0.01 * sum(kernel^2)
 *   optimizer: TF momentum (accum = 0.9*accum + g; w -= lr*accum), with
 *   lr = 0.1 / (1 + 0.01*step) * (1 + (seed mod 7) / 1000) so results depend
 *   on the step and seed the runtime passes.
 *
 * Every descriptor is checked, so a runtime marshalling bug aborts loudly.
 * Built with -DFAKE_VBS=V it declares virtual_batch_size V (another model,
 * another fingerprint) and aborts on batches V does not divide; built with
 * -DFAKE_METRICS it lists metrics (top-1 accuracy, precision, recall, AUC).
 *
 *===----------------------------------------------------------------------===*/

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define STR2(X) #X
#define STR(X) STR2(X)

#ifdef FAKE_VBS
#define NAME "fake_dense_vbs"
#define FINGERPRINT "fa4efa4efa4e0002"
#define VBS_LIST "[" STR(FAKE_VBS) "]"
#elif defined(FAKE_METRICS)
#define NAME "fake_dense_metrics"
#define FINGERPRINT "fa4efa4efa4e0003"
#define VBS_LIST "[]"
#define METRICS                                                                \
  "\"metrics\": [{\"name\": \"top_1_accuracy\", \"kind\": "                  \
  "\"top_k_accuracy\", \"k\": 1}, {\"name\": \"precision\", \"kind\": "        \
  "\"precision\"}, {\"name\": \"recall\", \"kind\": \"recall\"}, "             \
  "{\"name\": \"auc\", \"kind\": \"auc\"}],\n"
#else
#define NAME "fake_dense"
#define FINGERPRINT "fa4efa4efa4e0001"
#define VBS_LIST "[]"
#endif

const char modelc_model_info[] =
    "{\"name\": \"" NAME "\", \"fingerprint\": \"" FINGERPRINT "\", "
    "\"seed\": 5,\n"
    "\"inputs\": [{\"name\": \"x\", \"shape\": [-1, 3], \"dtype\": \"f32\"}],\n"
    "\"labels\": [{\"name\": \"y\", \"shape\": [-1], \"dtype\": \"i32\"}],\n"
    "\"outputs\": [{\"name\": \"logits\", \"shape\": [-1, 2], "
    "\"dtype\": \"f32\"}],\n"
    "\"loss\": {\"op\": \"softmax_cross_entropy\", \"logits\": \"logits\", "
    "\"labels\": \"y\"},\n"
    "\"optimizer\": {\"op\": \"momentum\", \"learning_rate\": 0.1, "
    "\"momentum\": 0.9},\n"
    "\"virtual_batch_sizes\": " VBS_LIST ",\n"
#ifdef METRICS
    METRICS
#endif
    "\"layers\": [{\"name\": \"dense\", \"op\": \"dense\", \"shape\": [-1, 2], "
    "\"params\": 8},\n"
    "  {\"name\": \"logits\", \"op\": \"batch_norm\", \"shape\": [-1, 2], "
    "\"params\": 0}],\n"
    "\"state_size\": 18,\n"
    "\"state\": [\n"
    "  {\"name\": \"dense/kernel\", \"shape\": [3, 2], \"offset\": 0, "
    "\"size\": 6, \"role\": \"param\", \"trainable\": true, \"init\": "
    "{\"kind\": \"glorot_uniform\", \"fan_in\": 3, \"fan_out\": 2}},\n"
    "  {\"name\": \"dense/bias\", \"shape\": [2], \"offset\": 6, \"size\": 2, "
    "\"role\": \"param\", \"trainable\": true, \"init\": {\"kind\": "
    "\"zeros\"}},\n"
    "  {\"name\": \"logits/moving_mean\", \"shape\": [2], \"offset\": 8, "
    "\"size\": 2, \"role\": \"moving_mean\", \"trainable\": false, \"init\": "
    "{\"kind\": \"zeros\"}},\n"
    "  {\"name\": \"dense/kernel/momentum\", \"shape\": [3, 2], \"offset\": "
    "10, \"size\": 6, \"role\": \"slot\", \"trainable\": false, \"init\": "
    "{\"kind\": \"zeros\"}},\n"
    "  {\"name\": \"dense/bias/momentum\", \"shape\": [2], \"offset\": 16, "
    "\"size\": 2, \"role\": \"slot\", \"trainable\": false, \"init\": "
    "{\"kind\": \"zeros\"}}],\n"
    "\"entries\": {\n"
    "  \"forward_infer\": {\"symbol\": \"modelc_entry_forward_infer\", "
    "\"args\": [{\"kind\": \"arena\"}, {\"kind\": \"input\", \"name\": \"x\"}, "
    "{\"kind\": \"output\", \"name\": \"logits\"}]},\n"
    "  \"forward_train\": {\"symbol\": \"modelc_entry_forward_train\", "
    "\"args\": [{\"kind\": \"arena\"}, {\"kind\": \"input\", \"name\": \"x\"}, "
    "{\"kind\": \"output\", \"name\": \"logits\"}]},\n"
    "  \"eval\": {\"symbol\": \"modelc_entry_eval\", \"args\": [{\"kind\": "
    "\"arena\"}, {\"kind\": \"input\", \"name\": \"x\"}, {\"kind\": "
    "\"label\", \"name\": \"y\"}, {\"kind\": \"output\", \"name\": "
    "\"logits\"}, {\"kind\": \"loss\"}, {\"kind\": \"data_loss\"}]},\n"
    "  \"train_step\": {\"symbol\": \"modelc_entry_train_step\", \"args\": "
    "[{\"kind\": \"arena\"}, {\"kind\": \"input\", \"name\": \"x\"}, "
    "{\"kind\": \"label\", \"name\": \"y\"}, {\"kind\": \"output\", "
    "\"name\": \"logits\"}, {\"kind\": \"loss\"}, {\"kind\": "
    "\"data_loss\"}, {\"kind\": \"step\"}, {\"kind\": \"seed\"}]}}}\n";

/* MLIR ranked-memref descriptors. */
typedef struct {
  void *Allocated, *Aligned;
  int64_t Offset;
  int64_t Sizes[2];
  int64_t Strides[2];
} MemRef2;
typedef struct {
  void *Allocated, *Aligned;
  int64_t Offset;
  int64_t Sizes[1];
  int64_t Strides[1];
} MemRef1;
typedef struct {
  void *Allocated, *Aligned;
  int64_t Offset;
} MemRef0;

enum {
  StateSize = 18,
  Kernel = 0,
  Bias = 6,
  MovingMean = 8,
  KernelAcc = 10,
  BiasAcc = 16
};

static void bad(const char *What) {
  fprintf(stderr, "fake_model: bad memref descriptor: %s\n", What);
  abort();
}

static float *arena(void *Arg) {
  MemRef1 *M = (MemRef1 *)Arg;
  if (M->Offset != 0 || M->Allocated != M->Aligned ||
      M->Sizes[0] != StateSize || M->Strides[0] != 1)
    bad("arena");
  return (float *)M->Aligned;
}

static float *input(void *Arg, int64_t *Batch) {
  MemRef2 *M = (MemRef2 *)Arg;
  if (M->Offset != 0 || M->Sizes[0] < 1 || M->Sizes[1] != 3 ||
      M->Strides[0] != 3 || M->Strides[1] != 1)
    bad("x");
  *Batch = M->Sizes[0];
  return (float *)M->Aligned;
}

static float *output(void *Arg, int64_t Batch) {
  MemRef2 *M = (MemRef2 *)Arg;
  if (M->Offset != 0 || M->Sizes[0] != Batch || M->Sizes[1] != 2 ||
      M->Strides[0] != 2 || M->Strides[1] != 1)
    bad("logits");
  return (float *)M->Aligned;
}

static const int32_t *labels(void *Arg, int64_t Batch) {
  MemRef1 *M = (MemRef1 *)Arg;
  const int32_t *Y = (const int32_t *)M->Aligned;
  if (M->Offset != 0 || M->Sizes[0] != Batch || M->Strides[0] != 1)
    bad("y");
  for (int64_t B = 0; B < Batch; ++B)
    if (Y[B] < 0 || Y[B] > 1)
      bad("label out of range");
  return Y;
}

/* Ghost batch norm only exists in training mode. */
static void checkTrainBatch(int64_t Batch) {
#ifdef FAKE_VBS
  if (Batch % FAKE_VBS != 0)
    bad("batch not divisible by the virtual batch size");
#else
  (void)Batch;
#endif
}

static void *scalar(void *Arg) {
  MemRef0 *M = (MemRef0 *)Arg;
  if (M->Offset != 0 || !M->Aligned)
    bad("scalar");
  return M->Aligned;
}

/* logits = x*W + b - (Train ? mean_B : moving_mean); Mean gets mean_B. */
static void forward(const float *S, const float *X, int64_t N, int Train,
                    float *Logits, float Mean[2]) {
  for (int64_t B = 0; B < N; ++B)
    for (int J = 0; J < 2; ++J) {
      float Z = S[Bias + J];
      for (int I = 0; I < 3; ++I)
        Z += X[B * 3 + I] * S[Kernel + I * 2 + J];
      Logits[B * 2 + J] = Z;
    }
  for (int J = 0; J < 2; ++J) {
    double Sum = 0;
    for (int64_t B = 0; B < N; ++B)
      Sum += Logits[B * 2 + J];
    Mean[J] = (float)(Sum / N);
  }
  for (int64_t B = 0; B < N; ++B)
    for (int J = 0; J < 2; ++J)
      Logits[B * 2 + J] -= Train ? Mean[J] : S[MovingMean + J];
}

/* Returns the mean cross-entropy; Grad (if not null) gets dLoss/dlogits. */
static float crossEntropy(const float *Logits, const int32_t *Y, int64_t N,
                          float *Grad) {
  double Sum = 0;
  for (int64_t B = 0; B < N; ++B) {
    float A = Logits[B * 2], C = Logits[B * 2 + 1];
    float Max = A > C ? A : C;
    float Lse = Max + logf(expf(A - Max) + expf(C - Max));
    Sum += Lse - Logits[B * 2 + Y[B]];
    if (Grad)
      for (int J = 0; J < 2; ++J)
        Grad[B * 2 + J] =
            (expf(Logits[B * 2 + J] - Lse) - (J == Y[B] ? 1.0f : 0.0f)) / N;
  }
  return (float)(Sum / N);
}

static float l2(const float *S) {
  float Sum = 0;
  for (int K = 0; K < 6; ++K)
    Sum += S[Kernel + K] * S[Kernel + K];
  return 0.01f * Sum;
}

static void forwardEntry(void **Args, int Train) {
  float *S = arena(Args[0]);
  int64_t N;
  float *X = input(Args[1], &N);
  float Mean[2];
  if (Train)
    checkTrainBatch(N);
  forward(S, X, N, Train, output(Args[2], N), Mean);
}

void modelc_entry_forward_infer(void **Args) { forwardEntry(Args, 0); }
void modelc_entry_forward_train(void **Args) { forwardEntry(Args, 1); }

void modelc_entry_eval(void **Args) {
  float *S = arena(Args[0]);
  int64_t N;
  float *X = input(Args[1], &N);
  const int32_t *Y = labels(Args[2], N);
  float *Logits = output(Args[3], N);
  float Mean[2];
  forward(S, X, N, 0, Logits, Mean);
  float DataLoss = crossEntropy(Logits, Y, N, NULL);
  *(float *)scalar(Args[4]) = DataLoss + l2(S);
  *(float *)scalar(Args[5]) = DataLoss;
}

void modelc_entry_train_step(void **Args) {
  float *S = arena(Args[0]);
  int64_t N;
  float *X = input(Args[1], &N);
  const int32_t *Y = labels(Args[2], N);
  float *Logits = output(Args[3], N);
  int64_t Step = *(int64_t *)scalar(Args[6]);
  int64_t Seed = *(int64_t *)scalar(Args[7]);
  float Mean[2];
  checkTrainBatch(N);
  forward(S, X, N, 1, Logits, Mean);
  float *Dy = (float *)malloc(sizeof(float) * 2 * N);
  if (!Dy)
    abort();
  float DataLoss = crossEntropy(Logits, Y, N, Dy);
  *(float *)scalar(Args[4]) = DataLoss + l2(S);
  *(float *)scalar(Args[5]) = DataLoss;

  /* Back through the centering: dz = dy - mean_B(dy). */
  float DyMean[2] = {0, 0};
  for (int64_t B = 0; B < N; ++B)
    for (int J = 0; J < 2; ++J)
      DyMean[J] += Dy[B * 2 + J] / N;
  float G[8] = {0};
  for (int64_t B = 0; B < N; ++B)
    for (int J = 0; J < 2; ++J) {
      float Dz = Dy[B * 2 + J] - DyMean[J];
      for (int I = 0; I < 3; ++I)
        G[I * 2 + J] += X[B * 3 + I] * Dz;
      G[6 + J] += Dz;
    }
  free(Dy);
  for (int K = 0; K < 6; ++K)
    G[K] += 0.02f * S[Kernel + K];

  float Lr = 0.1f / (1.0f + 0.01f * (float)Step) *
             (1.0f + (float)(((Seed % 7) + 7) % 7) / 1000.0f);
  for (int K = 0; K < 8; ++K) {
    float *Acc = &S[KernelAcc + K]; /* Kernel and bias slots are adjacent. */
    float *W = K < 6 ? &S[Kernel + K] : &S[Bias + K - 6];
    *Acc = 0.9f * *Acc + G[K];
    *W -= Lr * *Acc;
  }
  for (int J = 0; J < 2; ++J)
    S[MovingMean + J] = 0.9f * S[MovingMean + J] + 0.1f * Mean[J];
}
