/*===- library.h - The library form's C API, before renaming ------*- C -*-===//
 *
 * `modelc --emit=lib` links these functions with one compiled model into a
 * single object and renames every `modelc_api_X` to `<prefix>_X`; all other
 * symbols of the object become local, so several models link into one
 * program. The generated header (<name>.h) declares the renamed functions
 * plus typed forms of train_step/predict/eval with one pointer per input,
 * label and output (compiler/pipeline/LibraryABI.cpp). docs/RUNTIME_ABI.md,
 * "The library", is the contract.
 *
 *===----------------------------------------------------------------------===*/

#ifndef MODELC_RUNTIME_LIBRARY_H
#define MODELC_RUNTIME_LIBRARY_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MODELC_API_ABI_VERSION 1

/* Status codes: every function that can fail returns one. */
enum {
  MODELC_API_OK = 0,
  MODELC_API_INVALID_ARGUMENT = 1, /* null pointer, batch, mode, range */
  MODELC_API_FILE = 2,        /* cannot read/write, foreign or bad file */
  MODELC_API_NUMERIC = 3,     /* the loss is NaN or Inf */
  MODELC_API_UNSUPPORTED = 4, /* e.g. train_step of an inference-only build */
  MODELC_API_OUT_OF_MEMORY = 5,
  MODELC_API_INTERNAL = 6
};

enum { MODELC_API_MODE_INFER = 0, MODELC_API_MODE_TRAIN = 1 };

typedef struct modelc_api_model modelc_api_model;

int modelc_api_abi_version(void);
const char *modelc_api_signature_json(void);

int modelc_api_create(modelc_api_model **model, int64_t seed);
void modelc_api_destroy(modelc_api_model *model);
int modelc_api_init(modelc_api_model *model, int64_t seed);
int modelc_api_load(modelc_api_model *model, const char *path);
int modelc_api_save(modelc_api_model *model, const char *path);
const char *modelc_api_last_error(const modelc_api_model *model);
int modelc_api_set_threads(modelc_api_model *model, int threads);

/* Buffers in the model's order of inputs, labels and outputs (the
 * signature); each holds `batch` examples, C order. */
int modelc_api_train_step_arrays(modelc_api_model *model,
                                 const void *const *inputs,
                                 const void *const *labels, int64_t batch,
                                 float *loss);
int modelc_api_predict_arrays(modelc_api_model *model, int mode,
                              const void *const *inputs, int64_t batch,
                              void *const *outputs);
int modelc_api_eval_arrays(modelc_api_model *model, const void *const *inputs,
                           const void *const *labels, int64_t batch,
                           float *loss, float *accuracy);

int64_t modelc_api_state_count(const modelc_api_model *model);
int64_t modelc_api_state_find(const modelc_api_model *model,
                              const char *name);
const char *modelc_api_state_name(const modelc_api_model *model,
                                  int64_t index);
const char *modelc_api_state_role(const modelc_api_model *model,
                                  int64_t index);
int32_t modelc_api_state_rank(const modelc_api_model *model, int64_t index);
const int64_t *modelc_api_state_shape(const modelc_api_model *model,
                                      int64_t index);
int64_t modelc_api_state_size(const modelc_api_model *model, int64_t index);
float *modelc_api_state_data(modelc_api_model *model, int64_t index);
int64_t modelc_api_global_step(const modelc_api_model *model);
int modelc_api_set_global_step(modelc_api_model *model, int64_t step);

#ifdef __cplusplus
}
#endif

#endif /* MODELC_RUNTIME_LIBRARY_H */
