// RUN: modelc-opt %s -split-input-file -nn-relu-grad-from-output | FileCheck %s

// A batch norm's output feeds only a relu (read by a convolution) and the
// relu's gradient: the gradient is masked by the relu's output instead, so
// the batch norm's output has one reader left.
// CHECK-LABEL: func.func @conv_reads_relu
// CHECK: %[[R:.*]] = nn.relu %[[X:.*]] : tensor<?x8x8x4xf32>
// CHECK: nn.conv2d %[[R]]
// CHECK: nn.activation_grad <relu> %[[R]], %{{.*}} : tensor<?x8x8x4xf32>
func.func @conv_reads_relu(%x: tensor<?x8x8x4xf32>, %k: tensor<3x3x4x4xf32>, %dy: tensor<?x8x8x4xf32>) -> (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) {
  %r = nn.relu %x : tensor<?x8x8x4xf32>
  %c = nn.conv2d %r, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x8x8x4xf32>, tensor<3x3x4x4xf32>) -> tensor<?x8x8x4xf32>
  %g = nn.activation_grad <relu> %x, %dy : tensor<?x8x8x4xf32>
  return %c, %g : tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>
}

// -----

// The relu's output is only summed (global pooling takes the relu in, so it
// is never stored): the mask stays on x.
// CHECK-LABEL: func.func @pooled_relu
// CHECK: nn.activation_grad <relu> %arg0, %arg1
func.func @pooled_relu(%x: tensor<?x8x8x4xf32>, %dy: tensor<?x8x8x4xf32>) -> (tensor<?x4xf32>, tensor<?x8x8x4xf32>) {
  %r = nn.relu %x : tensor<?x8x8x4xf32>
  %p = nn.global_pool2d <avg> %r : (tensor<?x8x8x4xf32>) -> tensor<?x4xf32>
  %g = nn.activation_grad <relu> %x, %dy : tensor<?x8x8x4xf32>
  return %p, %g : tensor<?x4xf32>, tensor<?x8x8x4xf32>
}

// -----

// x has another reader (it is a model output): nothing to gain, kept.
// CHECK-LABEL: func.func @x_used
// CHECK: nn.activation_grad <relu> %arg0, %arg2
func.func @x_used(%x: tensor<?x8x8x4xf32>, %k: tensor<3x3x4x4xf32>, %dy: tensor<?x8x8x4xf32>) -> (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) {
  %r = nn.relu %x : tensor<?x8x8x4xf32>
  %c = nn.conv2d %r, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x8x8x4xf32>, tensor<3x3x4x4xf32>) -> tensor<?x8x8x4xf32>
  %g = nn.activation_grad <relu> %x, %dy : tensor<?x8x8x4xf32>
  return %c, %g, %x : tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>
}
