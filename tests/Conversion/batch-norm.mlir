// RUN: modelc-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// Inference: per-channel scale = gamma / sqrt(moving_variance + eps) once,
// then one elementwise pass; the moving statistics are returned unchanged.
// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH4:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @infer
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x4x4x6xf32>, %[[G:[a-z0-9_]+]]: tensor<6xf32>, %[[B:[a-z0-9_]+]]: tensor<6xf32>, %[[MM:[a-z0-9_]+]]: tensor<6xf32>, %[[MV:[a-z0-9_]+]]: tensor<6xf32>)
// CHECK: %[[EPS:.*]] = arith.constant 1.000000e-03 : f32
// CHECK: %[[SCALE:.*]] = linalg.generic {{.*}} ins(%[[MV]], %[[G]] : tensor<6xf32>, tensor<6xf32>)
// CHECK: %[[S1:.*]] = arith.addf %{{.*}}, %[[EPS]]
// CHECK: %[[S2:.*]] = math.sqrt %[[S1]]
// CHECK: arith.divf %{{.*}}, %[[S2]]
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID4]], #[[CH4]], #[[CH4]], #[[CH4]], #[[ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[MM]], %[[SCALE]], %[[B]] :
// CHECK: arith.subf
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: arith.addf
// CHECK: return %[[Y]], %[[MM]], %[[MV]]
func.func @infer(%x: tensor<?x4x4x6xf32>, %g: tensor<6xf32>, %b: tensor<6xf32>, %mm: tensor<6xf32>, %mv: tensor<6xf32>) -> (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>) {
  %t = arith.constant false
  %y, %m, %v = nn.batch_norm %x gamma(%g) beta(%b) moving(%mm, %mv) training(%t) {axis = 3 : i64, center = true, epsilon = 1.0e-03 : f32, momentum = 0.99 : f32, renorm = false, renorm_momentum = 0.99 : f32, scale = true, trainable = true, variance_correction = #nn.variance_correction<unbiased>} : (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, i1) -> (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>)
  return %y, %m, %v : tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>
}

// -----

// Training: n = N * 16 at run time; one pass over x sums d = x - k and d * d
// (k the first example's value per channel, which keeps the sums small when
// the mean is large), then mean = k + S1 / n and var = S2 / n - (S1 / n)^2
// (biased, clamped at 0).
// CHECK-DAG: #[[FIRST:.*]] = affine_map<(d0) -> (0, 0, 0, d0)>
// CHECK-LABEL: func.func @train
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x4x4x6xf32>, %[[G:[a-z0-9_]+]]: tensor<6xf32>, %[[B:[a-z0-9_]+]]: tensor<6xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[X]]
// CHECK: %[[C16:.*]] = arith.constant 16 : index
// CHECK: %[[NI:.*]] = arith.muli %[[N]], %[[C16]]
// CHECK: %[[NI64:.*]] = arith.index_castui %[[NI]]
// CHECK: %[[COUNT:.*]] = arith.uitofp %[[NI64]] : i64 to f32
// CHECK: %[[K:.*]] = linalg.generic {indexing_maps = [#[[FIRST]], #{{.*}}], iterator_types = ["parallel"]} ins(%[[X]] : tensor<?x4x4x6xf32>)
// CHECK: %[[SUMS:.*]]:2 = linalg.generic {{.*}} iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%[[X]], %[[K]] : tensor<?x4x4x6xf32>, tensor<6xf32>) outs(%{{.*}}, %{{.*}} : tensor<6xf32>, tensor<6xf32>)
// CHECK: %[[D:.*]] = arith.subf
// CHECK-NEXT: arith.addf %{{.*}}, %[[D]]
// CHECK-NEXT: %[[D2:.*]] = arith.mulf %[[D]], %[[D]]
// CHECK-NEXT: arith.addf %{{.*}}, %[[D2]]
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[K]], %[[SUMS]]#0 : tensor<6xf32>, tensor<6xf32>)
// CHECK: arith.divf %{{.*}}, %[[COUNT]]
// CHECK: %[[VAR:.*]] = linalg.generic {{.*}} ins(%[[SUMS]]#0, %[[SUMS]]#1 : tensor<6xf32>, tensor<6xf32>)
// CHECK: arith.maximumf
// CHECK: %[[SCALE:.*]] = linalg.generic {{.*}} ins(%[[VAR]], %[[G]] :
// CHECK: math.sqrt
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[MEAN]], %[[SCALE]], %[[B]] :
// CHECK: return %[[Y]], %[[MEAN]], %[[VAR]]
func.func @train(%x: tensor<?x4x4x6xf32>, %g: tensor<6xf32>, %b: tensor<6xf32>, %mm: tensor<6xf32>, %mv: tensor<6xf32>) -> (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>) {
  %t = arith.constant true
  %y, %m, %v = nn.batch_norm %x gamma(%g) beta(%b) moving(%mm, %mv) training(%t) {axis = 3 : i64, center = true, epsilon = 1.0e-03 : f32, momentum = 0.99 : f32, renorm = false, renorm_momentum = 0.99 : f32, scale = true, trainable = true, variance_correction = #nn.variance_correction<unbiased>} : (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, i1) -> (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>)
  return %y, %m, %v : tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>
}

// -----

// axis = 1 on a 4-D input: reduce over dimensions 0, 2 and 3; no gamma/beta.
// CHECK-LABEL: func.func @train_axis1
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction", "reduction"]}
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[CH1:.*]], #[[CH1]], #{{.*}}]
// CHECK: arith.subf
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: linalg.yield
func.func @train_axis1(%x: tensor<?x6x5x3xf32>, %mm: tensor<6xf32>, %mv: tensor<6xf32>) -> tensor<?x6x5x3xf32> {
  %t = arith.constant true
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 1 : i64, center = false, epsilon = 1.0e-03 : f32, momentum = 0.9 : f32, renorm = false, renorm_momentum = 0.99 : f32, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>} : (tensor<?x6x5x3xf32>, tensor<6xf32>, tensor<6xf32>, i1) -> (tensor<?x6x5x3xf32>, tensor<6xf32>, tensor<6xf32>)
  return %y : tensor<?x6x5x3xf32>
}

// -----

// Ghost batches with renorm: [N, 3, 4] is viewed as [2, N/2, 3, 4] (example
// v * N/2 + g is in sub-batch g); statistics are [N/2, 3]; the returned batch
// statistics, r and d use their means over sub-batches.
// CHECK-DAG: #[[GC:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-LABEL: func.func @ghost_renorm
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x3x4xf32>, %[[MM:[a-z0-9_]+]]: tensor<3xf32>, %[[MV:[a-z0-9_]+]]: tensor<3xf32>, %[[RM:[a-z0-9_]+]]: tensor<3xf32>, %[[RS:[a-z0-9_]+]]: tensor<3xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]]
// CHECK: %[[G:.*]] = arith.divui %[[N]], %{{.*}} : index
// CHECK: %[[XG:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0, 1], [2], [3]] output_shape [2, %[[G]], 3, 4] : tensor<?x3x4xf32> into tensor<2x?x3x4xf32>
// CHECK: %[[COUNT:.*]] = arith.constant 8.000000e+00 : f32
// CHECK: %[[K:.*]] = linalg.generic {indexing_maps = [#[[GFIRST:.*]], #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%[[XG]] : tensor<2x?x3x4xf32>)
// CHECK: %[[SUMS:.*]]:2 = linalg.generic {indexing_maps = [#{{.*}}, #[[GC]], #[[GC]], #[[GC]]], iterator_types = ["reduction", "parallel", "parallel", "reduction"]} ins(%[[XG]], %[[K]] : tensor<2x?x3x4xf32>, tensor<?x3xf32>)
// CHECK: %[[MEAN:.*]] = linalg.generic
// CHECK: arith.divf %{{.*}}, %[[COUNT]]
// CHECK: %[[VAR:.*]] = linalg.generic
// CHECK: %[[MSUM:.*]] = linalg.reduce ins(%[[MEAN]] : tensor<?x3xf32>) outs(%{{.*}} : tensor<3xf32>) dimensions = [0]
// CHECK: %[[BMEAN:.*]] = linalg.generic {{.*}} ins(%[[MSUM]] : tensor<3xf32>)
// CHECK: %[[VSUM:.*]] = linalg.reduce ins(%[[VAR]] : tensor<?x3xf32>) outs(%{{.*}} : tensor<3xf32>) dimensions = [0]
// CHECK: %[[BVAR:.*]] = linalg.generic {{.*}} ins(%[[VSUM]] : tensor<3xf32>)
// CHECK: %[[SQRTEPS:.*]] = arith.constant 0.0316227786 : f32
// r = min(sqrt(var_B + eps) / max(renorm_stddev, sqrt(eps)), rmax)
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[BVAR]], %[[RS]] :
// CHECK: math.sqrt
// CHECK: arith.maximumf %{{.*}}, %[[SQRTEPS]]
// CHECK: arith.divf
// CHECK: arith.constant 3.000000e+00 : f32
// CHECK: arith.minimumf
// d = clip((mean_B - renorm_mean) / s, -dmax, dmax)
// CHECK: %[[DC:.*]] = linalg.generic {{.*}} ins(%[[BMEAN]], %[[RM]], %[[RS]] :
// CHECK: arith.maximumf %{{.*}}, %[[SQRTEPS]]
// CHECK: arith.subf
// CHECK: arith.divf
// CHECK: arith.constant -5.000000e+00 : f32
// CHECK: arith.maximumf
// CHECK: arith.constant 5.000000e+00 : f32
// CHECK: arith.minimumf
// Per sub-batch scale r / sigma_b; without gamma and beta the shift is d.
// CHECK: %[[SCALE:.*]] = linalg.generic {{.*}} ins(%[[VAR]], %[[R]] : tensor<?x3xf32>, tensor<3xf32>)
// CHECK: %[[YG:.*]] = linalg.generic {{.*}} ins(%[[XG]], %[[MEAN]], %[[SCALE]], %[[DC]] :
// CHECK: %[[Y:.*]] = tensor.collapse_shape %[[YG]] {{\[\[}}0, 1], [2], [3]] : tensor<2x?x3x4xf32> into tensor<?x3x4xf32>
// CHECK: return %[[Y]], %[[BMEAN]], %[[BVAR]]
func.func @ghost_renorm(%x: tensor<?x3x4xf32>, %mm: tensor<3xf32>, %mv: tensor<3xf32>, %rm: tensor<3xf32>, %rs: tensor<3xf32>) -> (tensor<?x3x4xf32>, tensor<3xf32>, tensor<3xf32>) {
  %t = arith.constant true
  %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) renorm(%rm, %rs) training(%t) {axis = 1 : i64, center = false, epsilon = 1.0e-03 : f32, momentum = 0.99 : f32, renorm = true, renorm_momentum = 0.99 : f32, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm_rmax = 3.0 : f32, renorm_dmax = 5.0 : f32, virtual_batch_size = 2 : i64} : (tensor<?x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, i1) -> (tensor<?x3x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y, %m, %v : tensor<?x3x4xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Renorm in inference mode is plain inference.
// CHECK-LABEL: func.func @renorm_infer
// CHECK-NOT: linalg.reduce
// CHECK-NOT: arith.minimumf
// CHECK: return %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>
func.func @renorm_infer(%x: tensor<?x3xf32>, %g: tensor<3xf32>, %b: tensor<3xf32>, %mm: tensor<3xf32>, %mv: tensor<3xf32>, %rm: tensor<3xf32>, %rs: tensor<3xf32>) -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %t = arith.constant false
  %y, %m, %v = nn.batch_norm %x gamma(%g) beta(%b) moving(%mm, %mv) renorm(%rm, %rs) training(%t) {axis = 1 : i64, center = true, epsilon = 1.0e-03 : f32, momentum = 0.99 : f32, renorm = true, renorm_momentum = 0.99 : f32, scale = true, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm_rmax = 3.0 : f32, virtual_batch_size = 2 : i64} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, i1) -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y, %m, %v : tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>
}
