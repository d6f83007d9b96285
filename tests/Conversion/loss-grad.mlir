// RUN: modelc-opt %s -convert-nn-to-linalg | FileCheck %s

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>

// Softmax cross-entropy: per row the max logit and the sum of
// exp(logit - max), as the forward; then (softmax - onehot) / N in one
// generic, with N the run-time batch. A label outside [0, K) makes its row
// NaN.
// CHECK-LABEL: func.func @softmax_ce
// CHECK-SAME: (%[[L:[a-z0-9_]+]]: tensor<?x5xf32>, %[[Y:[a-z0-9_]+]]: tensor<?xi32>)
// CHECK: %[[MAX:.*]] = linalg.reduce ins(%[[L]] : tensor<?x5xf32>) outs(%{{.*}} : tensor<?xf32>) dimensions = [1]
// CHECK: arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[L]], %[[MAX]] :
// CHECK: math.exp
// CHECK: %[[NI:.*]] = arith.index_castui %{{.*}} : index to i64
// CHECK: %[[N:.*]] = arith.uitofp %[[NI]] : i64 to f32
// CHECK: %[[K:.*]] = arith.constant 5 : index
// CHECK: %[[NAN:.*]] = arith.constant 0x7FC00000 : f32
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[L]], %[[MAX]], %[[SUM]], %[[Y]] :
// CHECK: %[[SH:.*]] = arith.subf
// CHECK: %[[E:.*]] = math.exp %[[SH]]
// CHECK: %[[P:.*]] = arith.divf %[[E]]
// CHECK: %[[LAB:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK: arith.cmpi slt, %[[LAB]], %[[K]]
// CHECK: %[[VALID:.*]] = arith.andi
// CHECK: %[[COL:.*]] = linalg.index 1 : index
// CHECK: %[[HIT:.*]] = arith.cmpi eq, %[[LAB]], %[[COL]]
// CHECK: %[[T:.*]] = arith.select %[[HIT]]
// CHECK: %[[D:.*]] = arith.subf %[[P]], %[[T]]
// CHECK: %[[S:.*]] = arith.divf %[[D]], %[[N]]
// CHECK: %[[R:.*]] = arith.select %[[VALID]], %[[S]], %[[NAN]]
// CHECK: linalg.yield %[[R]]
// CHECK: return %[[G]]
func.func @softmax_ce(%l: tensor<?x5xf32>, %y: tensor<?xi32>) -> tensor<?x5xf32> {
  %0 = nn.softmax_cross_entropy_grad %l, %y : (tensor<?x5xf32>, tensor<?xi32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// Sigmoid cross-entropy: (sigmoid(x) - z) / (N * 5).
// CHECK-LABEL: func.func @sigmoid_ce
// CHECK: %[[C5:.*]] = arith.constant 5 : index
// CHECK: %[[NE:.*]] = arith.muli %{{.*}}, %[[C5]] : index
// CHECK: %[[NI:.*]] = arith.index_castui %[[NE]]
// CHECK: %[[COUNT:.*]] = arith.uitofp %[[NI]] : i64 to f32
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK: ^bb0(%[[X:.*]]: f32, %[[Z:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[NEG:.*]] = arith.negf %[[X]]
// CHECK: %[[E:.*]] = math.exp %[[NEG]]
// CHECK: %[[ONEPLUS:.*]] = arith.addf %{{.*}}, %[[E]]
// CHECK: %[[SIG:.*]] = arith.divf %{{.*}}, %[[ONEPLUS]]
// CHECK: %[[D:.*]] = arith.subf %[[SIG]], %[[Z]]
// CHECK: arith.divf %[[D]], %[[COUNT]]
func.func @sigmoid_ce(%l: tensor<?x5xf32>, %z: tensor<?x5xf32>) -> tensor<?x5xf32> {
  %1 = nn.sigmoid_cross_entropy_grad %l, %z : tensor<?x5xf32>
  return %1 : tensor<?x5xf32>
}

// Mean squared error: 2 * (p - l) / (N * 5).
// CHECK-LABEL: func.func @mse
// CHECK: %[[COUNT:.*]] = arith.uitofp %{{.*}} : i64 to f32
// CHECK: %[[TWO:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: ^bb0(%[[P:.*]]: f32, %[[L:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[D:.*]] = arith.subf %[[P]], %[[L]]
// CHECK: %[[D2:.*]] = arith.mulf %[[TWO]], %[[D]]
// CHECK: arith.divf %[[D2]], %[[COUNT]]
func.func @mse(%l: tensor<?x5xf32>, %z: tensor<?x5xf32>) -> tensor<?x5xf32> {
  %2 = nn.mean_squared_error_grad %l, %z : tensor<?x5xf32>
  return %2 : tensor<?x5xf32>
}
