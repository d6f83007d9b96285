// RUN: modelc-opt %s -convert-nn-to-linalg -verify-diagnostics -split-input-file | FileCheck %s

// nn.slice (the gradient of nn.concat) is a tensor.extract_slice; the
// dynamic batch size comes from the input.
// CHECK-LABEL: func.func @slice
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x10x3xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x10x3xf32>
// CHECK: %[[S:.*]] = tensor.extract_slice %[[X]][0, 6, 0] [%[[N]], 4, 3] [1, 1, 1] : tensor<?x10x3xf32> to tensor<?x4x3xf32>
// CHECK: return %[[S]]
func.func @slice(%x: tensor<?x10x3xf32>) -> tensor<?x4x3xf32> {
  %0 = nn.slice %x {axis = 1 : i64, offset = 6 : i64} : (tensor<?x10x3xf32>) -> tensor<?x4x3xf32>
  return %0 : tensor<?x4x3xf32>
}

// -----

// Along the dynamic batch the size is unknown: not lowered.
func.func @slice_batch(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // expected-error@+2 {{'nn.slice' op cannot be lowered: the slice size along the axis must be static}}
  // expected-error@+1 {{failed to legalize operation 'nn.slice' that was explicitly marked illegal}}
  %0 = nn.slice %x {axis = 0 : i64, offset = 2 : i64} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
