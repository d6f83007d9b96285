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

// Without a plan an op is only generalized, for the scalar loops.
// CHECK-LABEL: func.func @unplanned
// CHECK: linalg.generic
// CHECK-NOT: vector.
// CHECK: return
func.func @unplanned(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %c: memref<8x32xf32>) {
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%c : memref<8x32xf32>)
  return
}

// -----

// A plan must fit the op's loops.
func.func @misfit(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %c: memref<8x32xf32>) {
  // expected-error @+1 {{does not fit the op's 3 loops}}
  linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [2, 16], interchange = [0, 1], contraction, vector_dim = 1, m_dim = 0, lanes = 16>}
    ins(%a, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%c : memref<8x32xf32>)
  return
}
