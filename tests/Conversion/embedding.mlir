// RUN: modelc-opt %s -convert-nn-to-linalg | FileCheck %s

// A gather: one generic over [N, 56, dim] reading the table with
// tensor.extract; ids outside [0, vocab) read row 0 and yield zero.
// CHECK-DAG: #[[IDS:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @embedding
// CHECK-SAME: (%[[IDV:[a-z0-9_]+]]: tensor<?x56xi32>, %[[T:[a-z0-9_]+]]: tensor<5000x8xf32>)
// CHECK-DAG: %[[VOCAB:.*]] = arith.constant 5000 : index
// CHECK-DAG: %[[ZI:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[ZF:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x56x8xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IDS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[IDV]] : tensor<?x56xi32>) outs(%[[E]] : tensor<?x56x8xf32>)
// CHECK: ^bb0(%[[ID:[a-z0-9_]+]]: i32, %{{.*}}: f32):
// CHECK: %[[I:.*]] = arith.index_cast %[[ID]] : i32 to index
// CHECK: %[[GE:.*]] = arith.cmpi sge, %[[I]], %[[ZI]] : index
// CHECK: %[[LT:.*]] = arith.cmpi slt, %[[I]], %[[VOCAB]] : index
// CHECK: %[[OK:.*]] = arith.andi %[[GE]], %[[LT]] : i1
// CHECK: %[[ROW:.*]] = arith.select %[[OK]], %[[I]], %[[ZI]] : index
// CHECK: %[[COL:.*]] = linalg.index 2 : index
// CHECK: %[[V:.*]] = tensor.extract %[[T]][%[[ROW]], %[[COL]]] : tensor<5000x8xf32>
// CHECK: %[[R:.*]] = arith.select %[[OK]], %[[V]], %[[ZF]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @embedding(%ids: tensor<?x56xi32>, %table: tensor<5000x8xf32>) -> tensor<?x56x8xf32> {
  %y = nn.embedding %ids, %table : (tensor<?x56xi32>, tensor<5000x8xf32>) -> tensor<?x56x8xf32>
  return %y : tensor<?x56x8xf32>
}
