// RUN: modelc-opt %s -convert-nn-to-linalg | FileCheck %s

// The bias is broadcast into the accumulator the matmul adds onto.
// CHECK-LABEL: func.func @with_bias
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x7xf32>, %[[K:[a-z0-9_]+]]: tensor<7x4xf32>, %[[B:[a-z0-9_]+]]: tensor<4xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x7xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x4xf32>
// CHECK: %[[INIT:.*]] = linalg.broadcast ins(%[[B]] : tensor<4xf32>) outs(%[[E]] : tensor<?x4xf32>) dimensions = [0]
// CHECK: %[[Y:.*]] = linalg.matmul ins(%[[X]], %[[K]] : tensor<?x7xf32>, tensor<7x4xf32>) outs(%[[INIT]] : tensor<?x4xf32>)
// CHECK: return %[[Y]]
func.func @with_bias(%x: tensor<?x7xf32>, %k: tensor<7x4xf32>, %b: tensor<4xf32>) -> tensor<?x4xf32> {
  %y = nn.dense %x, %k bias(%b) : (tensor<?x7xf32>, tensor<7x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// CHECK-LABEL: func.func @without_bias
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<?x2xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x16xf32>, tensor<16x2xf32>) outs(%[[INIT]] : tensor<?x2xf32>)
func.func @without_bias(%x: tensor<?x16xf32>, %k: tensor<16x2xf32>) -> tensor<?x2xf32> {
  %y = nn.dense %x, %k : (tensor<?x16xf32>, tensor<16x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
