// Verifier rules of nn.variable, nn.read and nn.assign.
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

// expected-error @below {{'nn.variable' op init needs a string 'kind'}}
nn.variable @"d/kernel" : tensor<4x2xf32> role <param> {init = {fan_in = 4 : i64}}

// -----

// expected-error @below {{'nn.variable' op init needs a string 'kind'}}
nn.variable @"d/kernel" : tensor<4x2xf32> role <param> {init = {kind = 3 : i64}}

// -----

// expected-error @below {{'nn.variable' op only parameters can be trainable}}
nn.variable @"bn/moving_mean" : tensor<8xf32> role <moving_mean> {init = {kind = "zeros"}, trainable = true}

// -----

// expected-error @below {{'nn.variable' op only parameters can be trainable}}
nn.variable @"d/kernel/m" : tensor<4x2xf32> role <slot> {init = {kind = "zeros"}, trainable = true}

// -----

nn.variable @"d/kernel" : tensor<4x2xf32> role <param> {init = {kind = "zeros"}, trainable = true}
func.func @read_unknown() -> tensor<4x2xf32> {
  // expected-error @below {{'nn.read' op 'd/bias' does not name an nn.variable}}
  %0 = nn.read @"d/bias" : tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// A symbol that exists but is not a variable.
func.func @read_function() -> tensor<4x2xf32> {
  // expected-error @below {{'nn.read' op 'read_function' does not name an nn.variable}}
  %0 = nn.read @read_function : tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

nn.variable @"d/kernel" : tensor<4x2xf32> role <param> {init = {kind = "zeros"}, trainable = true}
func.func @read_mismatch() -> tensor<2x4xf32> {
  // expected-error @below {{'nn.read' op type 'tensor<2x4xf32>' does not match variable 'd/kernel' of type 'tensor<4x2xf32>'}}
  %0 = nn.read @"d/kernel" : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

nn.variable @"bn/moving_mean" : tensor<8xf32> role <moving_mean> {init = {kind = "zeros"}}
func.func @assign_unknown(%v: tensor<8xf32>) {
  // expected-error @below {{'nn.assign' op 'bn/moving_var' does not name an nn.variable}}
  nn.assign %v to @"bn/moving_var" : tensor<8xf32>
  return
}

// -----

nn.variable @"bn/moving_mean" : tensor<8xf32> role <moving_mean> {init = {kind = "zeros"}}
func.func @assign_mismatch(%v: tensor<4xf32>) {
  // expected-error @below {{'nn.assign' op type 'tensor<4xf32>' does not match variable 'bn/moving_mean' of type 'tensor<8xf32>'}}
  nn.assign %v to @"bn/moving_mean" : tensor<4xf32>
  return
}

// -----

// State is f32.
// expected-error @below {{'nn.variable' op attribute 'type' failed to satisfy constraint: type attribute of ranked tensor of 32-bit float values}}
nn.variable @"d/kernel" : tensor<4x2xi32> role <param> {init = {kind = "zeros"}}

// -----

// An unknown role is a parse error that lists the roles.
// expected-error @+2 {{expected ::mlir::nn::VariableRole to be one of: param, moving_mean, moving_variance, renorm_mean, renorm_stddev, slot}}
// expected-error @+1 {{failed to parse NN_VariableRoleAttr parameter 'value'}}
nn.variable @"d/kernel" : tensor<4x2xf32> role <weights> {init = {kind = "zeros"}}

// -----

nn.variable @a : tensor<2x3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
nn.variable @b : tensor<3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
func.func @read_flat_wrong_size() -> tensor<8xf32> {
  // expected-error @below {{'nn.read_flat' op the variables hold 9 elements, the value 8}}
  %0 = nn.read_flat [@a, @b] : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

nn.variable @a : tensor<2x3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
nn.variable @c : tensor<1xf32> role <moving_mean> {init = {kind = "zeros"}}
nn.variable @b : tensor<3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
func.func @read_flat_gap() -> tensor<9xf32> {
  // The arena holds @c between them: not one range.
  // expected-error @below {{'nn.read_flat' op variable 'b' is not declared right after 'a'}}
  %0 = nn.read_flat [@a, @b] : tensor<9xf32>
  return %0 : tensor<9xf32>
}

// -----

nn.variable @a : tensor<2x3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
nn.variable @b : tensor<3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
func.func @assign_flat_order(%v: tensor<9xf32>) {
  // expected-error @below {{'nn.assign_flat' op variable 'a' is not declared right after 'b'}}
  nn.assign_flat %v to [@b, @a] : tensor<9xf32>
  return
}

// -----

nn.variable @a : tensor<2x3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
func.func @assign_flat_unknown(%v: tensor<6xf32>) {
  // expected-error @below {{'nn.assign_flat' op 'z' does not name an nn.variable}}
  nn.assign_flat %v to [@z] : tensor<6xf32>
  return
}

// -----

func.func @read_flat_empty() -> tensor<0xf32> {
  // expected-error @below {{'nn.read_flat' op needs at least one variable}}
  %0 = nn.read_flat [] : tensor<0xf32>
  return %0 : tensor<0xf32>
}
