// Verifier rules of nn.concat and nn.add.
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

func.func @concat_no_inputs() -> tensor<?x4xf32> {
  // expected-error @below {{'nn.concat' op needs at least one input}}
  %0 = nn.concat {axis = 1 : i64} : () -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @concat_axis(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x8xf32> {
  // expected-error @below {{'nn.concat' op axis 2 is out of range for input [?, 4]}}
  %0 = nn.concat %a, %b {axis = 2 : i64} : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// The front end resolves -1; the op holds the resolved axis.
func.func @concat_negative_axis(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x8xf32> {
  // expected-error @below {{'nn.concat' op axis -1 is out of range for input [?, 4]}}
  %0 = nn.concat %a, %b {axis = -1 : i64} : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @concat_rank(%a: tensor<?x4xf32>, %b: tensor<?x2x2xf32>) -> tensor<?x8xf32> {
  // expected-error @below {{'nn.concat' op [?, 4] and [?, 2, 2] differ in rank}}
  %0 = nn.concat %a, %b {axis = 1 : i64} : (tensor<?x4xf32>, tensor<?x2x2xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @concat_mismatch(%a: tensor<?x4x4x8xf32>, %b: tensor<?x2x2x8xf32>) -> tensor<?x4x4x16xf32> {
  // expected-error @below {{'nn.concat' op [?, 4, 4, 8] and [?, 2, 2, 8] differ outside axis 3}}
  %0 = nn.concat %a, %b {axis = 3 : i64} : (tensor<?x4x4x8xf32>, tensor<?x2x2x8xf32>) -> tensor<?x4x4x16xf32>
  return %0 : tensor<?x4x4x16xf32>
}

// -----

func.func @concat_result(%a: tensor<?x100xf32>, %b: tensor<?x50xf32>) -> tensor<?x100xf32> {
  // expected-error @below {{'nn.concat' op expected result shape [?, 150], got [?, 100]}}
  %0 = nn.concat %a, %b {axis = 1 : i64} : (tensor<?x100xf32>, tensor<?x50xf32>) -> tensor<?x100xf32>
  return %0 : tensor<?x100xf32>
}

// -----

func.func @add_one_input(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.add' op needs at least two inputs}}
  %0 = nn.add %a : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Operands of different shapes (the generic form; the custom syntax has one
// type for all of them).
func.func @add_mismatch(%a: tensor<?x4xf32>, %b: tensor<?x5xf32>) -> tensor<?x4xf32> {
  // expected-error @below {{'nn.add' op requires the same type for all operands and results}}
  %0 = "nn.add"(%a, %b) : (tensor<?x4xf32>, tensor<?x5xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
