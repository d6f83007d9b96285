// Round trip of the model state ops: nn.variable (every role, optional
// regularizer and constraint), nn.read and nn.assign. The printed form must
// parse again and print identically; the generic form must parse too.
// RUN: modelc-opt %s | modelc-opt | FileCheck %s
// RUN: modelc-opt %s --mlir-print-op-generic | modelc-opt | FileCheck %s

// CHECK: nn.variable @"d/kernel" : tensor<4x2xf32> role <param> {constraint = {kind = "non_neg"}, init = {fan_in = 4 : i64, fan_out = 2 : i64, kind = "glorot_uniform"}, regularizer = {l2 = 1.000000e-02 : f64}, trainable = true}
nn.variable @"d/kernel" : tensor<4x2xf32> role <param> {init = {kind = "glorot_uniform", fan_in = 4 : i64, fan_out = 2 : i64}, trainable = true, regularizer = {l2 = 0.01 : f64}, constraint = {kind = "non_neg"}}
// A non-trainable parameter (batch_norm with trainable=false) prints no
// `trainable` at all: false is the default.
// CHECK-NEXT: nn.variable @"bn/gamma" : tensor<2xf32> role <param> {init = {kind = "ones"}}
nn.variable @"bn/gamma" : tensor<2xf32> role <param> {init = {kind = "ones"}, trainable = false}
// CHECK-NEXT: nn.variable @"bn/moving_mean" : tensor<2xf32> role <moving_mean> {init = {kind = "zeros"}}
nn.variable @"bn/moving_mean" : tensor<2xf32> role <moving_mean> {init = {kind = "zeros"}}
// CHECK-NEXT: nn.variable @"bn/moving_variance" : tensor<2xf32> role <moving_variance> {init = {kind = "ones"}}
nn.variable @"bn/moving_variance" : tensor<2xf32> role <moving_variance> {init = {kind = "ones"}}
// CHECK-NEXT: nn.variable @"bn/renorm_mean" : tensor<2xf32> role <renorm_mean> {init = {kind = "zeros"}}
nn.variable @"bn/renorm_mean" : tensor<2xf32> role <renorm_mean> {init = {kind = "zeros"}}
// CHECK-NEXT: nn.variable @"bn/renorm_stddev" : tensor<2xf32> role <renorm_stddev> {init = {kind = "ones"}}
nn.variable @"bn/renorm_stddev" : tensor<2xf32> role <renorm_stddev> {init = {kind = "ones"}}
// CHECK-NEXT: nn.variable @"d/kernel/m" : tensor<4x2xf32> role <slot> {init = {kind = "zeros"}}
nn.variable @"d/kernel/m" : tensor<4x2xf32> role <slot> {init = {kind = "zeros"}}

// CHECK-LABEL: func.func @update
func.func @update(%v: tensor<2xf32>) -> tensor<4x2xf32> {
  // CHECK-NEXT: %[[K:.*]] = nn.read @"d/kernel" : tensor<4x2xf32>
  %k = nn.read @"d/kernel" : tensor<4x2xf32>
  // CHECK-NEXT: nn.assign %{{.*}} to @"bn/moving_mean" : tensor<2xf32>
  nn.assign %v to @"bn/moving_mean" : tensor<2xf32>
  // CHECK-NEXT: nn.assign %[[K]] to @"d/kernel/m" : tensor<4x2xf32>
  nn.assign %k to @"d/kernel/m" : tensor<4x2xf32>
  // CHECK-NEXT: return %[[K]]
  return %k : tensor<4x2xf32>
}

// Consecutive variables as one 1-D range.
nn.variable @"flat/a" : tensor<2x3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
nn.variable @"flat/b" : tensor<3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
// CHECK-LABEL: func.func @flat
// CHECK: %[[V:.*]] = nn.read_flat [@"flat/a", @"flat/b"] : tensor<9xf32>
// CHECK: nn.assign_flat %[[V]] to [@"flat/a", @"flat/b"] : tensor<9xf32>
func.func @flat() {
  %0 = nn.read_flat [@"flat/a", @"flat/b"] : tensor<9xf32>
  nn.assign_flat %0 to [@"flat/a", @"flat/b"] : tensor<9xf32>
  return
}
