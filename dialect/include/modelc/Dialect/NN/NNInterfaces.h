//===- NNInterfaces.h - interfaces of nn ops --------------------*- C++ -*-===//
#ifndef MODELC_DIALECT_NN_NNINTERFACES_H
#define MODELC_DIALECT_NN_NNINTERFACES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

#include "modelc/Dialect/NN/NNInterfaces.h.inc"

#endif
