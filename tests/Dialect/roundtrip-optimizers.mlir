// Round trip of the train-step ops: nn.learning_rate (each schedule kind and
// a warmup), nn.clip_global_norm, the four optimizer updates and
// nn.moving_average.
// RUN: modelc-opt %s | modelc-opt | FileCheck %s
// RUN: modelc-opt %s --mlir-print-op-generic | modelc-opt | FileCheck %s

// CHECK-LABEL: func.func @rates
func.func @rates(%step: tensor<i64>) -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) {
  // CHECK: nn.learning_rate %{{.*}} {schedule = #nn.learning_rate<constant, initial = 0.001>} : (tensor<i64>) -> tensor<f32>
  %0 = nn.learning_rate %step {schedule = #nn.learning_rate<constant, initial = 0.001>} : (tensor<i64>) -> tensor<f32>
  // CHECK: nn.learning_rate %{{.*}} {schedule = #nn.learning_rate<exponential_decay, initial = 0.1, decay_steps = 100, decay_rate = 0.5, staircase = true>} : (tensor<i64>) -> tensor<f32>
  %1 = nn.learning_rate %step {schedule = #nn.learning_rate<exponential_decay, initial = 0.1, decay_steps = 100, decay_rate = 0.5, staircase = true>} : (tensor<i64>) -> tensor<f32>
  // CHECK: nn.learning_rate %{{.*}} {schedule = #nn.learning_rate<cosine_decay, initial = 0.1, decay_steps = 1000, alpha = 0.01>} : (tensor<i64>) -> tensor<f32>
  %2 = nn.learning_rate %step {schedule = #nn.learning_rate<cosine_decay, initial = 0.1, decay_steps = 1000, alpha = 0.01>} : (tensor<i64>) -> tensor<f32>
  // CHECK: nn.learning_rate %{{.*}} {schedule = #nn.learning_rate<piecewise_constant, boundaries = [100, 200], values = [0.1, 0.01, 0.001]>} : (tensor<i64>) -> tensor<f32>
  %3 = nn.learning_rate %step {schedule = #nn.learning_rate<piecewise_constant, boundaries = [100, 200], values = [0.1, 0.01, 0.001]>} : (tensor<i64>) -> tensor<f32>
  // CHECK: nn.learning_rate %{{.*}} {schedule = #nn.learning_rate<constant, initial = 0.05, warmup_steps = 4, warmup_from = 0.01>} : (tensor<i64>) -> tensor<f32>
  %4 = nn.learning_rate %step {schedule = #nn.learning_rate<constant, initial = 0.05, warmup_steps = 4, warmup_from = 0.01>} : (tensor<i64>) -> tensor<f32>
  return %0, %1, %2, %3, %4 : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>
}

// CHECK-LABEL: func.func @updates
func.func @updates(%w: tensor<4x2xf32>, %g: tensor<4x2xf32>, %s1: tensor<4x2xf32>, %s2: tensor<4x2xf32>, %b: tensor<2xf32>, %gb: tensor<2xf32>, %lr: tensor<f32>, %step: tensor<i64>) {
  // CHECK: %{{.*}}:2 = nn.clip_global_norm %{{.*}}, %{{.*}} {clip_norm = 5.000000e+00 : f32} : (tensor<4x2xf32>, tensor<2xf32>) -> (tensor<4x2xf32>, tensor<2xf32>)
  %c:2 = nn.clip_global_norm %g, %gb {clip_norm = 5.0 : f32} : (tensor<4x2xf32>, tensor<2xf32>) -> (tensor<4x2xf32>, tensor<2xf32>)
  // CHECK: nn.sgd %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<f32>) -> tensor<4x2xf32>
  %0 = nn.sgd %w, %c#0, %lr : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<f32>) -> tensor<4x2xf32>
  // CHECK: nn.momentum %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {momentum = 0.899999976 : f32, use_nesterov = true} : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<f32>) -> (tensor<4x2xf32>, tensor<4x2xf32>)
  %1:2 = nn.momentum %w, %s1, %g, %lr {momentum = 0.9 : f32, use_nesterov = true} : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<f32>) -> (tensor<4x2xf32>, tensor<4x2xf32>)
  // CHECK: nn.adam %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {beta1 = 0.899999976 : f32, beta2 = 9.990000e-01 : f32, epsilon = 9.99999993E-9 : f32} : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>)
  %2:3 = nn.adam %w, %s1, %s2, %g, %lr, %step {beta1 = 0.9 : f32, beta2 = 0.999 : f32, epsilon = 1.0e-8 : f32} : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>)
  // CHECK: nn.rmsprop %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {decay = 0.899999976 : f32, epsilon = 1.000000e-10 : f32, momentum = 0.000000e+00 : f32} : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<f32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
  %3:3 = nn.rmsprop %b, %gb, %gb, %c#1, %lr {decay = 0.9 : f32, momentum = 0.0 : f32, epsilon = 1.0e-10 : f32} : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<f32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
  // Without a correction operand the correction is 1.
  // CHECK: nn.moving_average %{{.*}}, %{{.*}} {momentum = 9.900000e-01 : f32} : tensor<2xf32>
  %4 = nn.moving_average %b, %gb {momentum = 0.99 : f32} : tensor<2xf32>
  // CHECK: nn.moving_average %{{.*}}, %{{.*}} correction(%[[C:.*]] : tensor<f32>) {momentum = 9.900000e-01 : f32} : tensor<2xf32>
  %5 = nn.moving_average %b, %gb correction(%lr : tensor<f32>) {momentum = 0.99 : f32} : tensor<2xf32>
  return
}
