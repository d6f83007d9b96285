// RUN: modelc-opt %s -nn-specialize-mode -nn-build-entry-points | FileCheck %s

// Variables are laid out in declaration order in one arena.
// CHECK: module attributes
// CHECK-SAME: nn.state_layout = [{init = {fan_in = 4 : i64, fan_out = 3 : i64, kind = "glorot_uniform"}, name = "fc/kernel", offset = 0 : i64, role = "param", shape = array<i64: 4, 3>, size = 12 : i64, trainable = true}, {init = {kind = "zeros"}, name = "fc/bias", offset = 12 : i64, role = "param", shape = array<i64: 3>, size = 3 : i64, trainable = true}]
// CHECK-SAME: nn.state_size = 15 : i64
// CHECK-NOT: nn.variable
nn.variable @"fc/kernel" : tensor<4x3xf32> role <param> {init = {kind = "glorot_uniform", fan_in = 4 : i64, fan_out = 3 : i64}, trainable = true}
nn.variable @"fc/bias" : tensor<3xf32> role <param> {init = {kind = "zeros"}, trainable = true, regularizer = {l2 = 0.5 : f64}}

// Entry points take caller-owned memrefs: arena, inputs, (labels), outputs.
// CHECK: func.func @modelc_forward_infer(%[[A:.*]]: memref<15xf32>, %[[X:.*]]: memref<?x4xf32>, %[[Y:.*]]: memref<?x3xf32>)
// CHECK-SAME: llvm.emit_c_interface
// CHECK-SAME: nn.abi = ["arena", "input:x", "output:fc"]
// CHECK: %[[AT:.*]] = bufferization.to_tensor %[[A]] restrict
// CHECK: %[[K:.*]] = tensor.extract_slice %[[AT]][0] [12] [1]
// CHECK: tensor.expand_shape %[[K]] {{\[\[}}0, 1]] output_shape [4, 3]
// CHECK: tensor.extract_slice %[[AT]][12] [3] [1]
// CHECK: nn.dense
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[Y]]
// CHECK-LABEL: func.func @modelc_forward_train(
// CHECK-LABEL: func.func @modelc_eval(
// CHECK-SAME: nn.abi = ["arena", "input:x", "label:y", "output:fc", "loss", "data_loss"]
// CHECK: nn.softmax_cross_entropy
// The regularizer of fc/bias adds to the total loss, not to the data loss.
// CHECK: %[[R:.*]] = nn.regularizer <l2>
// CHECK: %[[TOTAL:.*]] = nn.add %{{.*}}, %[[R]]
// CHECK-NOT: func.func private
func.func @forward(%x: tensor<?x4xf32> {nn.name = "x"}, %t: i1 {nn.name = "training"}) -> (tensor<?x3xf32> {nn.name = "fc"}) {
  %k = nn.read @"fc/kernel" : tensor<4x3xf32>
  %b = nn.read @"fc/bias" : tensor<3xf32>
  %0 = nn.dense %x, %k bias(%b) : (tensor<?x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
func.func @loss(%l: tensor<?x3xf32> {nn.name = "fc"}, %y: tensor<?xi32> {nn.name = "y"}) -> tensor<f32> {
  %0 = nn.softmax_cross_entropy %l, %y : (tensor<?x3xf32>, tensor<?xi32>) -> tensor<f32>
  return %0 : tensor<f32>
}
