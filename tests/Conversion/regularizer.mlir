// RUN: modelc-opt %s -convert-nn-to-linalg | FileCheck %s

// Penalties sum the whole tensor in f64 into a rank-0 tensor, then scale;
// gradients are 2*scale*w (l2) and scale*sign(w) (l1, sign(0) = 0).
// CHECK-LABEL: func.func @regularizers
// CHECK-SAME: (%[[W:[a-z0-9_]+]]: tensor<4x3xf32>)
// l2
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f64) outs(%{{.*}} : tensor<f64>)
// CHECK: %[[SQ:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[W]] : tensor<4x3xf32>) outs(%[[Z]] : tensor<f64>)
// CHECK: %[[E:.*]] = arith.extf %{{.*}} : f32 to f64
// CHECK: arith.mulf %[[E]], %[[E]] : f64
// CHECK: %[[S2:.*]] = arith.constant 1.000000e-02 : f64
// CHECK: %[[SUM2:.*]] = tensor.extract %[[SQ]][] : tensor<f64>
// CHECK: %[[L2:.*]] = arith.mulf %[[S2]], %[[SUM2]] : f64
// CHECK: %[[L2F:.*]] = arith.truncf %[[L2]] : f64 to f32
// CHECK: %[[R0:.*]] = tensor.from_elements %[[L2F]] : tensor<f32>
// l1
// CHECK: %[[AB:.*]] = linalg.generic {{.*}} ins(%[[W]] : tensor<4x3xf32>)
// CHECK: math.absf %{{.*}} : f64
// CHECK: arith.constant 3.000000e-03 : f64
// CHECK: %[[R1:.*]] = tensor.from_elements %{{.*}} : tensor<f32>
// l2 gradient
// CHECK: %[[TWO:.*]] = arith.constant 2.000000e-02 : f32
// CHECK: %[[G2:.*]] = linalg.generic {{.*}} ins(%[[W]] : tensor<4x3xf32>)
// CHECK: arith.mulf %[[TWO]], %{{.*}} : f32
// l1 gradient
// CHECK-DAG: %[[POS:.*]] = arith.constant 3.000000e-03 : f32
// CHECK-DAG: %[[NEG:.*]] = arith.constant -3.000000e-03 : f32
// CHECK: %[[G1:.*]] = linalg.generic {{.*}} ins(%[[W]] : tensor<4x3xf32>)
// CHECK: ^bb0(%[[IN:[a-z0-9_]+]]: f32, %{{.*}}: f32):
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[IN]], %{{.*}} : f32
// CHECK: %[[LT:.*]] = arith.cmpf olt, %[[IN]], %{{.*}} : f32
// CHECK: %[[ZW:.*]] = arith.mulf %{{.*}}, %[[IN]] : f32
// CHECK: %[[S:.*]] = arith.select %[[LT]], %[[NEG]], %[[ZW]] : f32
// CHECK: arith.select %[[GT]], %[[POS]], %[[S]] : f32
// CHECK: return %[[R0]], %[[R1]], %[[G2]], %[[G1]]
func.func @regularizers(%w: tensor<4x3xf32>) -> (tensor<f32>, tensor<f32>, tensor<4x3xf32>, tensor<4x3xf32>) {
  %0 = nn.regularizer <l2> %w {scale = 0.01 : f32} : (tensor<4x3xf32>) -> tensor<f32>
  %1 = nn.regularizer <l1> %w {scale = 0.003 : f32} : (tensor<4x3xf32>) -> tensor<f32>
  %2 = nn.regularizer_grad <l2> %w {scale = 0.01 : f32} : tensor<4x3xf32>
  %3 = nn.regularizer_grad <l1> %w {scale = 0.003 : f32} : tensor<4x3xf32>
  return %0, %1, %2, %3 : tensor<f32>, tensor<f32>, tensor<4x3xf32>, tensor<4x3xf32>
}
