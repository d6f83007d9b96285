// RUN: modelc-opt %s -split-input-file -nn-pool-before-relu | FileCheck %s

// A train step's relu -> 2x2 max pool and its gradient: the pool reads x,
// the relu runs on the pooled values, and the gradient goes through the
// relu first (on the pooled tensor), then through the pool (to x).
// CHECK-LABEL: func.func @swap
// CHECK-SAME: (%[[X:.*]]: tensor<?x8x8x4xf32>, %[[DY:.*]]: tensor<?x4x4x4xf32>)
// CHECK: %[[P:.*]] = nn.pool2d <max> %[[X]] {{.*}} : (tensor<?x8x8x4xf32>) -> tensor<?x4x4x4xf32>
// CHECK: %[[R:.*]] = nn.relu %[[P]] : tensor<?x4x4x4xf32>
// CHECK: %[[G:.*]] = nn.activation_grad <relu> %[[P]], %[[DY]] : tensor<?x4x4x4xf32>
// CHECK: %[[DX:.*]] = nn.pool2d_grad <max> %[[X]], %[[G]] {{.*}} : (tensor<?x8x8x4xf32>, tensor<?x4x4x4xf32>) -> tensor<?x8x8x4xf32>
// CHECK-NOT: nn.relu
// CHECK: return %[[R]], %[[DX]]
func.func @swap(%x: tensor<?x8x8x4xf32>, %dy: tensor<?x4x4x4xf32>) -> (tensor<?x4x4x4xf32>, tensor<?x8x8x4xf32>) {
  %r = nn.relu %x : tensor<?x8x8x4xf32>
  %p = nn.pool2d <max> %r {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x4xf32>) -> tensor<?x4x4x4xf32>
  %g = nn.pool2d_grad <max> %r, %dy {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x4xf32>, tensor<?x4x4x4xf32>) -> tensor<?x8x8x4xf32>
  %dx = nn.activation_grad <relu> %x, %g : tensor<?x8x8x4xf32>
  return %p, %dx : tensor<?x4x4x4xf32>, tensor<?x8x8x4xf32>
}

// -----

// The relu output has another user (it is a model output): kept.
// CHECK-LABEL: func.func @relu_used
// CHECK: %[[R:.*]] = nn.relu %{{.*}} : tensor<?x8x8x4xf32>
// CHECK: nn.pool2d <max> %[[R]]
// CHECK: nn.pool2d_grad <max> %[[R]]
func.func @relu_used(%x: tensor<?x8x8x4xf32>, %dy: tensor<?x4x4x4xf32>) -> (tensor<?x4x4x4xf32>, tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) {
  %r = nn.relu %x : tensor<?x8x8x4xf32>
  %p = nn.pool2d <max> %r {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x4xf32>) -> tensor<?x4x4x4xf32>
  %g = nn.pool2d_grad <max> %r, %dy {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x4xf32>, tensor<?x4x4x4xf32>) -> tensor<?x8x8x4xf32>
  %dx = nn.activation_grad <relu> %x, %g : tensor<?x8x8x4xf32>
  return %p, %dx, %r : tensor<?x4x4x4xf32>, tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>
}

// -----

// Average pooling does not commute with relu: kept.
// CHECK-LABEL: func.func @avg
// CHECK: %[[R:.*]] = nn.relu
// CHECK: nn.pool2d <avg> %[[R]]
// CHECK: nn.pool2d_grad <avg> %[[R]]
func.func @avg(%x: tensor<?x8x8x4xf32>, %dy: tensor<?x4x4x4xf32>) -> (tensor<?x4x4x4xf32>, tensor<?x8x8x4xf32>) {
  %r = nn.relu %x : tensor<?x8x8x4xf32>
  %p = nn.pool2d <avg> %r {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x4xf32>) -> tensor<?x4x4x4xf32>
  %g = nn.pool2d_grad <avg> %r, %dy {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x4xf32>, tensor<?x4x4x4xf32>) -> tensor<?x8x8x4xf32>
  %dx = nn.activation_grad <relu> %x, %g : tensor<?x8x8x4xf32>
  return %p, %dx : tensor<?x4x4x4xf32>, tensor<?x8x8x4xf32>
}

// -----

// Inference (no gradient): the relu stays before the pool, where a
// convolution's epilogue applies it for free.
// CHECK-LABEL: func.func @inference
// CHECK: %[[R:.*]] = nn.relu
// CHECK: nn.pool2d <max> %[[R]]
func.func @inference(%x: tensor<?x8x8x4xf32>) -> tensor<?x4x4x4xf32> {
  %r = nn.relu %x : tensor<?x8x8x4xf32>
  %p = nn.pool2d <max> %r {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x4xf32>) -> tensor<?x4x4x4xf32>
  return %p : tensor<?x4x4x4xf32>
}
