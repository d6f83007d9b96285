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
/// Activations, nn.bias_add, nn.add.
void populateElementwisePatterns(RewritePatternSet &patterns);
/// nn.reshape, nn.concat.
void populateShapePatterns(RewritePatternSet &patterns);
/// The losses.
void populateLossPatterns(RewritePatternSet &patterns);
/// nn.softmax, nn.softmax_grad.
void populateSoftmaxPatterns(RewritePatternSet &patterns);
/// nn.mul, nn.mul_grad.
void populateMulPatterns(RewritePatternSet &patterns);
/// Gradients (NNTrainOps.td), one file per forward family:
/// nn.conv2d_grad_input, nn.conv2d_grad_kernel.
void populateConvGradPatterns(RewritePatternSet &patterns);
/// nn.matmul, nn.channel_sum.
void populateDenseGradPatterns(RewritePatternSet &patterns);
/// nn.embedding_grad.
void populateEmbeddingGradPatterns(RewritePatternSet &patterns);
/// nn.batch_norm_grad.
void populateBatchNormGradPatterns(RewritePatternSet &patterns);
/// nn.pool2d_grad, nn.global_pool2d_grad.
void populatePoolGradPatterns(RewritePatternSet &patterns);
/// nn.activation_grad.
void populateElementwiseGradPatterns(RewritePatternSet &patterns);
/// nn.slice.
void populateShapeGradPatterns(RewritePatternSet &patterns);
/// nn.softmax_cross_entropy_grad, nn.sigmoid_cross_entropy_grad,
/// nn.mean_squared_error_grad.
void populateLossGradPatterns(RewritePatternSet &patterns);
/// nn.learning_rate, nn.clip_global_norm, nn.sgd, nn.momentum, nn.adam,
/// nn.rmsprop.
void populateOptimizerPatterns(RewritePatternSet &patterns);
/// nn.moving_average, nn.variance_correction, nn.stddev, nn.scalar,
/// nn.constraint.
void populateStatePatterns(RewritePatternSet &patterns);
/// nn.regularizer, nn.regularizer_grad.
void populateRegularizerPatterns(RewritePatternSet &patterns);
/// nn.dropout.
void populateDropoutPatterns(RewritePatternSet &patterns);
/// nn.batch_norm_fold (inference-only builds).
void populateBatchNormFoldPatterns(RewritePatternSet &patterns);

} // namespace nn
} // namespace mlir

#endif
