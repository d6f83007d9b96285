// Verifier rules of nn.slice (the gradient of nn.concat): a window of the
// input along one axis, the same everywhere else.
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

func.func @axis(%x: tensor<?x10xf32>) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.slice' op axis out of range or rank mismatch}}
  %0 = nn.slice %x {axis = 2 : i64, offset = 0 : i64} : (tensor<?x10xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @other_dims(%x: tensor<?x10x3xf32>) -> tensor<?x4x2xf32> {
  // expected-error @below {{'nn.slice' op result [?, 4, 2] differs from [?, 10, 3] outside axis 1}}
  %0 = nn.slice %x {axis = 1 : i64, offset = 0 : i64} : (tensor<?x10x3xf32>) -> tensor<?x4x2xf32>
  return %0 : tensor<?x4x2xf32>
}

// -----

func.func @outside(%x: tensor<?x10xf32>) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.slice' op slice [7, 11) is outside [?, 10]}}
  %0 = nn.slice %x {axis = 1 : i64, offset = 7 : i64} : (tensor<?x10xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @negative(%x: tensor<?x10xf32>) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.slice' op offset -1 is negative}}
  %0 = nn.slice %x {axis = 1 : i64, offset = -1 : i64} : (tensor<?x10xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
