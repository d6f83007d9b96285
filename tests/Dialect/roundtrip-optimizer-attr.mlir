// The typed optimizer of a module prints and parses back, for each kind
// with the parameters it takes (a schedule as the learning rate too).
// RUN: modelc-opt %s -split-input-file | modelc-opt -split-input-file | FileCheck %s

// CHECK: nn.optimizer = #nn.optimizer<sgd, learning_rate = 1.000000e-01 : f64, weight_decay = 1.000000e-02 : f64>
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = 0.1 : f64, weight_decay = 0.01 : f64>} {}

// -----

// CHECK: nn.optimizer = #nn.optimizer<momentum, learning_rate = 5.000000e-02 : f64, momentum = 9.000000e-01 : f64, use_nesterov = true>
module attributes {nn.optimizer = #nn.optimizer<momentum, learning_rate = 0.05 : f64, momentum = 0.9 : f64, use_nesterov = true>} {}

// -----

// CHECK: nn.optimizer = #nn.optimizer<adam, learning_rate = {cosine_decay = {alpha = 0.000000e+00 : f64, decay_steps = 100 : i64, initial = 1.000000e-03 : f64}}, beta1 = 9.000000e-01 : f64, beta2 = {{.*}} : f64, epsilon = 1.000000e-08 : f64, clip_global_norm = 1.000000e+00 : f64>
module attributes {nn.optimizer = #nn.optimizer<adam, learning_rate = {cosine_decay = {initial = 0.001 : f64, decay_steps = 100 : i64, alpha = 0.0 : f64}}, beta1 = 0.9 : f64, beta2 = 0.999 : f64, epsilon = 1.0e-8 : f64, clip_global_norm = 1.0 : f64>} {}

// -----

// CHECK: nn.optimizer = #nn.optimizer<rmsprop, learning_rate = 1.000000e-02 : f64, momentum = 0.000000e+00 : f64, decay = 9.000000e-01 : f64, epsilon = 1.000000e-10 : f64>
module attributes {nn.optimizer = #nn.optimizer<rmsprop, learning_rate = 0.01 : f64, decay = 0.9 : f64, momentum = 0.0 : f64, epsilon = 1.0e-10 : f64>} {}
