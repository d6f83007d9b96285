// RUN: modelc-opt %s -split-input-file -nn-fold-batch-norm | FileCheck %s

// Inference-mode batch norm after a conv: the conv takes the folded kernel
// and bias, and no batch norm is left.
// CHECK-LABEL: func.func @conv_bn
// CHECK: %[[K:.*]], %[[B:.*]] = nn.batch_norm_fold %{{.*}} gamma(%{{.*}}) beta(%{{.*}}) moving(%{{.*}}, %{{.*}}) {epsilon = 1.000000e-03 : f32}
// CHECK: %[[Y:.*]] = nn.conv2d %{{.*}}, %[[K]] bias(%[[B]])
// CHECK-NOT: nn.batch_norm %
// CHECK: return %[[Y]]
func.func @conv_bn(%x: tensor<?x8x8x1xf32>, %k: tensor<3x3x1x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %mm: tensor<4xf32>, %mv: tensor<4xf32>) -> tensor<?x8x8x4xf32> {
  %f = arith.constant false
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<same>} : (tensor<?x8x8x1xf32>, tensor<3x3x1x4xf32>) -> tensor<?x8x8x4xf32>
  %1, %m, %v = nn.batch_norm %0 gamma(%g) beta(%b) moving(%mm, %mv) training(%f) {axis = 3 : i64, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = true, scale = true, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x8x8x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, i1) -> (tensor<?x8x8x4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %1 : tensor<?x8x8x4xf32>
}

// -----

// Dense with a bias, batch norm without gamma (scale = false).
// CHECK-LABEL: func.func @dense_bn
// CHECK: nn.batch_norm_fold %{{.*}} bias(%{{.*}}) beta(%{{.*}}) moving
// CHECK: nn.dense
// CHECK-NOT: nn.batch_norm %
func.func @dense_bn(%x: tensor<?x5xf32>, %k: tensor<5x3xf32>, %bias: tensor<3xf32>, %b: tensor<3xf32>, %mm: tensor<3xf32>, %mv: tensor<3xf32>) -> tensor<?x3xf32> {
  %f = arith.constant false
  %0 = nn.dense %x, %k bias(%bias) : (tensor<?x5xf32>, tensor<5x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %1, %m, %v = nn.batch_norm %0 beta(%b) moving(%mm, %mv) training(%f) {axis = 1 : i64, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = true, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, i1) -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %1 : tensor<?x3xf32>
}

// -----

// Training mode (batch statistics) and a conv output used twice stay.
// CHECK-LABEL: func.func @not_folded
// CHECK-NOT: nn.batch_norm_fold
// CHECK: nn.batch_norm
// CHECK: nn.batch_norm
func.func @not_folded(%x: tensor<?x5xf32>, %k: tensor<5x3xf32>, %mm: tensor<3xf32>, %mv: tensor<3xf32>) -> (tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>) {
  %t = arith.constant true
  %f = arith.constant false
  %0 = nn.dense %x, %k : (tensor<?x5xf32>, tensor<5x3xf32>) -> tensor<?x3xf32>
  %1, %m, %v = nn.batch_norm %0 moving(%mm, %mv) training(%t) {axis = 1 : i64, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, i1) -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>)
  %2 = nn.dense %x, %k : (tensor<?x5xf32>, tensor<5x3xf32>) -> tensor<?x3xf32>
  %3, %m2, %v2 = nn.batch_norm %2 moving(%mm, %mv) training(%f) {axis = 1 : i64, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, i1) -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %1, %3, %2 : tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>
}

// -----

// A dense kernel with more than 16 elements per output of one example
// (here 256 x 4: 1024 for 4 outputs) would be scaled on every call: its
// batch norm stays.
// CHECK-LABEL: func.func @large_dense
// CHECK-NOT: nn.batch_norm_fold
// CHECK: nn.dense
// CHECK: nn.batch_norm
func.func @large_dense(%x: tensor<?x256xf32>, %k: tensor<256x4xf32>, %b: tensor<4xf32>, %mm: tensor<4xf32>, %mv: tensor<4xf32>) -> tensor<?x4xf32> {
  %f = arith.constant false
  %0 = nn.dense %x, %k : (tensor<?x256xf32>, tensor<256x4xf32>) -> tensor<?x4xf32>
  %1, %m, %v = nn.batch_norm %0 beta(%b) moving(%mm, %mv) training(%f) {axis = 1 : i64, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = true, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, i1) -> (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %1 : tensor<?x4xf32>
}
