// The typed optimizer takes exactly the parameters of its kind, and its
// learning rate is a typed #nn.learning_rate: each schedule kind with
// exactly its fields, in range.
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

// expected-error @below {{adam needs 'beta1'}}
module attributes {nn.optimizer = #nn.optimizer<adam, learning_rate = #nn.learning_rate<constant, initial = 0.1>, beta2 = 0.999 : f64, epsilon = 1.0e-8 : f64>} {}

// -----

// expected-error @below {{sgd takes no 'momentum'}}
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = #nn.learning_rate<constant, initial = 0.1>, momentum = 0.9 : f64>} {}

// -----

// expected-error @below {{momentum needs 'use_nesterov'}}
module attributes {nn.optimizer = #nn.optimizer<momentum, learning_rate = #nn.learning_rate<constant, initial = 0.1>, momentum = 0.9 : f64>} {}

// -----

// The learning rate is a #nn.learning_rate, not any attribute (each
// failure below also fails the enclosing optimizer's parameter).
// expected-error @below {{expected '<'}}
// expected-error @below {{failed to parse NN_OptimizerAttr parameter 'learning_rate' which is to be a `::mlir::nn::LearningRateAttr`}}
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = "fast">} {}

// -----

// A schedule has every field the front end fills in.
// expected-error @below {{cosine_decay needs 'alpha'}}
// expected-error @below {{failed to parse NN_OptimizerAttr parameter 'learning_rate' which is to be a `::mlir::nn::LearningRateAttr`}}
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = #nn.learning_rate<cosine_decay, initial = 0.1, decay_steps = 100>>} {}

// -----

// expected-error @below {{piecewise_constant: values needs one more entry than boundaries, got 1 values and 1 boundaries}}
// expected-error @below {{failed to parse NN_OptimizerAttr parameter 'learning_rate' which is to be a `::mlir::nn::LearningRateAttr`}}
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = #nn.learning_rate<piecewise_constant, boundaries = [10], values = [0.1]>>} {}

// -----

// A warmup wraps a rate or a schedule, not another warmup: one set of
// warmup fields.
// expected-error @below {{duplicate or unknown struct parameter name: warmup_steps}}
// expected-error @below {{failed to parse NN_OptimizerAttr parameter 'learning_rate' which is to be a `::mlir::nn::LearningRateAttr`}}
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = #nn.learning_rate<constant, initial = 0.1, warmup_steps = 5, warmup_from = 0.0, warmup_steps = 5>>} {}

// -----

// expected-error @below {{expected ::mlir::nn::ScheduleKind to be one of: constant, exponential_decay, cosine_decay, piecewise_constant}}
// expected-error @below {{failed to parse NN_LearningRateAttr parameter 'kind' which is to be a `::mlir::nn::ScheduleKind`}}
// expected-error @below {{failed to parse NN_OptimizerAttr parameter 'learning_rate' which is to be a `::mlir::nn::LearningRateAttr`}}
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = #nn.learning_rate<step_decay, initial = 0.1>>} {}
