// RUN: modelc-opt %s -split-input-file -verify-diagnostics -pass-pipeline='builtin.module(func.func(codegen-vectorize))' | FileCheck %s

// codegen-vectorize plans nothing: it carries out the plan on the op (here
// 2 rows x 16 lanes, not what codegen-plan-tiles would choose), fuses the
// consumer the plan pairs it with, and drops the plans.
// CHECK-LABEL: func.func @recorded
// CHECK-NOT: codegen.
// CHECK: scf.for %{{.*}} = %c0 to %c8 step %c2
// CHECK: scf.for %{{.*}} = %c0 to %c32 step %c16
// CHECK: vector.fma {{.*}} : vector<16xf32>
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK-NOT: linalg.generic
// CHECK-NOT: codegen.
// CHECK: return
func.func @recorded(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %c: memref<8x32xf32>, %out: memref<8x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [2, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16, epilogue>}
    ins(%a, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%c : memref<8x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%c : memref<8x32xf32>) outs(%out : memref<8x32xf32>) attrs = {codegen.epilogue} {
  ^bb0(%x: f32, %o: f32):
    %0 = arith.maximumf %x, %zero : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// Without a plan an op is only generalized, for the scalar loops; a
// contraction's multiply-add becomes one math.fma, as in the kernels.
// CHECK-LABEL: func.func @unplanned
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %[[OUT:.*]]: f32):
// CHECK-NEXT: %[[FMA:.*]] = math.fma %[[A]], %[[B]], %[[OUT]] : f32
// CHECK-NEXT: linalg.yield %[[FMA]]
// CHECK-NOT: vector.
// CHECK: return
func.func @unplanned(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %c: memref<8x32xf32>) {
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%c : memref<8x32xf32>)
  return
}

// -----

// Rows known only at run time: blocks of 6 rows are kernels; the remainder
// (2 rows of a batch of 32) runs one row at a time, each row a kernel of
// one row (vector FMAs, not the scalar loops).
// CHECK-LABEL: func.func @dynamic_rows
// CHECK: %[[ROWS:.*]] = memref.dim
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[BLOCKS:.*]] step %c6
// CHECK-COUNT-6: vector.fma {{.*}} : vector<16xf32>
// CHECK: scf.for %{{.*}} = %[[BLOCKS]] to %[[ROWS]] step %c6
// CHECK: scf.for %{{.*}} = %c0 to %c32 step %c16
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c1
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<16xf32>)
// CHECK-COUNT-1: vector.fma {{.*}} : vector<16xf32>
// CHECK-NEXT: scf.yield
// CHECK-NOT: linalg.generic
// CHECK-NOT: math.fma
// CHECK: return
func.func @dynamic_rows(%a: memref<?x16xf32>, %b: memref<16x32xf32>, %c: memref<?x32xf32>) {
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [6, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16>}
    ins(%a, %b : memref<?x16xf32>, memref<16x32xf32>) outs(%c : memref<?x32xf32>)
  return
}

// -----

// A plan must fit the op's loops.
func.func @misfit(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %c: memref<8x32xf32>) {
  // expected-error @+1 {{does not fit the op (3 loops)}}
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [2, 16], interchange = [0, 1], contraction, vector_dim = 1, m_dim = 0, lanes = 16>}
    ins(%a, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%c : memref<8x32xf32>)
  return
}

// -----

// Two contractions whose consumers come in the other order: each consumer
// is fused into its own contraction (the second pair moves before the first
// contraction's kernels), and nothing is left to the scalar loops.
// CHECK-LABEL: func.func @interleaved
// CHECK-COUNT-2: arith.maximumf {{.*}} : vector<16xf32>
// CHECK-NOT: linalg.generic
func.func @interleaved(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %b2: memref<16x32xf32>, %x: memref<8x32xf32>, %y: memref<8x32xf32>, %xo: memref<8x32xf32>, %yo: memref<8x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [2, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16, epilogue>}
    ins(%a, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%x : memref<8x32xf32>)
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [2, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16, epilogue>}
    ins(%a, %b2 : memref<8x16xf32>, memref<16x32xf32>) outs(%y : memref<8x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%y : memref<8x32xf32>) outs(%yo : memref<8x32xf32>) attrs = {codegen.epilogue} {
  ^bb0(%v: f32, %o: f32):
    %0 = arith.maximumf %v, %zero : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%x : memref<8x32xf32>) outs(%xo : memref<8x32xf32>) attrs = {codegen.epilogue} {
  ^bb0(%v: f32, %o: f32):
    %0 = arith.maximumf %v, %zero : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// A contraction plan needs a contraction's body (out += a * b).
func.func @not_a_contraction(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %c: memref<8x32xf32>) {
  // expected-error @+1 {{does not fit the op (3 loops)}}
  linalg.generic {codegen.plan = #nn.tile_plan<tiles = [2, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16>, indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%c : memref<8x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %0 = arith.subf %x, %y : f32
    %1 = arith.maximumf %o, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// A marked consumer the kernels cannot apply (it reads the output
// transposed) is an error, not a fusion.
func.func @unfusable_mark(%a: memref<32x16xf32>, %b: memref<16x32xf32>, %c: memref<32x32xf32>, %out: memref<32x32xf32>) {
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{the plan's epilogue is not a fusable consumer marked by codegen-fuse-epilogues after the op}}
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [2, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16, epilogue>}
    ins(%a, %b : memref<32x16xf32>, memref<16x32xf32>) outs(%c : memref<32x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%c : memref<32x32xf32>) outs(%out : memref<32x32xf32>) attrs = {codegen.epilogue} {
  ^bb0(%x: f32, %o: f32):
    %0 = arith.maximumf %x, %zero : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// pack_panels: the rhs (64 x 40) is copied first into the panels of its two
// full 16-lane tiles (2 x 64 x 16, a vector row at a time); the full tiles'
// kernels read their panel, the 8-lane remainder tile the rhs itself.
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0) -> (d0 * 16)>
// CHECK-DAG: #[[PANEL:.*]] = affine_map<(d0) -> (d0 floordiv 16)>
// CHECK-LABEL: func.func @panels(
// CHECK-SAME: %{{.*}}: memref<12x64xf32>, %[[B:[a-z0-9]+]]: memref<64x40xf32>
// CHECK: %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x64x16xf32>
// CHECK: scf.for %[[J:.*]] = %c0 to %c2 step %c1
// CHECK: %[[COL0:.*]] = affine.apply #[[COL]](%[[J]])
// CHECK: scf.for %[[K:.*]] = %c0 to %c64 step %c1
// CHECK: %[[ROW:.*]] = vector.transfer_read %[[B]][%[[K]], %[[COL0]]]{{.*}} : memref<64x40xf32>, vector<16xf32>
// CHECK: vector.transfer_write %[[ROW]], %[[P]][%[[J]], %[[K]], %c0]{{.*}}
// CHECK-NEXT: }
// CHECK-NEXT: }{{$}}
// CHECK: scf.for %{{.*}} = %c0 to %c12 step %c6
// CHECK: scf.for %[[N:.*]] = %c0 to %c32 step %c16
// CHECK: %[[IDX:.*]] = affine.apply #[[PANEL]](%[[N]])
// CHECK: vector.load %[[P]][%[[IDX]], %{{.*}}, %c0] : memref<2x64x16xf32>, vector<8xf32>
// CHECK: vector.fma {{.*}} : vector<8xf32>
// CHECK: vector.load %[[B]]{{.*}} : memref<64x40xf32>, vector<8xf32>
// CHECK: vector.fma {{.*}} : vector<8xf32>
// CHECK: memref.dealloc %[[P]]
func.func @panels(%a: memref<12x64xf32>, %b: memref<64x40xf32>, %c: memref<12x40xf32>) {
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [6, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, pack_panels>}
    ins(%a, %b : memref<12x64xf32>, memref<64x40xf32>) outs(%c : memref<12x40xf32>)
  return
}

// -----

// A large copy into panels (4 x 4096 x 16 floats) runs its panels on
// threads.
// CHECK-LABEL: func.func @panels_threads(
// CHECK: %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x4096x16xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK: vector.transfer_write %{{.*}}, %[[P]]{{.*}}
// CHECK-NEXT: }
// CHECK-NEXT: } {nn.parallel_tiles}
func.func @panels_threads(%a: memref<12x4096xf32>, %b: memref<4096x64xf32>, %c: memref<12x64xf32>) {
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [6, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, pack_panels>}
    ins(%a, %b : memref<12x4096xf32>, memref<4096x64xf32>) outs(%c : memref<12x64xf32>)
  return
}

// -----

// In a loop over blocks of images (codegen-block-images), a filter from
// outside it that nothing in it may write (an allocation; the loop writes
// only an argument) is copied into panels once, before the loop, and freed
// after it; a filter the loop writes is copied in it.
// CHECK-LABEL: func.func @panels_outside_blocks(
// CHECK: %[[B:.*]] = memref.alloc() : memref<64x40xf32>
// CHECK-NEXT: memref.copy %{{.*}}, %[[B]]
// CHECK: %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x64x16xf32>
// CHECK: vector.transfer_read %[[B]]
// CHECK: vector.transfer_write %{{.*}}, %[[P]]
// CHECK: scf.forall
// CHECK-NOT: memref.alloc
// CHECK: vector.load %[[P]]
// CHECK: } {nn.parallel_tiles}
// CHECK-NEXT: memref.dealloc %[[P]]
// CHECK: scf.forall
// CHECK: memref.store
// CHECK: %[[Q:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x64x16xf32>
// CHECK: vector.load %[[Q]]
// CHECK: memref.dealloc %[[Q]]
// CHECK-NEXT: } {nn.parallel_tiles}
func.func @panels_outside_blocks(%a: memref<?x12x64xf32>, %w: memref<64x40xf32>, %c: memref<?x12x40xf32>) {
  %c0 = arith.constant 0 : index
  %b = memref.alloc() : memref<64x40xf32>
  memref.copy %w, %b : memref<64x40xf32> to memref<64x40xf32>
  %n = memref.dim %a, %c0 : memref<?x12x64xf32>
  scf.forall (%i) in (%n) {
    %ai = memref.subview %a[%i, 0, 0] [1, 12, 64] [1, 1, 1] : memref<?x12x64xf32> to memref<12x64xf32, strided<[64, 1], offset: ?>>
    %ci = memref.subview %c[%i, 0, 0] [1, 12, 40] [1, 1, 1] : memref<?x12x40xf32> to memref<12x40xf32, strided<[40, 1], offset: ?>>
    linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [6, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, pack_panels>}
      ins(%ai, %b : memref<12x64xf32, strided<[64, 1], offset: ?>>, memref<64x40xf32>) outs(%ci : memref<12x40xf32, strided<[40, 1], offset: ?>>)
  } {nn.parallel_tiles}
  scf.forall (%i) in (%n) {
    %zero = arith.constant 0.0 : f32
    memref.store %zero, %b[%c0, %c0] : memref<64x40xf32>
    %ai = memref.subview %a[%i, 0, 0] [1, 12, 64] [1, 1, 1] : memref<?x12x64xf32> to memref<12x64xf32, strided<[64, 1], offset: ?>>
    %ci = memref.subview %c[%i, 0, 0] [1, 12, 40] [1, 1, 1] : memref<?x12x40xf32> to memref<12x40xf32, strided<[40, 1], offset: ?>>
    linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [6, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, pack_panels>}
      ins(%ai, %b : memref<12x64xf32, strided<[64, 1], offset: ?>>, memref<64x40xf32>) outs(%ci : memref<12x40xf32, strided<[40, 1], offset: ?>>)
  } {nn.parallel_tiles}
  memref.dealloc %b : memref<64x40xf32>
  return
}

// -----

// A transposed copy of a filter (pack_input) that a block loop reads is
// made once, before the loop, and the panels copied from it too; inside,
// the full tiles read the panels (the 8 remainder columns the copy).
// CHECK-LABEL: func.func @pack_input_outside_blocks(
// CHECK: %[[T:.*]] = memref.alloc() {alignment = 64 : i64} : memref<64x40xf32>
// CHECK: linalg.transpose ins(%{{.*}} : memref<40x64xf32>) outs(%[[T]] : memref<64x40xf32>)
// CHECK: %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x64x16xf32>
// CHECK: vector.transfer_read %[[T]]
// CHECK: scf.forall
// CHECK-NOT: memref.alloc
// CHECK-NOT: linalg.transpose
// CHECK: vector.load %[[P]]
// CHECK: } {nn.parallel_tiles}
// CHECK-DAG: memref.dealloc %[[P]]
// CHECK-DAG: memref.dealloc %[[T]]
// CHECK: memref.copy
// CHECK: return
func.func @pack_input_outside_blocks(%a: memref<?x12x64xf32>, %w: memref<40x64xf32>, %out: memref<?x12x40xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %a, %c0 : memref<?x12x64xf32>
  // (The loop writes a buffer of its own: it cannot alias the filter.)
  %c = memref.alloc(%n) : memref<?x12x40xf32>
  scf.forall (%i) in (%n) {
    %ai = memref.subview %a[%i, 0, 0] [1, 12, 64] [1, 1, 1] : memref<?x12x64xf32> to memref<12x64xf32, strided<[64, 1], offset: ?>>
    %ci = memref.subview %c[%i, 0, 0] [1, 12, 40] [1, 1, 1] : memref<?x12x40xf32> to memref<12x40xf32, strided<[40, 1], offset: ?>>
    linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      {codegen.plan = #nn.tile_plan<tiles = [6, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, pack_input = 1, pack_perm = [1, 0], pack_panels>}
      ins(%ai, %w : memref<12x64xf32, strided<[64, 1], offset: ?>>, memref<40x64xf32>) outs(%ci : memref<12x40xf32, strided<[40, 1], offset: ?>>)
  } {nn.parallel_tiles}
  memref.copy %c, %out : memref<?x12x40xf32> to memref<?x12x40xf32>
  memref.dealloc %c : memref<?x12x40xf32>
  return
}

// -----

// A `linalg.index` of an op tiled under an interchange (channel tiles
// outermost) is the iv of the loop over its own dim: the window position
// (8), not the batch (4), which linalg::tileLinalgOp gave it.
// CHECK-LABEL: func.func @index_under_interchange(
// CHECK: scf.for %{{.*}} = %c0 to %c64 step %c32
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK: scf.for %[[I:.*]] = %c0 to %c8 step %c1
// CHECK: arith.index_cast %[[I]] : index to i32
func.func @index_under_interchange(%x: memref<4x8x64xf32>, %out: memref<64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(b, i, c) -> (b, i, c)>, affine_map<(b, i, c) -> (c)>],
                  iterator_types = ["reduction", "reduction", "parallel"]}
      ins(%x : memref<4x8x64xf32>) outs(%out : memref<64xf32>)
      attrs = {codegen.plan = #nn.tile_plan<tiles = [1, 1, 32], interchange = [2, 0, 1], vector_dim = 2, lanes = 16>} {
  ^bb0(%a: f32, %o: f32):
    %i = linalg.index 1 : index
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    %m = arith.mulf %a, %f : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Panels need the lanes innermost in the rhs (here b is read transposed,
// without pack_input).
func.func @panels_misfit(%a: memref<12x64xf32>, %b: memref<40x64xf32>, %c: memref<12x40xf32>) {
  // expected-error @+1 {{does not fit the op (3 loops)}}
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
    {codegen.plan = #nn.tile_plan<tiles = [6, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, pack_panels>}
    ins(%a, %b : memref<12x64xf32>, memref<40x64xf32>) outs(%c : memref<12x40xf32>)
  return
}

// -----

// Cache blocking is of a reduction loop only: blocking the lanes by 24
// would start full 16-lane tiles inside a panel.
func.func @outer_block_of_lanes(%a: memref<12x64xf32>, %b: memref<64x48xf32>, %c: memref<12x48xf32>) {
  // expected-error @+1 {{does not fit the op (3 loops)}}
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [6, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, pack_panels, outer_dim = 1, outer_block = 24>}
    ins(%a, %b : memref<12x64xf32>, memref<64x48xf32>) outs(%c : memref<12x48xf32>)
  return
}

// -----

// Only contractions get math.fma: an element-wise multiply-add (no
// reduction loop) keeps its mulf and addf, as its vector code does.
// CHECK-LABEL: func.func @elementwise_mul_add
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: math.fma
// CHECK: return
func.func @elementwise_mul_add(%x: memref<?x32xf32>, %s: memref<32xf32>, %z: memref<?x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%x, %s : memref<?x32xf32>, memref<32xf32>) outs(%z : memref<?x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A bias broadcast into a contraction's output just before it: the kernels
// start their accumulators from the bias lanes of their tile (the second
// 16-lane tile from bias[16..31]) and the broadcast goes (one pass over the
// output less).
// CHECK-DAG: #[[HI:.*]] = affine_map<()[s0] -> (s0 + 8)>
// CHECK-LABEL: func.func @bias_start(
// CHECK-SAME: %[[BIAS:[a-z0-9]+]]: memref<32xf32>
// CHECK-NOT: linalg.
// CHECK-NOT: vector.transfer_write
// CHECK: scf.for %{{.*}} = %c0 to %c8 step %c2
// CHECK: scf.for %[[N:.*]] = %c0 to %c32 step %c16
// CHECK-NEXT: vector.load %[[BIAS]][%[[N]]] : memref<32xf32>, vector<8xf32>
// CHECK-NEXT: %[[N8:.*]] = affine.apply #[[HI]]()[%[[N]]]
// CHECK-NEXT: vector.load %[[BIAS]][%[[N8]]] : memref<32xf32>, vector<8xf32>
// CHECK: vector.fma
// CHECK-NOT: linalg.
// CHECK: return
func.func @bias_start(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %bias: memref<32xf32>, %c: memref<8x32xf32>) {
  linalg.broadcast ins(%bias : memref<32xf32>) outs(%c : memref<8x32xf32>) dimensions = [0]
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [2, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8>}
    ins(%a, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%c : memref<8x32xf32>)
  return
}

// -----

// Rows known only at run time with an epilogue: the one-row kernels of the
// remainder apply it too (their views of the output, views of the
// remainder's, are composed into views of the whole, in which the epilogue
// finds each row's window); no element-wise pass is left.
// CHECK-LABEL: func.func @epilogue_dynamic_rows
// CHECK: scf.for %{{.*}} step %c6
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: scf.for %{{.*}} step %c6
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c1
// CHECK: vector.fma {{.*}} : vector<16xf32>
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK-NOT: linalg.generic
// CHECK-NOT: vector.transfer_read
// CHECK: return
func.func @epilogue_dynamic_rows(%a: memref<?x16xf32>, %b: memref<16x32xf32>, %c: memref<?x32xf32>, %out: memref<?x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [6, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16, epilogue>}
    ins(%a, %b : memref<?x16xf32>, memref<16x32xf32>) outs(%c : memref<?x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%c : memref<?x32xf32>) outs(%out : memref<?x32xf32>) attrs = {codegen.epilogue} {
  ^bb0(%x: f32, %o: f32):
    %0 = arith.maximumf %x, %zero : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// Rows known only at run time: the remainder rows' kernels start from the
// bias too, so the broadcast goes.
// CHECK-LABEL: func.func @bias_dynamic_rows(
// CHECK-SAME: %[[BIAS:[a-z0-9]+]]: memref<32xf32>, %[[C:[a-z0-9]+]]: memref<?x32xf32>
// CHECK-NOT: vector.transfer_write
// CHECK: vector.load %[[BIAS]]
// CHECK: vector.fma
// CHECK: scf.for
// CHECK: vector.load %[[BIAS]]
// CHECK: vector.fma
// CHECK-NOT: vector.transfer_write
// CHECK: return
func.func @bias_dynamic_rows(%a: memref<?x16xf32>, %b: memref<16x32xf32>, %bias: memref<32xf32>, %c: memref<?x32xf32>) {
  linalg.broadcast ins(%bias : memref<32xf32>) outs(%c : memref<?x32xf32>) dimensions = [0] {codegen.plan = #nn.tile_plan<tiles = [1, 16], interchange = [0, 1], vector_dim = 1, lanes = 8>}
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [6, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8>}
    ins(%a, %b : memref<?x16xf32>, memref<16x32xf32>) outs(%c : memref<?x32xf32>)
  return
}

// -----

// The kernels read the bias after the broadcast did: when something in
// between writes it, the broadcast stays (and the kernels load the output).
// CHECK-LABEL: func.func @bias_written_between(
// CHECK-SAME: %[[BIAS:[a-z0-9]+]]: memref<32xf32>, %[[C:[a-z0-9]+]]: memref<8x32xf32>
// CHECK: vector.transfer_write {{.*}}, %[[C]]
// CHECK: vector.transfer_write {{.*}}, %[[BIAS]]
// CHECK: vector.load %[[C]]
// CHECK: vector.fma
// CHECK: return
func.func @bias_written_between(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %bias: memref<32xf32>, %c: memref<8x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.broadcast ins(%bias : memref<32xf32>) outs(%c : memref<8x32xf32>) dimensions = [0] {codegen.plan = #nn.tile_plan<tiles = [1, 16], interchange = [0, 1], vector_dim = 1, lanes = 8>}
  linalg.fill {codegen.plan = #nn.tile_plan<tiles = [16], interchange = [0], vector_dim = 0, lanes = 8>} ins(%zero : f32) outs(%bias : memref<32xf32>)
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [2, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8>}
    ins(%a, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%c : memref<8x32xf32>)
  return
}

// -----

// pack_input of an input with a dynamic batch: the copy's buffer takes the
// batch from the input, and the copy (large: the batch counts as 64) runs
// one batch entry per thread. The kernels then read the input's channel
// rows from the copy, where the pixels (the innermost reduction) are
// contiguous.
// CHECK-DAG: #[[TR:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3, d2)>
// CHECK-LABEL: func.func @pack_dynamic(
// CHECK-SAME: %[[IN:[a-z0-9]+]]: memref<?x16x16x32xf32>
// CHECK: %[[N:.*]] = memref.dim %[[IN]], %c0
// CHECK: %[[T:.*]] = memref.alloc(%[[N]]) {alignment = 64 : i64} : memref<?x16x32x16xf32>
// CHECK: scf.for %[[B:.*]] = %c0 to %[[N]] step %c1
// CHECK: linalg.generic {indexing_maps = [#[[TR]], {{.*}}ins(%{{.*}} : memref<1x16x16x32xf32{{.*}}outs(%{{.*}} : memref<1x16x32x16xf32
// CHECK: } {nn.parallel_tiles}
// CHECK: memref.load %[[T]]
// CHECK: vector.fma
// CHECK: memref.dealloc %[[T]]
#pd_in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0 + d5, d1 + d6, d2)>
#pd_dy = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
#pd_dw = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
func.func @pack_dynamic(%in: memref<?x16x16x32xf32>, %dy: memref<?x14x14x64xf32>, %dw: memref<3x3x32x64xf32>) {
  linalg.generic {indexing_maps = [#pd_in, #pd_dy, #pd_dw],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      {codegen.plan = #nn.tile_plan<tiles = [1, 1, 4, 16, 0, 0, 0], interchange = [2, 3, 0, 1, 4, 5, 6], contraction, vector_dim = 3, m_dim = 2, lanes = 8, parallel, pack_input = 0, pack_perm = [0, 1, 3, 2]>}
      ins(%in, %dy : memref<?x16x16x32xf32>, memref<?x14x14x64xf32>) outs(%dw : memref<3x3x32x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Two filter gradients that transpose the same input the same way share one
// copy (freed after the second): what the first writes is not the input (a
// buffer of its own). A write to the input between them (the fill) gives the
// third its own copy.
// CHECK-LABEL: func.func @pack_shared(
// CHECK: %[[IN:.*]] = memref.alloc(%{{.*}}) : memref<?x16x16x32xf32>
// CHECK: %[[T:.*]] = memref.alloc({{.*}}) {alignment = 64 : i64} : memref<?x16x32x16xf32>
// CHECK-NOT: memref.alloc({{.*}}) {alignment = 64 : i64} : memref<?x16x32x16xf32>
// CHECK-NOT: memref.dealloc %[[T]]
// CHECK: memref.load %[[T]]
// CHECK-NOT: memref.dealloc %[[T]]
// CHECK: memref.load %[[T]]
// CHECK: memref.dealloc %[[T]]
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : f32) outs(%[[IN]]
// CHECK: %[[T2:.*]] = memref.alloc({{.*}}) {alignment = 64 : i64} : memref<?x16x32x16xf32>
// CHECK: memref.load %[[T2]]
// CHECK: memref.dealloc %[[T2]]
#ps_in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0 + d5, d1 + d6, d2)>
#ps_dy = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
#ps_dw = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
func.func @pack_shared(%n: index, %dy: memref<?x14x14x64xf32>, %dw1: memref<3x3x32x64xf32>,
                       %dw2: memref<3x3x32x64xf32>, %dw3: memref<3x3x32x64xf32>) {
  %in = memref.alloc(%n) : memref<?x16x16x32xf32>
  linalg.generic {indexing_maps = [#ps_in, #ps_dy, #ps_dw],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      {codegen.plan = #nn.tile_plan<tiles = [1, 1, 4, 16, 0, 0, 0], interchange = [2, 3, 0, 1, 4, 5, 6], contraction, vector_dim = 3, m_dim = 2, lanes = 8, parallel, pack_input = 0, pack_perm = [0, 1, 3, 2]>}
      ins(%in, %dy : memref<?x16x16x32xf32>, memref<?x14x14x64xf32>) outs(%dw1 : memref<3x3x32x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#ps_in, #ps_dy, #ps_dw],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      {codegen.plan = #nn.tile_plan<tiles = [1, 1, 4, 16, 0, 0, 0], interchange = [2, 3, 0, 1, 4, 5, 6], contraction, vector_dim = 3, m_dim = 2, lanes = 8, parallel, pack_input = 0, pack_perm = [0, 1, 3, 2]>}
      ins(%in, %dy : memref<?x16x16x32xf32>, memref<?x14x14x64xf32>) outs(%dw2 : memref<3x3x32x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%in : memref<?x16x16x32xf32>)
  linalg.generic {indexing_maps = [#ps_in, #ps_dy, #ps_dw],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      {codegen.plan = #nn.tile_plan<tiles = [1, 1, 4, 16, 0, 0, 0], interchange = [2, 3, 0, 1, 4, 5, 6], contraction, vector_dim = 3, m_dim = 2, lanes = 8, parallel, pack_input = 0, pack_perm = [0, 1, 3, 2]>}
      ins(%in, %dy : memref<?x16x16x32xf32>, memref<?x14x14x64xf32>) outs(%dw3 : memref<3x3x32x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  memref.dealloc %in : memref<?x16x16x32xf32>
  return
}

// -----

// Three matmuls transpose the same lhs: they share one copy. The second's
// consumer comes after the third, so the third moves before the second
// (whose kernels apply the consumer) but is vectorized after it: the copy
// is freed after the last of them in the block, the second.
// CHECK-LABEL: func.func @pack_shared_reordered(
// CHECK: %[[T:.*]] = memref.alloc() {alignment = 64 : i64} : memref<16x8xf32>
// CHECK-NOT: memref.dealloc %[[T]]
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: memref.dealloc %[[T]]
func.func @pack_shared_reordered(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %x: memref<8x32xf32>,
                                 %y: memref<8x32xf32>, %z: memref<8x32xf32>, %yo: memref<8x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<8x16xf32>
  memref.copy %a, %t : memref<8x16xf32> to memref<8x16xf32>
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [2, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16, pack_input = 0, pack_perm = [1, 0]>}
    ins(%t, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%x : memref<8x32xf32>)
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [2, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16, pack_input = 0, pack_perm = [1, 0], epilogue>}
    ins(%t, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%y : memref<8x32xf32>)
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [2, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16, pack_input = 0, pack_perm = [1, 0]>}
    ins(%t, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%z : memref<8x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%y : memref<8x32xf32>) outs(%yo : memref<8x32xf32>) attrs = {codegen.epilogue} {
  ^bb0(%v: f32, %o: f32):
    %0 = arith.maximumf %v, %zero : f32
    linalg.yield %0 : f32
  }
  memref.dealloc %t : memref<8x16xf32>
  return
}

// -----

// A parallel tile loop whose tiles do not divide the rows (14 = 6 + 6 + 2):
// the remainder tile is the first iteration of the same loop, not a tile
// after it (which one thread would run after the others), and each branch
// is a static kernel: 2 rows x 2 registers, then 6 rows x 2 registers at
// the full tile's rows (iv - 6).
// CHECK-LABEL: func.func @parallel_remainder(
// CHECK: scf.for %[[I:.*]] = %c0 to %c14 step %c6 {
// CHECK-NEXT: %[[FULL:.*]] = arith.cmpi ne, %[[I]], %c0 : index
// CHECK-NEXT: scf.if %[[FULL]] {
// CHECK-NEXT: %[[ROW:.*]] = arith.subi %[[I]], %c6 : index
// CHECK: affine.apply #{{.*}}()[%[[ROW]]]
// CHECK: scf.for
// CHECK-COUNT-12: vector.fma
// CHECK: } else {
// CHECK: vector.load %arg2[%c12, %c0]
// CHECK: scf.for
// CHECK: memref.load %arg0[%c12,
// CHECK: memref.load %arg0[%c13,
// CHECK-COUNT-2: vector.fma
// CHECK-NOT: vector.fma
// CHECK: vector.store %{{.*}}, %arg2[%c13, %c8]
// CHECK-NEXT: }
// CHECK-NEXT: } {nn.parallel_tiles}
// CHECK-NOT: vector.fma
func.func @parallel_remainder(%a: memref<14x64xf32>, %b: memref<64x16xf32>, %c: memref<14x16xf32>) {
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [6, 0, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, parallel>}
    ins(%a, %b : memref<14x64xf32>, memref<64x16xf32>) outs(%c : memref<14x16xf32>)
  return
}

// -----

// A reduction blocked outside the tile loops (outer_dim: k by 16): the loop
// over the blocks is marked nn.reduction_blocks (each block adds into the
// same output tiles: codegen-widen-parallel-regions may drop the barrier
// between blocks); the tile loop inside is the parallel one.
// CHECK-LABEL: func.func @reduction_blocks(
// CHECK: scf.for %[[K:.*]] = %c0 to %c64 step %c16 {
// CHECK: scf.for
// CHECK: vector.fma
// CHECK: } {nn.parallel_tiles}
// CHECK-NEXT: } {nn.reduction_blocks}
func.func @reduction_blocks(%a: memref<12x64xf32>, %b: memref<64x16xf32>, %c: memref<12x16xf32>) {
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [6, 0, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, parallel, outer_dim = 2, outer_block = 16>}
    ins(%a, %b : memref<12x64xf32>, memref<64x16xf32>) outs(%c : memref<12x16xf32>)
  return
}

// -----

// A row tail (tail_rows x tail_tiles): the op is split where the tail
// starts, inside the outer tile loop; rows 0-5 are one block of 6 (12
// accumulators), rows 6-13 two blocks of 4 (8 accumulators), not 6 + 6 + 2.
// Both parts apply the epilogue; the outer loop stays the parallel one.
// CHECK-DAG: #[[PLUS6:.*]] = affine_map<()[s0] -> (s0 + 6)>
// CHECK-LABEL: func.func @row_tail(
// CHECK: scf.for %[[N:.*]] = %c0 to %c2 step %c1 {
// CHECK-COUNT-12: vector.fma
// CHECK-NOT: vector.fma
// CHECK-COUNT-12: arith.maximumf
// CHECK: scf.for %[[R:.*]] = %c0 to %c8 step %c4 {
// CHECK: affine.apply #[[PLUS6]]()[%[[R]]]
// CHECK-COUNT-8: vector.fma
// CHECK-NOT: vector.fma
// CHECK-COUNT-8: arith.maximumf
// CHECK: }
// CHECK-NEXT: } {nn.parallel_tiles}
// CHECK-NOT: linalg.generic
func.func @row_tail(%a: memref<2x14x64xf32>, %b: memref<2x64x16xf32>, %c: memref<2x14x16xf32>, %out: memref<2x14x16xf32>) {
  linalg.batch_matmul {codegen.plan = #nn.tile_plan<tiles = [1, 6, 0, 0], interchange = [0, 1, 2, 3], contraction, vector_dim = 2, m_dim = 1, lanes = 8, parallel, epilogue, tail_rows = 4, tail_tiles = 2>}
    ins(%a, %b : memref<2x14x64xf32>, memref<2x64x16xf32>) outs(%c : memref<2x14x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, i, j) -> (n, i, j)>, affine_map<(n, i, j) -> (n, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]}
    ins(%c : memref<2x14x16xf32>) outs(%out : memref<2x14x16xf32>) attrs = {codegen.epilogue} {
  ^bb0(%x: f32, %y: f32):
    %zero = arith.constant 0.0 : f32
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Rows are the only tile loop: the head's loop (4 blocks of 6) and the
// tail's (2 blocks of 4) are each a loop for threads (codegen-plan-tiles
// drops such a tail: two loops fork and join twice).
// CHECK-LABEL: func.func @row_tail_only_rows(
// CHECK: scf.for %{{.*}} = %c0 to %c24 step %c6 {
// CHECK-COUNT-12: vector.fma
// CHECK-NOT: vector.fma
// CHECK: } {nn.parallel_tiles}
// CHECK: scf.for %{{.*}} = %c0 to %c8 step %c4 {
// CHECK-COUNT-8: vector.fma
// CHECK-NOT: vector.fma
// CHECK: } {nn.parallel_tiles}
func.func @row_tail_only_rows(%a: memref<32x64xf32>, %b: memref<64x16xf32>, %c: memref<32x16xf32>) {
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [6, 0, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, parallel, tail_rows = 4, tail_tiles = 2>}
    ins(%a, %b : memref<32x64xf32>, memref<64x16xf32>) outs(%c : memref<32x16xf32>)
  return
}

// -----

// A tail the rows do not fit (14 - 4 is no multiple of 6) is ignored: full
// tiles of 6 and a remainder of 2, as without it.
// CHECK-LABEL: func.func @row_tail_misfit(
// CHECK: scf.for %{{.*}} = %c0 to %c12 step %c6 {
// CHECK-COUNT-12: vector.fma
// CHECK-NOT: vector.fma
// CHECK: }
// CHECK-COUNT-4: vector.fma
// CHECK-NOT: vector.fma
// CHECK: return
func.func @row_tail_misfit(%a: memref<14x64xf32>, %b: memref<64x16xf32>, %c: memref<14x16xf32>) {
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [6, 0, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, tail_rows = 4, tail_tiles = 1>}
    ins(%a, %b : memref<14x64xf32>, memref<64x16xf32>) outs(%c : memref<14x16xf32>)
  return
}

// -----

// A tile loop after the rows (the lanes, two tiles of 8): each part makes
// its rows' loop and, inside it, the lanes' loop.
// CHECK-LABEL: func.func @row_tail_lanes_inside(
// CHECK: scf.for %{{.*}} = %c0 to %c16 step %c8 {
// CHECK-COUNT-6: vector.fma {{.*}} : vector<8xf32>
// CHECK-NOT: vector.fma
// CHECK: }
// CHECK: scf.for %{{.*}} = %c0 to %c8 step %c4 {
// CHECK-NOT: vector.fma
// CHECK: scf.for %{{.*}} = %c0 to %c16 step %c8 {
// CHECK-COUNT-4: vector.fma {{.*}} : vector<8xf32>
// CHECK-NOT: vector.fma
// CHECK: return
func.func @row_tail_lanes_inside(%a: memref<14x64xf32>, %b: memref<64x16xf32>, %c: memref<14x16xf32>) {
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [6, 8, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, tail_rows = 4, tail_tiles = 2>}
    ins(%a, %b : memref<14x64xf32>, memref<64x16xf32>) outs(%c : memref<14x16xf32>)
  return
}

// -----

// A gather (an embedding's lookup, scaled per token): each tile of 32
// channels of a row is one vector load at the row the token picks (a
// scalar select of the row, the same for every lane), the select and the
// product on vectors (the token's scale broadcast); the 8 channels left,
// one more of 8 lanes.
// CHECK-LABEL: func.func @gather_rows
// CHECK: scf.for %[[C:.*]] = %c0 to %c192 step %c32
// CHECK: %[[S:.*]] = memref.load %arg2[
// CHECK: %[[ROW:.*]] = arith.select %{{.*}}, %{{.*}}, %c0 : index
// CHECK: %[[X:.*]] = vector.load %arg1[%[[ROW]], %[[C]]] : memref<5000x200xf32>, vector<32xf32>
// CHECK: %[[Y:.*]] = arith.select %{{.*}}, %[[X]], %{{.*}} : vector<32xf32>
// CHECK: %[[B:.*]] = vector.broadcast %[[S]] : f32 to vector<32xf32>
// CHECK: %[[Z:.*]] = arith.mulf %[[Y]], %[[B]] : vector<32xf32>
// CHECK: vector.store %[[Z]], %{{.*}}[%{{.*}}, %{{.*}}, %[[C]]] : memref<?x56x200xf32>, vector<32xf32>
// CHECK: vector.load %arg1[%{{.*}}, %c192] : memref<5000x200xf32>, vector<8xf32>
// CHECK-NOT: linalg.generic
// CHECK-NOT: memref.load %arg1
// CHECK: return
#ids = affine_map<(n, p, c) -> (n, p)>
#out = affine_map<(n, p, c) -> (n, p, c)>
func.func @gather_rows(%ids: memref<?x56xi32>, %table: memref<5000x200xf32>, %scale: memref<?x56xf32>) -> memref<?x56x200xf32> {
  %c0 = arith.constant 0 : index
  %c5000 = arith.constant 5000 : index
  %zero = arith.constant 0.0 : f32
  %n = memref.dim %ids, %c0 : memref<?x56xi32>
  %out = memref.alloc(%n) : memref<?x56x200xf32>
  linalg.generic {indexing_maps = [#ids, #ids, #out], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%ids, %scale : memref<?x56xi32>, memref<?x56xf32>) outs(%out : memref<?x56x200xf32>)
      attrs = {codegen.plan = #nn.tile_plan<tiles = [1, 1, 32], interchange = [0, 1, 2], vector_dim = 2, lanes = 16, parallel>} {
  ^bb0(%id: i32, %s: f32, %o: f32):
    %i = arith.index_cast %id : i32 to index
    %lo = arith.cmpi sge, %i, %c0 : index
    %hi = arith.cmpi slt, %i, %c5000 : index
    %ok = arith.andi %lo, %hi : i1
    %row = arith.select %ok, %i, %c0 : index
    %c = linalg.index 2 : index
    %x = memref.load %table[%row, %c] : memref<5000x200xf32>
    %y = arith.select %ok, %x, %zero : f32
    %z = arith.mulf %y, %s : f32
    linalg.yield %z : f32
  }
  return %out : memref<?x56x200xf32>
}

// -----

// A row at an offset the token picks (an added index), through a relu: the
// select's condition is a vector compare of the loaded lanes.
// CHECK-LABEL: func.func @gather_offset
// CHECK: scf.for %[[C:.*]] = %c0 to %c192 step %c32
// CHECK: %[[AT:.*]] = arith.addi %{{.*}}, %[[C]] : index
// CHECK: %[[X:.*]] = vector.load %arg1[%[[AT]]] : memref<1000000xf32>, vector<32xf32>
// CHECK: %[[POS:.*]] = arith.cmpf ogt, %[[X]], %{{.*}} : vector<32xf32>
// CHECK: %[[Y:.*]] = arith.select %[[POS]], %[[X]], %{{.*}} : vector<32xi1>, vector<32xf32>
// CHECK: vector.store %[[Y]]
// CHECK-NOT: memref.load %arg1
// CHECK: return
#ids = affine_map<(n, p, c) -> (n, p)>
#out = affine_map<(n, p, c) -> (n, p, c)>
func.func @gather_offset(%ids: memref<64x56xi32>, %table: memref<1000000xf32>) -> memref<64x56x200xf32> {
  %c200 = arith.constant 200 : index
  %zero = arith.constant 0.0 : f32
  %out = memref.alloc() : memref<64x56x200xf32>
  linalg.generic {indexing_maps = [#ids, #out], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%ids : memref<64x56xi32>) outs(%out : memref<64x56x200xf32>)
      attrs = {codegen.plan = #nn.tile_plan<tiles = [1, 1, 32], interchange = [0, 1, 2], vector_dim = 2, lanes = 16>} {
  ^bb0(%id: i32, %o: f32):
    %row = arith.index_cast %id : i32 to index
    %base = arith.muli %row, %c200 : index
    %c = linalg.index 2 : index
    %at = arith.addi %base, %c : index
    %x = memref.load %table[%at] : memref<1000000xf32>
    %pos = arith.cmpf ogt, %x, %zero : f32
    %y = arith.select %pos, %x, %zero : f32
    linalg.yield %y : f32
  }
  return %out : memref<64x56x200xf32>
}

// -----

// A gather plan needs a gather: here the lanes would read every other
// element of the row.
#ids = affine_map<(n, p, c) -> (n, p)>
#out = affine_map<(n, p, c) -> (n, p, c)>
func.func @gather_misfit(%ids: memref<64x56xi32>, %table: memref<5000x400xf32>) -> memref<64x56x200xf32> {
  %out = memref.alloc() : memref<64x56x200xf32>
  // expected-error @+1 {{does not fit the op (3 loops)}}
  linalg.generic {indexing_maps = [#ids, #out], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%ids : memref<64x56xi32>) outs(%out : memref<64x56x200xf32>)
      attrs = {codegen.plan = #nn.tile_plan<tiles = [1, 1, 32], interchange = [0, 1, 2], vector_dim = 2, lanes = 16>} {
  ^bb0(%id: i32, %o: f32):
    %row = arith.index_cast %id : i32 to index
    %c = linalg.index 2 : index
    %c2 = affine.apply affine_map<(d) -> (d * 2)>(%c)
    %x = memref.load %table[%row, %c2] : memref<5000x400xf32>
    linalg.yield %x : f32
  }
  return %out : memref<64x56x200xf32>
}

// -----

// A constant lhs over few reduction steps (a Winograd transform's B^T): the
// steps unrolled, zeros skipped, 1 and -1 as adds and subtracts, 0.5 as an
// FMA with a constant; a step whose coefficients are all zero (the last
// column) loads nothing.
memref.global "private" constant @bt : memref<4x6xf32> = dense<[[1.0, 0.0, -1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0, 0.0, 0.0], [0.0, -1.0, 1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, -1.0, 0.5, 0.0]]>
// CHECK-LABEL: func.func @constant_lhs
// CHECK-NOT: scf.for
// CHECK-NOT: memref.load
// CHECK: %[[HALF:.*]] = arith.constant dense<5.000000e-01> : vector<16xf32>
// CHECK: vector.load %arg0[%c0, %c0]
// CHECK-NEXT: vector.load %arg0[%c0, %c16]
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.addf
// CHECK-NEXT: vector.load %arg0[%c1, %c0]
// CHECK-NEXT: vector.load %arg0[%c1, %c16]
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.subf
// CHECK-NEXT: arith.subf
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.addf
// CHECK-NEXT: vector.load %arg0[%c2, %c0]
// CHECK: vector.load %arg0[%c3, %c0]
// CHECK-NEXT: vector.load %arg0[%c3, %c16]
// CHECK-NEXT: arith.subf
// CHECK-NEXT: arith.subf
// CHECK-NEXT: vector.load %arg0[%c4, %c0]
// CHECK-NEXT: vector.load %arg0[%c4, %c16]
// CHECK-NEXT: vector.fma %[[HALF]]
// CHECK-NEXT: vector.fma %[[HALF]]
// CHECK-NEXT: vector.store
// CHECK-NOT: vector.load %arg0[%c5
// CHECK-NOT: scf.for
// CHECK: return
func.func @constant_lhs(%b: memref<6x32xf32>, %c: memref<4x32xf32>) {
  %a = memref.get_global @bt : memref<4x6xf32>
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [0, 0, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16>}
    ins(%a, %b : memref<4x6xf32>, memref<6x32xf32>) outs(%c : memref<4x32xf32>)
  return
}

// -----

// Rows in tiles of 2: the constant's rows are a view at the tile loop's
// offset, unknown to the kernel, which then loads the coefficients.
memref.global "private" constant @bt2 : memref<4x4xf32> = dense<[[1.0, 0.0, -1.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, -1.0, 1.0, 0.0], [0.0, 1.0, 0.0, -1.0]]>
// CHECK-LABEL: func.func @constant_lhs_tiled
// CHECK: scf.for
// CHECK: memref.load
// CHECK: vector.fma
// CHECK-NOT: arith.subf
// CHECK: return
func.func @constant_lhs_tiled(%b: memref<4x32xf32>, %c: memref<4x32xf32>) {
  %a = memref.get_global @bt2 : memref<4x4xf32>
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [2, 0, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16>}
    ins(%a, %b : memref<4x4xf32>, memref<4x32xf32>) outs(%c : memref<4x32xf32>)
  return
}
