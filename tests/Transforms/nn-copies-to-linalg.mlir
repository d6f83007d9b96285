// RUN: modelc-opt %s -nn-copies-to-linalg | FileCheck %s

// A copy into a strided view becomes loops-to-be (linalg.copy) ...
// CHECK-LABEL: func.func @strided
// CHECK: linalg.copy ins(%{{.*}} : memref<4x4xf32>) outs(%{{.*}} : memref<4x4xf32, strided<[6, 1], offset: 7>>)
// CHECK-NOT: memref.copy
func.func @strided(%src: memref<4x4xf32>, %dst: memref<6x6xf32>) {
  %v = memref.subview %dst[1, 1] [4, 4] [1, 1] : memref<6x6xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
  memref.copy %src, %v : memref<4x4xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
  return
}

// ... a contiguous one stays a memref.copy (llvm.memcpy later).
// CHECK-LABEL: func.func @contiguous
// CHECK: memref.copy
func.func @contiguous(%src: memref<4x4xf32>, %dst: memref<4x4xf32>) {
  memref.copy %src, %dst : memref<4x4xf32> to memref<4x4xf32>
  return
}
