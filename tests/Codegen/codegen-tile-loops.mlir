// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-tile-loops{parallel=true}))' | FileCheck %s --check-prefix=PAR
// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-tile-loops))' | FileCheck %s --check-prefix=SEQ

// A tile loop codegen-vectorize marked (nn.parallel_tiles) becomes scf.parallel
// with threads; without, the mark goes, and so does the mark of a loop over
// reduction blocks (nn.reduction_blocks, for codegen-widen-parallel-regions).
// Either way a loop with a vector body is told not to be unrolled by LLVM.
// PAR-LABEL: func.func @marked(
// PAR: scf.parallel (%[[I:.*]]) = (%c0) to (%c64) step (%c8)
// PAR: vector.load %arg0[%[[I]]]
// PAR: scf.reduce
// PAR-NOT: nn.parallel_tiles
// SEQ: #loop_unroll = #llvm.loop_unroll<disable = true>
// SEQ: #loop_annotation = #llvm.loop_annotation<unroll = #loop_unroll>
// SEQ-LABEL: func.func @marked(
// SEQ-NOT: scf.parallel
// SEQ: scf.for %{{.*}} = %c0 to %c64 step %c8 {
// SEQ: } {loop_annotation = #loop_annotation}
// SEQ-NOT: nn.parallel_tiles
// SEQ-NOT: nn.reduction_blocks
func.func @marked(%x: memref<64xf32>, %y: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  scf.for %b = %c0 to %c2 step %c1 {
    scf.for %i = %c0 to %c64 step %c8 {
      %v = vector.load %x[%i] : memref<64xf32>, vector<8xf32>
      vector.store %v, %y[%i] : memref<64xf32>, vector<8xf32>
    } {nn.parallel_tiles}
  } {nn.reduction_blocks}
  return
}

// -----

// Three kernel rows (a weight gradient's) are too few for two cores: they
// take the constant tile loop nested below into one loop over the
// linearized index (3 x 4 = 12 iterations).
// PAR-LABEL: func.func @few(
// PAR: scf.parallel (%[[K:.*]]) = (%c0{{.*}}) to (%c12) step (%c1{{.*}})
// PAR: %[[ROW:.*]] = arith.divui %[[K]], %c4
// PAR: arith.remui %[[ROW]], %c3
func.func @few(%x: memref<3x64xf32>, %y: memref<3x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.for %r = %c0 to %c3 step %c1 {
    scf.for %i = %c0 to %c64 step %c16 {
      %v = vector.load %x[%r, %i] : memref<3x64xf32>, vector<16xf32>
      vector.store %v, %y[%r, %i] : memref<3x64xf32>, vector<16xf32>
    }
  } {nn.parallel_tiles}
  return
}

// -----

// A loop carrying values (a kernel's accumulators) stays sequential.
// PAR-LABEL: func.func @carried(
// PAR-NOT: scf.parallel
// PAR: scf.for {{.*}} iter_args
func.func @carried(%x: memref<64xf32>) -> vector<8xf32> {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %z = arith.constant dense<0.0> : vector<8xf32>
  %s = scf.for %i = %c0 to %c64 step %c8 iter_args(%acc = %z) -> vector<8xf32> {
    %v = vector.load %x[%i] : memref<64xf32>, vector<8xf32>
    %n = arith.addf %acc, %v : vector<8xf32>
    scf.yield %n : vector<8xf32>
  } {nn.parallel_tiles}
  return %s : vector<8xf32>
}

// -----

// The blocks of images of codegen-block-images: a loop worth threads
// (marked) becomes scf.parallel with threads, one that is not an scf.for;
// without threads both are scf.for. A tile loop marked inside a block loop
// runs on the block's thread (no nested parallel region).
// PAR-LABEL: func.func @blocks(
// PAR: %[[N:.*]] = memref.dim
// PAR: scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[N]]) step (%{{.*}})
// PAR-NOT: scf.parallel
// PAR: scf.for %{{.*}} = %{{.*}} to %c64 step %c8
// PAR: scf.reduce
// PAR: scf.for %{{.*}} = %{{.*}} to %[[N]] step %{{.*}}
// PAR-NOT: scf.parallel
// PAR: return
// SEQ-LABEL: func.func @blocks(
// SEQ-NOT: scf.parallel
// SEQ-NOT: scf.forall
// SEQ: return
func.func @blocks(%x: memref<?x64xf32>, %y: memref<?x64xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x64xf32>
  scf.forall (%b) in (%n) {
    %c64 = arith.constant 64 : index
    %c8 = arith.constant 8 : index
    %c0_ = arith.constant 0 : index
    scf.for %i = %c0_ to %c64 step %c8 {
      %v = vector.load %x[%b, %i] : memref<?x64xf32>, vector<8xf32>
      vector.store %v, %y[%b, %i] : memref<?x64xf32>, vector<8xf32>
    } {nn.parallel_tiles}
  } {nn.parallel_tiles}
  scf.forall (%b) in (%n) {
    %c0_ = arith.constant 0 : index
    %v = vector.load %y[%b, %c0_] : memref<?x64xf32>, vector<8xf32>
    vector.store %v, %x[%b, %c0_] : memref<?x64xf32>, vector<8xf32>
  }
  return
}
