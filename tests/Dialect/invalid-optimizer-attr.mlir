// The typed optimizer takes exactly the parameters of its kind.
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

// expected-error @below {{adam needs 'beta1'}}
module attributes {nn.optimizer = #nn.optimizer<adam, learning_rate = 0.1 : f64, beta2 = 0.999 : f64, epsilon = 1.0e-8 : f64>} {}

// -----

// expected-error @below {{sgd takes no 'momentum'}}
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = 0.1 : f64, momentum = 0.9 : f64>} {}

// -----

// expected-error @below {{momentum needs 'use_nesterov'}}
module attributes {nn.optimizer = #nn.optimizer<momentum, learning_rate = 0.1 : f64, momentum = 0.9 : f64>} {}

// -----

// expected-error @below {{learning_rate must be a float or one schedule, got "fast"}}
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = "fast">} {}

// -----

// A schedule has every field the front end fills in, with its type.
// expected-error @below {{cosine_decay has missing or mistyped fields: {decay_steps = 100 : i64, initial = 1.000000e-01 : f64}}}
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = {cosine_decay = {initial = 0.1 : f64, decay_steps = 100 : i64}}>} {}

// -----

// expected-error @below {{piecewise_constant has missing or mistyped fields}}
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = {piecewise_constant = {boundaries = [10 : i64], values = [0.1 : f64]}}>} {}

// -----

// A warmup wraps a rate or a schedule, not another warmup.
// expected-error @below {{unknown learning-rate schedule 'warmup'}}
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = {warmup = {steps = 5 : i64, from = 0.0 : f64, schedule = {warmup = {steps = 5 : i64, from = 0.0 : f64, schedule = 0.1 : f64}}}}>} {}

// -----

// expected-error @below {{unknown learning-rate schedule 'step_decay'}}
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = {step_decay = {initial = 0.1 : f64}}>} {}
