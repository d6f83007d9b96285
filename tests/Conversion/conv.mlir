// RUN: modelc-opt %s -convert-nn-to-linalg | FileCheck %s

// The maps of @depthwise and @depthwise_multiplier (printed first).
// CHECK-DAG: #[[XMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d4, d2 + d5 * 2, d3)>
// CHECK-DAG: #[[KMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5, 0, d3)>
// CHECK-DAG: #[[YMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[XMAP2:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 + d5, d2 + d6, d3)>
// CHECK-DAG: #[[KMAP2:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d5, d6, 0, d3, d4)>
// CHECK-DAG: #[[YMAP2:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3, d4)>

// TF `same` padding: 7 rows, k=3, s=2 -> 4 outputs, pad total 2 (1 before,
// 1 after); 8 columns -> 4 outputs, pad total 1 (0 before, 1 after).
// CHECK-LABEL: func.func @same_strided
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x7x8x3xf32>, %[[K:[a-z0-9_]+]]: tensor<3x3x3x5xf32>, %[[B:[a-z0-9_]+]]: tensor<5xf32>)
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 1, 0, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %{{.*}} : f32
// CHECK: } : tensor<?x7x8x3xf32> to tensor<?x9x9x3xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x7x8x3xf32>
// CHECK: %[[EMPTY:.*]] = tensor.empty(%[[N]]) : tensor<?x4x4x5xf32>
// CHECK: %[[INIT:.*]] = linalg.broadcast ins(%[[B]] : tensor<5xf32>) outs(%[[EMPTY]] : tensor<?x4x4x5xf32>) dimensions = [0, 1, 2]
// CHECK: %[[Y:.*]] = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[PAD]], %[[K]] : tensor<?x9x9x3xf32>, tensor<3x3x3x5xf32>) outs(%[[INIT]] : tensor<?x4x4x5xf32>)
// CHECK: return %[[Y]]
func.func @same_strided(%x: tensor<?x7x8x3xf32>, %k: tensor<3x3x3x5xf32>, %b: tensor<5xf32>) -> tensor<?x4x4x5xf32> {
  %y = nn.conv2d %x, %k bias(%b) {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 2, 2>} : (tensor<?x7x8x3xf32>, tensor<3x3x3x5xf32>, tensor<5xf32>) -> tensor<?x4x4x5xf32>
  return %y : tensor<?x4x4x5xf32>
}

// An even kernel puts the larger half of the padding after: k=4 -> 1 before,
// 2 after.
// CHECK-LABEL: func.func @same_even_kernel
// CHECK: tensor.pad %{{.*}} low[0, 1, 0, 0] high[0, 2, 1, 0]
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
func.func @same_even_kernel(%x: tensor<?x6x5x2xf32>, %k: tensor<4x2x2x3xf32>) -> tensor<?x6x5x3xf32> {
  %y = nn.conv2d %x, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x6x5x2xf32>, tensor<4x2x2x3xf32>) -> tensor<?x6x5x3xf32>
  return %y : tensor<?x6x5x3xf32>
}

// Valid padding, dilations, no bias: no pad, zero-filled accumulator.
// CHECK-LABEL: func.func @valid_dilated
// CHECK-NOT: tensor.pad
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<?x5x6x3xf32>)
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// CHECK-SAME: outs(%[[INIT]] : tensor<?x5x6x3xf32>)
func.func @valid_dilated(%x: tensor<?x9x8x2xf32>, %k: tensor<3x2x2x3xf32>) -> tensor<?x5x6x3xf32> {
  %y = nn.conv2d %x, %k {dilations = array<i64: 2, 2>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>} : (tensor<?x9x8x2xf32>, tensor<3x2x2x3xf32>) -> tensor<?x5x6x3xf32>
  return %y : tensor<?x5x6x3xf32>
}

// Same padding with nothing to pad (1x1 kernel, stride 2 over 4 columns).
// CHECK-LABEL: func.func @same_no_pad_needed
// CHECK-NOT: tensor.pad
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<[2, 1]> : tensor<2xi64>}
func.func @same_no_pad_needed(%x: tensor<?x5x4x3xf32>, %k: tensor<1x1x3x2xf32>) -> tensor<?x3x4x2xf32> {
  %y = nn.conv2d %x, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 2, 1>} : (tensor<?x5x4x3xf32>, tensor<1x1x3x2xf32>) -> tensor<?x3x4x2xf32>
  return %y : tensor<?x3x4x2xf32>
}

// Depthwise (groups = channels, one filter each): one linalg.generic over
// (n, i, j, g, a, b) on the unsplit tensors, the group (the channel)
// innermost; the kernel's single input channel is index 0.
// CHECK-LABEL: func.func @depthwise
// CHECK-NOT: tensor.expand_shape
// CHECK: %[[INIT:.*]] = linalg.broadcast
// CHECK-NOT: tensor.expand_shape
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[XMAP]], #[[KMAP]], #[[YMAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<?x8x8x3xf32>, tensor<3x3x1x3xf32>) outs(%[[INIT]] : tensor<?x3x4x3xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: tensor.collapse_shape
// CHECK: return %[[Y]]
func.func @depthwise(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x1x3xf32>, %b: tensor<3xf32>) -> tensor<?x3x4x3xf32> {
  %y = nn.conv2d %x, %k bias(%b) {dilations = array<i64: 1, 2>, padding = #nn.padding<valid>, strides = array<i64: 2, 1>, groups = 3} : (tensor<?x8x8x3xf32>, tensor<3x3x1x3xf32>, tensor<3xf32>) -> tensor<?x3x4x3xf32>
  return %y : tensor<?x3x4x3xf32>
}

// With a multiplier (2 filters per channel) the kernel and the accumulator
// split their channels into [g, o'], the input does not: loops
// (n, i, j, g, o', a, b), then the result merged again.
// CHECK-LABEL: func.func @depthwise_multiplier
// CHECK: %[[KS:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0], [1], [2], [3, 4]] {{.*}} : tensor<3x3x1x6xf32> into tensor<3x3x1x3x2xf32>
// CHECK: %[[YS:.*]] = tensor.expand_shape %{{.*}} into tensor<?x6x6x3x2xf32>
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[XMAP2]], #[[KMAP2]], #[[YMAP2]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %[[KS]] : tensor<?x8x8x3xf32>, tensor<3x3x1x3x2xf32>) outs(%[[YS]] : tensor<?x6x6x3x2xf32>)
// CHECK: tensor.collapse_shape %[[Y]] {{\[}}[0], [1], [2], [3, 4]] : tensor<?x6x6x3x2xf32> into tensor<?x6x6x6xf32>
func.func @depthwise_multiplier(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x1x6xf32>) -> tensor<?x6x6x6xf32> {
  %y = nn.conv2d %x, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>, groups = 3} : (tensor<?x8x8x3xf32>, tensor<3x3x1x6xf32>) -> tensor<?x6x6x6xf32>
  return %y : tensor<?x6x6x6xf32>
}
