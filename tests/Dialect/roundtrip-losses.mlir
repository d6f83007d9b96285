// Round trip of the losses and nn.regularizer.
// RUN: modelc-opt %s | modelc-opt | FileCheck %s
// RUN: modelc-opt %s --mlir-print-op-generic | modelc-opt | FileCheck %s

// CHECK-LABEL: func.func @losses
func.func @losses(%logits: tensor<?x10xf32>, %ids: tensor<?xi32>, %p: tensor<?x3xf32>, %l: tensor<?x3xf32>) -> (tensor<f32>, tensor<f32>, tensor<f32>) {
  // CHECK: nn.softmax_cross_entropy %{{.*}}, %{{.*}} : (tensor<?x10xf32>, tensor<?xi32>) -> tensor<f32>
  %0 = nn.softmax_cross_entropy %logits, %ids : (tensor<?x10xf32>, tensor<?xi32>) -> tensor<f32>
  // CHECK: nn.sigmoid_cross_entropy %{{.*}}, %{{.*}} : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  %1 = nn.sigmoid_cross_entropy %p, %l : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  // CHECK: nn.mean_squared_error %{{.*}}, %{{.*}} : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  %2 = nn.mean_squared_error %p, %l : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  return %0, %1, %2 : tensor<f32>, tensor<f32>, tensor<f32>
}

// CHECK-LABEL: func.func @class_weights
func.func @class_weights(%logits: tensor<?x3xf32>, %ids: tensor<?xi32>, %l: tensor<?x3xf32>) -> (tensor<f32>, tensor<f32>) {
  // CHECK: nn.softmax_cross_entropy %{{.*}}, %{{.*}} {class_weight = array<f32: 1.000000e+00, 2.500000e+00, 0.000000e+00>}
  %0 = nn.softmax_cross_entropy %logits, %ids {class_weight = array<f32: 1.0, 2.5, 0.0>} : (tensor<?x3xf32>, tensor<?xi32>) -> tensor<f32>
  // CHECK: nn.sigmoid_cross_entropy %{{.*}}, %{{.*}} {class_weight = array<f32: 5.000000e-01, 2.000000e+00>}
  %1 = nn.sigmoid_cross_entropy %logits, %l {class_weight = array<f32: 0.5, 2.0>} : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  return %0, %1 : tensor<f32>, tensor<f32>
}

// CHECK-LABEL: func.func @regularizers
func.func @regularizers(%w: tensor<3x3x1x8xf32>) -> (tensor<f32>, tensor<f32>) {
  // CHECK: nn.regularizer <l2> %{{.*}} {scale = 9.99999974E-5 : f32} : (tensor<3x3x1x8xf32>) -> tensor<f32>
  %0 = nn.regularizer <l2> %w {scale = 1.0e-4 : f32} : (tensor<3x3x1x8xf32>) -> tensor<f32>
  // CHECK: nn.regularizer <l1> %{{.*}} {scale = 5.000000e-01 : f32} : (tensor<3x3x1x8xf32>) -> tensor<f32>
  %1 = nn.regularizer <l1> %w {scale = 0.5 : f32} : (tensor<3x3x1x8xf32>) -> tensor<f32>
  return %0, %1 : tensor<f32>, tensor<f32>
}
