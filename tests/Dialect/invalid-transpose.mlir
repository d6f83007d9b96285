// Verifier rules of nn.transpose.
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

func.func @rank(%x: tensor<?x3x4xf32>) -> tensor<?x4x3xf32> {
  // expected-error @below {{'nn.transpose' op permutation [0, 1] has 2 entries, input [?, 3, 4] has rank 3}}
  %0 = nn.transpose %x {permutation = array<i64: 0, 1>} : (tensor<?x3x4xf32>) -> tensor<?x4x3xf32>
  return %0 : tensor<?x4x3xf32>
}

// -----

func.func @not_a_permutation(%x: tensor<?x3x4xf32>) -> tensor<?x4x3xf32> {
  // expected-error @below {{'nn.transpose' op permutation [0, 2, 2] is not a permutation of 0..2}}
  %0 = nn.transpose %x {permutation = array<i64: 0, 2, 2>} : (tensor<?x3x4xf32>) -> tensor<?x4x3xf32>
  return %0 : tensor<?x4x3xf32>
}

// -----

func.func @batch_moves(%x: tensor<?x3xf32>) -> tensor<3x?xf32> {
  // expected-error @below {{'nn.transpose' op the batch dimension must stay first (permutation[0] = 0)}}
  %0 = nn.transpose %x {permutation = array<i64: 1, 0>} : (tensor<?x3xf32>) -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}

// -----

func.func @result_shape(%x: tensor<?x3x4xf32>) -> tensor<?x3x4xf32> {
  // expected-error @below {{'nn.transpose' op}}
  %0 = nn.transpose %x {permutation = array<i64: 0, 2, 1>} : (tensor<?x3x4xf32>) -> tensor<?x3x4xf32>
  return %0 : tensor<?x3x4xf32>
}

// -----

// A rank-0 value has no batch dimension to keep first.
func.func @rank_zero(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @below {{'nn.transpose' op the batch dimension must stay first (permutation[0] = 0), got []}}
  %0 = nn.transpose %x {permutation = array<i64>} : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}
