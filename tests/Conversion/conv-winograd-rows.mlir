// RUN: modelc-opt %s -convert-nn-to-linalg | FileCheck %s

// nn.conv2d {winograd_rows = 4}: Winograd F(4, 3) along the rows as four
// small contractions on tensors. 5 output rows are 2 tiles of 4: the pad adds
// 3 bottom rows (8 + 3 - 1 = 10 input rows) and a slice takes the 5 back.
// The columns (stride 2, dilation 2) are the products' own.
// CHECK-DAG: #[[GIN:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d4)>
// CHECK-DAG: #[[KIN:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d4, d1, d2, d3)>
// CHECK-DAG: #[[XIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2 * 4 + d5, d3, d4)>
// CHECK-DAG: #[[VIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3 * 2 + d5 * 2, d6)>
// CHECK-DAG: #[[UIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d5, d6, d4)>
// CHECK-DAG: #[[MIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d5, d1, d3, d4)>
// CHECK-LABEL: func.func @f4_3
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 3, 0, 0]
// CHECK: } : tensor<?x7x9x3xf32> to tensor<?x10x9x3xf32>
// G's rows (Toom-Cook's, divided by prod (p_i - p_j)), then U = G g per
// kernel column and channel pair: [6, 3, C, F].
// CHECK: %[[G:.*]] = arith.constant dense<{{\[}}[2.500000e-01, 0.000000e+00, 0.000000e+00], [-0.166666672, -0.166666672, -0.166666672]
// CHECK: %[[U:.*]] = linalg.generic {{{.*}}#[[GIN]], #[[KIN]]{{.*}}} ins(%[[G]], %{{.*}} : tensor<6x3xf32>, tensor<3x3x3x4xf32>) outs(%{{.*}} : tensor<6x3x3x4xf32>)
// B^T, integral: the standard F(4, 3) matrix.
// CHECK: %[[BT:.*]] = arith.constant dense<{{\[}}[4.000000e+00, 0.000000e+00, -5.000000e+00, 0.000000e+00, 1.000000e+00, 0.000000e+00], [0.000000e+00, -4.000000e+00, -4.000000e+00, 1.000000e+00, 1.000000e+00, 0.000000e+00]
// CHECK: %[[V:.*]] = linalg.generic {{{.*}}#[[XIN]]{{.*}}} ins(%[[BT]], %[[PAD]] : tensor<6x6xf32>, tensor<?x10x9x3xf32>) outs(%{{.*}} : tensor<?x6x2x9x3xf32>)
// The 6 products over the kernel columns and the channels.
// CHECK: %[[M:.*]] = linalg.generic {{{.*}}#[[VIN]], #[[UIN]]{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[V]], %[[U]] : tensor<?x6x2x9x3xf32>, tensor<6x3x3x4xf32>) outs(%{{.*}} : tensor<?x6x2x3x4xf32>)
// A^T M onto the bias: 4 rows per tile.
// CHECK: %[[INIT:.*]] = linalg.broadcast ins(%{{.*}} : tensor<4xf32>) outs(%{{.*}} : tensor<?x2x4x3x4xf32>) dimensions = [0, 1, 2, 3]
// CHECK: %[[AT:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 0.000000e+00]
// CHECK: %[[Y:.*]] = linalg.generic {{{.*}}#[[MIN]]{{.*}}} ins(%[[AT]], %[[M]] : tensor<4x6xf32>, tensor<?x6x2x3x4xf32>) outs(%[[INIT]] : tensor<?x2x4x3x4xf32>)
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[Y]] {{\[}}[0], [1, 2], [3], [4]] : tensor<?x2x4x3x4xf32> into tensor<?x8x3x4xf32>
// CHECK: %[[S:.*]] = tensor.extract_slice %[[C]][0, 0, 0, 0] [%{{.*}}, 5, 3, 4] [1, 1, 1, 1] : tensor<?x8x3x4xf32> to tensor<?x5x3x4xf32>
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
// CHECK: return %[[S]]
func.func @f4_3(%x: tensor<?x7x9x3xf32>, %k: tensor<3x3x3x4xf32>, %b: tensor<4xf32>) -> tensor<?x5x3x4xf32> {
  %y = nn.conv2d %x, %k bias(%b) {dilations = array<i64: 1, 2>, padding = #nn.padding<valid>, strides = array<i64: 1, 2>, winograd_rows = 4 : i64} : (tensor<?x7x9x3xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>) -> tensor<?x5x3x4xf32>
  return %y : tensor<?x5x3x4xf32>
}

// Whole tiles (54 rows, 9 tiles of F(6, 3)): no slice; without a bias the
// tiles start from zeros.
// CHECK-LABEL: func.func @whole_tiles
// CHECK-NOT: tensor.pad
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x9x6x1x8xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<6x8xf32>, tensor<?x8x9x1x8xf32>) outs(%[[Z]] : tensor<?x9x6x1x8xf32>)
// CHECK: %[[C:.*]] = tensor.collapse_shape %{{.*}} : tensor<?x9x6x1x8xf32> into tensor<?x54x1x8xf32>
// CHECK-NEXT: return %[[C]]
func.func @whole_tiles(%x: tensor<?x56x20x1xf32>, %k: tensor<3x20x1x8xf32>) -> tensor<?x54x1x8xf32> {
  %y = nn.conv2d %x, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>, winograd_rows = 6 : i64} : (tensor<?x56x20x1xf32>, tensor<3x20x1x8xf32>) -> tensor<?x54x1x8xf32>
  return %y : tensor<?x54x1x8xf32>
}
