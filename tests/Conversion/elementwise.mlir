// RUN: modelc-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @activations
// CHECK: %[[N:.*]] = tensor.dim %[[X:.*]], %{{.*}} : tensor<?x9xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x9xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[X]] : tensor<?x9xf32>) outs(%[[E]] : tensor<?x9xf32>)
// relu
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : f32
// relu6
// CHECK: linalg.generic
// CHECK: arith.maximumf
// CHECK: arith.constant 6.000000e+00 : f32
// CHECK: arith.minimumf
// sigmoid = 1 / (1 + exp(-x))
// CHECK: linalg.generic
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[NEG:.*]] = arith.negf
// CHECK: %[[EXP:.*]] = math.exp %[[NEG]]
// CHECK: %[[DEN:.*]] = arith.addf %[[ONE]], %[[EXP]]
// CHECK: arith.divf %[[ONE]], %[[DEN]]
// tanh
// CHECK: linalg.generic
// CHECK: math.tanh
// leaky_relu = x > 0 ? x : alpha * x
// CHECK: linalg.generic
// CHECK: ^bb0(%[[IN:[a-z0-9_]+]]: f32, %{{.*}}: f32):
// CHECK: %[[ALPHA:.*]] = arith.constant 2.000000e-01 : f32
// CHECK: %[[POS:.*]] = arith.cmpf ogt, %[[IN]], %{{.*}} : f32
// CHECK: %[[SCALED:.*]] = arith.mulf %[[ALPHA]], %[[IN]] : f32
// CHECK: arith.select %[[POS]], %[[IN]], %[[SCALED]] : f32
func.func @activations(%x: tensor<?x9xf32>) -> (tensor<?x9xf32>, tensor<?x9xf32>, tensor<?x9xf32>, tensor<?x9xf32>, tensor<?x9xf32>) {
  %0 = nn.relu %x : tensor<?x9xf32>
  %1 = nn.relu6 %x : tensor<?x9xf32>
  %2 = nn.sigmoid %x : tensor<?x9xf32>
  %3 = nn.tanh %x : tensor<?x9xf32>
  %4 = nn.leaky_relu %x {alpha = 0.2 : f32} : tensor<?x9xf32>
  return %0, %1, %2, %3, %4 : tensor<?x9xf32>, tensor<?x9xf32>, tensor<?x9xf32>, tensor<?x9xf32>, tensor<?x9xf32>
}

// -----

// n-ary add in one generic, left to right.
// CHECK-LABEL: func.func @add
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x9xf32>, tensor<?x9xf32>, tensor<?x9xf32>)
// CHECK: ^bb0(%[[A:[a-z0-9_]+]]: f32, %[[B:[a-z0-9_]+]]: f32, %[[C:[a-z0-9_]+]]: f32, %{{.*}}: f32):
// CHECK: %[[AB:.*]] = arith.addf %[[A]], %[[B]] : f32
// CHECK: arith.addf %[[AB]], %[[C]] : f32
func.func @add(%x: tensor<?x9xf32>, %y: tensor<?x9xf32>, %z: tensor<?x9xf32>) -> tensor<?x9xf32> {
  %0 = nn.add %x, %y, %z : tensor<?x9xf32>
  return %0 : tensor<?x9xf32>
}

// -----

// bias_add broadcasts the bias along every axis but the last.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[LAST:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @bias_add
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[LAST]], #[[ID]]], {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x4x4x8xf32>, tensor<8xf32>)
// CHECK: arith.addf
func.func @bias_add(%x: tensor<?x4x4x8xf32>, %b: tensor<8xf32>) -> tensor<?x4x4x8xf32> {
  %0 = nn.bias_add %x, %b : (tensor<?x4x4x8xf32>, tensor<8xf32>) -> tensor<?x4x4x8xf32>
  return %0 : tensor<?x4x4x8xf32>
}

// -----

// Dropout is the identity in inference mode, and in training without a key
// (dropout.mlir has the keyed case).
// CHECK-LABEL: func.func @dropout
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x9xf32>)
// CHECK-NOT: linalg
// CHECK: return %[[X]], %[[X]]
func.func @dropout(%x: tensor<?x9xf32>) -> (tensor<?x9xf32>, tensor<?x9xf32>) {
  %t = arith.constant true
  %f = arith.constant false
  %0 = nn.dropout %x training(%t) {rate = 0.5 : f32, stream = 3 : i64} : tensor<?x9xf32>
  %1 = nn.dropout %x training(%f) {rate = 0.5 : f32, stream = 4 : i64} : tensor<?x9xf32>
  return %0, %1 : tensor<?x9xf32>, tensor<?x9xf32>
}
