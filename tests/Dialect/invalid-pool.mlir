// Verifier rules of nn.pool2d and nn.global_pool2d.
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

func.func @input_rank(%x: tensor<?x8x8xf32>) -> tensor<?x4x4x8xf32> {
  // expected-error @below {{'nn.pool2d' op expects a 4-D input [N, H, W, C], got [?, 8, 8]}}
  %0 = nn.pool2d <max> %x {pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = #nn.padding<valid>} : (tensor<?x8x8xf32>) -> tensor<?x4x4x8xf32>
  return %0 : tensor<?x4x4x8xf32>
}

// -----

func.func @result_rank(%x: tensor<?x8x8x3xf32>) -> tensor<?x48xf32> {
  // expected-error @below {{'nn.pool2d' op expected result shape [?, 4, 4, 3], got [?, 48]}}
  %0 = nn.pool2d <max> %x {pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>) -> tensor<?x48xf32>
  return %0 : tensor<?x48xf32>
}

// -----

func.func @pool_size_zero(%x: tensor<?x8x8x3xf32>) -> tensor<?x4x4x3xf32> {
  // expected-error @below {{'nn.pool2d' op pool_size must be >= 1, got [0, 2]}}
  %0 = nn.pool2d <avg> %x {pool_size = array<i64: 0, 2>, strides = array<i64: 2, 2>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>) -> tensor<?x4x4x3xf32>
  return %0 : tensor<?x4x4x3xf32>
}

// -----

func.func @strides_zero(%x: tensor<?x8x8x3xf32>) -> tensor<?x4x4x3xf32> {
  // expected-error @below {{'nn.pool2d' op strides must be >= 1, got [2, 0]}}
  %0 = nn.pool2d <avg> %x {pool_size = array<i64: 2, 2>, strides = array<i64: 2, 0>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>) -> tensor<?x4x4x3xf32>
  return %0 : tensor<?x4x4x3xf32>
}

// -----

func.func @window_does_not_fit(%x: tensor<?x56x1x3xf32>) -> tensor<?x1x1x3xf32> {
  // expected-error @below {{'nn.pool2d' op pool_size [57, 1] does not fit input [?, 56, 1, 3] with 'valid' padding}}
  %0 = nn.pool2d <max> %x {pool_size = array<i64: 57, 1>, strides = array<i64: 1, 1>, padding = #nn.padding<valid>} : (tensor<?x56x1x3xf32>) -> tensor<?x1x1x3xf32>
  return %0 : tensor<?x1x1x3xf32>
}

// -----

// valid: floor((7 - 2) / 2) + 1 = 3.
func.func @valid_result_shape(%x: tensor<?x7x7x3xf32>) -> tensor<?x4x4x3xf32> {
  // expected-error @below {{'nn.pool2d' op expected result shape [?, 3, 3, 3], got [?, 4, 4, 3]}}
  %0 = nn.pool2d <max> %x {pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = #nn.padding<valid>} : (tensor<?x7x7x3xf32>) -> tensor<?x4x4x3xf32>
  return %0 : tensor<?x4x4x3xf32>
}

// -----

// Pooling keeps the channels.
func.func @result_channels(%x: tensor<?x8x8x3xf32>) -> tensor<?x4x4x6xf32> {
  // expected-error @below {{'nn.pool2d' op expected result shape [?, 4, 4, 3], got [?, 4, 4, 6]}}
  %0 = nn.pool2d <avg> %x {pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = #nn.padding<same>} : (tensor<?x8x8x3xf32>) -> tensor<?x4x4x6xf32>
  return %0 : tensor<?x4x4x6xf32>
}

// -----

// expected-error @+3 {{expected ::mlir::nn::PoolKind to be one of: max, avg}}
// expected-error @+2 {{failed to parse NN_PoolKindAttr parameter 'value'}}
func.func @unknown_kind(%x: tensor<?x8x8x3xf32>) -> tensor<?x4x4x3xf32> {
  %0 = nn.pool2d <min> %x {pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>) -> tensor<?x4x4x3xf32>
  return %0 : tensor<?x4x4x3xf32>
}

// -----

func.func @global_input_rank(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
  // expected-error @below {{'nn.global_pool2d' op expects a 4-D input [N, H, W, C], got [?, 64]}}
  %0 = nn.global_pool2d <avg> %x : (tensor<?x64xf32>) -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}

// -----

func.func @global_result(%x: tensor<?x7x7x3xf32>) -> tensor<?x1x1x3xf32> {
  // expected-error @below {{'nn.global_pool2d' op expected result shape [?, 3], got [?, 1, 1, 3]}}
  %0 = nn.global_pool2d <max> %x : (tensor<?x7x7x3xf32>) -> tensor<?x1x1x3xf32>
  return %0 : tensor<?x1x1x3xf32>
}

// -----

// count_include_pad changes an average's divisor; a max has none.
func.func @count_include_pad_max(%x: tensor<?x8x8x3xf32>) -> tensor<?x4x4x3xf32> {
  // expected-error @below {{'nn.pool2d' op count_include_pad belongs to average pooling only}}
  %0 = nn.pool2d <max> %x {pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = #nn.padding<valid>, count_include_pad} : (tensor<?x8x8x3xf32>) -> tensor<?x4x4x3xf32>
  return %0 : tensor<?x4x4x3xf32>
}

// -----

func.func @count_include_pad_max_grad(%x: tensor<?x8x8x3xf32>, %dy: tensor<?x4x4x3xf32>) -> tensor<?x8x8x3xf32> {
  // expected-error @below {{'nn.pool2d_grad' op count_include_pad belongs to average pooling only}}
  %0 = nn.pool2d_grad <max> %x, %dy {pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = #nn.padding<valid>, count_include_pad} : (tensor<?x8x8x3xf32>, tensor<?x4x4x3xf32>) -> tensor<?x8x8x3xf32>
  return %0 : tensor<?x8x8x3xf32>
}
