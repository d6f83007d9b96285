// RUN: modelc-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// Softmax cross-entropy: per example the max logit m and sum exp(l - m),
// then sum_n log(sum) - (logit[label] - m) into a rank-0 tensor, divided by N.
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @softmax_ce
// CHECK-SAME: (%[[L:[a-z0-9_]+]]: tensor<?x5xf32>, %[[Y:[a-z0-9_]+]]: tensor<?xi32>)
// CHECK: %[[M:.*]] = linalg.reduce ins(%[[L]] : tensor<?x5xf32>) outs(%{{.*}} : tensor<?xf32>) dimensions = [1]
// CHECK: arith.maximumf
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[ROWS]], #[[ROWS]]], iterator_types = ["parallel", "reduction"]} ins(%[[L]], %[[M]] :
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: %[[NAN:.*]] = arith.constant 0x7FC00000 : f32
// CHECK: %[[TOTAL:.*]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[M]], %[[S]], %[[Y]] : tensor<?xf32>, tensor<?xf32>, tensor<?xi32>) outs(%{{.*}} : tensor<f32>)
// CHECK: %[[ROW:.*]] = linalg.index 0 : index
// CHECK: %[[PICK:.*]] = tensor.extract %[[L]][%[[ROW]], %{{.*}}] : tensor<?x5xf32>
// CHECK: math.log
// CHECK: arith.select %{{.*}}, %{{.*}}, %[[NAN]] : f32
// CHECK: %[[N:.*]] = arith.uitofp %{{.*}} : i64 to f32
// CHECK: %[[LOSS:.*]] = linalg.generic {{.*}} iterator_types = []} ins(%[[TOTAL]] : tensor<f32>)
// CHECK: arith.divf %{{.*}}, %[[N]]
// CHECK: return %[[LOSS]] : tensor<f32>
func.func @softmax_ce(%l: tensor<?x5xf32>, %y: tensor<?xi32>) -> tensor<f32> {
  %0 = nn.softmax_cross_entropy %l, %y : (tensor<?x5xf32>, tensor<?xi32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Sigmoid cross-entropy: mean of max(x, 0) - x*z + log1p(exp(-|x|)).
// CHECK-LABEL: func.func @sigmoid_ce
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<?x3xf32>, tensor<?x3xf32>) outs(%{{.*}} : tensor<f32>)
// CHECK: arith.maximumf
// CHECK: arith.mulf
// CHECK: math.absf
// CHECK: arith.negf
// CHECK: math.exp
// CHECK: math.log1p
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: arith.muli %{{.*}}, %[[C3]] : index
// CHECK: arith.divf
func.func @sigmoid_ce(%x: tensor<?x3xf32>, %z: tensor<?x3xf32>) -> tensor<f32> {
  %0 = nn.sigmoid_cross_entropy %x, %z : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @mse
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<?x3xf32>, tensor<?x3xf32>) outs(%{{.*}} : tensor<f32>)
// CHECK: %[[D:.*]] = arith.subf
// CHECK: arith.mulf %[[D]], %[[D]]
// CHECK: arith.divf
func.func @mse(%p: tensor<?x3xf32>, %q: tensor<?x3xf32>) -> tensor<f32> {
  %0 = nn.mean_squared_error %p, %q : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
