// Verifier rules of nn.conv2d: ranks, strides and dilations, channels
// against the kernel, bias, the window fitting with valid padding and TF's
// output-size rule, groups (and the gradient ops under the same rules).
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

func.func @input_rank(%x: tensor<?x8x3xf32>, %k: tensor<3x3x3x4xf32>) -> tensor<?x6x6x4xf32> {
  // expected-error @below {{'nn.conv2d' op expects a 4-D input [N, H, W, C], got [?, 8, 3]}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>} : (tensor<?x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x6x6x4xf32>
  return %0 : tensor<?x6x6x4xf32>
}

// -----

func.func @kernel_rank(%x: tensor<?x8x8x3xf32>, %k: tensor<9x4xf32>) -> tensor<?x6x6x4xf32> {
  // expected-error @below {{'nn.conv2d' op expects a 4-D kernel [kh, kw, C / groups, O], got [9, 4]}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>, tensor<9x4xf32>) -> tensor<?x6x6x4xf32>
  return %0 : tensor<?x6x6x4xf32>
}

// -----

func.func @result_rank(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x4xf32>) -> tensor<?x144xf32> {
  // expected-error @below {{'nn.conv2d' op expected result shape [?, 6, 6, 4], got [?, 144]}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x144xf32>
  return %0 : tensor<?x144xf32>
}

// -----

func.func @zero_stride(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x4xf32>) -> tensor<?x6x6x4xf32> {
  // expected-error @below {{'nn.conv2d' op strides must be >= 1, got [1, 0]}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 0>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x6x6x4xf32>
  return %0 : tensor<?x6x6x4xf32>
}

// -----

func.func @negative_dilation(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x4xf32>) -> tensor<?x6x6x4xf32> {
  // expected-error @below {{'nn.conv2d' op dilations must be >= 1, got [-1, 1]}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: -1, 1>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x6x6x4xf32>
  return %0 : tensor<?x6x6x4xf32>
}

// -----

// Strides are a pair.
func.func @three_strides(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x4xf32>) -> tensor<?x6x6x4xf32> {
  // expected-error @below {{'nn.conv2d' op attribute 'strides' failed to satisfy constraint: i64 dense array attribute with exactly 2 elements}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x6x6x4xf32>
  return %0 : tensor<?x6x6x4xf32>
}

// -----

func.func @channel_mismatch(%x: tensor<?x8x8x4xf32>, %k: tensor<3x3x3x4xf32>) -> tensor<?x6x6x4xf32> {
  // expected-error @below {{'nn.conv2d' op input [?, 8, 8, 4] has 4 channels but the kernel [3, 3, 3, 4] expects 3}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>} : (tensor<?x8x8x4xf32>, tensor<3x3x3x4xf32>) -> tensor<?x6x6x4xf32>
  return %0 : tensor<?x6x6x4xf32>
}

// -----

func.func @bias_shape(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x4xf32>, %b: tensor<3xf32>) -> tensor<?x6x6x4xf32> {
  // expected-error @below {{'nn.conv2d' op expected bias shape [4], got [3]}}
  %0 = nn.conv2d %x, %k bias(%b) {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>, tensor<3xf32>) -> tensor<?x6x6x4xf32>
  return %0 : tensor<?x6x6x4xf32>
}

// -----

func.func @kernel_does_not_fit(%x: tensor<?x8x2x3xf32>, %k: tensor<3x3x3x4xf32>) -> tensor<?x6x1x4xf32> {
  // expected-error @below {{'nn.conv2d' op kernel [3, 3] with dilations [1, 1] does not fit input [?, 8, 2, 3] with 'valid' padding}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>} : (tensor<?x8x2x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x6x1x4xf32>
  return %0 : tensor<?x6x1x4xf32>
}

// -----

// A 3x3 kernel dilated by 4 spans 9 taps: more than 8.
func.func @dilated_kernel_does_not_fit(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x4xf32>) -> tensor<?x1x1x4xf32> {
  // expected-error @below {{'nn.conv2d' op kernel [3, 3] with dilations [4, 4] does not fit input [?, 8, 8, 3] with 'valid' padding}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 4, 4>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x1x1x4xf32>
  return %0 : tensor<?x1x1x4xf32>
}

// -----

// valid: ceil((8 - 3 + 1) / 2) = 3.
func.func @valid_result_shape(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x4xf32>) -> tensor<?x4x4x4xf32> {
  // expected-error @below {{'nn.conv2d' op expected result shape [?, 3, 3, 4], got [?, 4, 4, 4]}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x4x4x4xf32>
  return %0 : tensor<?x4x4x4xf32>
}

// -----

// same: ceil(7 / 2) = 4, whatever the kernel.
func.func @same_result_shape(%x: tensor<?x7x7x3xf32>, %k: tensor<3x3x3x4xf32>) -> tensor<?x3x3x4xf32> {
  // expected-error @below {{'nn.conv2d' op expected result shape [?, 4, 4, 4], got [?, 3, 3, 4]}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, padding = #nn.padding<same>} : (tensor<?x7x7x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x3x3x4xf32>
  return %0 : tensor<?x3x3x4xf32>
}

// -----

// The result has the kernel's output channels and keeps the batch.
func.func @result_channels(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x4xf32>) -> tensor<5x6x6x3xf32> {
  // expected-error @below {{'nn.conv2d' op expected result shape [?, 6, 6, 4], got [5, 6, 6, 3]}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<5x6x6x3xf32>
  return %0 : tensor<5x6x6x3xf32>
}

// -----

// Grouped: the kernel holds C / groups input channels.
func.func @group_channels(%x: tensor<?x8x8x4xf32>, %k: tensor<3x3x4x4xf32>) -> tensor<?x6x6x4xf32> {
  // expected-error @below {{'nn.conv2d' op input [?, 8, 8, 4] has 4 channels but the kernel [3, 3, 4, 4] expects 8 (2 groups of 4)}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, groups = 2} : (tensor<?x8x8x4xf32>, tensor<3x3x4x4xf32>) -> tensor<?x6x6x4xf32>
  return %0 : tensor<?x6x6x4xf32>
}

// -----

func.func @group_outputs(%x: tensor<?x8x8x4xf32>, %k: tensor<3x3x2x3xf32>) -> tensor<?x6x6x3xf32> {
  // expected-error @below {{'nn.conv2d' op groups 2 must divide the kernel's 3 output channels (the filters; kernel [3, 3, 2, 3])}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, groups = 2} : (tensor<?x8x8x4xf32>, tensor<3x3x2x3xf32>) -> tensor<?x6x6x3xf32>
  return %0 : tensor<?x6x6x3xf32>
}

// -----

func.func @zero_groups(%x: tensor<?x8x8x4xf32>, %k: tensor<3x3x4x4xf32>) -> tensor<?x6x6x4xf32> {
  // expected-error @below {{'nn.conv2d' op groups must be >= 1, got 0}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, groups = 0} : (tensor<?x8x8x4xf32>, tensor<3x3x4x4xf32>) -> tensor<?x6x6x4xf32>
  return %0 : tensor<?x6x6x4xf32>
}

// -----

// An empty spatial axis has no output, even with same padding.
func.func @same_empty_input(%x: tensor<1x0x4x1xf32>, %k: tensor<3x3x1x2xf32>) -> tensor<1x0x4x2xf32> {
  // expected-error @below {{'nn.conv2d' op kernel [3, 3] with dilations [1, 1] does not fit input [1, 0, 4, 1] with 'same' padding}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<same>} : (tensor<1x0x4x1xf32>, tensor<3x3x1x2xf32>) -> tensor<1x0x4x2xf32>
  return %0 : tensor<1x0x4x2xf32>
}

// -----

// The gradient ops follow the same rules.
func.func @grad_input_groups(%dy: tensor<?x6x6x4xf32>, %k: tensor<3x3x4x4xf32>) -> tensor<?x8x8x4xf32> {
  // expected-error @below {{'nn.conv2d_grad_input' op input [?, 8, 8, 4] has 4 channels but the kernel [3, 3, 4, 4] expects 8 (2 groups of 4)}}
  %0 = nn.conv2d_grad_input %dy, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, groups = 2} : (tensor<?x6x6x4xf32>, tensor<3x3x4x4xf32>) -> tensor<?x8x8x4xf32>
  return %0 : tensor<?x8x8x4xf32>
}

// -----

// winograd computes F(2x2, 3x3) only: a 3x3 kernel, stride 1, no dilation,
// one group.
func.func @winograd_strided(%x: tensor<?x8x8x32xf32>, %k: tensor<3x3x32x32xf32>) -> tensor<?x3x3x32xf32> {
  // expected-error @below {{'nn.conv2d' op winograd needs a 3x3 kernel, stride 1, no dilation and one group}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, winograd} : (tensor<?x8x8x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x3x3x32xf32>
  return %0 : tensor<?x3x3x32xf32>
}

// -----

func.func @winograd_5x5(%x: tensor<?x8x8x32xf32>, %k: tensor<5x5x32x32xf32>) -> tensor<?x4x4x32xf32> {
  // expected-error @below {{'nn.conv2d' op winograd needs a 3x3 kernel, stride 1, no dilation and one group}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, winograd} : (tensor<?x8x8x32xf32>, tensor<5x5x32x32xf32>) -> tensor<?x4x4x32xf32>
  return %0 : tensor<?x4x4x32xf32>
}

// -----

func.func @winograd_dilated(%x: tensor<?x8x8x32xf32>, %k: tensor<3x3x32x32xf32>) -> tensor<?x4x4x32xf32> {
  // expected-error @below {{'nn.conv2d' op winograd needs a 3x3 kernel, stride 1, no dilation and one group}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 2, 2>, padding = #nn.padding<valid>, winograd} : (tensor<?x8x8x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x4x4x32xf32>
  return %0 : tensor<?x4x4x32xf32>
}

// -----

func.func @winograd_grouped(%x: tensor<?x8x8x32xf32>, %k: tensor<3x3x16x32xf32>) -> tensor<?x6x6x32xf32> {
  // expected-error @below {{'nn.conv2d' op winograd needs a 3x3 kernel, stride 1, no dilation and one group}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, groups = 2 : i64, winograd} : (tensor<?x8x8x32xf32>, tensor<3x3x16x32xf32>) -> tensor<?x6x6x32xf32>
  return %0 : tensor<?x6x6x32xf32>
}

// -----

func.func @winograd_grad_strided(%dy: tensor<?x3x3x32xf32>, %k: tensor<3x3x32x32xf32>) -> tensor<?x8x8x32xf32> {
  // expected-error @below {{'nn.conv2d_grad_input' op winograd needs a 3x3 kernel, stride 1, no dilation and one group}}
  %0 = nn.conv2d_grad_input %dy, %k {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, winograd} : (tensor<?x3x3x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x8x8x32xf32>
  return %0 : tensor<?x8x8x32xf32>
}

// -----

func.func @winograd_grad_short_dy(%dy: tensor<?x2x2x32xf32>, %k: tensor<3x3x32x32xf32>) -> tensor<?x4x4x32xf32> {
  // expected-error @below {{'nn.conv2d_grad_input' op winograd needs an output gradient of at least 3x3, got [?, 2, 2, 32]}}
  %0 = nn.conv2d_grad_input %dy, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, winograd} : (tensor<?x2x2x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x4x4x32xf32>
  return %0 : tensor<?x4x4x32xf32>
}

// -----

// winograd_rows = m computes F(m, kh) along the rows: row stride 1, no row
// dilation, one group, tiles (m + kh - 1) of at most 8 rows.
func.func @winograd_rows_strided(%x: tensor<?x8x8x32xf32>, %k: tensor<3x3x32x32xf32>) -> tensor<?x3x6x32xf32> {
  // expected-error @below {{'nn.conv2d' op winograd_rows = 2 needs row stride 1, no row dilation, one group, m >= 2, at least 2 kernel rows and at most 8 rows per tile (m + kh - 1)}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 2, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, winograd_rows = 2 : i64} : (tensor<?x8x8x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x3x6x32xf32>
  return %0 : tensor<?x3x6x32xf32>
}

// -----

func.func @winograd_rows_tile(%x: tensor<?x8x8x32xf32>, %k: tensor<3x3x32x32xf32>) -> tensor<?x6x6x32xf32> {
  // expected-error @below {{'nn.conv2d' op winograd_rows = 7 needs row stride 1, no row dilation, one group, m >= 2, at least 2 kernel rows and at most 8 rows per tile (m + kh - 1)}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, winograd_rows = 7 : i64} : (tensor<?x8x8x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x6x6x32xf32>
  return %0 : tensor<?x6x6x32xf32>
}

// -----

func.func @winograd_rows_one_row(%x: tensor<?x8x8x32xf32>, %k: tensor<1x3x32x32xf32>) -> tensor<?x8x6x32xf32> {
  // expected-error @below {{'nn.conv2d' op winograd_rows = 4 needs row stride 1}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, winograd_rows = 4 : i64} : (tensor<?x8x8x32xf32>, tensor<1x3x32x32xf32>) -> tensor<?x8x6x32xf32>
  return %0 : tensor<?x8x6x32xf32>
}

// -----

func.func @winograd_both(%x: tensor<?x8x8x32xf32>, %k: tensor<3x3x32x32xf32>) -> tensor<?x6x6x32xf32> {
  // expected-error @below {{'nn.conv2d' op winograd and winograd_rows exclude each other}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, winograd, winograd_rows = 4 : i64} : (tensor<?x8x8x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x6x6x32xf32>
  return %0 : tensor<?x6x6x32xf32>
}

// -----

// (A huge m does not overflow m + kh - 1 into a small tile.)
func.func @winograd_rows_huge(%x: tensor<?x8x8x32xf32>, %k: tensor<3x3x32x32xf32>) -> tensor<?x6x6x32xf32> {
  // expected-error @below {{'nn.conv2d' op winograd_rows = 9223372036854775807 needs row stride 1}}
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, winograd_rows = 9223372036854775807 : i64} : (tensor<?x8x8x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x6x6x32xf32>
  return %0 : tensor<?x6x6x32xf32>
}

// -----

// The gradients take winograd_rows under the same rules; the input gradient
// also needs dy at least as tall as the kernel (its rows summed over taps).
func.func @winograd_rows_grad_short_dy(%dy: tensor<?x2x6x32xf32>, %k: tensor<3x3x32x32xf32>) -> tensor<?x4x8x32xf32> {
  // expected-error @below {{'nn.conv2d_grad_input' op winograd_rows needs an output gradient of a static height at least the kernel's, got [?, 2, 6, 32] for 3 kernel rows}}
  %0 = nn.conv2d_grad_input %dy, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, winograd_rows = 4 : i64} : (tensor<?x2x6x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x4x8x32xf32>
  return %0 : tensor<?x4x8x32xf32>
}

// -----

func.func @winograd_rows_grad_both(%dy: tensor<?x6x6x32xf32>, %k: tensor<3x3x32x32xf32>) -> tensor<?x8x8x32xf32> {
  // expected-error @below {{'nn.conv2d_grad_input' op winograd and winograd_rows exclude each other}}
  %0 = nn.conv2d_grad_input %dy, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, winograd, winograd_rows = 4 : i64} : (tensor<?x6x6x32xf32>, tensor<3x3x32x32xf32>) -> tensor<?x8x8x32xf32>
  return %0 : tensor<?x8x8x32xf32>
}

// -----

func.func @winograd_rows_grad_kernel_strided(%x: tensor<?x8x8x32xf32>, %dy: tensor<?x3x6x32xf32>) -> tensor<3x3x32x32xf32> {
  // expected-error @below {{'nn.conv2d_grad_kernel' op winograd_rows = 4 needs row stride 1, no row dilation, one group, m >= 2, at least 2 kernel rows and at most 8 rows per tile (m + kh - 1)}}
  %0 = nn.conv2d_grad_kernel %x, %dy {strides = array<i64: 2, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, winograd_rows = 4 : i64} : (tensor<?x8x8x32xf32>, tensor<?x3x6x32xf32>) -> tensor<3x3x32x32xf32>
  return %0 : tensor<3x3x32x32xf32>
}
