//===- NNDialect.cpp - nn dialect registration ----------------------------===//
#include "modelc/Dialect/NN/NNDialect.h"
#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::nn;

#include "modelc/Dialect/NN/NNEnums.cpp.inc"
#include "modelc/Dialect/NN/NNOpsDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "modelc/Dialect/NN/NNAttrs.cpp.inc"

void NNDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "modelc/Dialect/NN/NNAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "modelc/Dialect/NN/NNOps.cpp.inc"
      >();
}
