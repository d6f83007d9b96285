// Round trip of the ops that move data around: nn.pool2d (max and avg),
// nn.global_pool2d, nn.reshape (flatten and reshape), nn.transpose,
// nn.concat, nn.add and nn.dropout.
// RUN: modelc-opt %s | modelc-opt | FileCheck %s
// RUN: modelc-opt %s --mlir-print-op-generic | modelc-opt | FileCheck %s

// CHECK-LABEL: func.func @pool
func.func @pool(%x: tensor<?x7x7x4xf32>) -> (tensor<?x3x3x4xf32>, tensor<?x4x4x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>) {
  // CHECK: nn.pool2d <max> %{{.*}} {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x7x7x4xf32>) -> tensor<?x3x3x4xf32>
  %0 = nn.pool2d <max> %x {pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = #nn.padding<valid>} : (tensor<?x7x7x4xf32>) -> tensor<?x3x3x4xf32>
  // CHECK: nn.pool2d <avg> %{{.*}} {padding = #nn.padding<same>, pool_size = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<?x7x7x4xf32>) -> tensor<?x4x4x4xf32>
  %1 = nn.pool2d <avg> %x {pool_size = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = #nn.padding<same>} : (tensor<?x7x7x4xf32>) -> tensor<?x4x4x4xf32>
  // CHECK: nn.global_pool2d <avg> %{{.*}} : (tensor<?x7x7x4xf32>) -> tensor<?x4xf32>
  %2 = nn.global_pool2d <avg> %x : (tensor<?x7x7x4xf32>) -> tensor<?x4xf32>
  // CHECK: nn.global_pool2d <max> %{{.*}} : (tensor<?x7x7x4xf32>) -> tensor<?x4xf32>
  %3 = nn.global_pool2d <max> %x : (tensor<?x7x7x4xf32>) -> tensor<?x4xf32>
  return %0, %1, %2, %3 : tensor<?x3x3x4xf32>, tensor<?x4x4x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
}

// CHECK-LABEL: func.func @reshape
func.func @reshape(%x: tensor<?x56x64xf32>, %s: tensor<4x3x2xf32>) -> (tensor<?x56x64x1xf32>, tensor<?x3584xf32>, tensor<4x6xf32>) {
  // CHECK: nn.reshape %{{.*}} : (tensor<?x56x64xf32>) -> tensor<?x56x64x1xf32>
  %0 = nn.reshape %x : (tensor<?x56x64xf32>) -> tensor<?x56x64x1xf32>
  // CHECK: nn.reshape %{{.*}} : (tensor<?x56x64xf32>) -> tensor<?x3584xf32>
  %1 = nn.reshape %x : (tensor<?x56x64xf32>) -> tensor<?x3584xf32>
  // A static batch is kept as well.
  // CHECK: nn.reshape %{{.*}} : (tensor<4x3x2xf32>) -> tensor<4x6xf32>
  %2 = nn.reshape %s : (tensor<4x3x2xf32>) -> tensor<4x6xf32>
  return %0, %1, %2 : tensor<?x56x64x1xf32>, tensor<?x3584xf32>, tensor<4x6xf32>
}

// CHECK-LABEL: func.func @transpose
func.func @transpose(%x: tensor<?x3x8x5xf32>) -> tensor<?x8x5x3xf32> {
  // CHECK: nn.transpose %{{.*}} {permutation = array<i64: 0, 2, 3, 1>} : (tensor<?x3x8x5xf32>) -> tensor<?x8x5x3xf32>
  %0 = nn.transpose %x {permutation = array<i64: 0, 2, 3, 1>} : (tensor<?x3x8x5xf32>) -> tensor<?x8x5x3xf32>
  return %0 : tensor<?x8x5x3xf32>
}

// CHECK-LABEL: func.func @merge
func.func @merge(%a: tensor<?x100xf32>, %b: tensor<?x50xf32>, %t: i1) -> (tensor<?x250xf32>, tensor<?x100xf32>, tensor<?x100xf32>) {
  // CHECK: nn.concat %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<?x100xf32>, tensor<?x50xf32>, tensor<?x100xf32>) -> tensor<?x250xf32>
  %0 = nn.concat %a, %b, %a {axis = 1 : i64} : (tensor<?x100xf32>, tensor<?x50xf32>, tensor<?x100xf32>) -> tensor<?x250xf32>
  // CHECK: nn.add %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x100xf32>
  %1 = nn.add %a, %a, %a : tensor<?x100xf32>
  // CHECK: nn.dropout %{{.*}} training(%{{.*}}) {rate = 5.000000e-01 : f32, stream = 3 : i64} : tensor<?x100xf32>
  %2 = nn.dropout %a training(%t) {rate = 0.5 : f32, stream = 3 : i64} : tensor<?x100xf32>
  return %0, %1, %2 : tensor<?x250xf32>, tensor<?x100xf32>, tensor<?x100xf32>
}

// CHECK-LABEL: func.func @keyed_dropout
func.func @keyed_dropout(%a: tensor<?x100xf32>, %t: i1, %seed: tensor<i64>, %step: tensor<i64>) -> tensor<?x100xf32> {
  // CHECK: nn.dropout %{{.*}} training(%{{.*}}) key(%{{.*}}, %{{.*}} : tensor<i64>, tensor<i64>) {rate = 2.500000e-01 : f32, stream = 7 : i64} : tensor<?x100xf32>
  %0 = nn.dropout %a training(%t) key(%seed, %step : tensor<i64>, tensor<i64>) {rate = 0.25 : f32, stream = 7 : i64} : tensor<?x100xf32>
  return %0 : tensor<?x100xf32>
}
