// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-split-reductions))' | FileCheck %s

// A reduction into 64 channels over 4096 rows (batch-norm statistics): its
// only parallel dimension is 4 registers wide, so the rows are split into 4
// chunks summed in parallel into partial results, then added to the output
// in chunk order (the same 4 chunks whatever the thread count).
// CHECK-LABEL: func.func @stats(
// CHECK: %[[PARTIAL:.*]] = memref.alloc() {{.*}} : memref<4x64xf32>
// CHECK: linalg.fill {{.*}} outs(%[[PARTIAL]] : memref<4x64xf32>)
// CHECK: scf.parallel (%[[CHUNK:.*]]) = (%c0) to (%c4{{.*}}) step (%c1)
// CHECK: memref.subview %arg0[{{.*}}, 0] [{{.*}}, 64] [1, 1]
// CHECK: memref.subview %[[PARTIAL]][%[[CHUNK]], 0] [1, 64] [1, 1]
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK: scf.reduce
// CHECK: linalg.generic {{.*}} outs(%arg1 : memref<64xf32>)
// CHECK: %[[S0:.*]] = arith.addf %out, %in : f32
// CHECK: %[[S1:.*]] = arith.addf %[[S0]], %in_4 : f32
// CHECK: %[[S2:.*]] = arith.addf %[[S1]], %in_5 : f32
// CHECK: arith.addf %[[S2]], %in_6 : f32
func.func @stats(%x: memref<4096x64xf32>, %s: memref<64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (c)>], iterator_types = ["reduction", "parallel"]}
    ins(%x : memref<4096x64xf32>) outs(%s : memref<64xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %acc, %a : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A small one (below 2^18 iterations) is left alone: the fork and join
// would cost more than the second core gains.
// CHECK-LABEL: func.func @small(
// CHECK-NOT: scf.parallel
// CHECK: linalg.generic
// CHECK-NOT: scf.parallel
func.func @small(%x: memref<64x64xf32>, %s: memref<64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (c)>], iterator_types = ["reduction", "parallel"]}
    ins(%x : memref<64x64xf32>) outs(%s : memref<64xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %acc, %a : f32
    linalg.yield %r : f32
  }
  return
}
