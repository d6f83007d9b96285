// RUN: modelc-opt %s -convert-nn-to-linalg -split-input-file -verify-diagnostics | FileCheck %s

// Training: the batch statistics are recomputed as the forward does (one
// pass of shifted sums); inv = 1 / sqrt(var + eps); one two-output pass
// sums dy and dy * xhat per channel; dx = scale * ((dy - Sdy/n) - xhat *
// Sdx/n) with scale = gamma * inv, in one elementwise pass. dgamma = Sdx,
// dbeta = Sdy.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @train
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x4x4x6xf32>, %[[G:[a-z0-9_]+]]: tensor<6xf32>, %{{.*}}: tensor<6xf32>, %{{.*}}: tensor<6xf32>, %[[DY:[a-z0-9_]+]]: tensor<?x4x4x6xf32>)
// CHECK: %[[K:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<?x4x4x6xf32>)
// CHECK: %[[SUMS:.*]]:2 = linalg.generic {{.*}} iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%[[X]], %[[K]] :
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[K]], %[[SUMS]]#0 : tensor<6xf32>, tensor<6xf32>)
// CHECK: %[[VAR:.*]] = linalg.generic {{.*}} ins(%[[SUMS]]#0, %[[SUMS]]#1 : tensor<6xf32>, tensor<6xf32>)
// CHECK: %[[INV:.*]] = linalg.generic {{.*}} ins(%[[VAR]] : tensor<6xf32>)
// CHECK: math.sqrt
// CHECK: %[[S:.*]]:2 = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[CH]], #[[CH]], #[[CH]], #[[CH]]], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%[[X]], %[[DY]], %[[MEAN]], %[[INV]] : {{.*}}) outs(%{{.*}}, %{{.*}} : tensor<6xf32>, tensor<6xf32>)
// CHECK: ^bb0(%[[BX:.*]]: f32, %[[BDY:.*]]: f32, %[[BM:.*]]: f32, %[[BI:.*]]: f32, %[[ACC0:.*]]: f32, %[[ACC1:.*]]: f32):
// CHECK: %[[C:.*]] = arith.subf %[[BX]], %[[BM]]
// CHECK: %[[XHAT:.*]] = arith.mulf %[[C]], %[[BI]]
// CHECK: %[[S0:.*]] = arith.addf %[[ACC0]], %[[BDY]]
// CHECK: %[[P:.*]] = arith.mulf %[[BDY]], %[[XHAT]]
// CHECK: %[[S1:.*]] = arith.addf %[[ACC1]], %[[P]]
// CHECK: linalg.yield %[[S0]], %[[S1]]
// CHECK: %[[MDY:.*]] = linalg.generic {{.*}} ins(%[[S]]#0 : tensor<6xf32>)
// CHECK: %[[MDX:.*]] = linalg.generic {{.*}} ins(%[[S]]#1 : tensor<6xf32>)
// CHECK: %[[SCALE:.*]] = linalg.generic {{.*}} ins(%[[VAR]], %[[G]] :
// CHECK: %[[DX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[X]], %[[DY]], %[[MEAN]], %[[INV]], %[[SCALE]], %[[MDY]], %[[MDX]] :
// CHECK: ^bb0(%[[EX:.*]]: f32, %[[EDY:.*]]: f32, %[[EM:.*]]: f32, %[[EI:.*]]: f32, %[[ES:.*]]: f32, %[[EA:.*]]: f32, %[[EB:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[C2:.*]] = arith.subf %[[EX]], %[[EM]]
// CHECK: %[[XH:.*]] = arith.mulf %[[C2]], %[[EI]]
// CHECK: %[[T0:.*]] = arith.subf %[[EDY]], %[[EA]]
// CHECK: %[[T1:.*]] = arith.mulf %[[XH]], %[[EB]]
// CHECK: %[[T2:.*]] = arith.subf %[[T0]], %[[T1]]
// CHECK: %[[R:.*]] = arith.mulf %[[ES]], %[[T2]]
// CHECK: linalg.yield %[[R]]
// CHECK: return %[[DX]], %[[S]]#1, %[[S]]#0
func.func @train(%x: tensor<?x4x4x6xf32>, %g: tensor<6xf32>, %mm: tensor<6xf32>, %mv: tensor<6xf32>, %dy: tensor<?x4x4x6xf32>) -> (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>) {
  %t = arith.constant true
  %dx, %dg, %db = nn.batch_norm_grad %x gamma(%g) moving(%mm, %mv) grad(%dy) training(%t) {axis = 3 : i64, epsilon = 1.0e-03 : f32, renorm = false} : (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<?x4x4x6xf32>, i1) -> (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>)
  return %dx, %dg, %db : tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>
}

// -----

// Inference: the moving statistics are constants; dx = dy * gamma / sqrt(mv
// + eps); dgamma and dbeta are the same sums around the moving mean.
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @infer
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x4x4x6xf32>, %[[G:[a-z0-9_]+]]: tensor<6xf32>, %[[MM:[a-z0-9_]+]]: tensor<6xf32>, %[[MV:[a-z0-9_]+]]: tensor<6xf32>, %[[DY:[a-z0-9_]+]]: tensor<?x4x4x6xf32>)
// CHECK-NOT: iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%[[X]] :
// CHECK: %[[INV:.*]] = linalg.generic {{.*}} ins(%[[MV]] : tensor<6xf32>)
// CHECK: %[[SCALE:.*]] = linalg.generic {{.*}} ins(%[[MV]], %[[G]] :
// CHECK: %[[DX:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[CH]], #{{.*}}], {{.*}} ins(%[[DY]], %[[SCALE]] :
// CHECK: arith.mulf
// CHECK: %[[S:.*]]:2 = linalg.generic {{.*}} ins(%[[X]], %[[DY]], %[[MM]], %[[INV]] :
// CHECK: return %[[DX]], %[[S]]#1, %[[S]]#0
func.func @infer(%x: tensor<?x4x4x6xf32>, %g: tensor<6xf32>, %mm: tensor<6xf32>, %mv: tensor<6xf32>, %dy: tensor<?x4x4x6xf32>) -> (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>) {
  %t = arith.constant false
  %dx, %dg, %db = nn.batch_norm_grad %x gamma(%g) moving(%mm, %mv) grad(%dy) training(%t) {axis = 3 : i64, epsilon = 1.0e-03 : f32, renorm = false} : (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<?x4x4x6xf32>, i1) -> (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>)
  return %dx, %dg, %db : tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>
}

// -----

// Ghost batches with renorm: x and dy get the forward's [2, N/2, ...] view;
// statistics and the two sums are per sub-batch [N/2, 4]; r and d (clipped,
// constants) come from the pooled statistics; scale = r * inv per sub-batch;
// dx is collapsed back; the partial sums are summed over sub-batches and
// dgamma = r * Sdx + d * Sdy.
// CHECK-DAG: #[[GC:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-LABEL: func.func @ghost_renorm
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x3x4xf32>, %{{.*}}: tensor<4xf32>, %{{.*}}: tensor<4xf32>, %{{.*}}: tensor<4xf32>, %[[RS:[a-z0-9_]+]]: tensor<4xf32>, %[[DY:[a-z0-9_]+]]: tensor<?x3x4xf32>)
// CHECK: %[[XG:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0, 1], [2], [3]] output_shape [2, %{{.*}}, 3, 4] : tensor<?x3x4xf32> into tensor<2x?x3x4xf32>
// CHECK: %[[DYG:.*]] = tensor.expand_shape %[[DY]] {{\[\[}}0, 1], [2], [3]] output_shape [2, %{{.*}}, 3, 4] : tensor<?x3x4xf32> into tensor<2x?x3x4xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[GC]], #[[GC]], #[[GC]]], iterator_types = ["reduction", "parallel", "reduction", "parallel"]} ins(%[[XG]], %{{.*}} :
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[RS]] : tensor<4xf32>, tensor<4xf32>)
// CHECK: arith.minimumf
// CHECK: %[[D:.*]] = linalg.generic
// CHECK: %[[S:.*]]:2 = linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction", "parallel"]} ins(%[[XG]], %[[DYG]], %{{.*}}, %{{.*}} : {{.*}}) outs(%{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<?x4xf32>)
// CHECK: %[[SCALE:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[R]] : tensor<?x4xf32>, tensor<4xf32>)
// CHECK: %[[DXG:.*]] = linalg.generic {{.*}} ins(%[[XG]], %[[DYG]], %{{.*}}, %{{.*}}, %[[SCALE]], %{{.*}}, %{{.*}} :
// CHECK: %[[DX:.*]] = tensor.collapse_shape %[[DXG]] {{\[\[}}0, 1], [2], [3]] : tensor<2x?x3x4xf32> into tensor<?x3x4xf32>
// CHECK: %[[DB:.*]] = linalg.reduce ins(%[[S]]#0 : tensor<?x4xf32>) outs(%{{.*}} : tensor<4xf32>) dimensions = [0]
// CHECK: %[[SDX:.*]] = linalg.reduce ins(%[[S]]#1 : tensor<?x4xf32>) outs(%{{.*}} : tensor<4xf32>) dimensions = [0]
// CHECK: %[[DG:.*]] = linalg.generic {{.*}} ins(%[[SDX]], %[[DB]], %[[R]], %[[D]] :
// CHECK: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %[[RR:.*]]: f32, %[[DD:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[M1:.*]] = arith.mulf %[[RR]], %[[A]]
// CHECK: %[[M2:.*]] = arith.mulf %[[DD]], %[[B]]
// CHECK: arith.addf %[[M1]], %[[M2]]
// CHECK: return %[[DX]], %[[DG]], %[[DB]]
func.func @ghost_renorm(%x: tensor<?x3x4xf32>, %mm: tensor<4xf32>, %mv: tensor<4xf32>, %rm: tensor<4xf32>, %rs: tensor<4xf32>, %dy: tensor<?x3x4xf32>) -> (tensor<?x3x4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %t = arith.constant true
  %dx, %dg, %db = nn.batch_norm_grad %x moving(%mm, %mv) renorm(%rm, %rs) grad(%dy) training(%t) {axis = 2 : i64, epsilon = 1.0e-03 : f32, renorm = true, renorm_rmax = 3.0 : f32, virtual_batch_size = 2 : i64} : (tensor<?x3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<?x3x4xf32>, i1) -> (tensor<?x3x4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %dx, %dg, %db : tensor<?x3x4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Like nn.batch_norm, the mode must be a constant (nn-specialize-mode).
func.func @unknown_mode(%x: tensor<?x3xf32>, %mm: tensor<3xf32>, %mv: tensor<3xf32>, %dy: tensor<?x3xf32>, %t: i1) -> tensor<?x3xf32> {
  // expected-error@+2 {{'nn.batch_norm_grad' needs a constant training flag to be lowered to linalg: run nn-specialize-mode first}}
  // expected-error@+1 {{failed to legalize operation 'nn.batch_norm_grad' that was explicitly marked illegal}}
  %dx, %dg, %db = nn.batch_norm_grad %x moving(%mm, %mv) grad(%dy) training(%t) {axis = 1 : i64, epsilon = 1.0e-03 : f32, renorm = false} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<?x3xf32>, i1) -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %dx : tensor<?x3xf32>
}
