// RUN: modelc-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// momentum*avg + ((1-momentum)*correction)*value; 1 - momentum from the
// decimal written (1 - 0.999 is 1e-3, not 1 - 0.999f).
// CHECK-LABEL: func.func @moving_average
// CHECK-SAME: (%[[A:[a-z0-9_]+]]: tensor<6xf32>, %[[V:[a-z0-9_]+]]: tensor<6xf32>, %[[C:[a-z0-9_]+]]: tensor<f32>)
// CHECK: %[[MU:.*]] = arith.constant 9.900000e-01 : f32
// CHECK: %[[OMM:.*]] = arith.constant 0.00999999977 : f32
// CHECK: linalg.generic {{.*}} ins(%[[A]], %[[V]] : tensor<6xf32>, tensor<6xf32>)
// CHECK: ^bb0(%[[IA:[a-z0-9_]+]]: f32, %[[IV:[a-z0-9_]+]]: f32, %{{.*}}: f32):
// CHECK: %[[X:.*]] = arith.mulf %[[MU]], %[[IA]] : f32
// CHECK: %[[Y:.*]] = arith.mulf %[[OMM]], %[[IV]] : f32
// CHECK: arith.addf %[[X]], %[[Y]] : f32
// CHECK: %[[MU2:.*]] = arith.constant 9.990000e-01 : f32
// CHECK: %[[OMM2:.*]] = arith.constant 1.000000e-03 : f32
// CHECK: %[[CS:.*]] = tensor.extract %[[C]][] : tensor<f32>
// CHECK: %[[COEF:.*]] = arith.mulf %[[OMM2]], %[[CS]] : f32
// CHECK: linalg.generic
// CHECK: arith.mulf %[[MU2]], %{{.*}} : f32
// CHECK: arith.mulf %[[COEF]], %{{.*}} : f32
func.func @moving_average(%a: tensor<6xf32>, %v: tensor<6xf32>, %c: tensor<f32>) -> (tensor<6xf32>, tensor<6xf32>) {
  %0 = nn.moving_average %a, %v {momentum = 0.99 : f32} : tensor<6xf32>
  %1 = nn.moving_average %a, %v correction(%c : tensor<f32>) {momentum = 0.999 : f32} : tensor<6xf32>
  return %0, %1 : tensor<6xf32>, tensor<6xf32>
}

// -----

// n = elements per channel of one (sub-)batch, from the run-time shape:
// every dimension but `axis`, dimension 0 replaced by V for ghost batches.
// CHECK-LABEL: func.func @variance_correction
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x5x7x13xf32>, %{{.*}}: tensor<?x4x6xf32>)
// n = N * 5 * 7, c = n > 1 ? n / (n - 1) : 1
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x5x7x13xf32>
// CHECK: %[[C35:.*]] = arith.constant 35 : index
// CHECK: %[[NN:.*]] = arith.muli %[[N]], %[[C35]] : index
// CHECK: %[[NI:.*]] = arith.index_castui %[[NN]] : index to i64
// CHECK: %[[NF:.*]] = arith.uitofp %[[NI]] : i64 to f64
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
// CHECK: %[[NM1:.*]] = arith.subf %[[NF]], %[[ONE]] : f64
// CHECK: %[[R:.*]] = arith.divf %[[NF]], %[[NM1]] : f64
// CHECK: %[[BIG:.*]] = arith.cmpi ugt, %[[NN]], %{{.*}} : index
// CHECK: %[[SEL:.*]] = arith.select %[[BIG]], %[[R]], %[[ONE]] : f64
// CHECK: %[[C0:.*]] = arith.truncf %[[SEL]] : f64 to f32
// CHECK: %[[T0:.*]] = tensor.from_elements %[[C0]] : tensor<f32>
// Ghost batches of V = 2 on [?, 4, 6], axis 2: n = 2 * 4 = 8, static.
// CHECK: %[[C1:.*]] = arith.constant 1.14285719 : f32
// CHECK: %[[T1:.*]] = tensor.from_elements %[[C1]] : tensor<f32>
// Biased: 1.
// CHECK: %[[C2:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[T2:.*]] = tensor.from_elements %[[C2]] : tensor<f32>
// Axis 1: n = N * 7 * 13.
// CHECK: tensor.dim %[[X]]
// CHECK: arith.constant 91 : index
// CHECK: %[[T3:.*]] = tensor.from_elements
// CHECK: return %[[T0]], %[[T1]], %[[T2]], %[[T3]]
func.func @variance_correction(%x: tensor<?x5x7x13xf32>, %y: tensor<?x4x6xf32>) -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) {
  %0 = nn.variance_correction %x {axis = 3 : i64, unbiased = true} : (tensor<?x5x7x13xf32>) -> tensor<f32>
  %1 = nn.variance_correction %y {axis = 2 : i64, unbiased = true, virtual_batch_size = 2 : i64} : (tensor<?x4x6xf32>) -> tensor<f32>
  %2 = nn.variance_correction %x {axis = 3 : i64, unbiased = false} : (tensor<?x5x7x13xf32>) -> tensor<f32>
  %3 = nn.variance_correction %x {axis = 1 : i64, unbiased = true} : (tensor<?x5x7x13xf32>) -> tensor<f32>
  return %0, %1, %2, %3 : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>
}

// -----

// CHECK-LABEL: func.func @stddev_scalar
// CHECK-SAME: (%[[V:[a-z0-9_]+]]: tensor<6xf32>, %[[S:[a-z0-9_]+]]: tensor<i64>)
// CHECK: %[[EPS:.*]] = arith.constant 1.000000e-03 : f32
// CHECK: linalg.generic {{.*}} ins(%[[V]] : tensor<6xf32>)
// CHECK: %[[VE:.*]] = arith.addf %{{.*}}, %[[EPS]] : f32
// CHECK: math.sqrt %[[VE]] : f32
// CHECK: %[[I:.*]] = tensor.extract %[[S]][] : tensor<i64>
// CHECK: %[[F:.*]] = arith.sitofp %[[I]] : i64 to f32
// CHECK: tensor.from_elements %[[F]] : tensor<f32>
func.func @stddev_scalar(%v: tensor<6xf32>, %s: tensor<i64>) -> (tensor<6xf32>, tensor<f32>) {
  %0 = nn.stddev %v {epsilon = 0.001 : f32} : tensor<6xf32>
  %1 = nn.scalar %s : (tensor<i64>) -> tensor<f32>
  return %0, %1 : tensor<6xf32>, tensor<f32>
}

// -----

// tf.keras constraints. Norms per slice over `axis` (sum of squares into
// the kept dimensions), a per-slice factor, then one scaling pass.
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[OUT4:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @constraints
// CHECK-SAME: (%[[W:[a-z0-9_]+]]: tensor<3x3x2x4xf32>, %[[K:[a-z0-9_]+]]: tensor<5x4xf32>)
// non_neg: w * (w >= 0 ? 1 : 0), so a NaN stays NaN.
// CHECK: %[[NN:.*]] = linalg.generic {{.*}} ins(%[[K]] : tensor<5x4xf32>)
// CHECK: %[[GE:.*]] = arith.cmpf oge
// CHECK: %[[MASK:.*]] = arith.select %[[GE]]
// CHECK: arith.mulf %{{.*}}, %[[MASK]] : f32
// unit_norm, axis 0: w / (1e-7 + norm over rows).
// CHECK: %[[SQ1:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[COL]]], iterator_types = ["reduction", "parallel"]} ins(%[[K]] : tensor<5x4xf32>)
// CHECK: %[[DEN1:.*]] = linalg.generic {{.*}} ins(%[[SQ1]] : tensor<4xf32>)
// CHECK: math.sqrt
// CHECK: arith.constant 1.000000e-07 : f32
// CHECK: %[[UN:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[COL]], #[[ID2]]], {{.*}} ins(%[[K]], %[[DEN1]] : tensor<5x4xf32>, tensor<4xf32>)
// CHECK: arith.divf
// max_norm over axes [0, 1, 2] of a HWIO kernel: w * clip(n, 0, 2) / (eps + n).
// CHECK: %[[SQ2:.*]] = linalg.generic {indexing_maps = [#[[ID4]], #[[OUT4]]], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%[[W]] : tensor<3x3x2x4xf32>)
// CHECK: %[[F2:.*]] = linalg.generic {{.*}} ins(%[[SQ2]] : tensor<4xf32>)
// CHECK: %[[N2:.*]] = math.sqrt
// CHECK: %[[D2:.*]] = arith.addf %{{.*}}, %[[N2]] : f32
// CHECK: arith.constant 2.000000e+00 : f32
// CHECK: %[[LO2:.*]] = arith.minimumf %[[N2]], %{{.*}} : f32
// CHECK: %[[HI2:.*]] = arith.maximumf %[[LO2]], %{{.*}} : f32
// CHECK: arith.divf %[[HI2]], %[[D2]] : f32
// CHECK: %[[MN:.*]] = linalg.generic {indexing_maps = [#[[ID4]], #[[OUT4]], #[[ID4]]], {{.*}} ins(%[[W]], %[[F2]] : tensor<3x3x2x4xf32>, tensor<4xf32>)
// CHECK: arith.mulf
// min_max_norm, axis -1 (per row): rate * clip(n, 0.5, 1) + (1 - rate) * n.
// CHECK: %[[SQ3:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[K]] : tensor<5x4xf32>)
// CHECK: %[[F3:.*]] = linalg.generic {{.*}} ins(%[[SQ3]] : tensor<5xf32>)
// CHECK: %[[N3:.*]] = math.sqrt
// CHECK: arith.constant 1.000000e+00 : f32
// CHECK: arith.constant 5.000000e-01 : f32
// CHECK: %[[CL:.*]] = arith.maximumf
// CHECK: arith.constant 0.699999988 : f32
// CHECK: %[[RC:.*]] = arith.mulf %{{.*}}, %[[CL]] : f32
// CHECK: arith.constant 3.000000e-01 : f32
// CHECK: %[[RN:.*]] = arith.mulf %{{.*}}, %[[N3]] : f32
// CHECK: %[[DES:.*]] = arith.addf %[[RC]], %[[RN]] : f32
// CHECK: arith.divf %[[DES]], %{{.*}} : f32
// CHECK: %[[MMN:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]], #[[ID2]]], {{.*}} ins(%[[K]], %[[F3]] : tensor<5x4xf32>, tensor<5xf32>)
// CHECK: return %[[NN]], %[[UN]], %[[MN]], %[[MMN]]
func.func @constraints(%w: tensor<3x3x2x4xf32>, %k: tensor<5x4xf32>) -> (tensor<5x4xf32>, tensor<5x4xf32>, tensor<3x3x2x4xf32>, tensor<5x4xf32>) {
  %0 = nn.constraint %k {spec = {kind = "non_neg"}} : tensor<5x4xf32>
  %1 = nn.constraint %k {spec = {kind = "unit_norm", axis = 0 : i64}} : tensor<5x4xf32>
  %2 = nn.constraint %w {spec = {kind = "max_norm", max_value = 2.0 : f64, axis = [0, 1, 2]}} : tensor<3x3x2x4xf32>
  %3 = nn.constraint %k {spec = {kind = "min_max_norm", min_value = 0.5 : f64, max_value = 1.0 : f64, rate = 0.7 : f64, axis = -1 : i64}} : tensor<5x4xf32>
  return %0, %1, %2, %3 : tensor<5x4xf32>, tensor<5x4xf32>, tensor<3x3x2x4xf32>, tensor<5x4xf32>
}
