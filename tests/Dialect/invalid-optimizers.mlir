// Verifier rules of the train-step ops: learning rate schedules (the
// #nn.learning_rate verifier: each kind's fields, ranges, warmup), gradient
// clipping, the optimizer updates (one type for parameter, slots, gradient
// and results) and the moving average.
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

func.func @constant_without_initial(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{constant needs 'initial'}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<constant, warmup_steps = 10>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @constant_decay_steps(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{constant takes no 'decay_steps'}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<constant, initial = 0.1, decay_steps = 100>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @constant_not_positive(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{constant initial must be finite and > 0, got -0.1}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<constant, initial = -0.1>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @decay_steps_alone(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{exponential_decay needs 'decay_rate'}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<exponential_decay, initial = 0.1, decay_steps = 100, staircase = false>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @decay_rate_alone(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{exponential_decay needs 'decay_steps'}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<exponential_decay, initial = 0.1, decay_rate = 0.5, staircase = false>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @exponential_staircase(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{exponential_decay needs 'staircase'}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<exponential_decay, initial = 0.1, decay_steps = 10, decay_rate = 0.5>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @decay_steps_zero(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{exponential_decay decay_steps must be >= 1, got 0}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<exponential_decay, initial = 0.1, decay_steps = 0, decay_rate = 0.5, staircase = false>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @decay_rate_zero(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{exponential_decay decay_rate must be finite and > 0, got 0.0}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<exponential_decay, initial = 0.1, decay_steps = 10, decay_rate = 0.0, staircase = false>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @two_schedules(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{exponential_decay takes no 'alpha'}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<exponential_decay, initial = 0.1, decay_steps = 10, decay_rate = 0.5, staircase = false, alpha = 0.1>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @cosine_staircase(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{cosine_decay takes no 'staircase'}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<cosine_decay, initial = 0.1, decay_steps = 10, alpha = 0.0, staircase = true>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @cosine_steps_zero(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{cosine_decay decay_steps must be >= 1, got 0}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<cosine_decay, initial = 0.1, decay_steps = 0, alpha = 0.0>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @cosine_alpha_range(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{cosine_decay alpha must be in [0, 1], got 2.0}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<cosine_decay, initial = 0.1, decay_steps = 10, alpha = 2.0>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @piecewise_initial(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{piecewise_constant takes no 'initial'}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<piecewise_constant, initial = 0.1, boundaries = [10], values = [0.1, 0.01]>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @piecewise_without_boundaries(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{piecewise_constant needs 'boundaries'}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<piecewise_constant, values = [0.1]>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @piecewise_counts(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{piecewise_constant: values needs one more entry than boundaries, got 2 values and 2 boundaries}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<piecewise_constant, boundaries = [10, 20], values = [0.1, 0.01]>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @piecewise_order(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{piecewise_constant: boundaries must increase}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<piecewise_constant, boundaries = [20, 10], values = [0.1, 0.01, 0.001]>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @piecewise_negative(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{piecewise_constant: boundaries must be >= 0}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<piecewise_constant, boundaries = [-1, 10], values = [0.1, 0.01, 0.001]>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @piecewise_values(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{piecewise_constant values must be finite and > 0, got 0.0}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<piecewise_constant, boundaries = [10], values = [0.1, 0.0]>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @warmup_zero(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{warmup_steps must be >= 1, got 0}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<constant, initial = 0.1, warmup_steps = 0>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @warmup_from_alone(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{warmup_from needs warmup_steps}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<constant, initial = 0.1, warmup_from = 0.0>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @warmup_from_negative(%s: tensor<i64>) -> tensor<f32> {
  // expected-error @below {{cosine_decay warmup_from must be finite and >= 0, got -0.5}}
  %0 = nn.learning_rate %s {schedule = #nn.learning_rate<cosine_decay, initial = 0.1, decay_steps = 10, alpha = 0.0, warmup_steps = 5, warmup_from = -0.5>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @clip_types(%g: tensor<4x2xf32>, %b: tensor<2xf32>) {
  // expected-error @below {{'nn.clip_global_norm' op results must have the types of the gradients}}
  %0:2 = nn.clip_global_norm %g, %b {clip_norm = 5.0 : f32} : (tensor<4x2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<4x2xf32>)
  return
}

// -----

func.func @clip_count(%g: tensor<4x2xf32>, %b: tensor<2xf32>) {
  // expected-error @below {{'nn.clip_global_norm' op results must have the types of the gradients}}
  %0 = nn.clip_global_norm %g, %b {clip_norm = 5.0 : f32} : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return
}

// -----

func.func @clip_norm_zero(%g: tensor<4x2xf32>) {
  // expected-error @below {{'nn.clip_global_norm' op clip_norm must be > 0}}
  %0 = nn.clip_global_norm %g {clip_norm = 0.0 : f32} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  return
}

// -----

func.func @sgd_grad(%w: tensor<4x2xf32>, %g: tensor<2x4xf32>, %lr: tensor<f32>) {
  // expected-error @below {{'nn.sgd' op expected every parameter, slot and gradient to have type 'tensor<4x2xf32>', got 'tensor<2x4xf32>'}}
  %0 = nn.sgd %w, %g, %lr : (tensor<4x2xf32>, tensor<2x4xf32>, tensor<f32>) -> tensor<4x2xf32>
  return
}

// -----

func.func @sgd_result(%w: tensor<4x2xf32>, %g: tensor<4x2xf32>, %lr: tensor<f32>) {
  // expected-error @below {{'nn.sgd' op expected every parameter, slot and gradient to have type 'tensor<4x2xf32>', got 'tensor<8xf32>'}}
  %0 = nn.sgd %w, %g, %lr : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<f32>) -> tensor<8xf32>
  return
}

// -----

// The learning rate is a scalar.
func.func @sgd_lr(%w: tensor<4x2xf32>, %g: tensor<4x2xf32>, %lr: tensor<1xf32>) {
  // expected-error @below {{'nn.sgd' op operand #2 must be 0D tensor of 32-bit float values, but got 'tensor<1xf32>'}}
  %0 = nn.sgd %w, %g, %lr : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<1xf32>) -> tensor<4x2xf32>
  return
}

// -----

func.func @momentum_accum(%w: tensor<4x2xf32>, %a: tensor<2xf32>, %g: tensor<4x2xf32>, %lr: tensor<f32>) {
  // expected-error @below {{'nn.momentum' op expected every parameter, slot and gradient to have type 'tensor<4x2xf32>', got 'tensor<2xf32>'}}
  %0:2 = nn.momentum %w, %a, %g, %lr {momentum = 0.9 : f32, use_nesterov = false} : (tensor<4x2xf32>, tensor<2xf32>, tensor<4x2xf32>, tensor<f32>) -> (tensor<4x2xf32>, tensor<4x2xf32>)
  return
}

// -----

func.func @adam_v(%w: tensor<4x2xf32>, %m: tensor<4x2xf32>, %v: tensor<4x3xf32>, %g: tensor<4x2xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @below {{'nn.adam' op expected every parameter, slot and gradient to have type 'tensor<4x2xf32>', got 'tensor<4x3xf32>'}}
  %0:3 = nn.adam %w, %m, %v, %g, %lr, %s {beta1 = 0.9 : f32, beta2 = 0.999 : f32, epsilon = 1.0e-8 : f32} : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x3xf32>, tensor<4x2xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>)
  return
}

// -----

// The step is the int64 global_step.
func.func @adam_step(%w: tensor<4x2xf32>, %g: tensor<4x2xf32>, %lr: tensor<f32>, %s: tensor<i32>) {
  // expected-error @below {{'nn.adam' op operand #5 must be 0D tensor of 64-bit signless integer values, but got 'tensor<i32>'}}
  %0:3 = nn.adam %w, %w, %w, %g, %lr, %s {beta1 = 0.9 : f32, beta2 = 0.999 : f32, epsilon = 1.0e-8 : f32} : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<f32>, tensor<i32>) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>)
  return
}

// -----

func.func @rmsprop_result(%w: tensor<2xf32>, %g: tensor<2xf32>, %lr: tensor<f32>) {
  // expected-error @below {{'nn.rmsprop' op expected every parameter, slot and gradient to have type 'tensor<2xf32>', got 'tensor<3xf32>'}}
  %0:3 = nn.rmsprop %w, %w, %w, %g, %lr {decay = 0.9 : f32, momentum = 0.0 : f32, epsilon = 1.0e-10 : f32} : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<f32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<3xf32>)
  return
}

// -----

func.func @moving_average_momentum(%a: tensor<8xf32>, %v: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @below {{'nn.moving_average' op momentum must be in [0, 1], got 1.010000e+00}}
  %0 = nn.moving_average %a, %v {momentum = 1.01 : f32} : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @moving_average_types(%a: tensor<8xf32>, %v: tensor<4xf32>) -> tensor<8xf32> {
  // expected-error @below {{'nn.moving_average' op failed to verify that all of {average, value, result} have same type}}
  %0 = "nn.moving_average"(%a, %v) <{momentum = 0.9 : f32}> : (tensor<8xf32>, tensor<4xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// The correction (n/(n-1) or 1) is one scalar for all channels.
func.func @moving_average_correction(%a: tensor<8xf32>, %v: tensor<8xf32>, %c: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @below {{'nn.moving_average' op operand #2 must be 0D tensor of 32-bit float values, but got 'tensor<8xf32>'}}
  %0 = nn.moving_average %a, %v correction(%c : tensor<8xf32>) {momentum = 0.9 : f32} : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @negative_weight_decay(%w: tensor<4xf32>, %g: tensor<4xf32>, %lr: tensor<f32>) -> tensor<4xf32> {
  // expected-error @below {{'nn.sgd' op weight_decay must be finite and >= 0, got -1}}
  %0 = nn.sgd %w, %g, %lr {weight_decay = -1.0 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
