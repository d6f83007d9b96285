//===- profile.h - time per compiled kernel (bench --profile) -------------===//
//
// A model compiled with `modelc --profile` calls modelc_kernel_begin(id) and
// modelc_kernel_end(id) around each kernel; while profiling is on, the
// runtime sums each kernel's wall time. One thread calls the kernels (the
// threads of a kernel run inside it), so no locking is needed.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_RUNTIME_PROFILE_H
#define MODELC_RUNTIME_PROFILE_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace modelc::rt {

struct KernelTime {
  double Seconds = 0;
  int64_t Calls = 0;
};

/// Starts collecting for `Kernels` kernels, from zero.
void startProfile(std::size_t Kernels);
/// Stops collecting; returns each kernel's totals (indexed by id).
std::vector<KernelTime> stopProfile();

} // namespace modelc::rt

#endif
