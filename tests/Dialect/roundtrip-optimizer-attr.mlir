// The typed optimizer of a module prints and parses back, for each kind
// with the parameters it takes (a schedule as the learning rate too); the
// typed learning rate, for each schedule kind and with a warmup, keeps the
// model file's numbers exactly (f64, printed in their shortest form).
// RUN: modelc-opt %s -split-input-file | modelc-opt -split-input-file | FileCheck %s

// CHECK: nn.optimizer = #nn.optimizer<sgd, learning_rate = #nn.learning_rate<constant, initial = 0.1>, weight_decay = 1.000000e-02 : f64>
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = #nn.learning_rate<constant, initial = 0.1>, weight_decay = 0.01 : f64>} {}

// -----

// CHECK: nn.optimizer = #nn.optimizer<momentum, learning_rate = #nn.learning_rate<constant, initial = 0.05>, momentum = 9.000000e-01 : f64, use_nesterov = true>
module attributes {nn.optimizer = #nn.optimizer<momentum, learning_rate = #nn.learning_rate<constant, initial = 0.05>, momentum = 0.9 : f64, use_nesterov = true>} {}

// -----

// CHECK: nn.optimizer = #nn.optimizer<adam, learning_rate = #nn.learning_rate<cosine_decay, initial = 0.001, decay_steps = 100, alpha = 0.0>, beta1 = 9.000000e-01 : f64, beta2 = {{.*}} : f64, epsilon = 1.000000e-08 : f64, clip_global_norm = 1.000000e+00 : f64>
module attributes {nn.optimizer = #nn.optimizer<adam, learning_rate = #nn.learning_rate<cosine_decay, alpha = 0.0, decay_steps = 100, initial = 0.001>, beta1 = 0.9 : f64, beta2 = 0.999 : f64, epsilon = 1.0e-8 : f64, clip_global_norm = 1.0 : f64>} {}

// -----

// CHECK: nn.optimizer = #nn.optimizer<rmsprop, learning_rate = #nn.learning_rate<constant, initial = 0.01>, momentum = 0.000000e+00 : f64, decay = 9.000000e-01 : f64, epsilon = 1.000000e-10 : f64>
module attributes {nn.optimizer = #nn.optimizer<rmsprop, learning_rate = #nn.learning_rate<constant, initial = 0.01>, decay = 0.9 : f64, momentum = 0.0 : f64, epsilon = 1.0e-10 : f64>} {}

// -----

// Each schedule kind with its fields (in any order), alone and behind a
// warmup; numbers that are not short decimals read back exactly and
// integral reals keep their point.
// CHECK: module attributes {lr.constant = #nn.learning_rate<constant, initial = 0.1234567890123>
// CHECK-SAME: lr.cosine = #nn.learning_rate<cosine_decay, initial = 0.5, decay_steps = 30, alpha = 0.1>
// CHECK-SAME: lr.exponential = #nn.learning_rate<exponential_decay, initial = 2.0, decay_steps = 10, decay_rate = 0.96, staircase = false>
// CHECK-SAME: lr.piecewise = #nn.learning_rate<piecewise_constant, boundaries = [0, 100, 200], values = [0.1, 0.01, 0.001, 1.0e-08]>
// CHECK-SAME: lr.small = #nn.learning_rate<constant, initial = 1.0e-08>
// CHECK-SAME: lr.warmup_constant = #nn.learning_rate<constant, initial = 0.05, warmup_steps = 4>
// CHECK-SAME: lr.warmup_cosine = #nn.learning_rate<cosine_decay, initial = 0.1, decay_steps = 1000, alpha = 0.0, warmup_steps = 100, warmup_from = 0.0>
// CHECK-SAME: lr.warmup_exponential = #nn.learning_rate<exponential_decay, initial = 1.0, decay_steps = 10, decay_rate = 0.1, staircase = true, warmup_steps = 2, warmup_from = 0.001>
// CHECK-SAME: lr.warmup_piecewise = #nn.learning_rate<piecewise_constant, boundaries = [5], values = [0.3, 0.03], warmup_steps = 9, warmup_from = 0.01>
module attributes {
  lr.constant = #nn.learning_rate<constant, initial = 0.1234567890123>,
  lr.cosine = #nn.learning_rate<cosine_decay, initial = 0.5, decay_steps = 30, alpha = 0.1>,
  lr.exponential = #nn.learning_rate<exponential_decay, staircase = false, decay_rate = 0.96, decay_steps = 10, initial = 2.>,
  lr.piecewise = #nn.learning_rate<piecewise_constant, values = [0.1, 0.01, 0.001, 1.0e-8], boundaries = [0, 100, 200]>,
  lr.small = #nn.learning_rate<constant, initial = 1.0e-8>,
  lr.warmup_constant = #nn.learning_rate<constant, warmup_steps = 4, initial = 0.05>,
  lr.warmup_cosine = #nn.learning_rate<cosine_decay, initial = 0.1, decay_steps = 1000, alpha = 0.0, warmup_steps = 100, warmup_from = 0.0>,
  lr.warmup_exponential = #nn.learning_rate<exponential_decay, initial = 1.0, decay_steps = 10, decay_rate = 0.1, staircase = true, warmup_from = 0.001, warmup_steps = 2>,
  lr.warmup_piecewise = #nn.learning_rate<piecewise_constant, boundaries = [5], values = [0.3, 0.03], warmup_steps = 9, warmup_from = 0.01>
} {}
