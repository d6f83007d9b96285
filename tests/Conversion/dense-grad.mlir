// RUN: modelc-opt %s -convert-nn-to-linalg | FileCheck %s

// The transposes are indexing maps of linalg.matmul over (m, n, k); nothing
// is copied. dx = dy @ kernel^T keeps the dynamic batch; dkernel = x^T @ dy
// contracts over it.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[AT:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-LABEL: func.func @dense_grads
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x7xf32>, %[[K:[a-z0-9_]+]]: tensor<7x4xf32>, %[[DY:[a-z0-9_]+]]: tensor<?x4xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[DY]], %{{.*}} : tensor<?x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x7xf32>
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<?x7xf32>)
// CHECK: %[[DX:.*]] = linalg.matmul indexing_maps = [#[[A]], #[[BT]], #[[C]]] ins(%[[DY]], %[[K]] : tensor<?x4xf32>, tensor<7x4xf32>) outs(%[[Z]] : tensor<?x7xf32>)
// CHECK: %[[Z2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<7x4xf32>)
// CHECK: %[[DK:.*]] = linalg.matmul indexing_maps = [#[[AT]], #[[B]], #[[C]]] ins(%[[X]], %[[DY]] : tensor<?x7xf32>, tensor<?x4xf32>) outs(%[[Z2]] : tensor<7x4xf32>)
// CHECK: %[[DB:.*]] = linalg.reduce ins(%[[DY]] : tensor<?x4xf32>) outs(%{{.*}} : tensor<4xf32>) dimensions = [0]
// CHECK: arith.addf
// CHECK: return %[[DX]], %[[DK]], %[[DB]]
func.func @dense_grads(%x: tensor<?x7xf32>, %k: tensor<7x4xf32>, %dy: tensor<?x4xf32>) -> (tensor<?x7xf32>, tensor<7x4xf32>, tensor<4xf32>) {
  %dx = nn.matmul %dy, %k {transpose_rhs = true} : (tensor<?x4xf32>, tensor<7x4xf32>) -> tensor<?x7xf32>
  %dk = nn.matmul %x, %dy {transpose_lhs = true} : (tensor<?x7xf32>, tensor<?x4xf32>) -> tensor<7x4xf32>
  %db = nn.channel_sum %dy {axis = 1 : i64} : (tensor<?x4xf32>) -> tensor<4xf32>
  return %dx, %dk, %db : tensor<?x7xf32>, tensor<7x4xf32>, tensor<4xf32>
}

// Without transposes it is a plain linalg.matmul; both transposed, both maps
// swap.
// CHECK-LABEL: func.func @matmul_variants
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<3x4xf32>, tensor<4x5xf32>)
// CHECK: linalg.matmul indexing_maps = [#[[AT]], #[[BT]], #[[C]]] ins(%{{.*}}, %{{.*}} : tensor<4x3xf32>, tensor<5x4xf32>) outs(%{{.*}} : tensor<3x5xf32>)
func.func @matmul_variants(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %at: tensor<4x3xf32>, %bt: tensor<5x4xf32>) -> (tensor<3x5xf32>, tensor<3x5xf32>) {
  %0 = nn.matmul %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  %1 = nn.matmul %at, %bt {transpose_lhs = true, transpose_rhs = true} : (tensor<4x3xf32>, tensor<5x4xf32>) -> tensor<3x5xf32>
  return %0, %1 : tensor<3x5xf32>, tensor<3x5xf32>
}

// channel_sum reduces every axis but `axis` (a conv bias: 0, 1, 2).
// CHECK-LABEL: func.func @conv_bias_grad
// CHECK: linalg.reduce ins(%{{.*}} : tensor<?x5x6x3xf32>) outs(%{{.*}} : tensor<3xf32>) dimensions = [0, 1, 2]
func.func @conv_bias_grad(%dy: tensor<?x5x6x3xf32>) -> tensor<3xf32> {
  %db = nn.channel_sum %dy {axis = 3 : i64} : (tensor<?x5x6x3xf32>) -> tensor<3xf32>
  return %db : tensor<3xf32>
}
