// Verifier rules of nn.dropout, the activations (clip's bounds) and their gradient.
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

// Keras' rate is the fraction dropped, in [0, 1).
func.func @dropout_rate_one(%x: tensor<?x4xf32>, %t: i1) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.dropout' op rate must be in [0, 1), got 1.000000e+00}}
  %0 = nn.dropout %x training(%t) {rate = 1.0 : f32, stream = 0 : i64} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @dropout_rate_negative(%x: tensor<?x4xf32>, %t: i1) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.dropout' op rate must be in [0, 1), got -1.000000e-01}}
  %0 = nn.dropout %x training(%t) {rate = -0.1 : f32, stream = 0 : i64} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// The key is the run's (seed, step).
func.func @dropout_key_arity(%x: tensor<?x4xf32>, %t: i1, %seed: tensor<i64>) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.dropout' op key is (seed, step): two i64 scalars}}
  %0 = nn.dropout %x training(%t) key(%seed : tensor<i64>) {rate = 0.5 : f32, stream = 0 : i64} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// The mode flag is an i1.
func.func @dropout_training_type(%x: tensor<?x4xf32>, %t: i32) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.dropout' op operand #1 must be 1-bit signless integer, but got 'i32'}}
  %0 = "nn.dropout"(%x, %t) <{rate = 0.5 : f32, stream = 0 : i64}> : (tensor<?x4xf32>, i32) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Activations are f32 only.
func.func @relu_on_ids(%x: tensor<?x4xi32>) -> tensor<?x4xi32> {
  // expected-error @below {{'nn.relu' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<?x4xi32>'}}
  %0 = nn.relu %x : tensor<?x4xi32>
  return %0 : tensor<?x4xi32>
}

// -----

func.func @tanh_changes_type(%x: tensor<?x4xf32>) -> tensor<?x5xf32> {
  // expected-error @below {{'nn.tanh' op requires the same type for all operands and results}}
  %0 = "nn.tanh"(%x) : (tensor<?x4xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

// An activation gradient carries alpha exactly when it is leaky_relu's or elu's.
func.func @relu_grad_alpha(%x: tensor<?x4xf32>, %dy: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.activation_grad' op 'alpha' belongs to leaky_relu and elu only}}
  %0 = nn.activation_grad <relu> %x, %dy {alpha = 2.0e-01 : f32} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @leaky_relu_grad_without_alpha(%x: tensor<?x4xf32>, %dy: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.activation_grad' op leaky_relu needs its 'alpha'}}
  %0 = nn.activation_grad <leaky_relu> %x, %dy : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @elu_grad_without_alpha(%x: tensor<?x4xf32>, %dy: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.activation_grad' op elu needs its 'alpha'}}
  %0 = nn.activation_grad <elu> %x, %dy : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// np.clip's bounds: min <= max, neither NaN.
func.func @clip_bounds(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.clip' op needs min <= max (neither NaN), got [2.000000e+00, 1.000000e+00]}}
  %0 = nn.clip %x {min = 2.0 : f32, max = 1.0 : f32} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @clip_nan(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.clip' op needs min <= max (neither NaN)}}
  %0 = nn.clip %x {min = 0x7FC00000 : f32, max = 1.0 : f32} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// min and max belong to the clip gradient, and it needs both.
func.func @clip_grad_bounds(%x: tensor<?x4xf32>, %dy: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.activation_grad' op clip needs its 'min' and 'max'}}
  %0 = nn.activation_grad <clip> %x, %dy {min = 0.0 : f32} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @relu_grad_bounds(%x: tensor<?x4xf32>, %dy: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.activation_grad' op 'min' and 'max' belong to clip only}}
  %0 = nn.activation_grad <relu> %x, %dy {min = 0.0 : f32, max = 1.0 : f32} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
