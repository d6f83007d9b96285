// Round trip of the elementwise activations.
// RUN: modelc-opt %s | modelc-opt | FileCheck %s
// RUN: modelc-opt %s --mlir-print-op-generic | modelc-opt | FileCheck %s

// CHECK-LABEL: func.func @activations
func.func @activations(%x: tensor<?x3x3x2xf32>) -> tensor<?x3x3x2xf32> {
  // CHECK-NEXT: %[[A:.*]] = nn.relu %arg0 : tensor<?x3x3x2xf32>
  %0 = nn.relu %x : tensor<?x3x3x2xf32>
  // CHECK-NEXT: %[[B:.*]] = nn.relu6 %[[A]] : tensor<?x3x3x2xf32>
  %1 = nn.relu6 %0 : tensor<?x3x3x2xf32>
  // CHECK-NEXT: %[[C:.*]] = nn.sigmoid %[[B]] : tensor<?x3x3x2xf32>
  %2 = nn.sigmoid %1 : tensor<?x3x3x2xf32>
  // CHECK-NEXT: %[[D:.*]] = nn.tanh %[[C]] : tensor<?x3x3x2xf32>
  %3 = nn.tanh %2 : tensor<?x3x3x2xf32>
  // CHECK-NEXT: %[[E:.*]] = nn.leaky_relu %[[D]] {alpha = 2.000000e-01 : f32} : tensor<?x3x3x2xf32>
  %4 = nn.leaky_relu %3 {alpha = 0.2 : f32} : tensor<?x3x3x2xf32>
  // CHECK-NEXT: %[[F:.*]] = nn.clip %[[E]] {max = 0x7F800000 : f32, min = -1.500000e+00 : f32} : tensor<?x3x3x2xf32>
  %5 = nn.clip %4 {max = 0x7F800000 : f32, min = -1.5 : f32} : tensor<?x3x3x2xf32>
  // CHECK-NEXT: %[[G:.*]] = nn.activation_grad <clip> %[[F]], %[[E]] {max = 2.000000e+00 : f32, min = -1.500000e+00 : f32} : tensor<?x3x3x2xf32>
  %6 = nn.activation_grad <clip> %5, %4 {max = 2.0 : f32, min = -1.5 : f32} : tensor<?x3x3x2xf32>
  // CHECK-NEXT: %[[H:.*]] = nn.elu %[[G]] {alpha = 1.000000e+00 : f32} : tensor<?x3x3x2xf32>
  %7 = nn.elu %6 {alpha = 1.0 : f32} : tensor<?x3x3x2xf32>
  // CHECK-NEXT: %[[I:.*]] = nn.activation_grad <elu> %[[H]], %[[G]] {alpha = 5.000000e-01 : f32} : tensor<?x3x3x2xf32>
  %8 = nn.activation_grad <elu> %7, %6 {alpha = 0.5 : f32} : tensor<?x3x3x2xf32>
  // CHECK-NEXT: return %[[I]]
  return %8 : tensor<?x3x3x2xf32>
}

// CHECK-LABEL: func.func @softmax
func.func @softmax(%x: tensor<?x10xf32>, %dy: tensor<?x10xf32>) -> (tensor<?x10xf32>, tensor<?x10xf32>, tensor<?x10xf32>) {
  // CHECK: nn.softmax %{{.*}} : tensor<?x10xf32>
  %0 = nn.softmax %x : tensor<?x10xf32>
  // CHECK: nn.softmax %{{.*}} {log} : tensor<?x10xf32>
  %1 = nn.softmax %x {log} : tensor<?x10xf32>
  // CHECK: nn.softmax_grad %{{.*}}, %{{.*}} {log} : tensor<?x10xf32>
  %2 = nn.softmax_grad %1, %dy {log} : tensor<?x10xf32>
  return %0, %1, %2 : tensor<?x10xf32>, tensor<?x10xf32>, tensor<?x10xf32>
}
