// Verifier rules of nn.replica_reduce: one tensor for `mean`, two
// per-channel vectors and a count for `moments` and `grad_means`, results
// typed like the inputs.
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

func.func @mean_two(%a: tensor<3xf32>, %b: tensor<3xf32>) {
  // expected-error @below {{'nn.replica_reduce' op 'mean' takes 1 tensor(s), got 2}}
  %r:2 = nn.replica_reduce <mean> %a, %b : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>, tensor<3xf32>
  return
}

// -----

func.func @mean_count(%a: tensor<3xf32>, %n: index) {
  // expected-error @below {{'nn.replica_reduce' op 'mean' takes no count}}
  %r = nn.replica_reduce <mean> %a count %n : tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @moments_no_count(%a: tensor<3xf32>, %b: tensor<3xf32>) {
  // expected-error @below {{'nn.replica_reduce' op 'moments' needs a count of values per channel}}
  %r:2 = nn.replica_reduce <moments> %a, %b : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>, tensor<3xf32>
  return
}

// -----

func.func @moments_2d(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>, %n: index) {
  // expected-error @below {{'nn.replica_reduce' op expects two per-channel vectors of the same type}}
  %r:2 = nn.replica_reduce <grad_means> %a, %b count %n : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>, tensor<2x3xf32>
  return
}

// -----

func.func @result_type(%a: tensor<3xf32>) {
  // expected-error @below {{'nn.replica_reduce' op results must have the types of the inputs}}
  %r = nn.replica_reduce <mean> %a : tensor<3xf32> -> tensor<4xf32>
  return
}
