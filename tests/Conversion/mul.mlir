// nn.mul and nn.mul_grad to linalg: broadcasting in the indexing maps (a
// repeated unit dimension read at index 0), the gradient reduced over the
// repeated dimensions and expanded back to the operand's unit dims, or cast
// to its type where its sizes are dynamic and dy's static.
// RUN: modelc-opt %s -convert-nn-to-linalg | FileCheck %s

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[GATE:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>
// CHECK-DAG: #[[KEPT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3)>

// CHECK-LABEL: func.func @squeeze_excite
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[GATE]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK: arith.mulf
func.func @squeeze_excite(%x: tensor<?x4x4x3xf32>, %s: tensor<?x1x1x3xf32>) -> tensor<?x4x4x3xf32> {
  %y = nn.mul %x, %s : (tensor<?x4x4x3xf32>, tensor<?x1x1x3xf32>) -> tensor<?x4x4x3xf32>
  return %y : tensor<?x4x4x3xf32>
}

// CHECK-LABEL: func.func @grad_unit_dims
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[KEPT]]], iterator_types = ["parallel", "reduction", "reduction", "parallel"]}
// CHECK-SAME: outs(%{{.*}} : tensor<?x3xf32>)
// CHECK: tensor.expand_shape %[[R]] {{\[}}[0, 1, 2], [3]] {{.*}} : tensor<?x3xf32> into tensor<?x1x1x3xf32>
func.func @grad_unit_dims(%dy: tensor<?x4x4x3xf32>, %x: tensor<?x4x4x3xf32>) -> tensor<?x1x1x3xf32> {
  %g = nn.mul_grad %dy, %x : (tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>) -> tensor<?x1x1x3xf32>
  return %g : tensor<?x1x1x3xf32>
}

// CHECK-LABEL: func.func @grad_static_dy
// CHECK: %[[R:.*]] = linalg.generic
// CHECK: tensor.cast %[[R]] : tensor<3x5xf32> to tensor<?x5xf32>
func.func @grad_static_dy(%dy: tensor<3x5xf32>, %other: tensor<3x5xf32>) -> tensor<?x5xf32> {
  %g = nn.mul_grad %dy, %other : (tensor<3x5xf32>, tensor<3x5xf32>) -> tensor<?x5xf32>
  return %g : tensor<?x5xf32>
}
