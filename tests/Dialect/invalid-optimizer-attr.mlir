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

// expected-error @below {{learning_rate must be a float or a schedule}}
module attributes {nn.optimizer = #nn.optimizer<sgd, learning_rate = "fast">} {}
