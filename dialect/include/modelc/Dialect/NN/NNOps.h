//===- NNOps.h - nn dialect operations --------------------------*- C++ -*-===//
#ifndef MODELC_DIALECT_NN_NNOPS_H
#define MODELC_DIALECT_NN_NNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "modelc/Dialect/NN/NNDialect.h"
#include "modelc/Dialect/NN/NNInterfaces.h"

#define GET_OP_CLASSES
#include "modelc/Dialect/NN/NNOps.h.inc"

#endif
