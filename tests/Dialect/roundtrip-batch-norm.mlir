// Round trip of nn.batch_norm in its shapes: the plain form, without gamma
// and beta (scale/center false), with Batch Renormalization (renorm state
// and clipping), with a virtual batch size, and on a 2-D input.
// RUN: modelc-opt %s | modelc-opt | FileCheck %s
// RUN: modelc-opt %s --mlir-print-op-generic | modelc-opt | FileCheck %s

// CHECK-LABEL: func.func @full
func.func @full(%x: tensor<?x4x4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) -> tensor<?x4x4x8xf32> {
  // CHECK: %{{.*}}, %{{.*}}, %{{.*}} = nn.batch_norm %arg0 gamma(%arg1) beta(%arg2) moving(%arg3, %arg4) training(%arg5) {axis = 3 : i64, center = true, epsilon = 1.000000e-03 : f32, momentum = 9.900000e-01 : f32, renorm = false, renorm_momentum = 9.900000e-01 : f32, scale = true, trainable = true, variance_correction = #nn.variance_correction<unbiased>} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  %y, %m, %v = nn.batch_norm %x gamma(%g) beta(%b) moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = true, scale = true, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return %y : tensor<?x4x4x8xf32>
}

// CHECK-LABEL: func.func @no_gamma_beta
func.func @no_gamma_beta(%x: tensor<?x4x4x8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %t: i1) -> tensor<?x4x4x8xf32> {
  // CHECK: nn.batch_norm %arg0 moving(%arg1, %arg2) training(%arg3) {axis = 3 : i64, center = false, {{.*}}, scale = false, trainable = false, variance_correction = #nn.variance_correction<biased>}
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3, momentum = 0.9 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = false, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return %y : tensor<?x4x4x8xf32>
}

// CHECK-LABEL: func.func @renorm
func.func @renorm(%x: tensor<?x4x4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %mm: tensor<8xf32>, %mv: tensor<8xf32>, %rm: tensor<8xf32>, %rs: tensor<8xf32>, %t: i1) -> tensor<?x4x4x8xf32> {
  // CHECK: nn.batch_norm %arg0 gamma(%arg1) beta(%arg2) moving(%arg3, %arg4) renorm(%arg5, %arg6) training(%arg7)
  // CHECK-SAME: renorm = true, renorm_dmax = 5.000000e+00 : f32, renorm_momentum = 0.899999976 : f32, renorm_rmax = 3.000000e+00 : f32, renorm_rmin = 0.333333343 : f32
  %y, %m, %v = nn.batch_norm %x gamma(%g) beta(%b) moving(%mm, %mv) renorm(%rm, %rs) training(%t) {axis = 3, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = true, scale = true, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = true, renorm_momentum = 0.9 : f32, renorm_rmin = 0.333333343 : f32, renorm_rmax = 3.0 : f32, renorm_dmax = 5.0 : f32} : (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, i1) -> (tensor<?x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return %y : tensor<?x4x4x8xf32>
}

// CHECK-LABEL: func.func @ghost_2d
func.func @ghost_2d(%x: tensor<32x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>, %mm: tensor<16xf32>, %mv: tensor<16xf32>, %t: i1) -> tensor<32x16xf32> {
  // CHECK: nn.batch_norm %arg0 gamma(%arg1) beta(%arg2) moving(%arg3, %arg4) training(%arg5)
  // CHECK-SAME: axis = 1 : i64
  // CHECK-SAME: virtual_batch_size = 8 : i64
  // CHECK-SAME: (tensor<32x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, i1) -> (tensor<32x16xf32>, tensor<16xf32>, tensor<16xf32>)
  %y, %m, %v = nn.batch_norm %x gamma(%g) beta(%b) moving(%mm, %mv) training(%t) {axis = 1, momentum = 0.99 : f32, epsilon = 0.001 : f32, center = true, scale = true, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32, virtual_batch_size = 8} : (tensor<32x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, i1) -> (tensor<32x16xf32>, tensor<16xf32>, tensor<16xf32>)
  return %y : tensor<32x16xf32>
}
