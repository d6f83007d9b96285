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
// (The input gradients' and the kernel gradient's, below.)
// CHECK-DAG: #[[UFLIP:.*]] = affine_map<(d0, d1, d2, d3) -> (-d0 + 2, d1, d3, d2)>
// CHECK-DAG: #[[UOUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, d3)>
// CHECK-DAG: #[[VDY:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d5, d6)>
// CHECK-DAG: #[[UDY:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d6, d3, d4)>
// CHECK-DAG: #[[PV:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0, d5, d1 + d6, d2)>
// CHECK-DAG: #[[PW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0, d5, d6, d3)>
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

// nn.conv2d_grad_input {winograd_rows = 4}, dy as tall as dx (`same`): the
// transposed convolution of dy, padded by 1 row above and 1 + 3 below (5 dx
// rows are 2 tiles of 4), with the kernel flipped and its channels swapped,
// along the rows like the forward (its products over the kernel's columns).
// CHECK-LABEL: func.func @dx_taps
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
// CHECK: tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 4, 1, 0]
// CHECK: } : tensor<?x5x8x4xf32> to tensor<?x10x10x4xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<3x3x3x4xf32>) outs(%{{.*}} : tensor<3x3x4x3xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<6x3xf32>, tensor<3x3x4x3xf32>) outs(%{{.*}} : tensor<6x3x4x3xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<6x6xf32>, tensor<?x10x10x4xf32>) outs(%{{.*}} : tensor<?x6x2x10x4xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x6x2x10x4xf32>, tensor<6x3x4x3xf32>) outs(%{{.*}} : tensor<?x6x2x8x3xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<4x6xf32>, tensor<?x6x2x8x3xf32>) outs(%{{.*}} : tensor<?x2x4x8x3xf32>)
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 0] [%{{.*}}, 5, 8, 3] [1, 1, 1, 1] : tensor<?x8x8x3xf32> to tensor<?x5x8x3xf32>
func.func @dx_taps(%dy: tensor<?x5x8x4xf32>, %k: tensor<3x3x3x4xf32>) -> tensor<?x5x8x3xf32> {
  %0 = nn.conv2d_grad_input %dy, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>, winograd_rows = 4 : i64} : (tensor<?x5x8x4xf32>, tensor<3x3x3x4xf32>) -> tensor<?x5x8x3xf32>
  return %0 : tensor<?x5x8x3xf32>
}

// dy one column wide against a 20-column kernel (a text CNN's): the
// products sum over dy's columns and channels, each dx column reading its
// own kernel column; the transformed kernel is [e, dy channel, column, dx
// channel] so that dx's columns are consecutive in it.
// CHECK-LABEL: func.func @dx_over_dy
// CHECK: tensor.pad %{{.*}} low[0, 2, 0, 0] high[0, 2, 0, 0]
// CHECK: linalg.generic {indexing_maps = [#[[UFLIP]], {{.*}}} ins(%{{.*}} : tensor<3x20x1x6xf32>) outs(%{{.*}} : tensor<3x20x6x1xf32>)
// CHECK: linalg.generic {{.*}}#[[UOUT]]{{.*}} ins(%{{.*}}, %{{.*}} : tensor<8x3xf32>, tensor<3x20x6x1xf32>) outs(%{{.*}} : tensor<8x6x20x1xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[VDY]], #[[UDY]], {{.*}}} ins(%{{.*}}, %{{.*}} : tensor<?x8x2x1x6xf32>, tensor<8x6x20x1xf32>) outs(%{{.*}} : tensor<?x8x2x20x1xf32>)
// CHECK: tensor.collapse_shape %{{.*}} : tensor<?x2x6x20x1xf32> into tensor<?x12x20x1xf32>
func.func @dx_over_dy(%dy: tensor<?x10x1x6xf32>, %k: tensor<3x20x1x6xf32>) -> tensor<?x12x20x1xf32> {
  %0 = nn.conv2d_grad_input %dy, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>, winograd_rows = 6 : i64} : (tensor<?x10x1x6xf32>, tensor<3x20x1x6xf32>) -> tensor<?x12x20x1xf32>
  return %0 : tensor<?x12x20x1xf32>
}

// nn.conv2d_grad_kernel {winograd_rows = 4}: F(3, 4), tiles of 4 dy rows
// (10 padded to 12) against 6 x rows (12 padded to 14): B^T x and G dy, the
// 6 products summed over the batch, the tiles and dy's columns into
// [6, kw, C, F], then A^T into the 3 taps.
// CHECK-LABEL: func.func @dk
// CHECK: %[[DY:.*]] = tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 2, 0, 0]
// CHECK: } : tensor<?x10x1x6xf32> to tensor<?x12x1x6xf32>
// CHECK: %[[X:.*]] = tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 2, 0, 0]
// CHECK: } : tensor<?x12x20x1xf32> to tensor<?x14x20x1xf32>
// CHECK: %[[V:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[X]] : tensor<6x6xf32>, tensor<?x14x20x1xf32>) outs(%{{.*}} : tensor<?x6x3x20x1xf32>)
// CHECK: %[[W:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[DY]] : tensor<6x4xf32>, tensor<?x12x1x6xf32>) outs(%{{.*}} : tensor<?x6x3x1x6xf32>)
// CHECK: %[[P:.*]] = linalg.generic {indexing_maps = [#[[PV]], #[[PW]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[V]], %[[W]] : {{.*}}) outs(%{{.*}} : tensor<6x20x1x6xf32>)
// CHECK: %[[DK:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[P]] : tensor<3x6xf32>, tensor<6x20x1x6xf32>) outs(%{{.*}} : tensor<3x20x1x6xf32>)
// CHECK: return %[[DK]]
func.func @dk(%x: tensor<?x12x20x1xf32>, %dy: tensor<?x10x1x6xf32>) -> tensor<3x20x1x6xf32> {
  %0 = nn.conv2d_grad_kernel %x, %dy {dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>, winograd_rows = 4 : i64} : (tensor<?x12x20x1xf32>, tensor<?x10x1x6xf32>) -> tensor<3x20x1x6xf32>
  return %0 : tensor<3x20x1x6xf32>
}
