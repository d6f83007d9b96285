/* Two compiled models in one program: digits_cnn (default prefix) and
 * textcnn_small built with --lib-prefix=tcnn. Each library carries its own
 * copy of the runtime with every internal symbol local, so they link side
 * by side; each trains one step and predicts. */
#include "digits_cnn.h"
#include "textcnn_small.h"

#include <stdio.h>

int main(void) {
  enum { DX = DIGITS_CNN_INPUT_X_EXAMPLE_ELEMENTS };
  enum { TX = TCNN_INPUT_X_EXAMPLE_ELEMENTS };
  float dx[2 * DX], dlogits[2 * 10], tlogits[2 * TCNN_OUTPUT_LOGITS_EXAMPLE_ELEMENTS];
  int32_t dy[2] = {3, 7}, ty[2] = {0, 1}, tx[2 * TX];
  float dloss = 0, tloss = 0;
  digits_cnn_model *d;
  tcnn_model *t;
  int i, ok = 1;
  for (i = 0; i < 2 * DX; ++i)
    dx[i] = (float)(i % 5) / 5.0f;
  for (i = 0; i < 2 * TX; ++i)
    tx[i] = i % 50;
  ok &= digits_cnn_create(&d, DIGITS_CNN_SEED) == DIGITS_CNN_OK;
  ok &= tcnn_create(&t, TCNN_SEED) == TCNN_OK;
  ok &= digits_cnn_train_step(d, dx, dy, 2, &dloss) == DIGITS_CNN_OK;
  ok &= tcnn_train_step(t, tx, ty, 2, &tloss) == TCNN_OK;
  ok &= digits_cnn_predict(d, DIGITS_CNN_MODE_INFER, dx, 2, dlogits) == 0;
  ok &= tcnn_predict(t, TCNN_MODE_INFER, tx, 2, tlogits) == TCNN_OK;
  printf("%s %lld states, global_step %lld\n", DIGITS_CNN_MODEL_NAME,
         (long long)digits_cnn_state_count(d),
         (long long)digits_cnn_global_step(d));
  printf("%s %lld states, global_step %lld\n", TCNN_MODEL_NAME,
         (long long)tcnn_state_count(t), (long long)tcnn_global_step(t));
  printf("%s\n", ok ? "both ok" : "FAILED");
  digits_cnn_destroy(d);
  tcnn_destroy(t);
  return ok ? 0 : 1;
}
