// RUN: modelc-opt %s -convert-nn-to-linalg -split-input-file -verify-diagnostics

// The mode must be a constant: nn-specialize-mode makes it one.
func.func @bn(%x: tensor<?x3xf32>, %mm: tensor<3xf32>, %mv: tensor<3xf32>, %t: i1) -> tensor<?x3xf32> {
  // expected-error@+2 {{'nn.batch_norm' needs a constant training flag to be lowered to linalg: run nn-specialize-mode first}}
  // expected-error@+1 {{failed to legalize operation 'nn.batch_norm' that was explicitly marked illegal}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 1 : i64, center = false, epsilon = 1.0e-03 : f32, momentum = 0.99 : f32, renorm = false, renorm_momentum = 0.99 : f32, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, i1) -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y : tensor<?x3xf32>
}

// -----

func.func @dropout(%x: tensor<?x3xf32>, %t: i1) -> tensor<?x3xf32> {
  // expected-error@+2 {{'nn.dropout' needs a constant training flag to be lowered to linalg: run nn-specialize-mode first}}
  // expected-error@+1 {{failed to legalize operation 'nn.dropout' that was explicitly marked illegal}}
  %y = nn.dropout %x training(%t) {rate = 0.5 : f32, stream = 1 : i64} : tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
