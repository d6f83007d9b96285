// RUN: modelc-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s
// No max-pool gradient selects between i1 conditions (AVX2 packs them to
// bytes): every condition is a comparison.
// RUN: modelc-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s --check-prefix=NOSEL
// NOSEL-NOT: select {{.*}} : i1

// Max, same padding (7x6 input, 3x3 windows, stride 2: one padded row
// before, none on the left). First generic: each window's winning tap over
// the -inf padded input, taps numbered a * 3 + b; a tap wins if larger, or
// equal at a smaller number (the first maximum, whatever the reduction
// order), and only inside the real input (rows [1, 8), columns [0, 6) of the
// padded one). Second generic, over (n, h, w, c, a, b): (h, w) is tap (a, b)
// of window ((h + 1 - a) / 2, (w - b) / 2) when that divides and lies in dy;
// it collects dy where that tap won.
// CHECK-DAG: #[[XW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d4, d2 * 2 + d5, d3)>
// CHECK-DAG: #[[TAPS:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @max_same
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x7x6x3xf32>, %[[DY:[a-z0-9_]+]]: tensor<?x4x3x3xf32>)
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 1, 0, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[NEGINF]]
// CHECK: %[[BEST:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x4x3x3xf32>)
// CHECK: %[[IMAX:.*]] = arith.constant 2147483647 : i32
// CHECK: %[[TAP0:.*]] = linalg.fill ins(%[[IMAX]] : i32) outs(%{{.*}} : tensor<?x4x3x3xi32>)
// CHECK: %[[ARG:.*]]:2 = linalg.generic {indexing_maps = [#[[XW]], #[[TAPS]], #[[OUT]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[PAD]], %[[WIN]] : tensor<?x9x7x3xf32>, tensor<3x3xf32>) outs(%[[BEST]], %[[TAP0]] : tensor<?x4x3x3xf32>, tensor<?x4x3x3xi32>)
// CHECK: ^bb0(%[[V:.*]]: f32, %{{.*}}: f32, %[[CUR:.*]]: f32, %[[CURTAP:.*]]: i32):
// CHECK: %[[TAP:.*]] = arith.index_cast %{{.*}} : index to i32
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[V]], %[[CUR]]
// CHECK: %[[EQ:.*]] = arith.cmpf oeq, %[[V]], %[[CUR]]
// CHECK: %[[EARLIER:.*]] = arith.cmpi slt, %[[TAP]], %[[CURTAP]]
// CHECK: %[[TIE:.*]] = arith.andi %[[EQ]], %[[EARLIER]]
// CHECK: %[[BETTER:.*]] = arith.ori %[[GT]], %[[TIE]]
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: arith.cmpi sge, %{{.*}}, %[[C1]]
// CHECK: %[[C8:.*]] = arith.constant 8 : index
// CHECK: arith.cmpi slt, %{{.*}}, %[[C8]]
// CHECK: %[[C6:.*]] = arith.constant 6 : index
// CHECK: arith.cmpi slt, %{{.*}}, %[[C6]]
// CHECK-NEXT: arith.andi
// CHECK-NEXT: %[[REAL:.*]] = arith.andi
// CHECK-NEXT: %[[WINS:.*]] = arith.andi %[[BETTER]], %[[REAL]]
// CHECK: %[[NV:.*]] = arith.select %[[WINS]], %[[V]], %[[CUR]] : f32
// CHECK: %[[NT:.*]] = arith.select %[[WINS]], %[[TAP]], %[[CURTAP]] : i32
// CHECK: linalg.yield %[[NV]], %[[NT]]
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x7x6x3xf32>)
// CHECK: %[[DX:.*]] = linalg.generic {indexing_maps = [#[[TAPS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[WIN]] : tensor<3x3xf32>) outs(%[[ZERO]] : tensor<?x7x6x3xf32>)
// CHECK: %[[N:.*]] = linalg.index 0
// CHECK: %[[H:.*]] = linalg.index 1
// CHECK: %[[C:.*]] = linalg.index 3
// CHECK: %[[A:.*]] = linalg.index 4
// CHECK: %[[HP:.*]] = arith.addi %[[H]], %{{.*}}
// CHECK: %[[TI:.*]] = arith.subi %[[HP]], %[[A]]
// CHECK: arith.remsi %[[TI]]
// CHECK: %[[I:.*]] = arith.divsi %[[TI]]
// CHECK: %[[IC:.*]] = arith.select %[[OK:.*]], %[[I]], %{{.*}} : index
// CHECK: %[[JC:.*]] = arith.select %[[OK]]
// CHECK: %[[G:.*]] = tensor.extract %[[DY]][%[[N]], %[[IC]], %[[JC]], %[[C]]]
// CHECK: %[[W:.*]] = tensor.extract %[[ARG]]#1[%[[N]], %[[IC]], %[[JC]], %[[C]]]
// CHECK: %[[MINE:.*]] = arith.cmpi eq, %[[W]]
// CHECK: %[[TAKE:.*]] = arith.andi %[[OK]], %[[MINE]]
// CHECK: %[[SUM:.*]] = arith.addf
// CHECK: arith.select %[[TAKE]], %[[SUM]]
// CHECK: return %[[DX]]
func.func @max_same(%x: tensor<?x7x6x3xf32>, %dy: tensor<?x4x3x3xf32>) -> tensor<?x7x6x3xf32> {
  %0 = nn.pool2d_grad <max> %x, %dy {padding = #nn.padding<same>, pool_size = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<?x7x6x3xf32>, tensor<?x4x3x3xf32>) -> tensor<?x7x6x3xf32>
  return %0 : tensor<?x7x6x3xf32>
}

// -----

// Max, valid, no padding: no validity test in the argmax; stride 1 needs no
// divisibility test in the gather.
// CHECK-LABEL: func.func @max_valid_stride1
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic
// CHECK: arith.ori
// CHECK-NEXT: arith.select
// CHECK: linalg.generic
// CHECK-NOT: arith.remsi
// CHECK: return
func.func @max_valid_stride1(%x: tensor<?x5x6x2xf32>, %dy: tensor<?x4x5x2xf32>) -> tensor<?x5x6x2xf32> {
  %0 = nn.pool2d_grad <max> %x, %dy {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 1, 1>} : (tensor<?x5x6x2xf32>, tensor<?x4x5x2xf32>) -> tensor<?x5x6x2xf32>
  return %0 : tensor<?x5x6x2xf32>
}

// -----

// Average, same padding: dy is divided by each window's real-element count
// (rows(i) * cols(j), the forward's divisor), then gathered like max without
// the winner test.
// CHECK-LABEL: func.func @avg_same
// CHECK-SAME: (%{{.*}}: tensor<?x7x6x3xf32>, %[[DY:[a-z0-9_]+]]: tensor<?x4x3x3xf32>)
// CHECK-DAG: %[[ROWS:.*]] = arith.constant dense<[2.000000e+00, 3.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<4xf32>
// CHECK-DAG: %[[COLS:.*]] = arith.constant dense<[3.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK: %[[SCALED:.*]] = linalg.generic {{.*}} ins(%[[DY]], %[[ROWS]], %[[COLS]] :
// CHECK: %[[COUNT:.*]] = arith.mulf
// CHECK: arith.divf %{{.*}}, %[[COUNT]]
// CHECK: linalg.generic
// CHECK: tensor.extract %[[SCALED]]
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @avg_same(%x: tensor<?x7x6x3xf32>, %dy: tensor<?x4x3x3xf32>) -> tensor<?x7x6x3xf32> {
  %0 = nn.pool2d_grad <avg> %x, %dy {padding = #nn.padding<same>, pool_size = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<?x7x6x3xf32>, tensor<?x4x3x3xf32>) -> tensor<?x7x6x3xf32>
  return %0 : tensor<?x7x6x3xf32>
}

// -----

// Average, valid: one constant divisor.
// CHECK-LABEL: func.func @avg_valid
// CHECK: %[[FOUR:.*]] = arith.constant 4.000000e+00 : f32
// CHECK: arith.divf %{{.*}}, %[[FOUR]]
func.func @avg_valid(%x: tensor<?x8x8x3xf32>, %dy: tensor<?x4x4x3xf32>) -> tensor<?x8x8x3xf32> {
  %0 = nn.pool2d_grad <avg> %x, %dy {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x3xf32>, tensor<?x4x4x3xf32>) -> tensor<?x8x8x3xf32>
  return %0 : tensor<?x8x8x3xf32>
}

// -----

// Global max: the first maximum in row-major (h, w) order (tap h * 7 + w)
// per (n, c), then dy broadcast to it; global average: dy / (H * W).
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[NC:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3)>
// CHECK-LABEL: func.func @global
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x5x7x3xf32>, %[[DY:[a-z0-9_]+]]: tensor<?x3xf32>)
// CHECK: %[[ARG:.*]]:2 = linalg.generic {indexing_maps = [#[[ID]], #[[NC]], #[[NC]]], iterator_types = ["parallel", "reduction", "reduction", "parallel"]} ins(%[[X]] : tensor<?x5x7x3xf32>)
// CHECK: %[[C7:.*]] = arith.constant 7 : index
// CHECK: arith.muli %{{.*}}, %[[C7]]
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[NC]], #[[NC]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[DY]], %[[ARG]]#1 : tensor<?x3xf32>, tensor<?x3xi32>)
// CHECK: arith.cmpi eq
// CHECK: arith.select
// CHECK: %[[AREA:.*]] = arith.constant 3.500000e+01 : f32
// CHECK: %[[AVG:.*]] = linalg.generic {indexing_maps = [#[[NC]], #[[ID]]], {{.*}} ins(%[[DY]] : tensor<?x3xf32>)
// CHECK: arith.divf %{{.*}}, %[[AREA]]
// CHECK: return %[[MAX]], %[[AVG]]
func.func @global(%x: tensor<?x5x7x3xf32>, %dy: tensor<?x3xf32>) -> (tensor<?x5x7x3xf32>, tensor<?x5x7x3xf32>) {
  %0 = nn.global_pool2d_grad <max> %x, %dy : (tensor<?x5x7x3xf32>, tensor<?x3xf32>) -> tensor<?x5x7x3xf32>
  %1 = nn.global_pool2d_grad <avg> %x, %dy : (tensor<?x5x7x3xf32>, tensor<?x3xf32>) -> tensor<?x5x7x3xf32>
  return %0, %1 : tensor<?x5x7x3xf32>, tensor<?x5x7x3xf32>
}

// -----

// Max, windows that do not overlap (2x2, stride 2) on a 7x5 input: element
// (h, w) is tap t = (h mod 2) * 2 + (w mod 2) of window (h floordiv 2,
// w floordiv 2). First an element-wise map over the 3x2 windows reads x's
// 6x4 covered region at each window's 4 taps and scans them for the first
// maximum, keeping the tap number as a float (every condition a float
// comparison: nothing for AVX2 to pack), or -1 when a tap is NaN (with a
// forward pool of the same windows, the same scan also yields the maxima:
// @max_pool_and_grad). Then the
// gradient is one element-wise generic (no gather, no reduction) of dy and
// that winner, both pooled-size, over the covered region, inserted into
// zeros: the element is the winner if the number is its own tap t.
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1 floordiv 2, d2 floordiv 2, d3)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[T0:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1 * 2, d2 * 2, d3)>
// CHECK-DAG: #[[T1:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1 * 2, d2 * 2 + 1, d3)>
// CHECK-DAG: #[[T2:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1 * 2 + 1, d2 * 2, d3)>
// CHECK-DAG: #[[T3:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1 * 2 + 1, d2 * 2 + 1, d3)>
// CHECK-LABEL: func.func @max_disjoint
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x7x5x3xf32>, %[[DY:[a-z0-9_]+]]: tensor<?x3x2x3xf32>)
// CHECK-NOT: linalg.fill
// CHECK: %[[XC:.*]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [%{{.*}}, 6, 4, 3] [1, 1, 1, 1]
// CHECK: %[[WINNER:.*]] = linalg.generic {indexing_maps = [#[[T0]], #[[T1]], #[[T2]], #[[T3]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[XC]], %[[XC]], %[[XC]], %[[XC]] : {{.*}}) outs(%{{.*}} : tensor<?x3x2x3xf32>) {
// CHECK: ^bb0(%[[V0:.*]]: f32, %[[V1:.*]]: f32, %[[V2:.*]]: f32, %[[V3:.*]]: f32, %{{.*}}: f32):
// CHECK-NOT: arith.maximumf
// CHECK: %[[GT1:.*]] = arith.cmpf ogt, %[[V1]], %[[V0]]
// CHECK: %[[B1:.*]] = arith.select %[[GT1]], %[[V1]], %[[V0]] : f32
// CHECK: %[[ONE:.*]] = arith.constant 1.0{{.*}} : f32
// CHECK: arith.select %[[GT1]], %[[ONE]], %{{.*}} : f32
// CHECK: %[[GT2:.*]] = arith.cmpf ogt, %[[V2]], %[[B1]]
// CHECK: %[[GT3:.*]] = arith.cmpf ogt, %[[V3]], %{{.*}}
// CHECK: arith.select %[[GT3]], %[[V3]], %{{.*}} : f32
// CHECK: %[[W3:.*]] = arith.select %[[GT3]], %{{.*}}, %{{.*}} : f32
// CHECK: %[[O01:.*]] = arith.cmpf ord, %[[V0]], %[[V1]]
// CHECK: %[[O23:.*]] = arith.cmpf ord, %[[V2]], %[[V3]]
// CHECK: %[[ORD:.*]] = arith.andi %[[O01]], %[[O23]]
// CHECK: %[[NONE:.*]] = arith.constant -1.0{{.*}} : f32
// CHECK: %[[WT:.*]] = arith.select %[[ORD]], %[[W3]], %[[NONE]] : f32
// CHECK: linalg.yield %[[WT]]
// CHECK: %[[CORE:.*]] = linalg.generic {indexing_maps = [#[[WIN]], #[[WIN]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[DY]], %[[WINNER]] : {{.*}}) outs(%{{.*}} : tensor<?x6x4x3xf32>)
// CHECK: ^bb0(%[[G:.*]]: f32, %[[W:.*]]: f32, %{{.*}}: f32):
// CHECK: arith.remui
// CHECK: arith.remui
// CHECK: %[[T:.*]] = arith.addi
// CHECK: %[[TF:.*]] = arith.uitofp
// CHECK: %[[WON:.*]] = arith.cmpf oeq, %[[W]], %[[TF]]
// CHECK: arith.select %[[WON]], %[[G]], %{{.*}} : f32
// CHECK: tensor.insert_slice %[[CORE]] into %{{.*}}[0, 0, 0, 0] [%{{.*}}, 6, 4, 3]
func.func @max_disjoint(%x: tensor<?x7x5x3xf32>, %dy: tensor<?x3x2x3xf32>) -> tensor<?x7x5x3xf32> {
  %0 = nn.pool2d_grad <max> %x, %dy {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x7x5x3xf32>, tensor<?x3x2x3xf32>) -> tensor<?x7x5x3xf32>
  return %0 : tensor<?x7x5x3xf32>
}

// -----

// A 1-row window over the first of 2 rows (stride 2: one output row): the
// winner map reads x's covered region (1 row), so its row loop has the
// output's extent (a tap row that is the loop's own index would otherwise
// give it x's 2 rows).
// CHECK-LABEL: func.func @max_one_row
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x2x4x3xf32>
// CHECK: %[[XC:.*]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [%{{.*}}, 1, 4, 3] [1, 1, 1, 1]
// CHECK: linalg.generic {{.*}} ins(%[[XC]], %[[XC]] : tensor<?x1x4x3xf32>, tensor<?x1x4x3xf32>) outs(%{{.*}} : tensor<?x1x2x3xf32>)
func.func @max_one_row(%x: tensor<?x2x4x3xf32>, %dy: tensor<?x1x2x3xf32>) -> tensor<?x2x4x3xf32> {
  %0 = nn.pool2d_grad <max> %x, %dy {padding = #nn.padding<valid>, pool_size = array<i64: 1, 2>, strides = array<i64: 2, 2>} : (tensor<?x2x4x3xf32>, tensor<?x1x2x3xf32>) -> tensor<?x2x4x3xf32>
  return %0 : tensor<?x2x4x3xf32>
}

// -----

// A train step's max pool and its gradient on the same input, windows that
// tile it (2x2, stride 2, 6x4): one scan of the windows, built by the
// forward pool's lowering; the pool takes its maxima (#0), the gradient its
// winners (#1). The input is read once for both.
// CHECK-LABEL: func.func @max_pool_and_grad
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x6x4x3xf32>
// CHECK-NOT: linalg.pooling_nhwc_max
// CHECK: %[[SCAN:.*]]:2 = linalg.generic {{.*}} ins(%[[X]], %[[X]], %[[X]], %[[X]] : {{.*}}) outs({{.*}}) attrs = {nn.window_scan = array<i64: 2, 2, 2, 2, 3, 2>}
// CHECK-NOT: nn.window_scan
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[SCAN]]#1 :
// CHECK: return %[[SCAN]]#0,
func.func @max_pool_and_grad(%x: tensor<?x6x4x3xf32>, %dy: tensor<?x3x2x3xf32>) -> (tensor<?x3x2x3xf32>, tensor<?x6x4x3xf32>) {
  %p = nn.pool2d <max> %x {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x6x4x3xf32>) -> tensor<?x3x2x3xf32>
  %g = nn.pool2d_grad <max> %x, %dy {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x6x4x3xf32>, tensor<?x3x2x3xf32>) -> tensor<?x6x4x3xf32>
  return %p, %g : tensor<?x3x2x3xf32>, tensor<?x6x4x3xf32>
}

// -----

// Windows that leave a row and a column of x out (7x5): the gradient scans
// x's covered region for the winners alone, and the forward pool stays
// linalg's max pool.
// CHECK-LABEL: func.func @max_pool_and_grad_uncovered
// CHECK: linalg.pooling_nhwc_max
// CHECK: tensor.extract_slice
// CHECK-NOT: nn.window_scan
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x3x2x3xf32>) {
// CHECK-NOT: nn.window_scan
// CHECK: return
func.func @max_pool_and_grad_uncovered(%x: tensor<?x7x5x3xf32>, %dy: tensor<?x3x2x3xf32>) -> (tensor<?x3x2x3xf32>, tensor<?x7x5x3xf32>) {
  %p = nn.pool2d <max> %x {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x7x5x3xf32>) -> tensor<?x3x2x3xf32>
  %g = nn.pool2d_grad <max> %x, %dy {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x7x5x3xf32>, tensor<?x3x2x3xf32>) -> tensor<?x7x5x3xf32>
  return %p, %g : tensor<?x3x2x3xf32>, tensor<?x7x5x3xf32>
}

// -----

// A gradient of other windows (stride 1) does not share: the forward pool
// stays linalg's max pool.
// CHECK-LABEL: func.func @max_pool_and_other_grad
// CHECK: linalg.pooling_nhwc_max
// CHECK-NOT: nn.window_scan
// CHECK: return
func.func @max_pool_and_other_grad(%x: tensor<?x6x4x3xf32>, %dy: tensor<?x5x3x3xf32>) -> (tensor<?x3x2x3xf32>, tensor<?x6x4x3xf32>) {
  %p = nn.pool2d <max> %x {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x6x4x3xf32>) -> tensor<?x3x2x3xf32>
  %g = nn.pool2d_grad <max> %x, %dy {padding = #nn.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 1, 1>} : (tensor<?x6x4x3xf32>, tensor<?x5x3x3xf32>) -> tensor<?x6x4x3xf32>
  return %p, %g : tensor<?x3x2x3xf32>, tensor<?x6x4x3xf32>
}
