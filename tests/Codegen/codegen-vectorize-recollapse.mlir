// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-plan-tiles,codegen-fuse-epilogues,codegen-vectorize))' | FileCheck %s

// A dense layer after a conv reads the conv's ?x7x7x64 output through a
// collapse_shape to ?x3136. codegen-vectorize folds views into the loads,
// which turned the reduction's index into a delinearize_index (a division
// and two remainders in every step); the load goes back to the collapsed
// view and the loop's own index.
// CHECK-LABEL: func.func @flattened_lhs
// CHECK-SAME: (%[[X:.*]]: memref<?x7x7x64xf32>,
// CHECK-NOT: affine.delinearize_index
// CHECK: %[[C:.*]] = memref.collapse_shape %[[X]] {{\[}}[0], [1, 2, 3]]
// CHECK-NOT: affine.delinearize_index
// CHECK-NOT: memref.collapse_shape
// CHECK: memref.load %[[C]][%{{.*}}, %{{.*}}] : memref<?x3136xf32>
// CHECK-NOT: affine.delinearize_index
func.func @flattened_lhs(%x: memref<?x7x7x64xf32>, %w: memref<3136x128xf32>, %out: memref<?x128xf32>) {
  %flat = memref.collapse_shape %x [[0], [1, 2, 3]] : memref<?x7x7x64xf32> into memref<?x3136xf32>
  linalg.matmul ins(%flat, %w : memref<?x3136xf32>, memref<3136x128xf32>) outs(%out : memref<?x128xf32>)
  return
}

// -----

// Only where the delinearized dims are contiguous, and only indices that
// are all of one delinearize_index's results over those dims' sizes: the
// view of every other row (%strided) and a basis that is not the dims'
// sizes keep their delinearize_index.
// CHECK-LABEL: func.func @only_contiguous
// CHECK-SAME: (%[[A:[a-z0-9]+]]: memref<4x7x64xf32>, %[[B:[a-z0-9]+]]: memref<4x7x64xf32, strided<[896, 128, 1]>>, %[[K:[a-z0-9]+]]: index
// CHECK-DAG: %[[CA:.*]] = memref.collapse_shape %[[A]] {{\[}}[0], [1, 2]]
// CHECK-DAG: %[[D:.*]]:2 = affine.delinearize_index %[[K]] into (7, 64)
// CHECK-DAG: %[[E:.*]]:2 = affine.delinearize_index %[[K]] into (14, 32)
// CHECK: memref.load %[[CA]][%{{.*}}, %[[K]]] : memref<4x448xf32>
// CHECK: memref.load %[[B]][%{{.*}}, %[[D]]#0, %[[D]]#1]
// CHECK: memref.store %{{.*}}, %[[A]][%{{.*}}, %[[E]]#0, %[[E]]#1]
func.func @only_contiguous(%a: memref<4x7x64xf32>, %b: memref<4x7x64xf32, strided<[896, 128, 1]>>, %k: index) {
  %c1 = arith.constant 1 : index
  %d:2 = affine.delinearize_index %k into (7, 64) : index, index
  %e:2 = affine.delinearize_index %k into (14, 32) : index, index
  %v = memref.load %a[%c1, %d#0, %d#1] : memref<4x7x64xf32>
  %u = memref.load %b[%c1, %d#0, %d#1] : memref<4x7x64xf32, strided<[896, 128, 1]>>
  %s = arith.addf %v, %u : f32
  memref.store %s, %a[%c1, %e#0, %e#1] : memref<4x7x64xf32>
  return
}

// -----

// A collapsed view that exists already is reused only where it comes
// before the access: the first load gets a view of its own at the top.
// A 2-D vector spans two dims of the buffer: collapsing them would read
// other elements, so that load keeps its delinearize_index.
// CHECK-LABEL: func.func @view_order
// CHECK-SAME: (%[[A:[a-z0-9]+]]: memref<4x7x64xf32>, %[[K:[a-z0-9]+]]: index
// CHECK: %[[EARLY:.*]] = memref.collapse_shape %[[A]] {{\[}}[0], [1, 2]]
// CHECK: %[[D:.*]]:2 = affine.delinearize_index %[[K]] into (7, 64)
// CHECK: memref.load %[[EARLY]][%{{.*}}, %[[K]]] : memref<4x448xf32>
// CHECK: vector.load %[[A]][%{{.*}}, %[[D]]#0, %[[D]]#1] : memref<4x7x64xf32>, vector<2x64xf32>
// CHECK: %[[LATE:.*]] = memref.collapse_shape %[[A]]
// CHECK: call @use(%[[LATE]])
func.func private @use(memref<4x448xf32>)
func.func @view_order(%a: memref<4x7x64xf32>, %k: index) -> (f32, vector<2x64xf32>) {
  %c1 = arith.constant 1 : index
  %d:2 = affine.delinearize_index %k into (7, 64) : index, index
  %v = memref.load %a[%c1, %d#0, %d#1] : memref<4x7x64xf32>
  %m = vector.load %a[%c1, %d#0, %d#1] : memref<4x7x64xf32>, vector<2x64xf32>
  %late = memref.collapse_shape %a [[0], [1, 2]] : memref<4x7x64xf32> into memref<4x448xf32>
  func.call @use(%late) : (memref<4x448xf32>) -> ()
  return %v, %m : f32, vector<2x64xf32>
}
