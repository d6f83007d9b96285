//===- Patterns.h - convert-nn-to-linalg patterns, by op family -*- C++ -*-===//
//
// Internal to the NNToLinalg conversion: each op family's patterns live in
// their own file and are collected by the pass.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_CONVERSION_NNTOLINALG_PATTERNS_H
#define MODELC_CONVERSION_NNTOLINALG_PATTERNS_H

namespace mlir {
class RewritePatternSet;

namespace nn {

/// nn.conv2d.
void populateConvPatterns(RewritePatternSet &patterns);
/// nn.dense.
void populateDensePatterns(RewritePatternSet &patterns);
/// nn.embedding.
void populateEmbeddingPatterns(RewritePatternSet &patterns);
/// nn.batch_norm.
void populateBatchNormPatterns(RewritePatternSet &patterns);
/// nn.pool2d, nn.global_pool2d.
void populatePoolPatterns(RewritePatternSet &patterns);
/// Activations, nn.bias_add, nn.add, nn.dropout.
void populateElementwisePatterns(RewritePatternSet &patterns);
/// nn.reshape, nn.concat.
void populateShapePatterns(RewritePatternSet &patterns);
/// The losses.
void populateLossPatterns(RewritePatternSet &patterns);

} // namespace nn
} // namespace mlir

#endif
