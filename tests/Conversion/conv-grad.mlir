// RUN: modelc-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// grad_input, stride 2, same padding (7 rows, k=3: 1 padded row before;
// 8 columns: none before). dy's rows go 2 apart into a zero canvas of
// in + (k-1)*d = 9 x 10 rows/columns, starting at (k-1)*d - pad = (1, 2);
// a stride-1 convolution with the kernel flipped in space and its channels
// swapped ([3, 3, 5, 3]) gives dx.
// CHECK-DAG: #[[FLIP:.*]] = affine_map<(d0, d1, d2, d3) -> (-d0 + 2, -d1 + 2, d3, d2)>
// CHECK-LABEL: func.func @grad_input_strided
// CHECK-SAME: (%[[DY:[a-z0-9_]+]]: tensor<?x4x4x5xf32>, %[[K:[a-z0-9_]+]]: tensor<3x3x3x5xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[DY]], %{{.*}} : tensor<?x4x4x5xf32>
// CHECK: %[[EMPTY:.*]] = tensor.empty(%[[N]]) : tensor<?x7x8x3xf32>
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<?x7x8x3xf32>)
// CHECK: %[[CANVAS:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x9x10x5xf32>)
// CHECK: %[[SPREAD:.*]] = tensor.insert_slice %[[DY]] into %[[CANVAS]][0, 1, 2, 0] [%{{.*}}, 4, 4, 5] [1, 2, 2, 1] : tensor<?x4x4x5xf32> into tensor<?x9x10x5xf32>
// CHECK: %[[FLIPPED:.*]] = linalg.generic {indexing_maps = [#[[FLIP]], #{{.*}}], {{.*}} ins(%[[K]] : tensor<3x3x3x5xf32>) outs(%{{.*}} : tensor<3x3x5x3xf32>)
// CHECK: %[[DX:.*]] = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// CHECK-SAME: ins(%[[SPREAD]], %[[FLIPPED]] : tensor<?x9x10x5xf32>, tensor<3x3x5x3xf32>) outs(%[[ZERO]] : tensor<?x7x8x3xf32>)
// CHECK: return %[[DX]]
func.func @grad_input_strided(%dy: tensor<?x4x4x5xf32>, %k: tensor<3x3x3x5xf32>) -> tensor<?x7x8x3xf32> {
  %dx = nn.conv2d_grad_input %dy, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 2, 2>} : (tensor<?x4x4x5xf32>, tensor<3x3x3x5xf32>) -> tensor<?x7x8x3xf32>
  return %dx : tensor<?x7x8x3xf32>
}

// -----

// grad_input, stride 1, dilation 2, valid padding: dy only needs a zero pad
// of (k-1)*d = 4 rows and 2 columns on both sides; the convolution keeps the
// forward dilation.
// CHECK-LABEL: func.func @grad_input_dilated
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 4, 2, 0] high[0, 4, 2, 0]
// CHECK: } : tensor<?x5x6x3xf32> to tensor<?x13x10x3xf32>
// CHECK-NOT: tensor.insert_slice
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// CHECK-SAME: ins(%[[PAD]], %{{.*}} : tensor<?x13x10x3xf32>, tensor<3x2x3x2xf32>)
func.func @grad_input_dilated(%dy: tensor<?x5x6x3xf32>, %k: tensor<3x2x2x3xf32>) -> tensor<?x9x8x2xf32> {
  %dx = nn.conv2d_grad_input %dy, %k {dilations = array<i64: 2, 2>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>} : (tensor<?x5x6x3xf32>, tensor<3x2x2x3xf32>) -> tensor<?x9x8x2xf32>
  return %dx : tensor<?x9x8x2xf32>
}

// -----

// grad_input, a full-width kernel (the text CNN's): one output column, so
// column w of dx only meets tap b = w. The columns sum over dy's single
// column, not over the kernel's 6 taps: dy is padded by k - 1 = 2 along H
// only (not by 2 * (kw - 1) = 10 along W), the kernel is read as it is, and
// one generic reduces over the row taps and the output channels:
//   dx[n, h, w, c] += dy_padded[n, h + 2 - a, 0, o] * kernel[a, w, c, o].
// CHECK-DAG: #[[DYMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 - d4 + 2, 0, d5)>
// CHECK-DAG: #[[KMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d2, d3, d5)>
// CHECK-DAG: #[[DXMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @grad_input_full_width
// CHECK-SAME: (%[[DY:[a-z0-9_]+]]: tensor<?x5x1x4xf32>, %[[K:[a-z0-9_]+]]: tensor<3x6x1x4xf32>)
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x7x6x1xf32>)
// CHECK: %[[PAD:.*]] = tensor.pad %[[DY]] low[0, 2, 0, 0] high[0, 2, 0, 0]
// CHECK: } : tensor<?x5x1x4xf32> to tensor<?x9x1x4xf32>
// CHECK-NOT: tensor.pad
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
// CHECK: %[[DX:.*]] = linalg.generic {indexing_maps = [#[[DYMAP]], #[[KMAP]], #[[DXMAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[PAD]], %[[K]] : tensor<?x9x1x4xf32>, tensor<3x6x1x4xf32>) outs(%[[ZERO]] : tensor<?x7x6x1xf32>)
// CHECK: %[[P:.*]] = arith.mulf
// CHECK-NEXT: arith.addf %{{.*}}, %[[P]]
// CHECK: return %[[DX]]
func.func @grad_input_full_width(%dy: tensor<?x5x1x4xf32>, %k: tensor<3x6x1x4xf32>) -> tensor<?x7x6x1xf32> {
  %dx = nn.conv2d_grad_input %dy, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>} : (tensor<?x5x1x4xf32>, tensor<3x6x1x4xf32>) -> tensor<?x7x6x1xf32>
  return %dx : tensor<?x7x6x1xf32>
}

// -----

// grad_input with dy shorter than the kernel along both axes sums over dy's
// positions (i, j), reading the kernel at h + (out - 1 - i) * s. Rows: 2
// input rows, 5 taps, same padding (2 before): taps 0 and 4 never meet an
// input row and are sliced off; taps 1..3 start at (2 - 1) * 1 - 2 + 1 = 0
// of 2 + 1 = 3 rows. Columns: 9 input columns, 4 taps, stride 3, dilation 2,
// same padding (2 before): the taps go 2 apart from (3 - 1) * 3 - 2 = 4 in
// 9 + 2 * 3 = 15 zero columns. dy is read as it is.
// CHECK-DAG: #[[DYMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d5, d6)>
// CHECK-DAG: #[[KMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1 - d4 + 1, d2 - d5 * 3 + 6, d3, d6)>
// CHECK-LABEL: func.func @grad_input_long_kernel
// CHECK-SAME: (%[[DY:[a-z0-9_]+]]: tensor<?x2x3x4xf32>, %[[K:[a-z0-9_]+]]: tensor<5x4x3x4xf32>)
// CHECK: %[[TAPS:.*]] = tensor.extract_slice %[[K]][1, 0, 0, 0] [3, 4, 3, 4] [1, 1, 1, 1] : tensor<5x4x3x4xf32> to tensor<3x4x3x4xf32>
// CHECK: %[[CANVAS:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<3x15x3x4xf32>)
// CHECK: %[[SPREAD:.*]] = tensor.insert_slice %[[TAPS]] into %[[CANVAS]][0, 4, 0, 0] [3, 4, 3, 4] [1, 2, 1, 1]
// CHECK: linalg.generic {indexing_maps = [#[[DYMAP]], #[[KMAP]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[DY]], %[[SPREAD]] : tensor<?x2x3x4xf32>, tensor<3x15x3x4xf32>)
func.func @grad_input_long_kernel(%dy: tensor<?x2x3x4xf32>, %k: tensor<5x4x3x4xf32>) -> tensor<?x2x9x3xf32> {
  %dx = nn.conv2d_grad_input %dy, %k {dilations = array<i64: 1, 2>, padding = #nn.padding<same>, strides = array<i64: 1, 3>} : (tensor<?x2x3x4xf32>, tensor<5x4x3x4xf32>) -> tensor<?x2x9x3xf32>
  return %dx : tensor<?x2x9x3xf32>
}

// -----

// grad_kernel: one generic over (a, b, c, o, n, i, j) reading the padded x
// at (n, i*s + a*d, j*s + b*d, c), reducing over n, i, j (the dynamic batch
// among them) into the static kernel shape.
// CHECK-DAG: #[[XMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5 * 2 + d0, d6 * 2 + d1, d2)>
// CHECK-DAG: #[[DYM:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
// CHECK-DAG: #[[DKMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @grad_kernel
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x7x8x3xf32>, %[[DY:[a-z0-9_]+]]: tensor<?x4x4x5xf32>)
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 1, 0, 0] high[0, 1, 1, 0]
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<3x3x3x5xf32>)
// CHECK: %[[DK:.*]] = linalg.generic {indexing_maps = [#[[XMAP]], #[[DYM]], #[[DKMAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[PAD]], %[[DY]] : tensor<?x9x9x3xf32>, tensor<?x4x4x5xf32>) outs(%[[INIT]] : tensor<3x3x3x5xf32>)
// CHECK: %[[P:.*]] = arith.mulf
// CHECK-NEXT: arith.addf %{{.*}}, %[[P]]
// CHECK: return %[[DK]]
func.func @grad_kernel(%x: tensor<?x7x8x3xf32>, %dy: tensor<?x4x4x5xf32>) -> tensor<3x3x3x5xf32> {
  %dk = nn.conv2d_grad_kernel %x, %dy {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 2, 2>} : (tensor<?x7x8x3xf32>, tensor<?x4x4x5xf32>) -> tensor<3x3x3x5xf32>
  return %dk : tensor<3x3x3x5xf32>
}

// -----

// Dilation enters the kernel-tap term of the input map.
// CHECK-DAG: #[[XMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5 + d0 * 2, d6 * 2 + d1 * 3, d2)>
// CHECK-LABEL: func.func @grad_kernel_dilated
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic {indexing_maps = [#[[XMAP]],
func.func @grad_kernel_dilated(%x: tensor<?x9x8x2xf32>, %dy: tensor<?x5x3x3xf32>) -> tensor<3x2x2x3xf32> {
  %dk = nn.conv2d_grad_kernel %x, %dy {dilations = array<i64: 2, 3>, padding = #nn.padding<valid>, strides = array<i64: 1, 2>} : (tensor<?x9x8x2xf32>, tensor<?x5x3x3xf32>) -> tensor<3x2x2x3xf32>
  return %dk : tensor<3x2x2x3xf32>
}

// -----

// Grouped (3 groups of 2 input channels, 2 outputs each): grad_input always
// takes the generic form, with loops (n, h, w, g, c', a, b, o'); dy and the
// kernel split their channels into [g, o'], dx into [g, c'].
// CHECK-DAG: #[[DYM:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 - d5 + 2, d2 - d6 + 2, d3, d7)>
// CHECK-DAG: #[[KMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d5, d6, d4, d3, d7)>
// CHECK-DAG: #[[DXMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-LABEL: func.func @grad_input_grouped
// CHECK: %[[SPREAD:.*]] = tensor.pad
// CHECK: %[[DYS:.*]] = tensor.expand_shape %[[SPREAD]] {{.*}} into tensor<?x10x10x3x2xf32>
// CHECK: %[[KS:.*]] = tensor.expand_shape %{{.*}} into tensor<3x3x2x3x2xf32>
// CHECK: %[[ZS:.*]] = tensor.expand_shape %{{.*}} into tensor<?x8x8x3x2xf32>
// CHECK: %[[DX:.*]] = linalg.generic {indexing_maps = [#[[DYM]], #[[KMAP]], #[[DXMAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[DYS]], %[[KS]] : {{.*}}) outs(%[[ZS]] : tensor<?x8x8x3x2xf32>)
// CHECK: tensor.collapse_shape %[[DX]] {{.*}} into tensor<?x8x8x6xf32>
func.func @grad_input_grouped(%dy: tensor<?x6x6x6xf32>, %k: tensor<3x3x2x6xf32>) -> tensor<?x8x8x6xf32> {
  %dx = nn.conv2d_grad_input %dy, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>, groups = 3} : (tensor<?x6x6x6xf32>, tensor<3x3x2x6xf32>) -> tensor<?x8x8x6xf32>
  return %dx : tensor<?x8x8x6xf32>
}

// -----

// Grouped grad_kernel: loops (a, b, c', g, o', n, i, j).
// CHECK-DAG: #[[XMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d5, d0 + d6, d1 + d7, d3, d2)>
// CHECK-DAG: #[[DYM:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d5, d6, d7, d3, d4)>
// CHECK-DAG: #[[DKMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-LABEL: func.func @grad_kernel_grouped
// CHECK: %[[DK:.*]] = linalg.generic {indexing_maps = [#[[XMAP]], #[[DYM]], #[[DKMAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME: outs(%{{.*}} : tensor<3x3x2x3x2xf32>)
// CHECK: tensor.collapse_shape %[[DK]] {{.*}} into tensor<3x3x2x6xf32>
func.func @grad_kernel_grouped(%x: tensor<?x8x8x6xf32>, %dy: tensor<?x6x6x6xf32>) -> tensor<3x3x2x6xf32> {
  %dk = nn.conv2d_grad_kernel %x, %dy {dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>, groups = 3} : (tensor<?x8x8x6xf32>, tensor<?x6x6x6xf32>) -> tensor<3x3x2x6xf32>
  return %dk : tensor<3x3x2x6xf32>
}
