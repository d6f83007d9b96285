// RUN: modelc-opt %s -convert-nn-to-linalg -split-input-file -verify-diagnostics | FileCheck %s

// In a data-parallel module (nn.data_parallel, modelc --mpi), a
// synchronized batch norm merges its per-channel mean and variance with the
// other processes' (count: the elements per channel here, N * H * W) before
// normalizing with them.
// CHECK-LABEL: func.func @bn_forward(
// CHECK: %[[N:.*]] = tensor.dim %{{.*}}, %c0
// CHECK: %[[CNT:.*]] = arith.muli %{{.*}}, %{{.*}} : index
// CHECK: %[[S:.*]]:2 = nn.replica_reduce <moments> %[[MEAN:.*]], %[[VAR:.*]] count %{{.*}} : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>, tensor<3xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[S]]#0
// CHECK: return %{{.*}}, %[[S]]#0, %[[S]]#1
module attributes {nn.data_parallel} {
  func.func @bn_forward(%x: tensor<?x2x2x3xf32>, %mm: tensor<3xf32>, %mv: tensor<3xf32>) -> (tensor<?x2x2x3xf32>, tensor<3xf32>, tensor<3xf32>) {
    %t = arith.constant true
    %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 3 : i64, momentum = 0.9 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32, synchronized} : (tensor<?x2x2x3xf32>, tensor<3xf32>, tensor<3xf32>, i1) -> (tensor<?x2x2x3xf32>, tensor<3xf32>, tensor<3xf32>)
    return %y, %m, %v : tensor<?x2x2x3xf32>, tensor<3xf32>, tensor<3xf32>
  }
}

// -----

// The gradient recomputes the merged statistics and takes the means of
// sum(dy) and sum(dy * xhat) over every process (grad_means) instead of
// dividing by its own count.
// CHECK-LABEL: func.func @bn_grad(
// CHECK: nn.replica_reduce <moments>
// CHECK: %[[SUMS:.*]]:2 = linalg.generic
// CHECK: %[[MEANS:.*]]:2 = nn.replica_reduce <grad_means> %[[SUMS]]#0, %[[SUMS]]#1 count %{{.*}} : tensor<3xf32>, tensor<3xf32>
// CHECK: linalg.generic {{.*}} ins({{.*}}%[[MEANS]]#0, %[[MEANS]]#1 :
module attributes {nn.data_parallel} {
  func.func @bn_grad(%x: tensor<?x3xf32>, %g: tensor<3xf32>, %mm: tensor<3xf32>, %mv: tensor<3xf32>, %dy: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>) {
    %t = arith.constant true
    %dx, %dg, %db = nn.batch_norm_grad %x gamma(%g) moving(%mm, %mv) grad(%dy) training(%t) {axis = 1 : i64, epsilon = 0.001 : f32, renorm = false, synchronized} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<?x3xf32>, i1) -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>)
    return %dx, %dg, %db : tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>
  }
}

// -----

// The variance correction n / (n - 1) counts every process's elements; a
// dropout mask is drawn by the element's index in the global batch.
// CHECK-DAG: func.func private @modelc_replica_total(index) -> index
// CHECK-DAG: func.func private @modelc_replica_example_offset() -> index
// CHECK-LABEL: func.func @counts(
// CHECK: %[[LOCAL:.*]] = arith.muli %{{.*}}, %c3 : index
// CHECK: %[[ALL:.*]] = call @modelc_replica_total(%[[LOCAL]]) : (index) -> index
// CHECK: arith.index_castui %[[ALL]]
// CHECK: %[[FIRST:.*]] = call @modelc_replica_example_offset() : () -> index
// CHECK: linalg.generic
// CHECK: %[[I:.*]] = linalg.index 0 : index
// CHECK: arith.addi %[[I]], %[[FIRST]] : index
module attributes {nn.data_parallel} {
  func.func @counts(%x: tensor<?x4x3xf32>, %seed: tensor<i64>, %step: tensor<i64>) -> (tensor<f32>, tensor<?x4x3xf32>) {
    %t = arith.constant true
    %c = nn.variance_correction %x {axis = 1 : i64, unbiased = true, synchronized} : (tensor<?x4x3xf32>) -> tensor<f32>
    %d = nn.dropout %x training(%t) key(%seed, %step : tensor<i64>, tensor<i64>) {rate = 0.5 : f32, stream = 1 : i64} : tensor<?x4x3xf32>
    return %c, %d : tensor<f32>, tensor<?x4x3xf32>
  }
}

// -----

// Outside a data-parallel module `synchronized` changes nothing.
// CHECK-LABEL: func.func @alone(
// CHECK-NOT: replica
// CHECK-NOT: call
// CHECK: return
module {
  func.func @alone(%x: tensor<?x3xf32>, %mm: tensor<3xf32>, %mv: tensor<3xf32>) -> (tensor<?x3xf32>, tensor<f32>) {
    %t = arith.constant true
    %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 1 : i64, momentum = 0.9 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32, synchronized} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, i1) -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>)
    %c = nn.variance_correction %x {axis = 1 : i64, unbiased = true, synchronized} : (tensor<?x3xf32>) -> tensor<f32>
    return %y, %c : tensor<?x3xf32>, tensor<f32>
  }
}

// -----

// Ghost batches interleave the examples of every shard: not synchronizable.
module attributes {nn.data_parallel} {
  func.func @ghost(%x: tensor<?x3xf32>, %mm: tensor<3xf32>, %mv: tensor<3xf32>) -> tensor<?x3xf32> {
    %t = arith.constant true
    // expected-error@+2 {{a synchronized batch norm cannot have a virtual_batch_size in a data-parallel build: its ghost batches interleave examples of every shard}}
    // expected-error@+1 {{failed to legalize operation 'nn.batch_norm'}}
    %y, %m, %v = nn.batch_norm %x moving(%mm, %mv) training(%t) {axis = 1 : i64, momentum = 0.9 : f32, epsilon = 0.001 : f32, center = false, scale = false, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32, virtual_batch_size = 2 : i64, synchronized} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, i1) -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>)
    return %y : tensor<?x3xf32>
  }
}
