// RUN: modelc-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// A reshape collapses to [N, prod] and expands from it.
// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x56x8xf32>)
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0], [1, 2]] : tensor<?x56x8xf32> into tensor<?x448xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[FLAT]]
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0], [1, 2, 3]] output_shape [%[[N]], 7, 8, 8] : tensor<?x448xf32> into tensor<?x7x8x8xf32>
// CHECK: return %[[Y]]
func.func @reshape(%x: tensor<?x56x8xf32>) -> tensor<?x7x8x8xf32> {
  %0 = nn.reshape %x : (tensor<?x56x8xf32>) -> tensor<?x7x8x8xf32>
  return %0 : tensor<?x7x8x8xf32>
}

// -----

// flatten is a reshape to rank 2: one collapse.
// CHECK-LABEL: func.func @flatten
// CHECK: %[[Y:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<?x4x4x16xf32> into tensor<?x256xf32>
// CHECK-NOT: tensor.expand_shape
// CHECK: return %[[Y]]
func.func @flatten(%x: tensor<?x4x4x16xf32>) -> tensor<?x256xf32> {
  %0 = nn.reshape %x : (tensor<?x4x4x16xf32>) -> tensor<?x256xf32>
  return %0 : tensor<?x256xf32>
}

// -----

// From rank 2 (as after an embedding's flatten) only an expand; rank 1 gains
// a unit dimension.
// CHECK-LABEL: func.func @expand_only
// CHECK-NOT: tensor.collapse_shape
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] output_shape [%{{.*}}, 56, 8, 1] : tensor<?x448xf32> into tensor<?x56x8x1xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [%{{.*}}, 1] : tensor<?xf32> into tensor<?x1xf32>
func.func @expand_only(%x: tensor<?x448xf32>, %v: tensor<?xf32>) -> (tensor<?x56x8x1xf32>, tensor<?x1xf32>) {
  %0 = nn.reshape %x : (tensor<?x448xf32>) -> tensor<?x56x8x1xf32>
  %1 = nn.reshape %v : (tensor<?xf32>) -> tensor<?x1xf32>
  return %0, %1 : tensor<?x56x8x1xf32>, tensor<?x1xf32>
}

// -----

// Concat writes each input into its slice of one destination.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:[a-z0-9_]+]]: tensor<?x100xf32>, %[[B:[a-z0-9_]+]]: tensor<?x100xf32>, %[[C:[a-z0-9_]+]]: tensor<?x100xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[A]]
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x300xf32>
// CHECK: %[[S0:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [%[[N]], 100] [1, 1]
// CHECK: %[[S1:.*]] = tensor.insert_slice %[[B]] into %[[S0]][0, 100] [%{{.*}}, 100] [1, 1]
// CHECK: %[[S2:.*]] = tensor.insert_slice %[[C]] into %[[S1]][0, 200] [%{{.*}}, 100] [1, 1]
// CHECK: return %[[S2]]
func.func @concat(%a: tensor<?x100xf32>, %b: tensor<?x100xf32>, %c: tensor<?x100xf32>) -> tensor<?x300xf32> {
  %0 = nn.concat %a, %b, %c {axis = 1 : i64} : (tensor<?x100xf32>, tensor<?x100xf32>, tensor<?x100xf32>) -> tensor<?x300xf32>
  return %0 : tensor<?x300xf32>
}

// -----

// Along the dynamic batch axis the offsets and size are computed at run time.
// CHECK-LABEL: func.func @concat_batch
// CHECK: %[[NA:.*]] = tensor.dim %[[A:.*]], %{{.*}}
// CHECK: %[[NB:.*]] = tensor.dim %[[B:.*]], %{{.*}}
// CHECK: %[[NT:.*]] = arith.addi %[[NA]], %[[NB]] : index
// CHECK: %[[E:.*]] = tensor.empty(%[[NT]]) : tensor<?x3xf32>
// CHECK: tensor.insert_slice %{{.*}} into %[[E]][0, 0] [%[[NA]], 3] [1, 1]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[%[[NA]], 0] [%[[NB]], 3] [1, 1]
func.func @concat_batch(%a: tensor<?x3xf32>, %b: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = nn.concat %a, %b {axis = 0 : i64} : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// A transpose is a linalg.transpose into a tensor of the permuted sizes
// (the dynamic batch stays first).
// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x3x8x5xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3x8x5xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x8x5x3xf32>
// CHECK: %[[Y:.*]] = linalg.transpose ins(%[[X]] : tensor<?x3x8x5xf32>) outs(%[[E]] : tensor<?x8x5x3xf32>) permutation = [0, 2, 3, 1]
// CHECK: return %[[Y]]
func.func @transpose(%x: tensor<?x3x8x5xf32>) -> tensor<?x8x5x3xf32> {
  %0 = nn.transpose %x {permutation = array<i64: 0, 2, 3, 1>} : (tensor<?x3x8x5xf32>) -> tensor<?x8x5x3xf32>
  return %0 : tensor<?x8x5x3xf32>
}

// -----

// The identity permutation is no op at all.
// CHECK-LABEL: func.func @transpose_identity
// CHECK-NOT: linalg.transpose
func.func @transpose_identity(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = nn.transpose %x {permutation = array<i64: 0, 1>} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
