// RUN: modelc-opt %s -split-input-file -nn-build-train-step | FileCheck %s

// Adam: forward in training mode, loss, reverse-mode gradients, updates of
// every trainable variable with its slots, the moving statistics of the
// batch norm, and nothing written before every read.
// CHECK-DAG: nn.variable @"fc/kernel/m" : tensor<4x3xf32> role <slot> {init = {kind = "zeros"}}
// CHECK-DAG: nn.variable @"fc/kernel/v" : tensor<4x3xf32> role <slot>
// CHECK-DAG: nn.variable @"bn/gamma/m" : tensor<3xf32> role <slot>
// CHECK-NOT: nn.variable @"bn/moving_mean/m"
// CHECK-LABEL: func.func private @train_step(
// CHECK-SAME: %[[X:.*]]: tensor<?x4xf32> {nn.name = "x"}, %[[Y:.*]]: tensor<?xi32> {nn.name = "y"}, %[[STEP:.*]]: tensor<i64> {nn.name = "step"}, %[[SEED:.*]]: tensor<i64> {nn.name = "seed"})
// CHECK-SAME: -> (tensor<?x3xf32> {nn.name = "out"}, tensor<f32>, tensor<f32>)
// CHECK: %[[T:.*]] = arith.constant true
// CHECK: %[[H:.*]] = nn.dense %[[X]]
// CHECK: %[[BN:.*]], %[[MEAN:.*]], %[[VAR:.*]] = nn.batch_norm %[[H]] {{.*}} training(%[[T]])
// CHECK: %[[D:.*]] = nn.dropout %[[BN]] training(%[[T]]) key(%[[SEED]], %[[STEP]] : tensor<i64>, tensor<i64>)
// CHECK: %[[L:.*]] = nn.softmax_cross_entropy %[[D]], %[[Y]]
// CHECK: %[[DL:.*]] = nn.softmax_cross_entropy_grad %[[D]], %[[Y]]
// The dropout gradient draws the same mask: same key, same stream.
// CHECK: %[[DD:.*]] = nn.dropout %[[DL]] training(%[[T]]) key(%[[SEED]], %[[STEP]] : {{.*}}) {rate = 5.000000e-01 : f32, stream = 7 : i64}
// CHECK: %{{.*}}, %[[DGAMMA:.*]], %[[DBETA:.*]] = nn.batch_norm_grad %[[H]] {{.*}} grad(%[[DD]]) training(%[[T]])
// CHECK: nn.matmul %[[X]], %{{.*}} {transpose_lhs = true}
// CHECK: %[[LR:.*]] = nn.learning_rate %[[STEP]] {schedule = #nn.learning_rate<constant, initial = 0.01>}
// CHECK: nn.adam {{.*}}, %[[LR]], %[[STEP]]
// CHECK: %[[C:.*]] = nn.variance_correction %[[H]] {axis = 1 : i64, unbiased = false}
// CHECK: nn.moving_average %{{.*}}, %[[MEAN]] {momentum = 0.899999976 : f32}
// CHECK: nn.moving_average %{{.*}}, %[[VAR]] correction(%[[C]] : tensor<f32>) {momentum = 0.899999976 : f32}
// CHECK-DAG: nn.assign %{{.*}} to @"fc/kernel"
// CHECK-DAG: nn.assign %{{.*}} to @"fc/kernel/m"
// CHECK-DAG: nn.assign %{{.*}} to @"fc/kernel/v"
// CHECK-DAG: nn.assign %{{.*}} to @"bn/gamma"
// CHECK-DAG: nn.assign %{{.*}} to @"bn/beta"
// CHECK-DAG: nn.assign %{{.*}} to @"bn/moving_mean"
// CHECK-DAG: nn.assign %{{.*}} to @"bn/moving_variance"
// CHECK: return %[[D]], %[[L]], %[[L]]
module attributes {nn.optimizer = #nn.optimizer<adam, learning_rate = #nn.learning_rate<constant, initial = 0.01>, beta1 = 0.9 : f64, beta2 = 0.999 : f64, epsilon = 1.0e-8 : f64>} {
  nn.variable @"fc/kernel" : tensor<4x3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  nn.variable @"bn/gamma" : tensor<3xf32> role <param> {init = {kind = "ones"}, trainable = true}
  nn.variable @"bn/beta" : tensor<3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  nn.variable @"bn/moving_mean" : tensor<3xf32> role <moving_mean> {init = {kind = "zeros"}}
  nn.variable @"bn/moving_variance" : tensor<3xf32> role <moving_variance> {init = {kind = "ones"}}
  func.func @forward(%x: tensor<?x4xf32> {nn.name = "x"}, %t: i1 {nn.name = "training"}) -> (tensor<?x3xf32> {nn.name = "out"}) {
    %k = nn.read @"fc/kernel" : tensor<4x3xf32>
    %h = nn.dense %x, %k : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
    %g = nn.read @"bn/gamma" : tensor<3xf32>
    %b = nn.read @"bn/beta" : tensor<3xf32>
    %mm = nn.read @"bn/moving_mean" : tensor<3xf32>
    %mv = nn.read @"bn/moving_variance" : tensor<3xf32>
    %y, %m, %v = nn.batch_norm %h gamma(%g) beta(%b) moving(%mm, %mv) training(%t) {axis = 1 : i64, momentum = 0.9 : f32, epsilon = 0.001 : f32, center = true, scale = true, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, i1) -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>)
    %d = nn.dropout %y training(%t) {rate = 0.5 : f32, stream = 7 : i64} : tensor<?x3xf32>
    return %d : tensor<?x3xf32>
  }
  func.func @loss(%l: tensor<?x3xf32> {nn.name = "out"}, %y: tensor<?xi32> {nn.name = "y"}) -> tensor<f32> {
    %0 = nn.softmax_cross_entropy %l, %y : (tensor<?x3xf32>, tensor<?xi32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
}

// -----

// RMSProp with clipping, decay and an l2 regularizer; a frozen batch norm
// (trainable = false) gets no update and no slots, but its moving
// statistics still follow the batch; the first layer's input gradient is
// never computed.
// CHECK-DAG: nn.variable @"w/kernel/rms" : tensor<2x2xf32> role <slot> {init = {kind = "ones"}}
// CHECK-DAG: nn.variable @"w/kernel/momentum" : tensor<2x2xf32> role <slot> {init = {kind = "zeros"}}
// CHECK-NOT: @"bn/gamma/rms"
// CHECK-LABEL: func.func private @train_step(
// CHECK-NOT: {transpose_rhs = true}
// CHECK: nn.regularizer <l2> %{{.*}} {scale = 5.000000e-01 : f32}
// CHECK: nn.regularizer_grad <l2>
// CHECK: nn.clip_global_norm
// CHECK: nn.learning_rate %{{.*}} {schedule = #nn.learning_rate<exponential_decay, initial = 0.1, decay_steps = 2, decay_rate = 0.5, staircase = true>}
// CHECK: nn.rmsprop
// CHECK-NOT: nn.assign %{{.*}} to @"bn/gamma"
// CHECK: nn.assign %{{.*}} to @"bn/moving_mean"
module attributes {nn.optimizer = #nn.optimizer<rmsprop, learning_rate = #nn.learning_rate<exponential_decay, initial = 0.1, decay_steps = 2, decay_rate = 0.5, staircase = true>, momentum = 0.0 : f64, decay = 0.9 : f64, epsilon = 1.0e-10 : f64, clip_global_norm = 1.0 : f64>} {
  nn.variable @"w/kernel" : tensor<2x2xf32> role <param> {init = {kind = "zeros"}, trainable = true, regularizer = {l2 = 0.5 : f64}}
  nn.variable @"bn/gamma" : tensor<2xf32> role <param> {init = {kind = "ones"}, trainable = false}
  nn.variable @"bn/moving_mean" : tensor<2xf32> role <moving_mean> {init = {kind = "zeros"}}
  nn.variable @"bn/moving_variance" : tensor<2xf32> role <moving_variance> {init = {kind = "ones"}}
  func.func @forward(%x: tensor<?x2xf32> {nn.name = "x"}, %t: i1 {nn.name = "training"}) -> (tensor<?x2xf32> {nn.name = "out"}) {
    %k = nn.read @"w/kernel" : tensor<2x2xf32>
    %h = nn.dense %x, %k : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
    %g = nn.read @"bn/gamma" : tensor<2xf32>
    %mm = nn.read @"bn/moving_mean" : tensor<2xf32>
    %mv = nn.read @"bn/moving_variance" : tensor<2xf32>
    %y, %m, %v = nn.batch_norm %h gamma(%g) moving(%mm, %mv) training(%t) {axis = 1 : i64, momentum = 0.9 : f32, epsilon = 0.001 : f32, center = false, scale = true, trainable = false, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, i1) -> (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>)
    return %y : tensor<?x2xf32>
  }
  func.func @loss(%l: tensor<?x2xf32> {nn.name = "out"}, %y: tensor<?x2xf32> {nn.name = "y"}) -> tensor<f32> {
    %0 = nn.mean_squared_error %l, %y : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
}

// -----

// The gradient of a transpose is the transpose by the inverse permutation
// (NCHW -> NHWC forward, NHWC -> NCHW backward).
// CHECK-LABEL: func.func private @train_step(
// CHECK: nn.transpose %{{.*}} {permutation = array<i64: 0, 2, 3, 1>} : (tensor<?x3x2x2xf32>) -> tensor<?x2x2x3xf32>
// CHECK: nn.transpose %{{.*}} {permutation = array<i64: 0, 3, 1, 2>} : (tensor<?x2x2x3xf32>) -> tensor<?x3x2x2xf32>
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = #nn.learning_rate<constant, initial = 0.1>>} {
  nn.variable @"b/bias" : tensor<2xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  func.func @forward(%x: tensor<?x3x2x2xf32> {nn.name = "x"}, %t: i1 {nn.name = "training"}) -> (tensor<?x2x2x3xf32> {nn.name = "out"}) {
    %b = nn.read @"b/bias" : tensor<2xf32>
    %h = nn.bias_add %x, %b : (tensor<?x3x2x2xf32>, tensor<2xf32>) -> tensor<?x3x2x2xf32>
    %y = nn.transpose %h {permutation = array<i64: 0, 2, 3, 1>} : (tensor<?x3x2x2xf32>) -> tensor<?x2x2x3xf32>
    return %y : tensor<?x2x2x3xf32>
  }
  func.func @loss(%l: tensor<?x2x2x3xf32> {nn.name = "out"}, %y: tensor<?x2x2x3xf32> {nn.name = "y"}) -> tensor<f32> {
    %0 = nn.mean_squared_error %l, %y : (tensor<?x2x2x3xf32>, tensor<?x2x2x3xf32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
}
