// RUN: modelc-opt %s -codegen-longest-first | FileCheck %s
// RUN: modelc-opt %s -codegen-longest-first -codegen-longest-first=restore=true | FileCheck %s --check-prefix=BACK --implicit-check-not=codegen.order

// The functions with bodies follow the globals and declarations, the one
// with the most ops first; @small and @tie_b (2 ops each) keep their order.
// Each remembers its place.
// CHECK: memref.global "private" constant @table
// CHECK: func.func private @external
// CHECK: func.func @large({{.*}}) -> f32 attributes {codegen.order = 3 : i64}
// CHECK: func.func @medium({{.*}}) -> f32 attributes {codegen.order = 1 : i64}
// CHECK: func.func @small({{.*}}) -> f32 attributes {codegen.order = 0 : i64}
// CHECK: func.func @tie_b({{.*}}) -> f32 attributes {codegen.order = 2 : i64}
// CHECK-NOT: func.func

// With restore they are back in their order (still after the declaration),
// without the attribute.
// BACK: func.func private @external
// BACK: func.func @small
// BACK: func.func @medium
// BACK: func.func @tie_b
// BACK: func.func @large
memref.global "private" constant @table : memref<2xf32> = dense<[1.0, 2.0]>
func.func @small(%a: f32) -> f32 {
  return %a : f32
}
func.func private @external(f32) -> f32
func.func @medium(%a: f32) -> f32 {
  %0 = arith.addf %a, %a : f32
  %1 = arith.mulf %0, %a : f32
  return %1 : f32
}
func.func @tie_b(%a: f32) -> f32 {
  return %a : f32
}
func.func @large(%a: f32) -> f32 {
  %0 = arith.addf %a, %a : f32
  %1 = arith.mulf %0, %a : f32
  %2 = arith.subf %1, %a : f32
  %3 = func.call @external(%2) : (f32) -> f32
  return %3 : f32
}
