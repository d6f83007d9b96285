// RUN: modelc-opt %s -split-input-file -nn-record-onnx-graph | FileCheck %s

// The graph is recorded with the state its initializers hold: conv kernels
// permuted from HWIO to OIHW, the rest as they are.
// CHECK-LABEL: module @m
// CHECK-SAME: nn.onnx_graph = "
// CHECK-SAME: nn.onnx_state = [{name = "c/kernel", perm = array<i64: 3, 2, 0, 1>, variable = "c/kernel"}, {name = "d/kernel", perm = array<i64>, variable = "d/kernel"}]
module @m {
  nn.variable @"c/kernel" : tensor<3x3x1x2xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  nn.variable @"d/kernel" : tensor<32x4xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  func.func @forward(%x: tensor<?x4x4x1xf32> {nn.name = "x"}, %t: i1 {nn.name = "training"}) -> (tensor<?x4xf32> {nn.name = "out"}) {
    %k = nn.read @"c/kernel" : tensor<3x3x1x2xf32>
    %c = nn.conv2d %x, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x4x4x1xf32>, tensor<3x3x1x2xf32>) -> tensor<?x4x4x2xf32>
    %f = nn.reshape %c : (tensor<?x4x4x2xf32>) -> tensor<?x32xf32>
    %d = nn.read @"d/kernel" : tensor<32x4xf32>
    %y = nn.dense %f, %d : (tensor<?x32xf32>, tensor<32x4xf32>) -> tensor<?x4xf32>
    return %y : tensor<?x4xf32>
  }
}

// -----

// A batch norm over an axis ONNX's BatchNormalization cannot take here: no
// graph, and the reason.
// CHECK-LABEL: module @axis2
// CHECK-NOT: nn.onnx_graph
// CHECK-SAME: nn.onnx_unsupported = "batch_norm over axis 2 of a rank-4 input"
module @axis2 {
  nn.variable @"bn/moving_mean" : tensor<4xf32> role <moving_mean> {init = {kind = "zeros"}}
  nn.variable @"bn/moving_variance" : tensor<4xf32> role <moving_variance> {init = {kind = "ones"}}
  func.func @forward(%x: tensor<?x3x4x4xf32> {nn.name = "x"}, %t: i1 {nn.name = "training"}) -> (tensor<?x3x4x4xf32> {nn.name = "out"}) {
    %mm = nn.read @"bn/moving_mean" : tensor<4xf32>
    %mv = nn.read @"bn/moving_variance" : tensor<4xf32>
    %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 2 : i64, momentum = 0.9 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x3x4x4xf32>, tensor<4xf32>, tensor<4xf32>, i1) -> (tensor<?x3x4x4xf32>, tensor<4xf32>, tensor<4xf32>)
    return %y : tensor<?x3x4x4xf32>
  }
}

// -----

// An input without a name (hand-written IR) has no ONNX form: the reason,
// not a crash.
// CHECK-LABEL: module @unnamed
// CHECK-SAME: nn.onnx_unsupported = "an input without nn.name"
module @unnamed {
  func.func @forward(%x: tensor<?x4xf32>, %t: i1 {nn.name = "training"}) -> (tensor<?x4xf32> {nn.name = "out"}) {
    %y = nn.relu %x : tensor<?x4xf32>
    return %y : tensor<?x4xf32>
  }
}
