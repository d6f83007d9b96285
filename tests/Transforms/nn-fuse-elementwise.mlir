// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(nn-fuse-elementwise))' | FileCheck %s

#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>

// An element-wise chain is fused: each element is read once.
// CHECK-LABEL: func.func @chain
// CHECK: linalg.generic
// CHECK: arith.subf
// CHECK: arith.maximumf
// CHECK-NOT: linalg.generic
func.func @chain(%x: tensor<2x4x4x8xf32>, %m: tensor<8xf32>) -> tensor<2x4x4x8xf32> {
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %zero = arith.constant 0.0 : f32
  %a = linalg.generic {indexing_maps = [#id4, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %m : tensor<2x4x4x8xf32>, tensor<8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %mean: f32, %out: f32):
    %0 = arith.subf %in, %mean : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %b = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a : tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %in, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  return %b : tensor<2x4x4x8xf32>
}

// -----

#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>

// A 3x3 weight gradient reads its output gradient once per kernel tap: the
// producer (with its square root and division) is not fused into it, where
// it would be recomputed nine times per element.
// CHECK-LABEL: func.func @weight_grad
// CHECK: linalg.generic
// CHECK: math.sqrt
// CHECK: linalg.yield
// CHECK: linalg.generic
// CHECK-NOT: math.sqrt
// CHECK: return
func.func @weight_grad(%x: tensor<2x6x6x1xf32>, %dy: tensor<2x4x4x8xf32>, %v: tensor<8xf32>) -> tensor<3x3x1x8xf32> {
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %g = linalg.generic {indexing_maps = [#id4, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%dy, %v : tensor<2x4x4x8xf32>, tensor<8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%d: f32, %var: f32, %out: f32):
    %0 = math.sqrt %var : f32
    %1 = arith.divf %d, %0 : f32
    linalg.yield %1 : f32
  } -> tensor<2x4x4x8xf32>
  %zero = arith.constant 0.0 : f32
  %we = tensor.empty() : tensor<3x3x1x8xf32>
  %wz = linalg.fill ins(%zero : f32) outs(%we : tensor<3x3x1x8xf32>) -> tensor<3x3x1x8xf32>
  %w = linalg.generic {indexing_maps = [affine_map<(kh, kw, c, f, n, oh, ow) -> (n, oh + kh, ow + kw, c)>,
                                        affine_map<(kh, kw, c, f, n, oh, ow) -> (n, oh, ow, f)>,
                                        affine_map<(kh, kw, c, f, n, oh, ow) -> (kh, kw, c, f)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %g : tensor<2x6x6x1xf32>, tensor<2x4x4x8xf32>) outs(%wz : tensor<3x3x1x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %0 = arith.mulf %a, %b : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  } -> tensor<3x3x1x8xf32>
  return %w : tensor<3x3x1x8xf32>
}

// -----

// A relu before global average pooling's linalg.reduce: the reduction becomes
// a linalg.generic (what the fusion patterns take) and the relu is applied
// to each element as the sum reads it; no full-size relu output remains.
// CHECK-LABEL: func.func @relu_then_reduce
// CHECK-NOT: linalg.reduce
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "reduction", "parallel"]
// CHECK-SAME: ins(%arg0 : tensor<2x4x4x8xf32>)
// CHECK: arith.maximumf
// CHECK-NEXT: arith.addf
// CHECK-NOT: linalg.generic
func.func @relu_then_reduce(%x: tensor<2x4x4x8xf32>) -> tensor<2x8xf32> {
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %in, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %s0 = tensor.empty() : tensor<2x8xf32>
  %s = linalg.fill ins(%zero : f32) outs(%s0 : tensor<2x8xf32>) -> tensor<2x8xf32>
  %sum = linalg.reduce ins(%r : tensor<2x4x4x8xf32>) outs(%s : tensor<2x8xf32>) dimensions = [1, 2]
    (%in: f32, %acc: f32) {
      %0 = arith.addf %in, %acc : f32
      linalg.yield %0 : f32
    }
  return %sum : tensor<2x8xf32>
}

// -----

// A producer read by two consumers (a relu gradient feeding both passes of
// batch norm's backward) is copied into each when that moves less memory:
// it reads one tensor of its size (the other input is per-channel), which
// each consumer then reads instead of the stored result, never written.
// CHECK-LABEL: func.func @two_readers
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<2x4x4x8xf32>, %[[G:[a-z0-9_]+]]: tensor<8xf32>)
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "reduction", "reduction", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[G]] :
// CHECK: arith.cmpf ogt
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[G]] :
// CHECK: arith.cmpf ogt
// CHECK-NOT: linalg.generic
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>
func.func @two_readers(%x: tensor<2x4x4x8xf32>, %g: tensor<8xf32>) -> (tensor<8xf32>, tensor<2x4x4x8xf32>) {
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %zero = arith.constant 0.0 : f32
  %dy = linalg.generic {indexing_maps = [#id4, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %g : tensor<2x4x4x8xf32>, tensor<8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %grad: f32, %out: f32):
    %pos = arith.cmpf ogt, %in, %zero : f32
    %0 = arith.select %pos, %grad, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %s0 = tensor.empty() : tensor<8xf32>
  %s = linalg.fill ins(%zero : f32) outs(%s0 : tensor<8xf32>) -> tensor<8xf32>
  %sum = linalg.generic {indexing_maps = [#id4, #ch], iterator_types = ["reduction", "reduction", "reduction", "parallel"]}
      ins(%dy : tensor<2x4x4x8xf32>) outs(%s : tensor<8xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %0 = arith.addf %in, %acc : f32
    linalg.yield %0 : f32
  } -> tensor<8xf32>
  %scaled = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%dy : tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.mulf %in, %in : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  return %sum, %scaled : tensor<8xf32>, tensor<2x4x4x8xf32>
}

// -----

// Two tensors of its size in, two readers: copied into both, the producer's
// inputs are read twice (4 tensors moved), stored they are read once, the
// result written and read twice (5): copied.
// CHECK-LABEL: func.func @two_inputs_two_readers
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<2x4x4x8xf32>, %[[Y:[a-z0-9_]+]]: tensor<2x4x4x8xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[X]], %[[Y]] :
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: linalg.generic {{.*}} ins(%[[X]], %[[Y]] :
// CHECK: arith.subf
// CHECK: arith.addf
// CHECK-NOT: linalg.generic
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
func.func @two_inputs_two_readers(%x: tensor<2x4x4x8xf32>, %y: tensor<2x4x4x8xf32>) -> (tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) {
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %d = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %y : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %0 = arith.subf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %p = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%d : tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.mulf %in, %in : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %q = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%d : tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %in : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  return %p, %q : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>
}

// -----

// Three readers that read neither input: copied, 6 tensors moved; stored,
// 6 too: the producer stays.
// CHECK-LABEL: func.func @two_inputs_three_readers
// CHECK: %[[P:.*]] = linalg.generic
// CHECK: arith.subf
// CHECK: linalg.generic {{.*}} ins(%[[P]] :
// CHECK: linalg.generic {{.*}} ins(%[[P]] :
// CHECK: linalg.generic {{.*}} ins(%[[P]] :
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
func.func @two_inputs_three_readers(%x: tensor<2x4x4x8xf32>, %y: tensor<2x4x4x8xf32>) -> (tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) {
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %d = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %y : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %0 = arith.subf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %p = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%d : tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.mulf %in, %in : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %q = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%d : tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %in : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%d : tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.divf %in, %in : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  return %p, %q, %r : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>
}

// -----

// The ResNet block's residual sum (the convolution's batch norm plus the
// block's input) has three readers, two of which read the convolution
// already: copied, 4 tensors moved (the input twice, both for the third);
// stored, 6. Copied into all three.
// CHECK-LABEL: func.func @residual_three_readers
// CHECK-SAME: (%[[C:[a-z0-9_]+]]: tensor<2x4x4x8xf32>, %[[X:[a-z0-9_]+]]: tensor<2x4x4x8xf32>)
// CHECK-COUNT-3: linalg.generic {{.*}}ins(%[[C]], %[[X]]
// CHECK-NOT: linalg.generic
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
func.func @residual_three_readers(%conv: tensor<2x4x4x8xf32>, %x: tensor<2x4x4x8xf32>) -> (tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) {
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %sum = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %x : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %0 = arith.addf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %p = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %sum : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%c: f32, %s: f32, %out: f32):
    %0 = arith.mulf %c, %s : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %q = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %sum : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%c: f32, %s: f32, %out: f32):
    %0 = arith.subf %c, %s : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%sum : tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%s: f32, %out: f32):
    %0 = arith.maximumf %s, %s : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  return %p, %q, %r : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>
}

// -----

#id2 = affine_map<(i, j) -> (i, j)>

// A producer with two readers is copied into both only while its body is
// small (at most 8 operations): a fused chain (here 8 relus and the yield)
// would be recomputed in full by every reader -- n relus copied into their
// n gradients made a deep chain quadratic to run and cubic to compile.
// CHECK-LABEL: func.func @big_producer_kept
// CHECK-COUNT-3: linalg.generic
// CHECK-NOT: linalg.generic
func.func @big_producer_kept(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %zero = arith.constant 0.0 : f32
  %p = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%0: f32, %out: f32):
    %1 = arith.maximumf %0, %zero : f32
    %2 = arith.maximumf %1, %zero : f32
    %3 = arith.maximumf %2, %zero : f32
    %4 = arith.maximumf %3, %zero : f32
    %5 = arith.maximumf %4, %zero : f32
    %6 = arith.maximumf %5, %zero : f32
    %7 = arith.maximumf %6, %zero : f32
    %8 = arith.maximumf %7, %zero : f32
    linalg.yield %8 : f32
  } -> tensor<4x8xf32>
  %a = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.negf %in : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  %b = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %in : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  return %a, %b : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Index arithmetic on outer loops' indices does not count toward that size:
// it is the same across a vector. A max-pool gradient (dy where the
// window's winner is the element's own tap; 11 operations, 3 on elements)
// reads two pooled-size tensors and is copied into both passes of batch
// norm's backward: its full-size result is never stored.
// CHECK-LABEL: func.func @pool_grad_two_readers
// CHECK-SAME: (%[[DY:[a-z0-9_]+]]: tensor<2x2x2x8xf32>, %[[WIN:[a-z0-9_]+]]: tensor<2x2x2x8xf32>, %[[X:[a-z0-9_]+]]: tensor<2x4x4x8xf32>)
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "reduction", "reduction", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[DY]], %[[WIN]] :
// CHECK: arith.remui
// CHECK: arith.cmpf oeq
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[DY]], %[[WIN]] :
// CHECK: arith.cmpf oeq
// CHECK-NOT: linalg.generic
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
#win = affine_map<(n, h, w, c) -> (n, h floordiv 2, w floordiv 2, c)>
#ch = affine_map<(n, h, w, c) -> (c)>
func.func @pool_grad_two_readers(%dy: tensor<2x2x2x8xf32>, %winner: tensor<2x2x2x8xf32>, %x: tensor<2x4x4x8xf32>) -> (tensor<8xf32>, tensor<2x4x4x8xf32>) {
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %zero = arith.constant 0.0 : f32
  %c2 = arith.constant 2 : index
  %dx = linalg.generic {indexing_maps = [#win, #win, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%dy, %winner : tensor<2x2x2x8xf32>, tensor<2x2x2x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%g: f32, %w: f32, %out: f32):
    %h = linalg.index 1 : index
    %a = arith.remui %h, %c2 : index
    %wi = linalg.index 2 : index
    %b = arith.remui %wi, %c2 : index
    %row = arith.muli %a, %c2 : index
    %tap = arith.addi %row, %b : index
    %t32 = arith.index_cast %tap : index to i32
    %tf = arith.uitofp %t32 : i32 to f32
    %won = arith.cmpf oeq, %w, %tf : f32
    %0 = arith.select %won, %g, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %s0 = tensor.empty() : tensor<8xf32>
  %s = linalg.fill ins(%zero : f32) outs(%s0 : tensor<8xf32>) -> tensor<8xf32>
  %sum = linalg.generic {indexing_maps = [#id4, #id4, #ch], iterator_types = ["reduction", "reduction", "reduction", "parallel"]}
      ins(%x, %dx : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) outs(%s : tensor<8xf32>) {
  ^bb0(%in: f32, %d: f32, %acc: f32):
    %0 = arith.mulf %in, %d : f32
    %1 = arith.addf %0, %acc : f32
    linalg.yield %1 : f32
  } -> tensor<8xf32>
  %scaled = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %dx : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %d: f32, %out: f32):
    %0 = arith.mulf %in, %d : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  return %sum, %scaled : tensor<8xf32>, tensor<2x4x4x8xf32>
}

// -----

// Index arithmetic on the innermost loop's index varies across a vector (a
// dropout mask's hash): it counts, and this producer (9 such operations) is
// too big to copy into its two readers.
// CHECK-LABEL: func.func @inner_index_kept
// CHECK: %[[P:.*]] = linalg.generic
// CHECK: linalg.index 3
// CHECK: linalg.generic {{.*}} ins(%[[P]] :
// CHECK: linalg.generic {{.*}} ins(%[[P]] :
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
func.func @inner_index_kept(%x: tensor<2x4x4x8xf32>) -> (tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) {
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %zero = arith.constant 0.0 : f32
  %two = arith.constant 2.0 : f32
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c7 = arith.constant 7 : index
  %p = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 3 : index
    %t1 = arith.muli %i, %c7 : index
    %t2 = arith.addi %t1, %c3 : index
    %t3 = arith.remui %t2, %c5 : index
    %t4 = arith.index_cast %t3 : index to i32
    %t5 = arith.uitofp %t4 : i32 to f32
    %keep = arith.cmpf ogt, %t5, %two : f32
    %0 = arith.select %keep, %in, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %a = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%p : tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.negf %in : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %b = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%p : tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %in : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  return %a, %b : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>
}

// -----

// Copying pays only if every reader takes the copy: here the second
// reader's body is too big to take it (kMaxFusedOps), so the producer stays
// for both (the first alone would then read both inputs besides).
// CHECK-LABEL: func.func @copy_refused_by_one
// CHECK: %[[P:.*]] = linalg.generic
// CHECK: arith.subf
// CHECK: linalg.generic {{.*}} ins(%[[P]] :
// CHECK: linalg.generic {{.*}} ins(%[[P]] :
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
func.func @copy_refused_by_one(%x: tensor<2x4x4x8xf32>, %y: tensor<2x4x4x8xf32>) -> (tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) {
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %d = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %y : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %0 = arith.subf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %p = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%d : tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.mulf %in, %in : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %q = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%d : tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v0 = arith.addf %in, %in : f32
    %v1 = arith.addf %v0, %in : f32
    %v2 = arith.addf %v1, %in : f32
    %v3 = arith.addf %v2, %in : f32
    %v4 = arith.addf %v3, %in : f32
    %v5 = arith.addf %v4, %in : f32
    %v6 = arith.addf %v5, %in : f32
    %v7 = arith.addf %v6, %in : f32
    %v8 = arith.addf %v7, %in : f32
    %v9 = arith.addf %v8, %in : f32
    %v10 = arith.addf %v9, %in : f32
    %v11 = arith.addf %v10, %in : f32
    %v12 = arith.addf %v11, %in : f32
    %v13 = arith.addf %v12, %in : f32
    %v14 = arith.addf %v13, %in : f32
    %v15 = arith.addf %v14, %in : f32
    %v16 = arith.addf %v15, %in : f32
    %v17 = arith.addf %v16, %in : f32
    %v18 = arith.addf %v17, %in : f32
    %v19 = arith.addf %v18, %in : f32
    %v20 = arith.addf %v19, %in : f32
    %v21 = arith.addf %v20, %in : f32
    %v22 = arith.addf %v21, %in : f32
    %v23 = arith.addf %v22, %in : f32
    %v24 = arith.addf %v23, %in : f32
    %v25 = arith.addf %v24, %in : f32
    %v26 = arith.addf %v25, %in : f32
    %v27 = arith.addf %v26, %in : f32
    %v28 = arith.addf %v27, %in : f32
    %v29 = arith.addf %v28, %in : f32
    %v30 = arith.addf %v29, %in : f32
    %v31 = arith.addf %v30, %in : f32
    %v32 = arith.addf %v31, %in : f32
    %v33 = arith.addf %v32, %in : f32
    %v34 = arith.addf %v33, %in : f32
    %v35 = arith.addf %v34, %in : f32
    %v36 = arith.addf %v35, %in : f32
    %v37 = arith.addf %v36, %in : f32
    %v38 = arith.addf %v37, %in : f32
    %v39 = arith.addf %v38, %in : f32
    %v40 = arith.addf %v39, %in : f32
    %v41 = arith.addf %v40, %in : f32
    %v42 = arith.addf %v41, %in : f32
    %v43 = arith.addf %v42, %in : f32
    %v44 = arith.addf %v43, %in : f32
    %v45 = arith.addf %v44, %in : f32
    %v46 = arith.addf %v45, %in : f32
    %v47 = arith.addf %v46, %in : f32
    %v48 = arith.addf %v47, %in : f32
    %v49 = arith.addf %v48, %in : f32
    %v50 = arith.addf %v49, %in : f32
    %v51 = arith.addf %v50, %in : f32
    %v52 = arith.addf %v51, %in : f32
    %v53 = arith.addf %v52, %in : f32
    %v54 = arith.addf %v53, %in : f32
    %v55 = arith.addf %v54, %in : f32
    %v56 = arith.addf %v55, %in : f32
    %v57 = arith.addf %v56, %in : f32
    %v58 = arith.addf %v57, %in : f32
    %v59 = arith.addf %v58, %in : f32
    %v60 = arith.addf %v59, %in : f32
    %v61 = arith.addf %v60, %in : f32
    %v62 = arith.addf %v61, %in : f32
    linalg.yield %v62 : f32
  } -> tensor<2x4x4x8xf32>
  return %p, %q : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>
}

// -----

// Batch norm's output read by a 2x2 stride-2 max pool (a named op, made a
// linalg.generic here) and by its gradient's window winners (four taps, each
// a strided map): every reader reads each element once (disjoint windows),
// so the normalization is applied as they read the convolution's output,
// and the normalized tensor is never stored.
// CHECK-LABEL: func.func @into_pool_and_taps
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<2x4x4x8xf32>, %[[M:[a-z0-9_]+]]: tensor<8xf32>)
// CHECK-NOT: linalg.pooling_nhwc_max
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: ins(%[[X]], %[[M]], %{{.*}} :
// CHECK: arith.subf
// CHECK-NEXT: arith.maximumf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[M]], %[[X]], %[[X]], %[[X]] :
// CHECK-COUNT-4: arith.subf
// CHECK-NOT: linalg.generic
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>
#tap00 = affine_map<(n, h, w, c) -> (n, h * 2, w * 2, c)>
#tap01 = affine_map<(n, h, w, c) -> (n, h * 2, w * 2 + 1, c)>
#tap10 = affine_map<(n, h, w, c) -> (n, h * 2 + 1, w * 2, c)>
#tap11 = affine_map<(n, h, w, c) -> (n, h * 2 + 1, w * 2 + 1, c)>
func.func @into_pool_and_taps(%x: tensor<2x4x4x8xf32>, %mean: tensor<8xf32>) -> (tensor<2x2x2x8xf32>, tensor<2x2x2x8xf32>) {
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %bn = linalg.generic {indexing_maps = [#id4, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %mean : tensor<2x4x4x8xf32>, tensor<8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %0 = arith.subf %in, %m : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %p0 = tensor.empty() : tensor<2x2x2x8xf32>
  %p = linalg.fill ins(%ninf : f32) outs(%p0 : tensor<2x2x2x8xf32>) -> tensor<2x2x2x8xf32>
  %window = tensor.empty() : tensor<2x2xf32>
  %pool = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%bn, %window : tensor<2x4x4x8xf32>, tensor<2x2xf32>) outs(%p : tensor<2x2x2x8xf32>) -> tensor<2x2x2x8xf32>
  %best = linalg.generic {indexing_maps = [#tap00, #tap01, #tap10, #tap11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bn, %bn, %bn, %bn : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) outs(%p0 : tensor<2x2x2x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32, %d: f32, %out: f32):
    %0 = arith.minimumf %a, %b : f32
    %1 = arith.minimumf %c, %d : f32
    %2 = arith.minimumf %0, %1 : f32
    linalg.yield %2 : f32
  } -> tensor<2x2x2x8xf32>
  return %pool, %best : tensor<2x2x2x8xf32>, tensor<2x2x2x8xf32>
}

// -----

// A 3x3 window with stride 2 overlaps its neighbours: the pool would read
// (and compute) the border elements twice. The producer stays.
// CHECK-LABEL: func.func @overlapping_pool_kept
// CHECK: %[[BN:.*]] = linalg.generic
// CHECK: linalg.generic {{.*}} ins(%[[BN]], %{{.*}} :
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>
func.func @overlapping_pool_kept(%x: tensor<2x5x5x8xf32>, %mean: tensor<8xf32>) -> tensor<2x2x2x8xf32> {
  %e = tensor.empty() : tensor<2x5x5x8xf32>
  %bn = linalg.generic {indexing_maps = [#id4, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %mean : tensor<2x5x5x8xf32>, tensor<8xf32>) outs(%e : tensor<2x5x5x8xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %0 = arith.subf %in, %m : f32
    linalg.yield %0 : f32
  } -> tensor<2x5x5x8xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %p0 = tensor.empty() : tensor<2x2x2x8xf32>
  %p = linalg.fill ins(%ninf : f32) outs(%p0 : tensor<2x2x2x8xf32>) -> tensor<2x2x2x8xf32>
  %window = tensor.empty() : tensor<3x3xf32>
  %pool = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%bn, %window : tensor<2x5x5x8xf32>, tensor<3x3xf32>) outs(%p : tensor<2x2x2x8xf32>) -> tensor<2x2x2x8xf32>
  return %pool : tensor<2x2x2x8xf32>
}

// -----

// A map that leaves out a loop reads each element once per step of that
// loop (a per-channel vector read at every pixel): not a reader that reads
// once, whatever its other results.
// CHECK-LABEL: func.func @broadcast_read_kept
// CHECK: %[[V:.*]] = linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK: linalg.generic {{.*}} ins(%arg1, %[[V]] :
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>
func.func @broadcast_read_kept(%v: tensor<8xf32>, %x: tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32> {
  %e1 = tensor.empty() : tensor<8xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(c) -> (c)>, affine_map<(c) -> (c)>], iterator_types = ["parallel"]}
      ins(%v : tensor<8xf32>) outs(%e1 : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = math.sqrt %in : f32
    linalg.yield %0 : f32
  } -> tensor<8xf32>
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %y = linalg.generic {indexing_maps = [#id4, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %s : tensor<2x4x4x8xf32>, tensor<8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %r: f32, %out: f32):
    %0 = arith.divf %in, %r : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  return %y : tensor<2x4x4x8xf32>
}

// -----

// A convolution written as a generic (depthwise, 2x2 stride 2) reads its
// input through a disjoint window too, but it is a contraction: fused, its
// body would no longer be the multiply-add the code generator's kernels
// take. The producer stays.
// CHECK-LABEL: func.func @into_contraction_kept
// CHECK: %[[BN:.*]] = linalg.generic
// CHECK: linalg.generic {{.*}} ins(%[[BN]], %arg2 :
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>
func.func @into_contraction_kept(%x: tensor<2x4x4x8xf32>, %mean: tensor<8xf32>, %k: tensor<2x2x8xf32>) -> tensor<2x2x2x8xf32> {
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %bn = linalg.generic {indexing_maps = [#id4, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %mean : tensor<2x4x4x8xf32>, tensor<8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %0 = arith.subf %in, %m : f32
    linalg.yield %0 : f32
  } -> tensor<2x4x4x8xf32>
  %zero = arith.constant 0.0 : f32
  %o0 = tensor.empty() : tensor<2x2x2x8xf32>
  %o = linalg.fill ins(%zero : f32) outs(%o0 : tensor<2x2x2x8xf32>) -> tensor<2x2x2x8xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(n, i, j, c, a, b) -> (n, i * 2 + a, j * 2 + b, c)>, affine_map<(n, i, j, c, a, b) -> (a, b, c)>, affine_map<(n, i, j, c, a, b) -> (n, i, j, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%bn, %k : tensor<2x4x4x8xf32>, tensor<2x2x8xf32>) outs(%o : tensor<2x2x2x8xf32>) {
  ^bb0(%in: f32, %w: f32, %acc: f32):
    %0 = arith.mulf %in, %w : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  } -> tensor<2x2x2x8xf32>
  return %y : tensor<2x2x2x8xf32>
}
