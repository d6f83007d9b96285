//===- NNDialect.h - the nn dialect -----------------------------*- C++ -*-===//
#ifndef MODELC_DIALECT_NN_NNDIALECT_H
#define MODELC_DIALECT_NN_NNDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "modelc/Dialect/NN/NNEnums.h.inc"
#include "modelc/Dialect/NN/NNOpsDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "modelc/Dialect/NN/NNAttrs.h.inc"

#endif
