//===- modelc-opt.cpp - the nn dialect's mlir-opt -------------------------===//
//
// Registers nn, the upstream dialects modelc lowers through, and every modelc
// pass, so each stage of the pipeline can be run and tested alone.
//
//===----------------------------------------------------------------------===//
#include "modelc/Dialect/NN/NNDialect.h"
#include "modelc/Pipeline/Pipeline.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllPasses();
  modelc::registerModelcPasses();
  registry.insert<mlir::nn::NNDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "modelc optimizer driver\n", registry));
}
