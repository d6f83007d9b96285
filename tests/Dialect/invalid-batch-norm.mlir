// Verifier rules of nn.batch_norm: axis and rank, gamma/beta against
// scale/center, the renorm operands and clipping, every per-channel shape,
// momentum, renorm_momentum, epsilon, virtual_batch_size and the result.
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

func.func @axis_too_large(%x: tensor<?x4x4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op axis 4 is out of range for input [?, 4, 4, 8]}}
  %y, %m, %v = nn.batch_norm %x gamma(%g) beta(%b) moving(%mm, %mv) training(%t) {axis = 4, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = true, scale = true, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

// The front end resolves a negative axis; the op holds the resolved one.
func.func @axis_negative(%x: tensor<?x4x4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op axis -1 is out of range for input [?, 4, 4, 8]}}
  %y, %m, %v = nn.batch_norm %x gamma(%g) beta(%b) moving(%mm, %mv) training(%t) {axis = -1, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = true, scale = true, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @rank_one(%x: tensor<8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op expects an input of rank >= 2, got [8]}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 0, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @scale_without_gamma(%x: tensor<?x4x4x8xf32>, %b: tensor<8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op gamma must be given exactly when scale is true}}
  %y, %m, %v = nn.batch_norm %x beta(%b) moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = true, scale = true, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @gamma_without_scale(%x: tensor<?x4x4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op gamma must be given exactly when scale is true}}
  %y, %m, %v = nn.batch_norm %x gamma(%g) beta(%b) moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = true, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @center_without_beta(%x: tensor<?x4x4x8xf32>, %g: tensor<8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op beta must be given exactly when center is true}}
  %y, %m, %v = nn.batch_norm %x gamma(%g) moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = true, scale = true, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @beta_without_center(%x: tensor<?x4x4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op beta must be given exactly when center is true}}
  %y, %m, %v = nn.batch_norm %x gamma(%g) beta(%b) moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = true, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @renorm_without_state(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op renorm_mean and renorm_stddev must be given exactly when renorm is true}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = true, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @state_without_renorm(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %rm: tensor<8xf32>, %rs: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op renorm_mean and renorm_stddev must be given exactly when renorm is true}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) renorm(%rm, %rs) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

// Only renorm_mean (the custom syntax cannot say this; the generic form can).
func.func @half_renorm_state(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %rm: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op renorm_mean and renorm_stddev must be given exactly when renorm is true}}
  %y, %m, %v = "nn.batch_norm"(%x, %mm, %mv, %rm, %t) <{axis = 3 : i64, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = true, renorm_momentum = 0.99 : f32, operandSegmentSizes = array<i32: 1, 0, 0, 1, 1, 1, 0, 1>}> : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @clipping_without_renorm(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op renorm clipping needs renorm = true}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32, renorm_rmax = 3.0 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @gamma_shape(%x: tensor<?x4x4x8xf32>, %g: tensor<4xf32>, %b: tensor<8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op expected gamma shape [8], got [4]}}
  %y, %m, %v = nn.batch_norm %x gamma(%g) beta(%b) moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = true, scale = true, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @beta_shape(%x: tensor<?x4x4x8xf32>, %g: tensor<8xf32>, %b: tensor<1x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op expected beta shape [8], got [1, 8]}}
  %y, %m, %v = nn.batch_norm %x gamma(%g) beta(%b) moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = true, scale = true, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<1x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

// With axis = 1 the channels are the second dimension (4), not the last.
func.func @moving_mean_shape(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<4xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op expected moving_mean shape [4], got [8]}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 1, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<4xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @moving_variance_shape(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<7xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op expected moving_variance shape [8], got [7]}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<7xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @renorm_mean_shape(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %rm: tensor<2xf32>, %rs: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op expected renorm_mean shape [8], got [2]}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) renorm(%rm, %rs) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = true, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<2xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @renorm_stddev_shape(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %rm: tensor<8xf32>, %rs: tensor<3xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op expected renorm_stddev shape [8], got [3]}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) renorm(%rm, %rs) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = true, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<3xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @batch_mean_shape(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op expected result #1 shape [8], got [4]}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<4xf32>, tensor<8xf32>)
  return
}

// -----

func.func @batch_variance_shape(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op expected result #2 shape [8], got [?]}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<?xf32>)
  return
}

// -----

func.func @momentum_above_one(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op momentum must be in [0, 1], got 1.500000e+00}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = 1.5 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @momentum_negative(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op momentum must be in [0, 1], got -5.000000e-01}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = -0.5 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

// NaN is not in [0, 1] either.
func.func @momentum_nan(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op momentum must be in [0, 1], got nan}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = 0x7FC00000 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @renorm_momentum(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %rm: tensor<8xf32>, %rs: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op renorm_momentum must be in [0, 1]}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) renorm(%rm, %rs) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = true, renorm_momentum = 2.0 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @epsilon_zero(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op epsilon must be > 0}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.0 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @epsilon_negative(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op epsilon must be > 0}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = -0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @virtual_batch_size_zero(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op virtual_batch_size must be >= 1, got 0}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32, virtual_batch_size = 0} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @virtual_batch_size_static_batch(%x: tensor<6x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op virtual_batch_size 4 does not divide the batch size 6}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32, virtual_batch_size = 4} : (tensor<6x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<6x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

// A dynamic batch is checked at run time, not here: no error.
func.func @virtual_batch_size_dynamic_batch(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32, virtual_batch_size = 4} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @result_shape(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @below {{'nn.batch_norm' op expected result shape [?, 4, 4, 8], got [?, 4, 8]}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

// variance_correction is unbiased or biased; the front end resolves "tf".
func.func @correction_tf(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) {
  // expected-error @+2 {{expected ::mlir::nn::VarianceCorrection to be one of: unbiased, biased}}
  // expected-error @+1 {{failed to parse NN_VarianceCorrectionAttr parameter 'value'}}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<tf>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}
