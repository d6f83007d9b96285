/* Every status path of the library ABI, on digits_cnn (a training build, or
 * an --inference-only one when its header says so). Prints one line per
 * call: "<what>: <status> <message>".
 *
 * usage: status FOREIGN.npz MISSING.npz CKPT.npz */
#include "digits_cnn.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static digits_cnn_model *m;

static void show(const char *what, digits_cnn_status s) {
  printf("%s: %d %s\n", what, (int)s, digits_cnn_last_error(m));
}

int main(int argc, char **argv) {
  enum { B = 4, X = DIGITS_CNN_INPUT_X_EXAMPLE_ELEMENTS };
  float x[B * X], logits[B * 10], loss = 0, acc = 0;
  int32_t y[B] = {0, 1, 2, 3};
  const void *inputs[1] = {NULL};
  int i;
  if (argc != 4)
    return 2;
  for (i = 0; i < B * X; ++i)
    x[i] = (float)(i % 7) / 7.0f;

  printf("create NULL: %d %s\n", (int)digits_cnn_create(NULL, 1),
         digits_cnn_last_error(NULL));
  show("create", digits_cnn_create(&m, 1));
  show("load missing file", digits_cnn_load(m, "/nonexistent/ckpt.npz"));
  show("load foreign", digits_cnn_load(m, argv[1]));
  show("load missing array", digits_cnn_load(m, argv[2]));
  show("load NULL", digits_cnn_load(m, NULL));
  show("save unwritable", digits_cnn_save(m, "/nonexistent/dir/ckpt.npz"));
  show("save", digits_cnn_save(m, argv[3]));
  show("load", digits_cnn_load(m, argv[3]));
  show("set_threads -1", digits_cnn_set_threads(m, -1));
  show("set_threads 1", digits_cnn_set_threads(m, 1));
  show("set_global_step -5", digits_cnn_set_global_step(m, -5));
  show("predict mode 7", digits_cnn_predict(m, 7, x, B, logits));
  show("predict batch 0", digits_cnn_predict(m, DIGITS_CNN_MODE_INFER, x, 0,
                                             logits));
  show("predict NULL input", digits_cnn_predict(m, DIGITS_CNN_MODE_INFER, NULL,
                                                B, logits));
  show("predict NULL output", digits_cnn_predict(m, DIGITS_CNN_MODE_INFER, x,
                                                 B, NULL));
  show("predict_arrays NULL inputs",
       digits_cnn_predict_arrays(m, DIGITS_CNN_MODE_INFER, NULL, B, NULL));
  (void)inputs;
  show("predict", digits_cnn_predict(m, DIGITS_CNN_MODE_INFER, x, B, logits));
#if !DIGITS_CNN_HAS_TRAIN_STEP
  show("train_step", digits_cnn_train_step(m, x, y, B, &loss));
  show("eval", digits_cnn_eval(m, x, y, B, &loss, &acc));
  show("predict train", digits_cnn_predict(m, DIGITS_CNN_MODE_TRAIN, x, B,
                                           logits));
  digits_cnn_destroy(m);
  return 0;
#endif
  show("eval", digits_cnn_eval(m, x, y, B, &loss, &acc));
  y[2] = 10;
  show("eval label 10", digits_cnn_eval(m, x, y, B, &loss, &acc));
  show("train_step label 10", digits_cnn_train_step(m, x, y, B, &loss));
  y[2] = 2;
  show("train_step batch -1", digits_cnn_train_step(m, x, y, -1, &loss));
  show("train_step NULL label", digits_cnn_train_step(m, x, NULL, B, &loss));
  show("train_step", digits_cnn_train_step(m, x, y, B, &loss));
  printf("global_step %lld\n", (long long)digits_cnn_global_step(m));
  x[5] = NAN;
  show("train_step NaN input", digits_cnn_train_step(m, x, y, B, &loss));
  printf("global_step %lld\n", (long long)digits_cnn_global_step(m));
  printf("state -1: %s %p %lld %d\n",
         digits_cnn_state_name(m, -1) ? "name" : "NULL",
         (void *)digits_cnn_state_data(m, -1),
         (long long)digits_cnn_state_size(m, -1),
         (int)digits_cnn_state_rank(m, -1));
  printf("state %d: %s\n", DIGITS_CNN_STATE_COUNT,
         digits_cnn_state_name(m, DIGITS_CNN_STATE_COUNT) ? "name" : "NULL");
  printf("find conv1/kernel: %s %s rank %d\n",
         digits_cnn_state_name(m, digits_cnn_state_find(m, "conv1/kernel")),
         digits_cnn_state_role(m, digits_cnn_state_find(m, "conv1/kernel")),
         (int)digits_cnn_state_rank(m, digits_cnn_state_find(m, "conv1/kernel")));
  printf("find nope: %lld\n", (long long)digits_cnn_state_find(m, "nope"));
  printf("NULL model: %d %d %lld\n", (int)digits_cnn_init(NULL, 1),
         (int)digits_cnn_train_step(NULL, x, y, B, &loss),
         (long long)digits_cnn_state_count(NULL));
  digits_cnn_destroy(m);
  digits_cnn_destroy(NULL);
  return 0;
}
