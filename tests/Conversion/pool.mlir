// RUN: modelc-opt %s -convert-nn-to-linalg | FileCheck %s

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1, d2, d3) -> (d2)>

// Max pooling pads with -inf, so padded positions never win.
// 7 rows, window 3, stride 2: pad 1 + 1; 6 columns: pad 0 + 1.
// CHECK-LABEL: func.func @max_same
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 1, 0, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[NEGINF]] : f32
// CHECK: } : tensor<?x7x6x3xf32> to tensor<?x9x7x3xf32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x4x3x3xf32>)
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PAD]], %[[WIN]] : tensor<?x9x7x3xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<?x4x3x3xf32>)
func.func @max_same(%x: tensor<?x7x6x3xf32>) -> tensor<?x4x3x3xf32> {
  %y = nn.pool2d <max> %x {padding = #nn.padding<same>, pool_size = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<?x7x6x3xf32>) -> tensor<?x4x3x3xf32>
  return %y : tensor<?x4x3x3xf32>
}

// Average pooling with same padding sums over a zero-padded input and
// divides by the number of real elements of each window (TensorFlow):
// rows(i) * cols(j), from per-row and per-column counts.
// CHECK-LABEL: func.func @avg_same
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 1, 0, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: %[[SUM:.*]] = linalg.pooling_nhwc_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PAD]],
// CHECK-DAG: %[[ROWS:.*]] = arith.constant dense<[2.000000e+00, 3.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<4xf32>
// CHECK-DAG: %[[COLS:.*]] = arith.constant dense<[3.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[COL]], #[[ID]]], {{.*}} ins(%[[SUM]], %[[ROWS]], %[[COLS]] :
// CHECK: %[[COUNT:.*]] = arith.mulf
// CHECK: arith.divf %{{.*}}, %[[COUNT]]
func.func @avg_same(%x: tensor<?x7x6x3xf32>) -> tensor<?x4x3x3xf32> {
  %y = nn.pool2d <avg> %x {padding = #nn.padding<same>, pool_size = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<?x7x6x3xf32>) -> tensor<?x4x3x3xf32>
  return %y : tensor<?x4x3x3xf32>
}

// Valid average pooling divides by the window size.
// CHECK-LABEL: func.func @avg_valid
// CHECK-NOT: tensor.pad
// CHECK: %[[SUM:.*]] = linalg.pooling_nhwc_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK: %[[FOUR:.*]] = arith.constant 4.000000e+00 : f32
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] :
// CHECK: arith.divf %{{.*}}, %[[FOUR]]
func.func @avg_valid(%x: tensor<?x8x8x3xf32>) -> tensor<?x4x4x3xf32> {
  %y = nn.pool2d <avg> %x {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x3xf32>) -> tensor<?x4x4x3xf32>
  return %y : tensor<?x4x4x3xf32>
}

// With count_include_pad the pads count: every window divides by its size.
// CHECK-LABEL: func.func @avg_count_include_pad
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 1, 0, 0] high[0, 1, 1, 0]
// CHECK: %[[SUM:.*]] = linalg.pooling_nhwc_sum {{.*}} ins(%[[PAD]],
// CHECK: %[[NINE:.*]] = arith.constant 9.000000e+00 : f32
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] :
// CHECK: arith.divf %{{.*}}, %[[NINE]]
func.func @avg_count_include_pad(%x: tensor<?x7x6x3xf32>) -> tensor<?x4x3x3xf32> {
  %y = nn.pool2d <avg> %x {padding = #nn.padding<explicit>, pads = array<i64: 1, 1, 0, 1>, pool_size = array<i64: 3, 3>, strides = array<i64: 2, 2>, count_include_pad} : (tensor<?x7x6x3xf32>) -> tensor<?x4x3x3xf32>
  return %y : tensor<?x4x3x3xf32>
}

// Global pools reduce H and W.
// CHECK-LABEL: func.func @global
// CHECK: %[[SUM:.*]] = linalg.reduce ins(%{{.*}} : tensor<?x5x7x3xf32>) outs(%{{.*}} : tensor<?x3xf32>) dimensions = [1, 2]
// CHECK: arith.addf
// CHECK: %[[HW:.*]] = arith.constant 3.500000e+01 : f32
// CHECK: %[[AVG:.*]] = linalg.generic {{.*}} ins(%[[SUM]] :
// CHECK: arith.divf %{{.*}}, %[[HW]]
// CHECK: %[[MAX:.*]] = linalg.reduce ins(%{{.*}} : tensor<?x5x7x3xf32>) outs(%{{.*}} : tensor<?x3xf32>) dimensions = [1, 2]
// CHECK: arith.maximumf
// CHECK: return %[[AVG]], %[[MAX]]
func.func @global(%x: tensor<?x5x7x3xf32>) -> (tensor<?x3xf32>, tensor<?x3xf32>) {
  %a = nn.global_pool2d <avg> %x : (tensor<?x5x7x3xf32>) -> tensor<?x3xf32>
  %m = nn.global_pool2d <max> %x : (tensor<?x5x7x3xf32>) -> tensor<?x3xf32>
  return %a, %m : tensor<?x3xf32>, tensor<?x3xf32>
}

// A max pool of a relu that nothing else reads pools the relu's input from
// 0 instead of -inf (max(-inf, max(x_1, 0), ...) = max(0, x_1, ...)): the
// relu is left unread (dead code for canonicalize). Padding is still -inf.
// CHECK-LABEL: func.func @max_of_relu
// CHECK-SAME: (%[[X:.*]]: tensor<?x8x8x3xf32>, %[[Z:.*]]: tensor<?x5x7x3xf32>)
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 0, 0, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[NEGINF]] : f32
// CHECK: tensor.empty(%{{.*}}) : tensor<?x3x3x3xf32>
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<?x3x3x3xf32>)
// CHECK: %[[P:.*]] = linalg.pooling_nhwc_max {{.*}} ins(%[[PAD]], %{{.*}} : tensor<?x9x9x3xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<?x3x3x3xf32>)
// CHECK: tensor.empty(%{{.*}}) : tensor<?x3xf32>
// CHECK-NEXT: %[[GZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[GINIT:.*]] = linalg.fill ins(%[[GZERO]] : f32) outs(%{{.*}} : tensor<?x3xf32>)
// CHECK: %[[G:.*]] = linalg.reduce ins(%[[Z]] : tensor<?x5x7x3xf32>) outs(%[[GINIT]] : tensor<?x3xf32>) dimensions = [1, 2]
// CHECK: return %[[P]], %[[G]]
func.func @max_of_relu(%x: tensor<?x8x8x3xf32>, %z: tensor<?x5x7x3xf32>) -> (tensor<?x3x3x3xf32>, tensor<?x3xf32>) {
  %r = nn.relu %x : tensor<?x8x8x3xf32>
  %p = nn.pool2d <max> %r {padding = #nn.padding<same>, pool_size = array<i64: 3, 3>, strides = array<i64: 3, 3>} : (tensor<?x8x8x3xf32>) -> tensor<?x3x3x3xf32>
  %s = nn.relu %z : tensor<?x5x7x3xf32>
  %g = nn.global_pool2d <max> %s : (tensor<?x5x7x3xf32>) -> tensor<?x3xf32>
  return %p, %g : tensor<?x3x3x3xf32>, tensor<?x3xf32>
}

// A relu also read elsewhere (a train step's relu gradient) is pooled as it
// is, from -inf.
// CHECK-LABEL: func.func @max_of_shared_relu
// CHECK: %[[R:.*]] = linalg.generic
// CHECK: arith.maximumf
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: linalg.reduce ins(%[[R]] : tensor<?x5x7x3xf32>) outs(%[[INIT]] : tensor<?x3xf32>)
// CHECK: %[[PAD:.*]] = tensor.pad %[[R]]
// CHECK: %[[WNEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT: %[[WINIT:.*]] = linalg.fill ins(%[[WNEGINF]] : f32)
// CHECK: linalg.pooling_nhwc_max {{.*}} ins(%[[PAD]], %{{.*}}) outs(%[[WINIT]] :
func.func @max_of_shared_relu(%z: tensor<?x5x7x3xf32>) -> (tensor<?x3xf32>, tensor<?x3x4x3xf32>, tensor<?x5x7x3xf32>) {
  %s = nn.relu %z : tensor<?x5x7x3xf32>
  %g = nn.global_pool2d <max> %s : (tensor<?x5x7x3xf32>) -> tensor<?x3xf32>
  %p = nn.pool2d <max> %s {padding = #nn.padding<same>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x5x7x3xf32>) -> tensor<?x3x4x3xf32>
  return %g, %p, %s : tensor<?x3xf32>, tensor<?x3x4x3xf32>, tensor<?x5x7x3xf32>
}
