//===- profile.cpp - time per compiled kernel (bench --profile) -----------===//
#include "modelc/runtime/profile.h"

#include <chrono>

namespace {
bool Active = false;
std::vector<modelc::rt::KernelTime> Times;
std::chrono::steady_clock::time_point Started;
} // namespace

extern "C" void modelc_kernel_begin(int32_t) {
  if (Active)
    Started = std::chrono::steady_clock::now();
}

extern "C" void modelc_kernel_end(int32_t Id) {
  if (!Active || Id < 0 || static_cast<size_t>(Id) >= Times.size())
    return;
  Times[Id].Seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Started)
          .count();
  ++Times[Id].Calls;
}

void modelc::rt::startProfile(size_t Kernels) {
  Times.assign(Kernels, KernelTime{});
  Active = true;
}

std::vector<modelc::rt::KernelTime> modelc::rt::stopProfile() {
  Active = false;
  return Times;
}
