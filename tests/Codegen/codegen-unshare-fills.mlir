// RUN: modelc-opt %s -split-input-file -codegen-unshare-fills | FileCheck %s
// RUN: modelc-opt %s -split-input-file -codegen-unshare-fills -one-shot-bufferize="bufferize-function-boundaries" | FileCheck %s --check-prefix=BUF

// One zero fill (as CSE leaves it) is the destination of two matmuls: the
// second gets its own empty tensor and fill, so both write in place. Without
// the pass one-shot bufferization copies the filled buffer for one of them.
// CHECK-LABEL: func.func @two_matmuls
// CHECK: %[[E:.*]] = tensor.empty() : tensor<8x8xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}}) outs(%[[E]] : tensor<8x8xf32>)
// CHECK: linalg.matmul ins(%{{.*}}) outs(%[[F]] : tensor<8x8xf32>)
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<8x8xf32>
// CHECK: %[[F2:.*]] = linalg.fill ins(%{{.*}}) outs(%[[E2]] : tensor<8x8xf32>)
// CHECK: linalg.matmul ins(%{{.*}}) outs(%[[F2]] : tensor<8x8xf32>)
// BUF-LABEL: func.func @two_matmuls
// BUF-NOT: memref.copy
// BUF: return
func.func @two_matmuls(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %x = linalg.matmul ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%f : tensor<8x8xf32>) -> tensor<8x8xf32>
  %y = linalg.matmul ins(%b, %a : tensor<8x8xf32>, tensor<8x8xf32>) outs(%f : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %x, %y : tensor<8x8xf32>, tensor<8x8xf32>
}

// -----

// A fill that is also read (here added to a result) keeps the original for
// the read; each destination gets a fresh fill. Dynamic sizes are cloned
// with the empty tensor.
// CHECK-LABEL: func.func @read_and_written
// CHECK-SAME: %[[A:.*]]: tensor<?xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[N:.*]]) : tensor<?xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}}) outs(%[[E]] : tensor<?xf32>)
// CHECK: %[[E2:.*]] = tensor.empty(%[[N]]) : tensor<?xf32>
// CHECK: %[[F2:.*]] = linalg.fill ins(%{{.*}}) outs(%[[E2]] : tensor<?xf32>)
// CHECK: linalg.add ins(%[[A]], %[[F]] : tensor<?xf32>, tensor<?xf32>) outs(%[[F2]] : tensor<?xf32>)
func.func @read_and_written(%a: tensor<?xf32>) -> tensor<?xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %s = linalg.add ins(%a, %f : tensor<?xf32>, tensor<?xf32>) outs(%f : tensor<?xf32>) -> tensor<?xf32>
  return %s : tensor<?xf32>
}

// -----

// A fill with one use is left alone.
// CHECK-LABEL: func.func @single_use
// CHECK-COUNT-1: linalg.fill
// CHECK-NOT: linalg.fill
func.func @single_use(%a: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %x = linalg.matmul ins(%a, %a : tensor<8x8xf32>, tensor<8x8xf32>) outs(%f : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %x : tensor<8x8xf32>
}

// -----

// One empty tensor (as CSE leaves it) is the destination of two element-wise
// ops: each use gets its own, cloned with its dynamic size in front of the
// user, so the two results are not one alias set for bufferization.
// CHECK-LABEL: func.func @shared_empty
// CHECK: %[[E:.*]] = tensor.empty(%[[N:.*]]) : tensor<?xf32>
// CHECK: %[[X:.*]] = linalg.exp ins(%{{.*}} : tensor<?xf32>) outs(%[[E]] : tensor<?xf32>)
// CHECK: %[[E2:.*]] = tensor.empty(%[[N]]) : tensor<?xf32>
// CHECK: linalg.exp ins(%[[X]] : tensor<?xf32>) outs(%[[E2]] : tensor<?xf32>)
// CHECK-NOT: tensor.empty
func.func @shared_empty(%a: tensor<?xf32>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %x = linalg.exp ins(%a : tensor<?xf32>) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %y = linalg.exp ins(%x : tensor<?xf32>) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  return %y : tensor<?xf32>
}
