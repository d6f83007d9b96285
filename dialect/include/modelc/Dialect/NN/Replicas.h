//===- Replicas.h - data-parallel modules and the runtime's hooks -*- C++ -*-=//
//
// A module marked `nn.data_parallel` (`modelc --mpi`, SPEC 8) trains one
// shard of each batch per process; its code calls the runtime's
// `modelc_replica_*` functions (runtime/lib/replicas.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_DIALECT_NN_REPLICAS_H
#define MODELC_DIALECT_NN_REPLICAS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Operation.h"

namespace mlir::nn {

/// The unit attribute of a data-parallel module.
constexpr llvm::StringLiteral kDataParallelAttr = "nn.data_parallel";

/// True if `op` is, or is in, a data-parallel module.
bool inDataParallelModule(Operation *op);

/// Calls the runtime's C function `name` (declared in `from`'s module on
/// first use, through `b`) on scalar `args`, returning `results`.
ValueRange callRuntime(OpBuilder &b, Location loc, Operation *from,
                       StringRef name, ValueRange args, TypeRange results);

} // namespace mlir::nn

#endif
