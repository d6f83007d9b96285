/* Loads lib<name>.so at run time with dlopen and calls it through dlsym:
 * the shared library needs nothing the program does not provide. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>

typedef int (*version_fn)(void);
typedef int (*create_fn)(void **, int64_t);
typedef int (*predict_fn)(void *, int, const float *, int64_t, float *);
typedef void (*destroy_fn)(void *);

int main(int argc, char **argv) {
  void *lib, *m = NULL;
  float x[64] = {0}, logits[10];
  version_fn version;
  create_fn create;
  predict_fn predict;
  destroy_fn destroy;
  if (argc != 2)
    return 2;
  lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    printf("dlopen failed: %s\n", dlerror());
    return 1;
  }
  version = (version_fn)dlsym(lib, "digits_cnn_abi_version");
  create = (create_fn)dlsym(lib, "digits_cnn_create");
  predict = (predict_fn)dlsym(lib, "digits_cnn_predict");
  destroy = (destroy_fn)dlsym(lib, "digits_cnn_destroy");
  if (!version || !create || !predict || !destroy)
    return 1;
  printf("abi %d\n", version());
  printf("create %d\n", create(&m, 1));
  printf("predict %d\n", predict(m, 0, x, 1, logits));
  printf("internal symbol %s\n",
         dlsym(lib, "modelc_api_create") ? "VISIBLE" : "hidden");
  destroy(m);
  dlclose(lib);
  return 0;
}
