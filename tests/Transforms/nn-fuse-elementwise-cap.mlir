// Fusion stops at 64 ops per body: a chain of 100 element-wise adds becomes
// two generics (62 adds and a yield, then 38), not one whose fusion copied
// the growing body 100 times (quadratic compile time in the chain's length).
// RUN: %python %S/Inputs/elementwise_chain.py 100 > %t.mlir
// RUN: modelc-opt %t.mlir -pass-pipeline='builtin.module(func.func(nn-fuse-elementwise))' | FileCheck %s
// RUN: modelc-opt %t.mlir -pass-pipeline='builtin.module(func.func(nn-fuse-elementwise))' | grep -c arith.addf | FileCheck %s --check-prefix=ADDS
// CHECK-COUNT-2: linalg.generic
// CHECK-NOT: linalg.generic
// ADDS: 100
