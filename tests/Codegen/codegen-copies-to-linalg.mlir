// RUN: modelc-opt %s -codegen-copies-to-linalg | FileCheck %s

// A copy into a strided view becomes loops-to-be (linalg.copy) ...
// CHECK-LABEL: func.func @strided
// CHECK: linalg.copy ins(%{{.*}} : memref<4x4xf32>) outs(%{{.*}} : memref<4x4xf32, strided<[6, 1], offset: 7>>)
// CHECK-NOT: memref.copy
func.func @strided(%src: memref<4x4xf32>, %dst: memref<6x6xf32>) {
  %v = memref.subview %dst[1, 1] [4, 4] [1, 1] : memref<6x6xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
  memref.copy %src, %v : memref<4x4xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
  return
}

// ... a contiguous one stays a memref.copy (llvm.memcpy later).
// CHECK-LABEL: func.func @contiguous
// CHECK: memref.copy
func.func @contiguous(%src: memref<4x4xf32>, %dst: memref<4x4xf32>) {
  memref.copy %src, %dst : memref<4x4xf32> to memref<4x4xf32>
  return
}

// A copy between two views of the same elements (what in-place
// bufferization leaves after building a value in its slice) is erased: here
// through a reshape, and through a loop that updates its buffer in place on
// every path. A copy to other elements stays.
// CHECK-LABEL: func.func @self_copies
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%{{.*}} : memref<4xf32, strided<[1], offset: 6>>) outs(%{{.*}} : memref<4xf32, strided<[1], offset: 10>>)
// CHECK-NOT: copy
// CHECK: return
func.func @self_copies(%c: i1) -> memref<14xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %f = arith.constant 1.0 : f32
  %a = memref.alloc() : memref<14xf32>
  %s0 = memref.subview %a[0] [6] [1] : memref<14xf32> to memref<6xf32, strided<[1]>>
  %e0 = memref.expand_shape %s0 [[0, 1]] output_shape [2, 3] : memref<6xf32, strided<[1]>> into memref<2x3xf32>
  %c0v = memref.collapse_shape %e0 [[0, 1]] : memref<2x3xf32> into memref<6xf32>
  %t0 = memref.subview %a[0] [6] [1] : memref<14xf32> to memref<6xf32, strided<[1]>>
  memref.copy %c0v, %t0 : memref<6xf32> to memref<6xf32, strided<[1]>>
  %s1 = memref.subview %a[6] [4] [1] : memref<14xf32> to memref<4xf32, strided<[1], offset: 6>>
  %l = scf.for %i = %c0 to %c4 step %c1 iter_args(%b = %s1) -> memref<4xf32, strided<[1], offset: 6>> {
    %r = scf.if %c -> memref<4xf32, strided<[1], offset: 6>> {
      memref.store %f, %b[%i] : memref<4xf32, strided<[1], offset: 6>>
      scf.yield %b : memref<4xf32, strided<[1], offset: 6>>
    } else {
      scf.yield %b : memref<4xf32, strided<[1], offset: 6>>
    }
    scf.yield %r : memref<4xf32, strided<[1], offset: 6>>
  }
  %t1 = memref.subview %a[6] [4] [1] : memref<14xf32> to memref<4xf32, strided<[1], offset: 6>>
  memref.copy %l, %t1 : memref<4xf32, strided<[1], offset: 6>> to memref<4xf32, strided<[1], offset: 6>>
  %t2 = memref.subview %a[10] [4] [1] : memref<14xf32> to memref<4xf32, strided<[1], offset: 10>>
  memref.copy %l, %t2 : memref<4xf32, strided<[1], offset: 6>> to memref<4xf32, strided<[1], offset: 10>>
  return %a : memref<14xf32>
}

// -----

// Two subviews of the same batch-sized (dynamic) region: same offset and
// strides, and a copy's operands have the same shape at run time, so it is a
// copy onto itself (what a padded buffer's interior leaves behind).
// CHECK-LABEL: func.func @dynamic_self_copy
// CHECK-NOT: copy
// CHECK: return
func.func @dynamic_self_copy(%n: index) -> memref<?x6x6x8xf32> {
  %buf = memref.alloc(%n) : memref<?x6x6x8xf32>
  %a = memref.subview %buf[0, 1, 1, 0] [%n, 4, 4, 8] [1, 1, 1, 1] : memref<?x6x6x8xf32> to memref<?x4x4x8xf32, strided<[288, 48, 8, 1], offset: 56>>
  %b = memref.subview %buf[0, 1, 1, 0] [%n, 4, 4, 8] [1, 1, 1, 1] : memref<?x6x6x8xf32> to memref<?x4x4x8xf32, strided<[288, 48, 8, 1], offset: 56>>
  memref.copy %a, %b : memref<?x4x4x8xf32, strided<[288, 48, 8, 1], offset: 56>> to memref<?x4x4x8xf32, strided<[288, 48, 8, 1], offset: 56>>
  return %buf : memref<?x6x6x8xf32>
}

// An element-wise update written to a fresh buffer only to be copied into
// its slice of the state (the optimizer's step) writes the slice itself:
// it reads the same elements at the same index and a gradient in a buffer
// of its own (another argument could be a view of the state), and what
// runs in between touches other elements of the state.
// CHECK-LABEL: func.func @forward_update
// CHECK: %[[P:.*]] = memref.subview %arg0[8] [16] [1]
// CHECK-NOT: memref.alloc
// CHECK: %[[G:.*]] = memref.alloc() : memref<16xf32>
// CHECK-NOT: memref.alloc
// CHECK: linalg.generic {{.*}} ins(%[[P]], %[[G]] : {{.*}}) outs(%[[P]] :
// CHECK: linalg.fill
// CHECK-NOT: memref.copy
// CHECK: memref.dealloc %[[G]]
// CHECK-NOT: memref.dealloc
// CHECK: return
#id = affine_map<(i) -> (i)>
func.func @forward_update(%state: memref<32xf32>, %grad: memref<16xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = memref.subview %state[8] [16] [1] : memref<32xf32> to memref<16xf32, strided<[1], offset: 8>>
  %g = memref.alloc() : memref<16xf32>
  memref.copy %grad, %g : memref<16xf32> to memref<16xf32>
  %new = memref.alloc() : memref<16xf32>
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%p, %g : memref<16xf32, strided<[1], offset: 8>>, memref<16xf32>) outs(%new : memref<16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.subf %a, %b : f32
    linalg.yield %d : f32
  }
  %other = memref.subview %state[0] [8] [1] : memref<32xf32> to memref<8xf32, strided<[1]>>
  linalg.fill ins(%zero : f32) outs(%other : memref<8xf32, strided<[1]>>)
  memref.copy %new, %p : memref<16xf32> to memref<16xf32, strided<[1], offset: 8>>
  memref.dealloc %new : memref<16xf32>
  memref.dealloc %g : memref<16xf32>
  return
}

// Not when something in between reads the slice (it must see the old
// values) ...
// CHECK-LABEL: func.func @read_between
// CHECK: memref.alloc
// CHECK: linalg.copy ins(%{{.*}} : memref<16xf32>) outs(%{{.*}} : memref<16xf32, strided<[1], offset: 8>>)
#id2 = affine_map<(i) -> (i)>
func.func @read_between(%state: memref<32xf32>, %g: memref<16xf32>, %out: memref<16xf32>) {
  %p = memref.subview %state[8] [16] [1] : memref<32xf32> to memref<16xf32, strided<[1], offset: 8>>
  %new = memref.alloc() : memref<16xf32>
  linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel"]}
      ins(%p, %g : memref<16xf32, strided<[1], offset: 8>>, memref<16xf32>) outs(%new : memref<16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.subf %a, %b : f32
    linalg.yield %d : f32
  }
  %q = memref.subview %state[16] [16] [1] : memref<32xf32> to memref<16xf32, strided<[1], offset: 16>>
  memref.copy %q, %out : memref<16xf32, strided<[1], offset: 16>> to memref<16xf32>
  memref.copy %new, %p : memref<16xf32> to memref<16xf32, strided<[1], offset: 8>>
  memref.dealloc %new : memref<16xf32>
  return
}

// ... nor when the update reads other elements of the slice's buffer (a
// shifted window), nor when it reads its initial values.
// CHECK-LABEL: func.func @shifted_read
// CHECK: memref.alloc
// CHECK: linalg.copy ins(%{{.*}} : memref<16xf32>) outs(%{{.*}} : memref<16xf32, strided<[1], offset: 8>>)
// CHECK-LABEL: func.func @reads_init
// CHECK: memref.alloc
// CHECK: linalg.copy ins(%{{.*}} : memref<16xf32>) outs(%{{.*}} : memref<16xf32, strided<[1], offset: 8>>)
func.func @shifted_read(%state: memref<32xf32>) {
  %p = memref.subview %state[8] [16] [1] : memref<32xf32> to memref<16xf32, strided<[1], offset: 8>>
  %s = memref.subview %state[9] [16] [1] : memref<32xf32> to memref<16xf32, strided<[1], offset: 9>>
  %new = memref.alloc() : memref<16xf32>
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel"]}
      ins(%s : memref<16xf32, strided<[1], offset: 9>>) outs(%new : memref<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  memref.copy %new, %p : memref<16xf32> to memref<16xf32, strided<[1], offset: 8>>
  memref.dealloc %new : memref<16xf32>
  return
}
func.func @reads_init(%state: memref<32xf32>, %g: memref<16xf32>) {
  %p = memref.subview %state[8] [16] [1] : memref<32xf32> to memref<16xf32, strided<[1], offset: 8>>
  %new = memref.alloc() : memref<16xf32>
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel"]}
      ins(%g : memref<16xf32>) outs(%new : memref<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  }
  memref.copy %new, %p : memref<16xf32> to memref<16xf32, strided<[1], offset: 8>>
  memref.dealloc %new : memref<16xf32>
  return
}

// Nor when something in between writes the slice, or a loop in between
// reaches the state through its buffer argument (which could be any
// buffer), or the slice is made only after the update.
// CHECK-LABEL: func.func @write_between
// CHECK: memref.alloc
// CHECK: linalg.copy ins(%{{.*}} : memref<16xf32>) outs(%{{.*}} : memref<16xf32, strided<[1], offset: 8>>)
// CHECK-LABEL: func.func @loop_between
// CHECK: memref.alloc
// CHECK: linalg.copy ins(%{{.*}} : memref<16xf32>) outs(%{{.*}} : memref<16xf32, strided<[1], offset: 8>>)
// CHECK-LABEL: func.func @slice_after
// CHECK: memref.alloc
// CHECK: linalg.copy ins(%{{.*}} : memref<16xf32>) outs(%{{.*}} : memref<16xf32, strided<[1], offset: 8>>)
func.func @write_between(%state: memref<32xf32>, %g: memref<16xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = memref.subview %state[8] [16] [1] : memref<32xf32> to memref<16xf32, strided<[1], offset: 8>>
  %new = memref.alloc() : memref<16xf32>
  linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel"]}
      ins(%p, %g : memref<16xf32, strided<[1], offset: 8>>, memref<16xf32>) outs(%new : memref<16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.subf %a, %b : f32
    linalg.yield %d : f32
  }
  %q = memref.subview %state[20] [4] [1] : memref<32xf32> to memref<4xf32, strided<[1], offset: 20>>
  linalg.fill ins(%zero : f32) outs(%q : memref<4xf32, strided<[1], offset: 20>>)
  memref.copy %new, %p : memref<16xf32> to memref<16xf32, strided<[1], offset: 8>>
  memref.dealloc %new : memref<16xf32>
  return
}
func.func @loop_between(%state: memref<32xf32>, %g: memref<16xf32>, %out: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %p = memref.subview %state[8] [16] [1] : memref<32xf32> to memref<16xf32, strided<[1], offset: 8>>
  %new = memref.alloc() : memref<16xf32>
  linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel"]}
      ins(%p, %g : memref<16xf32, strided<[1], offset: 8>>, memref<16xf32>) outs(%new : memref<16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.subf %a, %b : f32
    linalg.yield %d : f32
  }
  %r = scf.for %i = %c0 to %c1 step %c1 iter_args(%b = %state) -> (memref<32xf32>) {
    %v = memref.subview %b[8] [16] [1] : memref<32xf32> to memref<16xf32, strided<[1], offset: 8>>
    memref.copy %v, %out : memref<16xf32, strided<[1], offset: 8>> to memref<16xf32>
    scf.yield %b : memref<32xf32>
  }
  memref.copy %new, %p : memref<16xf32> to memref<16xf32, strided<[1], offset: 8>>
  memref.dealloc %new : memref<16xf32>
  return
}
func.func @slice_after(%state: memref<32xf32>, %g: memref<16xf32>) {
  %new = memref.alloc() : memref<16xf32>
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel"]}
      ins(%g : memref<16xf32>) outs(%new : memref<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  %p = memref.subview %state[8] [16] [1] : memref<32xf32> to memref<16xf32, strided<[1], offset: 8>>
  memref.copy %new, %p : memref<16xf32> to memref<16xf32, strided<[1], offset: 8>>
  memref.dealloc %new : memref<16xf32>
  return
}

// Two arguments of the function may be views of one buffer: an update
// that reads another argument keeps its copy.
// CHECK-LABEL: func.func @argument_input
// CHECK: memref.alloc
// CHECK: linalg.copy ins(%{{.*}} : memref<16xf32>) outs(%{{.*}} : memref<16xf32, strided<[1], offset: 8>>)
func.func @argument_input(%state: memref<32xf32>, %g: memref<16xf32>) {
  %p = memref.subview %state[8] [16] [1] : memref<32xf32> to memref<16xf32, strided<[1], offset: 8>>
  %new = memref.alloc() : memref<16xf32>
  linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel"]}
      ins(%p, %g : memref<16xf32, strided<[1], offset: 8>>, memref<16xf32>) outs(%new : memref<16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.subf %a, %b : f32
    linalg.yield %d : f32
  }
  memref.copy %new, %p : memref<16xf32> to memref<16xf32, strided<[1], offset: 8>>
  memref.dealloc %new : memref<16xf32>
  return
}
