// RUN: modelc-opt %s -split-input-file -one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" | FileCheck %s

// nn.replica_reduce bufferizes in place into a call of the runtime's
// modelc_replica_<kind> on the buffers' addresses and element count (and
// the count of values per channel); a tensor still read afterwards is
// copied first.
// CHECK: func.func private @modelc_replica_mean(index, index)
// CHECK-LABEL: func.func @mean(
// CHECK-SAME: %[[A:.*]]: memref<8xf32>
// CHECK: %[[P:.*]] = memref.extract_aligned_pointer_as_index %[[A]]
// CHECK: %[[N:.*]] = arith.muli %{{.*}}, %{{.*}} : index
// CHECK: call @modelc_replica_mean(%[[P]], %[[N]]) : (index, index) -> ()
// CHECK: return %[[A]]
func.func @mean(%a: tensor<8xf32>) -> tensor<8xf32> {
  %r = nn.replica_reduce <mean> %a : tensor<8xf32> -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// CHECK: func.func private @modelc_replica_moments(index, index, index, index)
// CHECK-LABEL: func.func @moments(
// CHECK-SAME: %[[M:.*]]: memref<3xf32>, %[[V:.*]]: memref<3xf32>, %[[C:.*]]: index
// CHECK: %[[COPY:.*]] = memref.alloc() {{.*}} : memref<3xf32>
// CHECK: memref.copy %[[M]], %[[COPY]]
// CHECK: %[[PM:.*]] = memref.extract_aligned_pointer_as_index %[[COPY]]
// CHECK: %[[PV:.*]] = memref.extract_aligned_pointer_as_index %[[V]]
// CHECK: call @modelc_replica_moments(%[[PM]], %[[PV]], %{{.*}}, %[[C]])
func.func @moments(%m: tensor<3xf32>, %v: tensor<3xf32>, %n: index) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %r:2 = nn.replica_reduce <moments> %m, %v count %n : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>, tensor<3xf32>
  return %r#0, %r#1, %m : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}
