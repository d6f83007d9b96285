//===- nn_ir.h - the front-end fuzzers' IR check -------------*- C++ -*-===//
//
// Shared by the model-syntax and ONNX fuzz targets: an accepted model must
// build nn IR that verifies.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_FUZZ_NN_IR_H
#define MODELC_FUZZ_NN_IR_H

#include "modelc/Dialect/NN/NNDialect.h"
#include "modelc/Frontend/IRGen.h"
#include "modelc/Frontend/Model.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <string>

namespace modelc::fuzz {

inline mlir::MLIRContext &context() {
  static mlir::MLIRContext *ctx = [] {
    auto *c = new mlir::MLIRContext();
    c->loadDialect<mlir::nn::NNDialect, mlir::func::FuncDialect>();
    c->allowUnregisteredDialects(false);
    return c;
  }();
  return *ctx;
}

/// The verifier's messages when `model`'s nn IR does not verify, else "".
inline std::string nnIRErrors(const Model &model) {
  std::string errors;
  mlir::ScopedDiagnosticHandler handler(&context(), [&](mlir::Diagnostic &d) {
    errors += d.str() + "\n";
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module = buildNNModule(context(), model);
  if (!module || failed(mlir::verify(*module)))
    return errors.empty() ? std::string("(no message)\n") : errors;
  return "";
}

} // namespace modelc::fuzz

#endif
