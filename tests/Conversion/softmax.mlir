// RUN: modelc-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// softmax: the row max, the row sum of shifted exponentials, then one map.
// CHECK-LABEL: func.func @softmax
// CHECK: linalg.reduce
// CHECK: arith.maximumf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: math.exp
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK: math.exp
// CHECK: arith.divf
// CHECK-NOT: math.log
func.func @softmax(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %0 = nn.softmax %x : tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// log-softmax: x - max - log(sum).
// CHECK-LABEL: func.func @log_softmax
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK: arith.subf
// CHECK: math.log
// CHECK: arith.subf
func.func @log_softmax(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %0 = nn.softmax %x {log} : tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// The gradient from the output: one row sum of dy * y, then
// y * (dy - sum).
// CHECK-LABEL: func.func @softmax_grad
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: arith.mulf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK: arith.subf
// CHECK: arith.mulf
func.func @softmax_grad(%y: tensor<?x10xf32>, %dy: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %0 = nn.softmax_grad %y, %dy : tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}
