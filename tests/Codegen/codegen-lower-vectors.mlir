// RUN: modelc-opt %s -pass-pipeline='builtin.module(func.func(codegen-lower-vectors))' | FileCheck %s

// n-D vector code (as codegen-vectorize can leave it: 2-D transfers, a
// contraction, a multi-reduction) becomes 1-D, register-sized vector ops:
// row loads and stores, the contraction as one FMA per (row, k) with a
// broadcast of the lhs element, the reduction as adds of rows in order.
// CHECK-LABEL: func.func @contract(
// CHECK-NOT: vector.contract
// CHECK-NOT: vector.transfer_read
// CHECK-NOT: vector<4x8xf32>
// CHECK-NOT: vector<8x16xf32>
// CHECK-NOT: vector<4x16xf32>
// CHECK-COUNT-8: vector.load %arg1{{.*}} : memref<8x16xf32>, vector<16xf32>
// CHECK-COUNT-32: vector.fma {{.*}} : vector<16xf32>
// CHECK-COUNT-4: vector.store {{.*}} : memref<4x16xf32>, vector<16xf32>
// CHECK-NOT: vector.contract
func.func @contract(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c: memref<4x16xf32>) {
  %c0 = arith.constant 0 : index
  %p = ub.poison : f32
  %va = vector.transfer_read %a[%c0, %c0], %p {in_bounds = [true, true]} : memref<4x8xf32>, vector<4x8xf32>
  %vb = vector.transfer_read %b[%c0, %c0], %p {in_bounds = [true, true]} : memref<8x16xf32>, vector<8x16xf32>
  %vc = vector.transfer_read %c[%c0, %c0], %p {in_bounds = [true, true]} : memref<4x16xf32>, vector<4x16xf32>
  %r = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %va, %vb, %vc : vector<4x8xf32>, vector<8x16xf32> into vector<4x16xf32>
  vector.transfer_write %r, %c[%c0, %c0] {in_bounds = [true, true]} : vector<4x16xf32>, memref<4x16xf32>
  return
}

// CHECK-LABEL: func.func @sum_rows(
// CHECK-NOT: vector.multi_reduction
// CHECK: %[[R0:.*]] = vector.load %arg0[%c0, %c0] : memref<4x16xf32>, vector<16xf32>
// CHECK: %[[R1:.*]] = vector.load %arg0[%c1, %c0]
// CHECK: %[[R2:.*]] = vector.load %arg0[%c2, %c0]
// CHECK: %[[R3:.*]] = vector.load %arg0[%c3, %c0]
// CHECK: %[[ACC:.*]] = vector.load %arg1
// CHECK: %[[S0:.*]] = arith.addf %[[R0]], %[[ACC]] : vector<16xf32>
// CHECK: %[[S1:.*]] = arith.addf %[[R1]], %[[S0]]
// CHECK: %[[S2:.*]] = arith.addf %[[R2]], %[[S1]]
// CHECK: %[[S3:.*]] = arith.addf %[[R3]], %[[S2]]
// CHECK: vector.store %[[S3]], %arg1[%c0] : memref<16xf32>, vector<16xf32>
func.func @sum_rows(%x: memref<4x16xf32>, %s: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %p = ub.poison : f32
  %v = vector.transfer_read %x[%c0, %c0], %p {in_bounds = [true, true]} : memref<4x16xf32>, vector<4x16xf32>
  %acc = vector.transfer_read %s[%c0], %p {in_bounds = [true]} : memref<16xf32>, vector<16xf32>
  %r = vector.multi_reduction <add>, %v, %acc [0] : vector<4x16xf32> to vector<16xf32>
  vector.transfer_write %r, %s[%c0] {in_bounds = [true]} : vector<16xf32>, memref<16xf32>
  return
}
