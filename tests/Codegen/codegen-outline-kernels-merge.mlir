// RUN: modelc-opt %s -codegen-outline-kernels | FileCheck %s --check-prefix=MERGE
// RUN: modelc-opt %s -codegen-outline-kernels=merge=false | FileCheck %s --check-prefix=NOMERGE
// RUN: modelc-opt %s -codegen-outline-kernels=profile=true | FileCheck %s --check-prefix=MPROF
// Entry points that repeat a loop nest share one kernel: @second's first
// nest is @first's (only the names of its values and its location differ),
// so its call goes to @first_k0; its second nest scales by 3, not 2, and is
// a kernel of its own. With profile, each call keeps its own timer and
// nn.kernels names the function it calls.
// MERGE-LABEL: func.func @first(
// MERGE: call @first_k0(
// MERGE: func.func private @first_k0(
// MERGE-LABEL: func.func @second(
// MERGE: call @first_k0(
// MERGE-NEXT: call @second_k1(
// MERGE-NOT: func.func private @second_k0
// MERGE: func.func private @second_k1(
// MERGE: arith.constant 3.0
// MERGE-NOT: func.func private
// NOMERGE: func.func private @first_k0(
// NOMERGE: func.func private @second_k0(
// NOMERGE: func.func private @second_k1(
// MPROF: nn.kernels = [{entry = "first", layer = "", name = "first_k0"}, {entry = "second", layer = "", name = "first_k0"}, {entry = "second", layer = "", name = "second_k1"}]
func.func @first(%a: memref<8xf32>, %b: memref<8xf32>) attributes {nn.abi = ["arena", "output:b"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %two = arith.constant 2.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    %x = memref.load %a[%i] : memref<8xf32>
    %y = arith.mulf %x, %two : f32
    memref.store %y, %b[%i] : memref<8xf32>
  }
  return
}

func.func @second(%p: memref<8xf32>, %q: memref<8xf32>) attributes {nn.abi = ["arena", "output:q"]} {
  %two = arith.constant 2.0 : f32
  %three = arith.constant 3.0 : f32
  %start = arith.constant 0 : index
  %step = arith.constant 1 : index
  %end = arith.constant 8 : index
  scf.for %j = %start to %end step %step {
    %v = memref.load %p[%j] : memref<8xf32> loc("somewhere.json":9:1)
    %w = arith.mulf %v, %two : f32
    memref.store %w, %q[%j] : memref<8xf32>
  }
  scf.for %j = %start to %end step %step {
    %v = memref.load %q[%j] : memref<8xf32>
    %w = arith.mulf %v, %three : f32
    memref.store %w, %q[%j] : memref<8xf32>
  }
  return
}
