// RUN: modelc-opt %s -convert-nn-to-linalg | FileCheck %s

// A scatter-add loop over the flattened positions: each in-table id adds its
// dy row to its table row in place; other ids add nothing.
// CHECK-LABEL: func.func @embedding_grad
// CHECK-SAME: (%[[IDS:[a-z0-9_]+]]: tensor<?x5xi32>, %[[DY:[a-z0-9_]+]]: tensor<?x5x4xf32>)
// CHECK: %[[FLATIDS:.*]] = tensor.collapse_shape %[[IDS]] {{\[\[}}0, 1]] : tensor<?x5xi32> into tensor<?xi32>
// CHECK: %[[ROWS:.*]] = tensor.collapse_shape %[[DY]] {{\[\[}}0, 1], [2]] : tensor<?x5x4xf32> into tensor<?x4xf32>
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<7x4xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[VOCAB:.*]] = arith.constant 7 : index
// CHECK: %[[P:.*]] = tensor.dim %[[FLATIDS]]
// CHECK: %[[TABLE:.*]] = scf.for %[[I:.*]] = %[[C0]] to %[[P]] step %[[C1]] iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (tensor<7x4xf32>) {
// CHECK: %[[ID32:.*]] = tensor.extract %[[FLATIDS]][%[[I]]]
// CHECK: %[[ID:.*]] = arith.index_cast %[[ID32]] : i32 to index
// CHECK: %[[GE:.*]] = arith.cmpi sge, %[[ID]], %[[C0]]
// CHECK: %[[LT:.*]] = arith.cmpi slt, %[[ID]], %[[VOCAB]]
// CHECK: %[[VALID:.*]] = arith.andi %[[GE]], %[[LT]]
// CHECK: %[[NEXT:.*]] = scf.if %[[VALID]] -> (tensor<7x4xf32>) {
// CHECK: %[[ROW:.*]] = tensor.extract_slice %[[ACC]][%[[ID]], 0] [1, 4] [1, 1] : tensor<7x4xf32> to tensor<4xf32>
// CHECK: %[[G:.*]] = tensor.extract_slice %[[ROWS]][%[[I]], 0] [1, 4] [1, 1] : tensor<?x4xf32> to tensor<4xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[G]] : tensor<4xf32>) outs(%[[ROW]] : tensor<4xf32>)
// CHECK: arith.addf
// CHECK: %[[UPD:.*]] = tensor.insert_slice %[[SUM]] into %[[ACC]][%[[ID]], 0] [1, 4] [1, 1]
// CHECK: scf.yield %[[UPD]]
// CHECK: } else {
// CHECK: scf.yield %[[ACC]]
// CHECK: scf.yield %[[NEXT]]
// CHECK: return %[[TABLE]]
func.func @embedding_grad(%ids: tensor<?x5xi32>, %dy: tensor<?x5x4xf32>) -> tensor<7x4xf32> {
  %g = nn.embedding_grad %ids, %dy : (tensor<?x5xi32>, tensor<?x5x4xf32>) -> tensor<7x4xf32>
  return %g : tensor<7x4xf32>
}

// Rank-1 ids need no collapse.
// CHECK-LABEL: func.func @embedding_grad_rank1
// CHECK-NOT: tensor.collapse_shape
// CHECK: scf.for
func.func @embedding_grad_rank1(%ids: tensor<?xi32>, %dy: tensor<?x3xf32>) -> tensor<10x3xf32> {
  %g = nn.embedding_grad %ids, %dy : (tensor<?xi32>, tensor<?x3xf32>) -> tensor<10x3xf32>
  return %g : tensor<10x3xf32>
}
