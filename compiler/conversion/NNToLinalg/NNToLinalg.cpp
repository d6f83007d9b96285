//===- NNToLinalg.cpp - the convert-nn-to-linalg pass ---------------------===//
//
// Collects every op family's patterns and lowers the nn compute ops. State
// access (nn.variable, nn.read, nn.assign) and the train step's optimizer,
// moving-average, regularizer and learning-rate ops stay for later passes.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"

#include "modelc/Conversion/Passes.h"
#include "modelc/Dialect/NN/NNDialect.h"
#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::nn {
#define GEN_PASS_DEF_CONVERTNNTOLINALG
#include "modelc/Conversion/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {
struct ConvertNNToLinalgPass
    : public nn::impl::ConvertNNToLinalgBase<ConvertNNToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect>();
    target.addIllegalDialect<nn::NNDialect>();
    target.addLegalOp<nn::VariableOp, nn::ReadOp, nn::AssignOp,
                      nn::LearningRateOp, nn::ClipGlobalNormOp, nn::SgdOp,
                      nn::MomentumOp, nn::AdamOp, nn::RmspropOp,
                      nn::MovingAverageOp, nn::RegularizerOp>();

    RewritePatternSet patterns(ctx);
    nn::populateConvPatterns(patterns);
    nn::populateDensePatterns(patterns);
    nn::populateEmbeddingPatterns(patterns);
    nn::populateBatchNormPatterns(patterns);
    nn::populatePoolPatterns(patterns);
    nn::populateElementwisePatterns(patterns);
    nn::populateShapePatterns(patterns);
    nn::populateLossPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
