// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-widen-parallel-regions))' | FileCheck %s
// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-widen-parallel-regions))' | FileCheck %s --check-prefix=NOMARK
// NOMARK-NOT: nn.reduction_blocks

// A cache-blocked loop (the blocks of a weight gradient's batch, marked by
// codegen-vectorize) around a parallel tile loop: the team is forked once
// for all the blocks. Its tile loop's bounds do not depend on the block, so
// each thread gets the same tiles in every block and the loop needs no
// barrier. The mark goes (NOMARK).
// CHECK-LABEL: func.func @blocked(
// CHECK: omp.parallel {
// CHECK-NEXT: scf.for %[[B:.*]] = %c0 to %arg2 step %c4 {
// CHECK-NEXT: arith.addi %[[B]]
// CHECK-NEXT: omp.wsloop nowait schedule(static) {
// CHECK: memref.store
// CHECK: omp.terminator
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @blocked(%acc: memref<64xf32>, %x: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  scf.for %b = %c0 to %n step %c4 {
    %last = arith.addi %b, %c1 : index
    omp.parallel {
      omp.wsloop {
        omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
          %v = memref.load %x[%last] : memref<?xf32>
          %a = memref.load %acc[%i] : memref<64xf32>
          %s = arith.addf %a, %v : f32
          memref.store %s, %acc[%i] : memref<64xf32>
          omp.yield
        }
      }
      omp.terminator
    }
  } {nn.reduction_blocks}
  return
}

// -----

// Any other loop around a parallel loop gets one team too, but keeps the
// barrier: its next iteration may read what another thread wrote.
// CHECK-LABEL: func.func @unmarked(
// CHECK: omp.parallel {
// CHECK-NEXT: scf.for
// CHECK-NEXT: omp.wsloop {
func.func @unmarked(%acc: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  scf.for %b = %c0 to %c8 step %c1 {
    omp.parallel {
      omp.wsloop {
        omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
          %v = memref.load %acc[%b] : memref<64xf32>
          memref.store %v, %acc[%i] : memref<64xf32>
          omp.yield
        }
      }
      omp.terminator
    }
  }
  return
}

// -----

// Nested blocks: the region moves out of both. A tile loop whose bounds
// depend on the block keeps its barrier (each block may give a thread
// other tiles).
// CHECK-LABEL: func.func @nested_moving_bounds(
// CHECK: omp.parallel {
// CHECK-NEXT: scf.for
// CHECK-NEXT: scf.for %[[J:.*]] =
// CHECK-NEXT: omp.wsloop {
// CHECK-NEXT: omp.loop_nest (%{{.*}}) : index = (%[[J]]) to
func.func @nested_moving_bounds(%acc: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  scf.for %a = %c0 to %c8 step %c1 {
    scf.for %j = %c0 to %c8 step %c1 {
      omp.parallel {
        omp.wsloop {
          omp.loop_nest (%i) : index = (%j) to (%c64) step (%c1) {
            %v = memref.load %acc[%i] : memref<64xf32>
            %s = arith.addf %v, %v : f32
            memref.store %s, %acc[%i] : memref<64xf32>
            omp.yield
          }
        }
        omp.terminator
      }
    } {nn.reduction_blocks}
  } {nn.reduction_blocks}
  return
}

// -----

// Two regions in one block loop (full tiles of a batch's rows, then its
// last rows): one team holds the loop and runs both worksharing loops,
// each keeping its barrier (in general the second may read what the first
// wrote).
// CHECK-LABEL: func.func @two_regions(
// CHECK: omp.parallel {
// CHECK-NEXT: scf.for
// CHECK-NEXT: omp.wsloop {
// CHECK: omp.wsloop {
// CHECK-NOT: omp.parallel
// CHECK: return
func.func @two_regions(%acc: memref<?xf32>, %n: index, %m: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.for %b = %c0 to %c8 step %c1 {
    omp.parallel {
      omp.wsloop {
        omp.loop_nest (%i) : index = (%c0) to (%n) step (%c4) {
          %v = memref.load %acc[%i] : memref<?xf32>
          %s = arith.addf %v, %v : f32
          memref.store %s, %acc[%i] : memref<?xf32>
          omp.yield
        }
      }
      omp.terminator
    }
    omp.parallel {
      omp.wsloop {
        omp.loop_nest (%i) : index = (%n) to (%m) step (%c1) {
          %v = memref.load %acc[%i] : memref<?xf32>
          %s = arith.addf %v, %v : f32
          memref.store %s, %acc[%i] : memref<?xf32>
          omp.yield
        }
      }
      omp.terminator
    }
  }
  return
}

// -----

// The same two parts of one contraction's tile loops (the full tiles of a
// batch's rows, then the peeled remainder) in the blocks of its reduction:
// each thread gets the same tiles of each part in every block, and the
// parts write disjoint tiles, so neither loop needs its barrier. If one
// part's bounds moved with the block, both would keep theirs.
// CHECK-LABEL: func.func @two_parts_blocked(
// CHECK: omp.parallel {
// CHECK-NEXT: scf.for
// CHECK-NEXT: omp.wsloop nowait schedule(static) {
// CHECK: omp.wsloop nowait schedule(static) {
// CHECK-LABEL: func.func @two_parts_moving(
// CHECK: omp.parallel {
// CHECK-NEXT: scf.for
// CHECK-NEXT: omp.wsloop {
// CHECK: omp.wsloop {
func.func @two_parts_blocked(%acc: memref<?xf32>, %n: index, %m: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.for %b = %c0 to %c8 step %c1 {
    omp.parallel {
      omp.wsloop {
        omp.loop_nest (%i) : index = (%c0) to (%n) step (%c4) {
          %v = memref.load %acc[%i] : memref<?xf32>
          %s = arith.addf %v, %v : f32
          memref.store %s, %acc[%i] : memref<?xf32>
          omp.yield
        }
      }
      omp.terminator
    }
    omp.parallel {
      omp.wsloop {
        omp.loop_nest (%i) : index = (%n) to (%m) step (%c1) {
          %v = memref.load %acc[%i] : memref<?xf32>
          %s = arith.addf %v, %v : f32
          memref.store %s, %acc[%i] : memref<?xf32>
          omp.yield
        }
      }
      omp.terminator
    }
  } {nn.reduction_blocks}
  return
}
func.func @two_parts_moving(%acc: memref<?xf32>, %n: index, %m: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.for %b = %c0 to %c8 step %c1 {
    omp.parallel {
      omp.wsloop {
        omp.loop_nest (%i) : index = (%c0) to (%n) step (%c4) {
          %v = memref.load %acc[%i] : memref<?xf32>
          %s = arith.addf %v, %v : f32
          memref.store %s, %acc[%i] : memref<?xf32>
          omp.yield
        }
      }
      omp.terminator
    }
    omp.parallel {
      omp.wsloop {
        omp.loop_nest (%i) : index = (%b) to (%m) step (%c1) {
          %v = memref.load %acc[%i] : memref<?xf32>
          %s = arith.addf %v, %v : f32
          memref.store %s, %acc[%i] : memref<?xf32>
          omp.yield
        }
      }
      omp.terminator
    }
  } {nn.reduction_blocks}
  return
}

// -----

// Not moved: the loop also writes memory outside the region (a remainder
// tile on one thread), or carries a value, or the region runs more than
// worksharing loops (all threads would run them).
// CHECK-LABEL: func.func @kept(
// CHECK-NOT: omp.parallel
// CHECK: scf.for
// CHECK-NEXT: omp.parallel
// CHECK: memref.store
// CHECK-NOT: omp.parallel
// CHECK: scf.for
// CHECK-NEXT: omp.parallel
// CHECK: arith.addf
// CHECK-NOT: omp.parallel
// CHECK: scf.for
// CHECK-NEXT: omp.parallel
// CHECK: return
func.func @kept(%acc: memref<64xf32>, %f: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  scf.for %b = %c0 to %c8 step %c1 {
    omp.parallel {
      omp.wsloop {
        omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
          memref.store %f, %acc[%i] : memref<64xf32>
          omp.yield
        }
      }
      omp.terminator
    }
    memref.store %f, %acc[%b] : memref<64xf32>
  }
  %r = scf.for %b = %c0 to %c8 step %c1 iter_args(%x = %f) -> (f32) {
    omp.parallel {
      omp.wsloop {
        omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
          memref.store %x, %acc[%i] : memref<64xf32>
          omp.yield
        }
      }
      omp.terminator
    }
    %y = arith.addf %x, %f : f32
    scf.yield %y : f32
  }
  scf.for %b = %c0 to %c8 step %c1 {
    omp.parallel {
      memref.store %f, %acc[%b] : memref<64xf32>
      omp.terminator
    }
  }
  return %r : f32
}
