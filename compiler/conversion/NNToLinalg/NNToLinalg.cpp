//===- NNToLinalg.cpp - the convert-nn-to-linalg pass ---------------------===//
//
// Collects every op family's patterns and lowers every nn op but the state
// access (nn.variable, nn.read, nn.assign), which stays for later passes.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"

#include "modelc/Conversion/Passes.h"
#include "modelc/Dialect/NN/NNDialect.h"
#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
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
    target.addLegalOp<nn::VariableOp, nn::ReadOp, nn::AssignOp>();
    // A collective of the runtime, bufferized into its call.
    target.addLegalOp<nn::ReplicaReduceOp>();
    target.addLegalDialect<func::FuncDialect>();
    // nn.embedding_grad lowers to a scatter-add loop.
    target.addLegalDialect<scf::SCFDialect>();
    // The gradient ops, by name, so they stay illegal whatever the
    // dialect-wide rule becomes.
    target.addIllegalOp<
        nn::Conv2DGradInputOp, nn::Conv2DGradKernelOp, nn::MatmulOp,
        nn::ChannelSumOp, nn::EmbeddingGradOp, nn::BatchNormGradOp,
        nn::ActivationGradOp, nn::Pool2DGradOp, nn::GlobalPool2DGradOp,
        nn::SliceOp, nn::SoftmaxCrossEntropyGradOp,
        nn::SigmoidCrossEntropyGradOp, nn::MeanSquaredErrorGradOp,
        nn::SoftmaxGradOp, nn::MulGradOp>();

    RewritePatternSet patterns(ctx);
    nn::populateConvPatterns(patterns);
    nn::populateDensePatterns(patterns);
    nn::populateEmbeddingPatterns(patterns);
    nn::populateBatchNormPatterns(patterns);
    nn::populatePoolPatterns(patterns);
    nn::populateElementwisePatterns(patterns);
    nn::populateShapePatterns(patterns);
    nn::populateLossPatterns(patterns);
    nn::populateSoftmaxPatterns(patterns);
    nn::populateMulPatterns(patterns);
    nn::populateConvGradPatterns(patterns);
    nn::populateDenseGradPatterns(patterns);
    nn::populateEmbeddingGradPatterns(patterns);
    nn::populateBatchNormGradPatterns(patterns);
    nn::populatePoolGradPatterns(patterns);
    nn::populateElementwiseGradPatterns(patterns);
    nn::populateShapeGradPatterns(patterns);
    nn::populateLossGradPatterns(patterns);
    nn::populateOptimizerPatterns(patterns);
    nn::populateStatePatterns(patterns);
    nn::populateRegularizerPatterns(patterns);
    nn::populateDropoutPatterns(patterns);
    nn::populateBatchNormFoldPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
