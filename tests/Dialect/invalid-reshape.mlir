// Verifier rules of nn.reshape (flatten and reshape): the batch dimension
// is kept, only it may be dynamic, and the rest holds as many elements.
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

func.func @scalar(%x: tensor<f32>) -> tensor<1xf32> {
  // expected-error @below {{'nn.reshape' op reshape keeps the batch dimension: rank must be >= 1}}
  %0 = nn.reshape %x : (tensor<f32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

func.func @batch_changes(%x: tensor<?x4x4xf32>) -> tensor<4x?x4xf32> {
  // expected-error @below {{'nn.reshape' op batch dimension changes from [?, 4, 4] to [4, ?, 4]}}
  %0 = nn.reshape %x : (tensor<?x4x4xf32>) -> tensor<4x?x4xf32>
  return %0 : tensor<4x?x4xf32>
}

// -----

func.func @static_batch_changes(%x: tensor<8x4xf32>) -> tensor<4x8xf32> {
  // expected-error @below {{'nn.reshape' op batch dimension changes from [8, 4] to [4, 8]}}
  %0 = nn.reshape %x : (tensor<8x4xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @dynamic_feature(%x: tensor<?x?x4xf32>) -> tensor<?x16xf32> {
  // expected-error @below {{'nn.reshape' op only the batch dimension may be dynamic}}
  %0 = nn.reshape %x : (tensor<?x?x4xf32>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

func.func @element_count(%x: tensor<?x56x64xf32>) -> tensor<?x56x32x1xf32> {
  // expected-error @below {{'nn.reshape' op [?, 56, 64] (3584 elements per example) cannot become [?, 56, 32, 1] (1792)}}
  %0 = nn.reshape %x : (tensor<?x56x64xf32>) -> tensor<?x56x32x1xf32>
  return %0 : tensor<?x56x32x1xf32>
}
