//===- LowerVectors.cpp - vector code to 1-D vector ops -------------------===//
//
// `codegen-lower-vectors`: codegen-vectorize leaves n-D vector code
// (contractions as outer products, multi-reductions, permuted and broadcast
// transfers); this lowers it to the 1-D, register-sized vector ops LLVM's x86
// backend takes, one family of patterns at a time (each family's output is the
// next one's input), with the vector canonicalizations in between.
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "TrailingUnitDims.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENLOWERVECTORS
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

struct CodegenLowerVectorsPass
    : nn::impl::CodegenLowerVectorsBase<CodegenLowerVectorsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    auto apply = [&](llvm::function_ref<void(RewritePatternSet &)> populate) {
      RewritePatternSet patterns(ctx);
      populate(patterns);
      vector::ExtractOp::getCanonicalizationPatterns(patterns, ctx);
      vector::BroadcastOp::getCanonicalizationPatterns(patterns, ctx);
      vector::ShapeCastOp::getCanonicalizationPatterns(patterns, ctx);
      vector::TransposeOp::getCanonicalizationPatterns(patterns, ctx);
      (void)applyPatternsGreedily(func, std::move(patterns));
    };
    // Folded views left transfers that skip trailing unit dimensions: make
    // them minor identities again before their permutations are lowered.
    apply([&](RewritePatternSet &patterns) {
      nn::populateDropTrailingUnitDimsPatterns(patterns);
    });
    apply([&](RewritePatternSet &patterns) {
      vector::populateVectorContractLoweringPatterns(
          patterns, vector::VectorContractLowering::OuterProduct);
      vector::populateVectorOuterProductLoweringPatterns(patterns);
    });
    apply([&](RewritePatternSet &patterns) {
      vector::populateVectorMultiReductionLoweringPatterns(
          patterns, vector::VectorMultiReductionLowering::InnerParallel);
    });
    apply([&](RewritePatternSet &patterns) {
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      vector::populateVectorBroadcastLoweringPatterns(patterns);
      vector::populateVectorTransposeLoweringPatterns(
          patterns, vector::VectorTransposeLowering::EltWise);
      vector::populateVectorMaskOpLoweringPatterns(patterns);
      vector::populateVectorStepLoweringPatterns(patterns);
    });
    apply([&](RewritePatternSet &patterns) {
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorTransferDropUnitDimsPatterns(patterns);
    });
    apply([&](RewritePatternSet &patterns) {
      populateVectorToSCFConversionPatterns(
          patterns,
          VectorTransferToSCFOptions().setTargetRank(1).enableFullUnroll());
    });
    apply([&](RewritePatternSet &patterns) {
      vector::populateVectorTransferLoweringPatterns(patterns,
                                                     /*maxTransferRank=*/1);
      vector::populateVectorShapeCastLoweringPatterns(patterns);
      vector::populateVectorBroadcastLoweringPatterns(patterns);
    });
  }
};

} // namespace
