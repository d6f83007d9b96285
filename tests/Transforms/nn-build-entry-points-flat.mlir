// RUN: modelc-opt %s -nn-specialize-mode -nn-build-entry-points | FileCheck %s

// nn.read_flat / nn.assign_flat of consecutive variables are one slice of
// the arena, starting at the first variable's offset; the train step writes
// it back in place.
// CHECK: nn.state_layout = [{{.*}}name = "a", offset = 0 {{.*}}name = "w", offset = 2 {{.*}}name = "b", offset = 8
// CHECK-SAME: nn.state_size = 11 : i64
// CHECK-LABEL: func.func @modelc_train_step(
// CHECK-SAME: %[[ARENA:[^:]*]]: memref<11xf32>
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[ARENA]] restrict writable
// CHECK: %[[W:.*]] = tensor.extract_slice %[[T]][2] [9] [1] : tensor<11xf32> to tensor<9xf32>
// CHECK: %[[NW:.*]] = nn.sgd %[[W]]
// CHECK: %[[U:.*]] = tensor.insert_slice %[[NW]] into %[[T]][2] [9] [1] : tensor<9xf32> into tensor<11xf32>
// CHECK: bufferization.materialize_in_destination %[[U]] in restrict writable %[[ARENA]]
nn.variable @a : tensor<2xf32> role <moving_mean> {init = {kind = "zeros"}}
nn.variable @w : tensor<2x3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
nn.variable @b : tensor<3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
func.func @forward(%x: tensor<?x2xf32> {nn.name = "x"}, %t: i1 {nn.name = "training"}) -> (tensor<?x3xf32> {nn.name = "y"}) {
  %w = nn.read @w : tensor<2x3xf32>
  %y = nn.dense %x, %w : (tensor<?x2xf32>, tensor<2x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
func.func private @train_step(%x: tensor<?x2xf32> {nn.name = "x"}, %l: tensor<?xi32> {nn.name = "y"}, %step: tensor<i64> {nn.name = "step"}, %seed: tensor<i64> {nn.name = "seed"}) -> (tensor<?x3xf32> {nn.name = "y"}, tensor<f32>, tensor<f32>) {
  %lr = arith.constant dense<0.5> : tensor<f32>
  %g = arith.constant dense<1.0> : tensor<9xf32>
  %k = nn.read @w : tensor<2x3xf32>
  %y = nn.dense %x, %k : (tensor<?x2xf32>, tensor<2x3xf32>) -> tensor<?x3xf32>
  %w = nn.read_flat [@w, @b] : tensor<9xf32>
  %nw = nn.sgd %w, %g, %lr : (tensor<9xf32>, tensor<9xf32>, tensor<f32>) -> tensor<9xf32>
  nn.assign_flat %nw to [@w, @b] : tensor<9xf32>
  return %y, %lr, %lr : tensor<?x3xf32>, tensor<f32>, tensor<f32>
}
