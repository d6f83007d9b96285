//===- Registration.cpp - every modelc pass, by name ----------------------===//
#include "modelc/Codegen/Passes.h"
#include "modelc/Conversion/Passes.h"
#include "modelc/Pipeline/Pipeline.h"
#include "modelc/Transforms/Passes.h"

void modelc::registerModelcPasses() {
  mlir::nn::registerNNTransformsPasses();
  mlir::nn::registerNNConversionPasses();
  mlir::nn::registerCodegenPasses();
}
