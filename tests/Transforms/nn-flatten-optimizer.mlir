// RUN: modelc-opt %s -split-input-file -nn-flatten-optimizer | FileCheck %s

// Two Adam updates become one over 1-D arena ranges: the parameters are
// declared one after another in model order, then the m slots, then the v
// slots; the gradients are concatenated in that order; the moving mean (not
// updated by the optimizer) stays where it was.
// CHECK: nn.variable @"bn/moving_mean"
// CHECK-NEXT: nn.variable @"d/kernel" : tensor<2x3xf32>
// CHECK-NEXT: nn.variable @"d/bias" : tensor<3xf32>
// CHECK-NEXT: nn.variable @"d/kernel/m"
// CHECK-NEXT: nn.variable @"d/bias/m"
// CHECK-NEXT: nn.variable @"d/kernel/v"
// CHECK-NEXT: nn.variable @"d/bias/v"
// CHECK-LABEL: func.func private @train_step
// CHECK-SAME: (%[[GK:.*]]: tensor<2x3xf32>, %[[GB:.*]]: tensor<3xf32>, %[[LR:.*]]: tensor<f32>, %[[STEP:.*]]: tensor<i64>)
// Gradients are flattened where they are computed (here: arguments).
// CHECK: %[[FK:.*]] = tensor.collapse_shape %[[GK]] {{\[}}[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
// CHECK: %[[K:.*]] = nn.read @"d/kernel"
// CHECK: %[[W:.*]] = nn.read_flat [@"d/kernel", @"d/bias"] : tensor<9xf32>
// CHECK: %[[M:.*]] = nn.read_flat [@"d/kernel/m", @"d/bias/m"] : tensor<9xf32>
// CHECK: %[[V:.*]] = nn.read_flat [@"d/kernel/v", @"d/bias/v"] : tensor<9xf32>
// CHECK: %[[G:.*]] = tensor.concat dim(0) %[[FK]], %[[GB]] : (tensor<6xf32>, tensor<3xf32>) -> tensor<9xf32>
// CHECK: %[[NW:.*]], %[[NM:.*]], %[[NV:.*]] = nn.adam %[[W]], %[[M]], %[[V]], %[[G]], %[[LR]], %[[STEP]] {beta1 = 0.899999976 : f32, beta2 = 9.990000e-01 : f32, epsilon = 9.99999993E-9 : f32} : (tensor<9xf32>, tensor<9xf32>, tensor<9xf32>, tensor<9xf32>, tensor<f32>, tensor<i64>)
// CHECK-NOT: nn.adam
// CHECK: nn.assign_flat %[[NW]] to [@"d/kernel", @"d/bias"]
// CHECK: nn.assign_flat %[[NM]] to [@"d/kernel/m", @"d/bias/m"]
// CHECK: nn.assign_flat %[[NV]] to [@"d/kernel/v", @"d/bias/v"]
// CHECK-NEXT: nn.assign %{{.*}} to @"bn/moving_mean"
// CHECK-NOT: nn.assign
// CHECK: return %[[K]]
module {
  nn.variable @"d/kernel" : tensor<2x3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  nn.variable @"bn/moving_mean" : tensor<3xf32> role <moving_mean> {init = {kind = "zeros"}}
  nn.variable @"d/bias" : tensor<3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  nn.variable @"d/bias/m" : tensor<3xf32> role <slot> {init = {kind = "zeros"}}
  nn.variable @"d/bias/v" : tensor<3xf32> role <slot> {init = {kind = "zeros"}}
  nn.variable @"d/kernel/m" : tensor<2x3xf32> role <slot> {init = {kind = "zeros"}}
  nn.variable @"d/kernel/v" : tensor<2x3xf32> role <slot> {init = {kind = "zeros"}}
  func.func private @train_step(%gk: tensor<2x3xf32>, %gb: tensor<3xf32>, %lr: tensor<f32>, %step: tensor<i64>) -> tensor<2x3xf32> {
    %k = nn.read @"d/kernel" : tensor<2x3xf32>
    %b = nn.read @"d/bias" : tensor<3xf32>
    %bm = nn.read @"d/bias/m" : tensor<3xf32>
    %bv = nn.read @"d/bias/v" : tensor<3xf32>
    %nb, %nbm, %nbv = nn.adam %b, %bm, %bv, %gb, %lr, %step {beta1 = 0.9 : f32, beta2 = 0.999 : f32, epsilon = 1.0e-8 : f32} : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<f32>, tensor<i64>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
    %km = nn.read @"d/kernel/m" : tensor<2x3xf32>
    %kv = nn.read @"d/kernel/v" : tensor<2x3xf32>
    %nk, %nkm, %nkv = nn.adam %k, %km, %kv, %gk, %lr, %step {beta1 = 0.9 : f32, beta2 = 0.999 : f32, epsilon = 1.0e-8 : f32} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<f32>, tensor<i64>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>)
    nn.assign %nb to @"d/bias" : tensor<3xf32>
    nn.assign %nbm to @"d/bias/m" : tensor<3xf32>
    nn.assign %nbv to @"d/bias/v" : tensor<3xf32>
    nn.assign %nk to @"d/kernel" : tensor<2x3xf32>
    nn.assign %nkm to @"d/kernel/m" : tensor<2x3xf32>
    nn.assign %nkv to @"d/kernel/v" : tensor<2x3xf32>
    nn.assign %gb to @"bn/moving_mean" : tensor<3xf32>
    return %k : tensor<2x3xf32>
  }
}

// -----

// A constrained parameter keeps its own update; with only one update left
// to sweep there is nothing to flatten.
// CHECK-LABEL: func.func private @train_step
// CHECK-NOT: nn.read_flat
// CHECK: nn.sgd
// CHECK: nn.sgd
// CHECK: nn.constraint
// CHECK-NOT: nn.assign_flat
module {
  nn.variable @a : tensor<4xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  nn.variable @b : tensor<4xf32> role <param> {init = {kind = "zeros"}, trainable = true, constraint = {kind = "non_neg"}}
  func.func private @train_step(%ga: tensor<4xf32>, %gb: tensor<4xf32>, %lr: tensor<f32>) {
    %a = nn.read @a : tensor<4xf32>
    %b = nn.read @b : tensor<4xf32>
    %na = nn.sgd %a, %ga, %lr : (tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    %nb = nn.sgd %b, %gb, %lr : (tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    %cb = nn.constraint %nb {spec = {kind = "non_neg"}} : tensor<4xf32>
    nn.assign %na to @a : tensor<4xf32>
    nn.assign %cb to @b : tensor<4xf32>
    return
  }
}

// -----

// Updates with different learning rates are not one map: only those of the
// first kind (here @a and @c, sharing %lr) are swept; scalar parameters are
// 1-element ranges.
// CHECK: nn.variable @b
// CHECK-NEXT: nn.variable @a
// CHECK-NEXT: nn.variable @c
// CHECK-LABEL: func.func private @train_step
// CHECK: %[[GC:.*]] = tensor.expand_shape %{{.*}} [] output_shape [1] : tensor<f32> into tensor<1xf32>
// CHECK: %[[B:.*]] = nn.read @b
// CHECK: %[[NB:.*]] = nn.sgd %[[B]], %{{.*}}, %[[LR2:.*]] :
// CHECK: %[[W:.*]] = nn.read_flat [@a, @c] : tensor<5xf32>
// CHECK: %[[G:.*]] = tensor.concat dim(0) %{{.*}}, %[[GC]]
// CHECK: %[[NW:.*]] = nn.sgd %[[W]], %[[G]], %{{.*}} : (tensor<5xf32>, tensor<5xf32>, tensor<f32>) -> tensor<5xf32>
// CHECK: nn.assign %[[NB]] to @b
// CHECK: nn.assign_flat %[[NW]] to [@a, @c]
module {
  nn.variable @a : tensor<4xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  nn.variable @b : tensor<4xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  nn.variable @c : tensor<f32> role <param> {init = {kind = "zeros"}, trainable = true}
  func.func private @train_step(%ga: tensor<4xf32>, %gb: tensor<4xf32>, %gc: tensor<f32>, %lr: tensor<f32>, %lr2: tensor<f32>) {
    %a = nn.read @a : tensor<4xf32>
    %b = nn.read @b : tensor<4xf32>
    %c = nn.read @c : tensor<f32>
    %na = nn.sgd %a, %ga, %lr : (tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    %nb = nn.sgd %b, %gb, %lr2 : (tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    %nc = nn.sgd %c, %gc, %lr : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<f32>
    nn.assign %nb to @b : tensor<4xf32>
    nn.assign %na to @a : tensor<4xf32>
    nn.assign %nc to @c : tensor<f32>
    return
  }
}
