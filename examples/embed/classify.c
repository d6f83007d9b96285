/* Classifies Fashion-MNIST images with a model compiled as a C library:
 * loads a checkpoint trained by the executable, reads the images straight
 * from the dataset's IDX files and predicts them in batches.
 *
 *   modelc examples/fashion_cnn.json --emit=lib -o lib
 *   cc -I lib examples/embed/classify.c lib/libfashion_cnn.a -lz -lm \
 *      -L/usr/lib/llvm-22/lib -lomp -Wl,-rpath,/usr/lib/llvm-22/lib -o classify
 *   ./classify fashion.ckpt.npz t10k-images-idx3-ubyte.gz \
 *      t10k-labels-idx1-ubyte.gz [--print N]
 *
 * (zlib is for the .gz files only; the library itself needs none.) */
#include "fashion_cnn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { PIXELS = FASHION_CNN_INPUT_X_EXAMPLE_ELEMENTS, BATCH = 256 };
enum { CLASSES = FASHION_CNN_OUTPUT_LOGITS_EXAMPLE_ELEMENTS };

static const char *names[10] = {"T-shirt/top", "Trouser", "Pullover",
                                "Dress",       "Coat",    "Sandal",
                                "Shirt",       "Sneaker", "Bag",
                                "Ankle boot"};

/* An IDX file's bytes after its header; *count = the first dimension. */
static unsigned char *readIdx(const char *path, long itemBytes, long *count) {
  unsigned char head[16];
  unsigned char *data;
  long per = 1;
  int dims, i;
  gzFile f = gzopen(path, "rb");
  if (!f || gzread(f, head, 4) != 4) {
    fprintf(stderr, "classify: cannot read %s\n", path);
    exit(1);
  }
  dims = head[3];
  if (dims < 1 || dims > 3 || gzread(f, head + 4, 4 * dims) != 4 * dims) {
    fprintf(stderr, "classify: %s is not an IDX file\n", path);
    exit(1);
  }
  *count = ((long)head[4] << 24) | (head[5] << 16) | (head[6] << 8) | head[7];
  for (i = 1; i < dims; ++i) /* rows x cols must be the model's input */
    per *= ((long)head[4 + 4 * i + 2] << 8) | head[4 + 4 * i + 3];
  if (per != itemBytes) {
    fprintf(stderr, "classify: %s holds items of %ld bytes, expected %ld\n",
            path, per, itemBytes);
    exit(1);
  }
  data = malloc((size_t)(*count * itemBytes));
  if (!data || gzread(f, data, (unsigned)(*count * itemBytes)) !=
                   (int)(*count * itemBytes)) {
    fprintf(stderr, "classify: %s is truncated\n", path);
    exit(1);
  }
  gzclose(f);
  return data;
}

int main(int argc, char **argv) {
  fashion_cnn_model *model;
  unsigned char *images, *labels;
  long n, nLabels, first, i, correct = 0, show = 0;
  static float x[BATCH * PIXELS], logits[BATCH * CLASSES];
  if (argc != 4 && !(argc == 6 && strcmp(argv[4], "--print") == 0)) {
    fprintf(stderr, "usage: classify CKPT.npz IMAGES.gz LABELS.gz "
                    "[--print N]\n");
    return 2;
  }
  if (argc == 6)
    show = atol(argv[5]);
  images = readIdx(argv[2], PIXELS, &n);
  labels = readIdx(argv[3], 1, &nLabels);
  if (n != nLabels) {
    fprintf(stderr, "classify: %ld images but %ld labels\n", n, nLabels);
    return 1;
  }
  if (fashion_cnn_create(&model, FASHION_CNN_SEED) != FASHION_CNN_OK ||
      fashion_cnn_load(model, argv[1]) != FASHION_CNN_OK) {
    fprintf(stderr, "classify: %s\n", fashion_cnn_last_error(model));
    return 1;
  }
  for (first = 0; first < n; first += BATCH) {
    long count = n - first < BATCH ? n - first : BATCH;
    /* The executable's data are the same pixels scaled to [0, 1]. */
    for (i = 0; i < count * PIXELS; ++i)
      x[i] = images[first * PIXELS + i] / 255.0f;
    if (fashion_cnn_predict(model, FASHION_CNN_MODE_INFER, x, count,
                            logits) != FASHION_CNN_OK) {
      fprintf(stderr, "classify: %s\n", fashion_cnn_last_error(model));
      return 1;
    }
    for (i = 0; i < count; ++i) {
      int k, best = 0;
      for (k = 1; k < CLASSES; ++k)
        if (logits[i * CLASSES + k] > logits[i * CLASSES + best])
          best = k;
      correct += best == labels[first + i];
      if (first + i < show)
        printf("image %ld: %d %s (label %d)\n", first + i, best, names[best],
               labels[first + i]);
    }
  }
  printf("accuracy %.4f on %ld images (checkpoint at global_step %lld)\n",
         (double)correct / n, n, (long long)fashion_cnn_global_step(model));
  fashion_cnn_destroy(model);
  free(images);
  free(labels);
  return 0;
}
