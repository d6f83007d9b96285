// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-concat-in-place))' | FileCheck %s
// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-concat-in-place),one-shot-bufferize{bufferize-function-boundaries},func.func(codegen-copies-to-linalg))' | FileCheck %s --check-prefix=BUF

// Gathered gradients: a 2-D reduction (through a fill and a collapse), a
// loop-carried row update and a 1-D map. Each is computed in its slice of
// the concatenation so far and inserted right after; bufferized, each
// insertion is a copy of a view onto itself, which codegen-copies-to-linalg
// erases: nothing is copied.
// CHECK-LABEL: func.func @gather
// CHECK: %[[FLAT:.*]] = tensor.empty() : tensor<14xf32>
// CHECK: %[[S0:.*]] = tensor.extract_slice %[[FLAT]][0] [6] [1] : tensor<14xf32> to tensor<6xf32>
// CHECK: %[[E0:.*]] = tensor.expand_shape %[[S0]] {{\[\[}}0, 1]] output_shape [2, 3] : tensor<6xf32> into tensor<2x3xf32>
// CHECK: linalg.fill ins(%{{.*}}) outs(%[[E0]] : tensor<2x3xf32>)
// CHECK: %[[R:.*]] = linalg.reduce
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[R]]
// CHECK: %[[I0:.*]] = tensor.insert_slice %[[C]] into %[[FLAT]][0] [6] [1]
// CHECK: %[[S1:.*]] = tensor.extract_slice %[[I0]][6] [4] [1] : tensor<14xf32> to tensor<4xf32>
// CHECK: %[[L:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[S1]])
// CHECK: %[[I1:.*]] = tensor.insert_slice %[[L]] into %[[I0]][6] [4] [1]
// CHECK: %[[S2:.*]] = tensor.extract_slice %[[I1]][10] [4] [1] : tensor<14xf32> to tensor<4xf32>
// CHECK: %[[G:.*]] = linalg.generic {{.*}} outs(%[[S2]] : tensor<4xf32>)
// CHECK: %[[I2:.*]] = tensor.insert_slice %[[G]] into %[[I1]][10] [4] [1]
// CHECK-NOT: tensor.concat
// CHECK: return %[[I2]]
// BUF-LABEL: func.func @gather
// BUF-NOT: copy
// BUF: return
#id = affine_map<(i) -> (i)>
func.func @gather(%x: tensor<5x2x3xf32>, %y: tensor<4xf32>) -> tensor<14xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %r = linalg.reduce ins(%x : tensor<5x2x3xf32>) outs(%f : tensor<2x3xf32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  %g0 = tensor.collapse_shape %r [[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %e1 = tensor.empty() : tensor<4xf32>
  %g1 = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %e1) -> tensor<4xf32> {
    %v = tensor.extract %y[%i] : tensor<4xf32>
    %u = tensor.insert %v into %acc[%i] : tensor<4xf32>
    scf.yield %u : tensor<4xf32>
  }
  %e2 = tensor.empty() : tensor<4xf32>
  %g2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%y : tensor<4xf32>) outs(%e2 : tensor<4xf32>) {
    ^bb0(%a: f32, %o: f32):
      %m = arith.mulf %a, %a : f32
      linalg.yield %m : f32
  } -> tensor<4xf32>
  %cat = tensor.concat dim(0) %g0, %g1, %g2 : (tensor<6xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<14xf32>
  return %cat : tensor<14xf32>
}

// -----

// An operand that is not built in a destination (a function argument) is
// copied into its slice as before.
// CHECK-LABEL: func.func @argument
// CHECK: %[[FLAT:.*]] = tensor.empty() : tensor<7xf32>
// CHECK: %[[I0:.*]] = tensor.insert_slice %arg0 into %[[FLAT]][0] [3] [1]
// CHECK: tensor.insert_slice %arg1 into %[[I0]][3] [4] [1]
// BUF-LABEL: func.func @argument
// BUF-COUNT-2: linalg.copy
func.func @argument(%a: tensor<3xf32>, %b: tensor<4xf32>) -> tensor<7xf32> {
  %cat = tensor.concat dim(0) %a, %b : (tensor<3xf32>, tensor<4xf32>) -> tensor<7xf32>
  return %cat : tensor<7xf32>
}

// -----

// Two operands from one op (as batch norm's gamma and beta gradients): the
// first is built in its slice; the second's destination is needed before
// the first is inserted, so it keeps its own buffer and is inserted at the
// end.
// CHECK-LABEL: func.func @two_results
// CHECK: %[[FLAT:.*]] = tensor.empty() : tensor<8xf32>
// CHECK: %[[S0:.*]] = tensor.extract_slice %[[FLAT]][0] [4] [1]
// CHECK: %[[R:.*]]:2 = linalg.generic {{.*}} outs(%[[S0]], %{{.*}} : tensor<4xf32>, tensor<4xf32>)
// CHECK: %[[I0:.*]] = tensor.insert_slice %[[R]]#0 into %[[FLAT]][0] [4] [1]
// CHECK: %[[I1:.*]] = tensor.insert_slice %[[R]]#1 into %[[I0]][4] [4] [1]
// CHECK: return %[[I1]]
#id1 = affine_map<(i) -> (i)>
func.func @two_results(%y: tensor<4xf32>) -> tensor<8xf32> {
  %e0 = tensor.empty() : tensor<4xf32>
  %e1 = tensor.empty() : tensor<4xf32>
  %r:2 = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%y : tensor<4xf32>) outs(%e0, %e1 : tensor<4xf32>, tensor<4xf32>) {
    ^bb0(%a: f32, %o0: f32, %o1: f32):
      %m = arith.mulf %a, %a : f32
      linalg.yield %a, %m : f32, f32
  } -> (tensor<4xf32>, tensor<4xf32>)
  %cat = tensor.concat dim(0) %r#0, %r#1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  return %cat : tensor<8xf32>
}
