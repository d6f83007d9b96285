// RUN: modelc-opt %s -codegen-outline-kernels | FileCheck %s
// RUN: modelc-opt %s -codegen-outline-kernels=min-ops=5 | FileCheck %s --check-prefix=MIN
// RUN: modelc-opt %s -codegen-outline-kernels=profile=true | FileCheck %s --check-prefix=PROF

// Each top-level loop nest of an entry point becomes an internal, never
// inlined function called in its place. Values from above are arguments;
// constants are cloned into the callee. A loop with results, and functions
// that are not entry points (no nn.abi), stay as they are.
// CHECK-LABEL: func.func @entry(
// CHECK-SAME: %[[A:.*]]: memref<8xf32>, %[[B:.*]]: memref<8xf32>
// CHECK: %[[N:.*]] = memref.load
// CHECK: call @entry_k0(%[[A]], %[[B]]) : (memref<8xf32>, memref<8xf32>) -> ()
// CHECK: call @entry_k1(%[[B]], %[[N]]) : (memref<8xf32>, index) -> ()
// CHECK: scf.for {{.*}} iter_args
// CHECK: return
// CHECK: func.func private @entry_k0(%[[A0:.*]]: memref<8xf32>, %[[B0:.*]]: memref<8xf32>)
// CHECK: arith.constant 8 : index
// CHECK: scf.for
// CHECK: memref.load %[[A0]]
// CHECK: memref.store %{{.*}}, %[[B0]]
// CHECK: func.func private @entry_k1(%[[B1:.*]]: memref<8xf32>, %[[N1:.*]]: index)
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>, passthrough = ["noinline"]}
// CHECK-DAG: arith.constant 0 : index
// CHECK-DAG: arith.constant 1 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[N1]]
// CHECK: memref.store %{{.*}}, %[[B1]]
// CHECK: return
// CHECK-LABEL: func.func @helper
// CHECK-NOT: call
// CHECK: scf.for
// MIN-LABEL: func.func @entry(
// MIN: call @entry_k0
// MIN-NOT: call
// MIN: return
// With profile, each kernel's call is bracketed by the runtime's timers with
// the kernel's number, and nn.kernels names each (entry, layer from the
// ops' NameLoc, only those of the ops that access memory when there are
// any, not the loop's own: the first and the last when there are several,
// as in the blocks of codegen-block-images, all of them in `layers`).
// PROF: module attributes {nn.kernels = [{entry = "entry", layer = "square", name = "entry_k0"}, {entry = "entry", layer = "relu..pool", layers = ["relu", "pool"], name = "entry_k1"}]}
// PROF: func.func private @modelc_kernel_end(i32)
// PROF: func.func private @modelc_kernel_begin(i32)
// PROF-LABEL: func.func @entry(
// PROF: %[[ID0:.*]] = arith.constant 0 : i32
// PROF-NEXT: call @modelc_kernel_begin(%[[ID0]])
// PROF-NEXT: call @entry_k0(
// PROF-NEXT: call @modelc_kernel_end(%[[ID0]])
// PROF: %[[ID1:.*]] = arith.constant 1 : i32
// PROF-NEXT: call @modelc_kernel_begin(%[[ID1]])
// PROF-NEXT: call @entry_k1(
// PROF-NEXT: call @modelc_kernel_end(%[[ID1]])
func.func @entry(%a: memref<8xf32>, %b: memref<8xf32>, %n: memref<index>) -> f32 attributes {nn.abi = ["arena", "output:b", "n"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  %count = memref.load %n[] : memref<index>
  scf.for %i = %c0 to %c8 step %c1 {
    %x = memref.load %a[%i] : memref<8xf32>
    %y = arith.mulf %x, %x : f32 loc("square"("model.json":3:5))
    %z = arith.addf %y, %x : f32
    memref.store %z, %b[%i] : memref<8xf32>
  }
  scf.for %i = %c0 to %count step %c1 {
    %v = memref.load %b[%i] : memref<8xf32> loc("relu"("model.json":4:5))
    memref.store %v, %b[%i] : memref<8xf32> loc("pool"("model.json":5:5))
  } loc("tail"("model.json":7:5))
  %sum = scf.for %i = %c0 to %c8 step %c1 iter_args(%s = %zero) -> f32 {
    %x = memref.load %b[%i] : memref<8xf32>
    %t = arith.addf %s, %x : f32
    scf.yield %t : f32
  }
  return %sum : f32
}

func.func @helper(%b: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    memref.store %zero, %b[%i] : memref<8xf32>
  }
  return
}
