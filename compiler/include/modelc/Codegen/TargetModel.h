//===- TargetModel.h - what the tile planner knows of the CPU ---*- C++ -*-===//
//
// codegen-plan-tiles's options (one each); the driver fills them from LLVM's
// description of --target-cpu (compiler/pipeline/TargetDescription.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_CODEGEN_TARGETMODEL_H
#define MODELC_CODEGEN_TARGETMODEL_H

#include <cstdint>

namespace mlir::nn {

struct TargetModel {
  /// f32 lanes of a vector register.
  int64_t lanes = 16;
  /// Vector registers, and how many a contraction's accumulators may use.
  int64_t vectorRegisters = 32;
  int64_t accumulatorRegisters = 16;
  /// Cycles from one vector FMA to the next that reads its result.
  int64_t fmaLatency = 4;
  /// Vector FMAs and vector loads issued per cycle.
  double fmasPerCycle = 1;
  double loadsPerCycle = 2;
  /// Bytes of the L1 data and L2 caches of one core.
  int64_t l1Bytes = 32 << 10;
  int64_t l2Bytes = 1 << 20;
  /// Bytes the L2 delivers to the L1 per cycle.
  int64_t l2BytesPerCycle = 64;
};

/// The largest filter (bytes) codegen-block-images reads in every block of
/// images: a larger one (a dense layer's) stays outside the blocks, read
/// once per call. nn-select-conv-algorithm needs Winograd's products inside.
inline int64_t maxBlockedFilterBytes(int64_t l2Bytes) { return l2Bytes / 4; }

} // namespace mlir::nn

#endif
