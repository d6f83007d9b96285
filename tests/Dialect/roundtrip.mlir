// RUN: modelc-opt %s | modelc-opt | FileCheck %s

// CHECK-LABEL: module
// CHECK: nn.variable @"c/kernel" : tensor<3x3x1x8xf32> role <param>
// CHECK-SAME: trainable = true
nn.variable @"c/kernel" : tensor<3x3x1x8xf32> role <param> {init = {kind = "glorot_uniform", fan_in = 9 : i64, fan_out = 72 : i64}, trainable = true}
nn.variable @"c/bias" : tensor<8xf32> role <param> {init = {kind = "zeros"}, trainable = true}
nn.variable @"bn/mm" : tensor<8xf32> role <moving_mean> {init = {kind = "zeros"}}
nn.variable @"bn/mv" : tensor<8xf32> role <moving_variance> {init = {kind = "ones"}}

// CHECK-LABEL: func.func @forward
func.func @forward(%x: tensor<?x8x8x1xf32>, %t: i1) -> tensor<?x4x4x8xf32> {
  // CHECK: nn.read @"c/kernel" : tensor<3x3x1x8xf32>
  %k = nn.read @"c/kernel" : tensor<3x3x1x8xf32>
  %b = nn.read @"c/bias" : tensor<8xf32>
  %mm = nn.read @"bn/mm" : tensor<8xf32>
  %mv = nn.read @"bn/mv" : tensor<8xf32>
  // CHECK: nn.conv2d %{{.*}}, %{{.*}} bias(%{{.*}}) {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>}
  %0 = nn.conv2d %x, %k bias(%b) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<same>} : (tensor<?x8x8x1xf32>, tensor<3x3x1x8xf32>, tensor<8xf32>) -> tensor<?x8x8x8xf32>
  // CHECK: nn.batch_norm %{{.*}} moving(%{{[^)]*}}) training(%{{[^)]*}})
  // CHECK-SAME: variance_correction = #nn.variance_correction<unbiased>
  %1, %m, %v = nn.batch_norm %0 moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x8x8x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x8x8x8xf32>, tensor<8xf32>, tensor<8xf32>)
  // CHECK: nn.relu
  %2 = nn.relu %1 : tensor<?x8x8x8xf32>
  // CHECK: nn.pool2d <max>
  %3 = nn.pool2d <max> %2 {pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = #nn.padding<valid>} : (tensor<?x8x8x8xf32>) -> tensor<?x4x4x8xf32>
  return %3 : tensor<?x4x4x8xf32>
}
