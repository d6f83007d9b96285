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

// -----

// A convolution's weight gradient (2304 weights summed over a batch of 32
// images of 32 x 32 pixels): its tiles (3 of input channels) would split
// 2:1 over two threads. Its batch, the first reduction loop, is split into
// 4 chunks: x and dy are sliced along it, each chunk sums into its partial
// weights, and the partials are added to dw in chunk order.
// CHECK-LABEL: func.func @weight_grad(
// CHECK: %[[PARTIAL:.*]] = memref.alloc() {{.*}} : memref<4x3x3x16x16xf32>
// CHECK: scf.parallel (%[[CHUNK:.*]]) = (%c0) to (%c4{{.*}}) step (%c1)
// CHECK-DAG: memref.subview %arg0[{{.*}}, 0, 0, 0] [{{.*}}, 34, 34, 16] [1, 1, 1, 1]
// CHECK-DAG: memref.subview %arg1[{{.*}}, 0, 0, 0] [{{.*}}, 32, 32, 16] [1, 1, 1, 1]
// CHECK: memref.subview %[[PARTIAL]][%[[CHUNK]], 0, 0, 0, 0] [1, 3, 3, 16, 16]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK: arith.mulf
// CHECK: scf.reduce
// CHECK: linalg.generic {{.*}} outs(%arg2 : memref<3x3x16x16xf32>)
func.func @weight_grad(%x: memref<32x34x34x16xf32>, %dy: memref<32x32x32x16xf32>, %dw: memref<3x3x16x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(kh, kw, c, f, n, h, w) -> (n, h + kh, w + kw, c)>, affine_map<(kh, kw, c, f, n, h, w) -> (n, h, w, f)>, affine_map<(kh, kw, c, f, n, h, w) -> (kh, kw, c, f)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
    ins(%x, %dy : memref<32x34x34x16xf32>, memref<32x32x32x16xf32>) outs(%dw : memref<3x3x16x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.mulf %a, %b : f32
    %1 = arith.addf %o, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// A weight gradient with many weights (5 x 200 x 100 of a text CNN's
// convolution) has tiles enough for threads: left alone.
// CHECK-LABEL: func.func @many_weights(
// CHECK-NOT: scf.parallel
func.func @many_weights(%x: memref<64x54x200xf32>, %dy: memref<64x50x100xf32>, %dw: memref<5x200x100xf32>) {
  linalg.generic {indexing_maps = [affine_map<(k, c, f, n, t) -> (n, t + k, c)>, affine_map<(k, c, f, n, t) -> (n, t, f)>, affine_map<(k, c, f, n, t) -> (k, c, f)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
    ins(%x, %dy : memref<64x54x200xf32>, memref<64x50x100xf32>) outs(%dw : memref<5x200x100xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.mulf %a, %b : f32
    %1 = arith.addf %o, %0 : f32
    linalg.yield %1 : f32
  }
  return
}
