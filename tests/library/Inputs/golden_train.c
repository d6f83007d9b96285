/* Trains the golden digits_cnn through its library, as the executable's
 * `train --init INIT --batch-size B --no-shuffle --steps S` does, then
 * predicts and evaluates the held-out set. Data come as raw little-endian
 * files (the test converts the golden .npz with NumPy).
 *
 * usage: golden_train X.bin Y.bin N INIT.npz B S CKPT.npz HX.bin HY.bin HN
 *                     INFER.bin TRAIN.bin
 * prints: "loss L" per step, then "eval LOSS ACCURACY". */
#include "digits_cnn.h"

#include <stdio.h>
#include <stdlib.h>

static void *readAll(const char *path, size_t bytes) {
  FILE *f = fopen(path, "rb");
  void *p = malloc(bytes);
  if (!f || !p || fread(p, 1, bytes, f) != bytes) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(1);
  }
  fclose(f);
  return p;
}

static void writeAll(const char *path, const void *p, size_t bytes) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(p, 1, bytes, f) != bytes || fclose(f) != 0) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(1);
  }
}

static void check(digits_cnn_model *m, digits_cnn_status s, const char *what) {
  if (s != DIGITS_CNN_OK) {
    fprintf(stderr, "%s failed (%d): %s\n", what, (int)s,
            digits_cnn_last_error(m));
    exit(1);
  }
}

int main(int argc, char **argv) {
  enum { X = DIGITS_CNN_INPUT_X_EXAMPLE_ELEMENTS };
  enum { K = DIGITS_CNN_OUTPUT_LOGITS_EXAMPLE_ELEMENTS };
  digits_cnn_model *m;
  long n, batch, steps, hn, g;
  float *x, *hx, *infer, *train, loss, acc;
  int32_t *y, *hy;
  if (argc != 13) {
    fprintf(stderr, "usage: see the source\n");
    return 2;
  }
  if (digits_cnn_abi_version() != DIGITS_CNN_ABI_VERSION) {
    fprintf(stderr, "ABI version mismatch\n");
    return 1;
  }
  n = atol(argv[3]);
  batch = atol(argv[5]);
  steps = atol(argv[6]);
  hn = atol(argv[10]);
  x = readAll(argv[1], sizeof(float) * X * n);
  y = readAll(argv[2], sizeof(int32_t) * n);
  hx = readAll(argv[8], sizeof(float) * X * hn);
  hy = readAll(argv[9], sizeof(int32_t) * hn);
  infer = malloc(sizeof(float) * K * hn);
  train = malloc(sizeof(float) * K * hn);

  check(NULL, digits_cnn_create(&m, DIGITS_CNN_SEED), "create");
  check(m, digits_cnn_load(m, argv[4]), "load");
  /* No shuffle: step g trains batch g % S of the file's order. */
  for (g = digits_cnn_global_step(m); g < steps; g = digits_cnn_global_step(m)) {
    long per = (n + batch - 1) / batch, first = (g % per) * batch;
    long count = n - first < batch ? n - first : batch;
    check(m, digits_cnn_train_step(m, x + first * X, y + first, count, &loss),
          "train_step");
    printf("loss %.9g\n", loss);
  }
  check(m, digits_cnn_save(m, argv[7]), "save");
  check(m, digits_cnn_predict(m, DIGITS_CNN_MODE_INFER, hx, hn, infer),
        "predict infer");
  check(m, digits_cnn_predict(m, DIGITS_CNN_MODE_TRAIN, hx, hn, train),
        "predict train");
  check(m, digits_cnn_eval(m, hx, hy, hn, &loss, &acc), "eval");
  printf("eval %.9g %.9g\n", loss, acc);
  writeAll(argv[11], infer, sizeof(float) * K * hn);
  writeAll(argv[12], train, sizeof(float) * K * hn);
  digits_cnn_destroy(m);
  free(x); free(y); free(hx); free(hy); free(infer); free(train);
  return 0;
}
