// RUN: modelc-opt %s -convert-nn-to-linalg | FileCheck %s

// The fold is two generics over the weights: per-channel scale and bias,
// then the kernel scaled along its output-channel axis.
// CHECK-LABEL: func.func @fold
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK: math.rsqrt
// CHECK: linalg.yield
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK: arith.mulf
// CHECK-NOT: nn.batch_norm_fold
func.func @fold(%k: tensor<3x3x1x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %mm: tensor<4xf32>, %mv: tensor<4xf32>) -> (tensor<3x3x1x4xf32>, tensor<4xf32>) {
  %0, %1 = nn.batch_norm_fold %k gamma(%g) beta(%b) moving(%mm, %mv) {epsilon = 0.001 : f32} : (tensor<3x3x1x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<3x3x1x4xf32>, tensor<4xf32>)
  return %0, %1 : tensor<3x3x1x4xf32>, tensor<4xf32>
}
