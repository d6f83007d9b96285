// RUN: modelc-opt %s -convert-nn-to-linalg | FileCheck %s

// nn.conv2d {winograd}: Winograd F(2x2, 3x3) as five small contractions on
// tensors. A 5x7 output is 3x4 tiles of 2x2: the one pad also adds the
// extra bottom row and right column, and a slice takes the 5x7 back.
// CHECK-DAG: #[[GK:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5, d2, d3)>
// CHECK-DAG: #[[XIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d3 * 2 + d1, d4 * 2 + d6, d5)>
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d6, d2, d3, d4, d5)>
// CHECK-DAG: #[[UIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d2, d6, d5)>
// CHECK-DAG: #[[MIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d5, d6, d1, d2, d4)>
// CHECK-DAG: #[[SWAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d2 * 2 + d4, d5)>
// CHECK-LABEL: func.func @odd_valid
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 1, 1, 0]
// CHECK: } : tensor<?x7x9x3xf32> to tensor<?x8x10x3xf32>
// CHECK: %[[INIT:.*]] = linalg.broadcast ins(%{{.*}} : tensor<4xf32>) outs(%{{.*}} : tensor<?x3x4x4x4xf32>) dimensions = [0, 1, 2, 3]
// B^T's rows, then G g G^T of the kernel: U[4, 4, C, F].
// CHECK: %[[BT:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 0.000000e+00, -1.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00, 1.000000e+00, 0.000000e+00], [0.000000e+00, -1.000000e+00, 1.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00, 0.000000e+00, -1.000000e+00]]> : tensor<4x4xf32>
// CHECK: %[[U:.*]] = linalg.generic {{{.*}}#[[GK]]{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<4x4x3x3xf32>, tensor<3x3x3x4xf32>) outs(%{{.*}} : tensor<4x4x3x4xf32>)
// The input tiles: B^T along the columns, then along the rows.
// CHECK: %[[W:.*]] = linalg.generic {{{.*}}#[[XIN]]{{.*}}} ins(%[[BT]], %[[PAD]] : tensor<4x4xf32>, tensor<?x8x10x3xf32>) outs(%{{.*}} : tensor<?x4x4x3x4x3xf32>)
// CHECK: %[[V:.*]] = linalg.generic {{{.*}}#[[WIN]]{{.*}}} ins(%[[BT]], %[[W]] : tensor<4x4xf32>, tensor<?x4x4x3x4x3xf32>) outs(%{{.*}} : tensor<?x4x4x3x4x3xf32>)
// The 16 products over the channels.
// CHECK: %[[M:.*]] = linalg.generic {{{.*}}#[[UIN]]{{.*}}} ins(%[[V]], %[[U]] : tensor<?x4x4x3x4x3xf32>, tensor<4x4x3x4xf32>) outs(%{{.*}} : tensor<?x4x4x3x4x4xf32>)
// A^T M A onto the bias: 4 outputs per tile, then into NHWC order.
// CHECK: %[[AA:.*]] = arith.constant dense<{{\[}}{{\[}}[1.000000e+00, 1.000000e+00, 1.000000e+00, 0.000000e+00]
// CHECK: %[[Y:.*]] = linalg.generic {{{.*}}#[[MIN]]{{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[AA]], %[[M]] : tensor<4x4x4xf32>, tensor<?x4x4x3x4x4xf32>) outs(%[[INIT]] : tensor<?x3x4x4x4xf32>)
// (Not through an expand_shape of p: reshape propagation would split p into
// two dims of 2, leaving the product 2 rows.)
// CHECK-NOT: tensor.expand_shape
// CHECK: %[[T:.*]] = linalg.generic {indexing_maps = [#[[SWAP]], {{.*}}]{{.*}} ins(%[[Y]] : tensor<?x3x4x4x4xf32>) outs(%{{.*}} : tensor<?x3x2x4x2x4xf32>)
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[T]] {{\[}}[0], [1, 2], [3, 4], [5]] : tensor<?x3x2x4x2x4xf32> into tensor<?x6x8x4xf32>
// CHECK: %[[S:.*]] = tensor.extract_slice %[[C]][0, 0, 0, 0] [%{{.*}}, 5, 7, 4] [1, 1, 1, 1] : tensor<?x6x8x4xf32> to tensor<?x5x7x4xf32>
// CHECK: return %[[S]]
func.func @odd_valid(%x: tensor<?x7x9x3xf32>, %k: tensor<3x3x3x4xf32>, %b: tensor<4xf32>) -> tensor<?x5x7x4xf32> {
  %y = nn.conv2d %x, %k bias(%b) {dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>, winograd} : (tensor<?x7x9x3xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>) -> tensor<?x5x7x4xf32>
  return %y : tensor<?x5x7x4xf32>
}

// `same` padding of an even output: TF's pad only, no slice; without a bias
// the tiles start from zeros.
// CHECK-LABEL: func.func @even_same
// CHECK: tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: } : tensor<?x14x14x32xf32> to tensor<?x16x16x32xf32>
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x7x7x4x64xf32>)
// CHECK: linalg.generic {{.*}} outs(%[[Z]] : tensor<?x7x7x4x64xf32>)
// CHECK: %[[C:.*]] = tensor.collapse_shape %{{.*}} : tensor<?x7x2x7x2x64xf32> into tensor<?x14x14x64xf32>
// CHECK-NEXT: return %[[C]]
func.func @even_same(%x: tensor<?x14x14x32xf32>, %k: tensor<3x3x32x64xf32>) -> tensor<?x14x14x64xf32> {
  %y = nn.conv2d %x, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>, winograd} : (tensor<?x14x14x32xf32>, tensor<3x3x32x64xf32>) -> tensor<?x14x14x64xf32>
  return %y : tensor<?x14x14x64xf32>
}

// Without the mark: the direct convolution.
// CHECK-LABEL: func.func @unmarked
// CHECK: linalg.conv_2d_nhwc_hwcf
func.func @unmarked(%x: tensor<?x14x14x32xf32>, %k: tensor<3x3x32x64xf32>) -> tensor<?x14x14x64xf32> {
  %y = nn.conv2d %x, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x32xf32>, tensor<3x3x32x64xf32>) -> tensor<?x14x14x64xf32>
  return %y : tensor<?x14x14x64xf32>
}

// The input gradient marked winograd: dy padded by 2 - pad on each side, and
// by one more bottom row and right column for whole tiles of the odd 7x9
// dx, the kernel flipped with its channels swapped, then the same five
// contractions.
// CHECK-LABEL: func.func @grad_input
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
// CHECK: tensor.pad %{{.*}} low[0, 2, 2, 0] high[0, 3, 3, 0]
// CHECK: } : tensor<?x5x7x4xf32> to tensor<?x10x12x4xf32>
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<3x3x3x4xf32>) outs(%{{.*}} : tensor<3x3x4x3xf32>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<4x4x4x3xf32>)
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 0] [%{{.*}}, 7, 9, 3] [1, 1, 1, 1] : tensor<?x8x10x3xf32> to tensor<?x7x9x3xf32>
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
// CHECK: return
func.func @grad_input(%dy: tensor<?x5x7x4xf32>, %k: tensor<3x3x3x4xf32>) -> tensor<?x7x9x3xf32> {
  %dx = nn.conv2d_grad_input %dy, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>, winograd} : (tensor<?x5x7x4xf32>, tensor<3x3x3x4xf32>) -> tensor<?x7x9x3xf32>
  return %dx : tensor<?x7x9x3xf32>
}
