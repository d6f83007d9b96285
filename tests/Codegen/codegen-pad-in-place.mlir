// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-pad-in-place))' | FileCheck %s
// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-pad-in-place),one-shot-bufferize{bufferize-function-boundaries},func.func(codegen-copies-to-linalg))' | FileCheck %s --check-prefix=BUF

// A relu feeding a convolution's padded input: the padded tensor's border
// (a slab before and after the interior along H and W; the batch is not
// padded) is filled, and the relu is computed in its interior slice and
// inserted right after. Bufferized, the insertion is a copy of a view onto
// itself, which codegen-copies-to-linalg erases: the relu writes the padded
// buffer and nothing is copied. The relu's other reader (here the return)
// reads the interior of the padded tensor.
// CHECK-LABEL: func.func @relu_then_pad
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x4x4x8xf32>)
// CHECK: %[[N:dim[a-z0-9_]*]] = tensor.dim %[[X]], %c0
// CHECK: %[[PB:.*]] = tensor.empty(%[[N]]) : tensor<?x6x6x8xf32>
// CHECK: %[[TOP:.*]] = tensor.extract_slice %[[PB]][0, 0, 0, 0] [%[[N]], 1, 6, 8] [1, 1, 1, 1]
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[TOP]] : tensor<?x1x6x8xf32>)
// CHECK: tensor.extract_slice %{{.*}}[0, 5, 0, 0] [%[[N]], 1, 6, 8]
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 0] [%[[N]], 6, 1, 8]
// CHECK: %[[LAST:.*]] = tensor.insert_slice %{{.*}}[0, 0, 5, 0] [%[[N]], 6, 1, 8]
// CHECK: %[[IN:.*]] = tensor.extract_slice %[[LAST]][0, 1, 1, 0] [%[[N]], 4, 4, 8] [1, 1, 1, 1]
// CHECK: %[[R:.*]] = linalg.generic {{.*}} outs(%[[IN]] : tensor<?x4x4x8xf32>)
// CHECK: %[[P:.*]] = tensor.insert_slice %[[R]] into %[[LAST]][0, 1, 1, 0] [%[[N]], 4, 4, 8] [1, 1, 1, 1]
// CHECK: %[[I:.*]] = tensor.extract_slice %[[P]][0, 1, 1, 0] [%[[N]], 4, 4, 8] [1, 1, 1, 1]
// CHECK-NOT: tensor.pad
// CHECK: return %[[P]], %[[I]]
// BUF-LABEL: func.func @relu_then_pad
// BUF-NOT: copy
// BUF: return
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
func.func @relu_then_pad(%x: tensor<?x4x4x8xf32>) -> (tensor<?x6x6x8xf32>, tensor<?x4x4x8xf32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4x4x8xf32>
  %e = tensor.empty(%n) : tensor<?x4x4x8xf32>
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<?x4x4x8xf32>) outs(%e : tensor<?x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x4x4x8xf32>
  %pad = arith.constant 0.0 : f32
  %p = tensor.pad %r low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %pad : f32
  } : tensor<?x4x4x8xf32> to tensor<?x6x6x8xf32>
  return %p, %r : tensor<?x6x6x8xf32>, tensor<?x4x4x8xf32>
}

// -----

// The relu's output is read again after the convolution (its gradient from
// its output, in a train step). Read from the padded tensor's interior, not
// from the relu's own result (which, read after the insert wrote the padded
// buffer, one-shot bufferization would give a buffer of its own and copy
// in), nothing is copied.
// CHECK-LABEL: func.func @read_after_conv
// CHECK: %[[R:.*]] = linalg.generic
// CHECK: %[[P:.*]] = tensor.insert_slice %[[R]] into
// CHECK: %[[I:.*]] = tensor.extract_slice %[[P]][0, 1, 1, 0] [%{{.*}}, 4, 4, 8] [1, 1, 1, 1]
// CHECK: %[[C:.*]] = linalg.generic {{.*}} ins(%[[P]], %{{.*}} : tensor<?x6x6x8xf32>, tensor<3x3xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[I]], %[[C]] :
// BUF-LABEL: func.func @read_after_conv
// BUF-NOT: copy
// BUF: return
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#win = affine_map<(n, h, w, c, a, b) -> (n, h + a, w + b, c)>
#taps = affine_map<(n, h, w, c, a, b) -> (a, b)>
#out = affine_map<(n, h, w, c, a, b) -> (n, h, w, c)>
func.func @read_after_conv(%x: tensor<?x4x4x8xf32>) -> tensor<?x4x4x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4x4x8xf32>
  %e = tensor.empty(%n) : tensor<?x4x4x8xf32>
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<?x4x4x8xf32>) outs(%e : tensor<?x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x4x4x8xf32>
  %p = tensor.pad %r low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x4x4x8xf32> to tensor<?x6x6x8xf32>
  %w = tensor.empty() : tensor<3x3xf32>
  %ce = tensor.empty(%n) : tensor<?x4x4x8xf32>
  %c0s = linalg.fill ins(%zero : f32) outs(%ce : tensor<?x4x4x8xf32>) -> tensor<?x4x4x8xf32>
  %c = linalg.generic {indexing_maps = [#win, #taps, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%p, %w : tensor<?x6x6x8xf32>, tensor<3x3xf32>) outs(%c0s : tensor<?x4x4x8xf32>) {
  ^bb0(%in: f32, %tap: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  } -> tensor<?x4x4x8xf32>
  %ge = tensor.empty(%n) : tensor<?x4x4x8xf32>
  %g = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%r, %c : tensor<?x4x4x8xf32>, tensor<?x4x4x8xf32>) outs(%ge : tensor<?x4x4x8xf32>) {
  ^bb0(%y: f32, %d: f32, %out: f32):
    %pos = arith.cmpf ogt, %y, %zero : f32
    %v = arith.select %pos, %d, %zero : f32
    linalg.yield %v : f32
  } -> tensor<?x4x4x8xf32>
  return %g : tensor<?x4x4x8xf32>
}

// -----

// One value padded twice (a convolution's input for its forward pass, and
// with one more row at the bottom for its filter gradient's whole tiles):
// one pad by the largest amounts, written in place by the relu, and each
// reader a slice of it (the border holds zeros either way). Bufferized,
// nothing is copied; two pads would copy the first's interior into the
// second's buffer.
// CHECK-LABEL: func.func @padded_twice
// CHECK-NOT: tensor.pad
// CHECK-NOT: tensor.empty{{.*}} : tensor<?x6x6x8xf32>
// CHECK: %[[PB:.*]] = tensor.empty(%{{.*}}) : tensor<?x7x6x8xf32>
// CHECK-NOT: tensor.empty
// CHECK: %[[R:.*]] = linalg.generic
// CHECK: %[[P:.*]] = tensor.insert_slice %[[R]] into %{{.*}}[0, 1, 1, 0] [%{{.*}}, 4, 4, 8] [1, 1, 1, 1] : tensor<?x4x4x8xf32> into tensor<?x7x6x8xf32>
// CHECK-DAG: %[[A:.*]] = tensor.extract_slice %[[P]][0, 0, 0, 0] [%{{.*}}, 6, 6, 8] [1, 1, 1, 1] : tensor<?x7x6x8xf32> to tensor<?x6x6x8xf32>
// CHECK-DAG: %[[B:.*]] = tensor.extract_slice %[[P]][0, 0, 0, 0] [%{{.*}}, 7, 6, 8] [1, 1, 1, 1] : tensor<?x7x6x8xf32> to tensor<?x7x6x8xf32>
// CHECK-NOT: tensor.pad
// CHECK: return %[[A]], %[[B]]
// BUF-LABEL: func.func @padded_twice
// BUF-NOT: copy
// BUF: return
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
func.func @padded_twice(%x: tensor<?x4x4x8xf32>) -> (tensor<?x6x6x8xf32>, tensor<?x7x6x8xf32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4x4x8xf32>
  %e = tensor.empty(%n) : tensor<?x4x4x8xf32>
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<?x4x4x8xf32>) outs(%e : tensor<?x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x4x4x8xf32>
  %p = tensor.pad %r low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x4x4x8xf32> to tensor<?x6x6x8xf32>
  %q = tensor.pad %r low[0, 1, 1, 0] high[0, 2, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x4x4x8xf32> to tensor<?x7x6x8xf32>
  return %p, %q : tensor<?x6x6x8xf32>, tensor<?x7x6x8xf32>
}

// -----

// Different low pads: the merged pad takes the largest of each side, and a
// pad with less padding before is a slice at an offset (1 row and column in).
// CHECK-LABEL: func.func @different_lows
// CHECK: tensor.empty(%{{.*}}) : tensor<?x7x7x8xf32>
// CHECK-DAG: tensor.extract_slice %[[P:.*]][0, 0, 0, 0] [%{{.*}}, 6, 6, 8] [1, 1, 1, 1] : tensor<?x7x7x8xf32> to tensor<?x6x6x8xf32>
// CHECK-DAG: tensor.extract_slice %[[P]][0, 1, 1, 0] [%{{.*}}, 6, 6, 8] [1, 1, 1, 1] : tensor<?x7x7x8xf32> to tensor<?x6x6x8xf32>
// CHECK-NOT: tensor.pad
func.func @different_lows(%x: tensor<?x4x4x8xf32>) -> (tensor<?x6x6x8xf32>, tensor<?x6x6x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x4x4x8xf32> to tensor<?x6x6x8xf32>
  %q = tensor.pad %x low[0, 0, 0, 0] high[0, 2, 2, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x4x4x8xf32> to tensor<?x6x6x8xf32>
  return %p, %q : tensor<?x6x6x8xf32>, tensor<?x6x6x8xf32>
}

// -----

// Pads in other blocks (here a branch of an scf.if) are not merged with
// these: two pads, two buffers.
// CHECK-LABEL: func.func @other_block
// CHECK: tensor.empty(%{{.*}}) : tensor<?x6x6x8xf32>
// CHECK: scf.if
// CHECK: tensor.empty(%{{.*}}) : tensor<?x7x6x8xf32>
func.func @other_block(%x: tensor<?x4x4x8xf32>, %c: i1) -> (tensor<?x6x6x8xf32>, tensor<?x7x6x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x4x4x8xf32> to tensor<?x6x6x8xf32>
  %r = scf.if %c -> tensor<?x7x6x8xf32> {
    %q = tensor.pad %x low[0, 1, 1, 0] high[0, 2, 1, 0] {
    ^bb0(%i: index, %j: index, %k: index, %l: index):
      tensor.yield %zero : f32
    } : tensor<?x4x4x8xf32> to tensor<?x7x6x8xf32>
    scf.yield %q : tensor<?x7x6x8xf32>
  } else {
    %q = tensor.pad %x low[0, 2, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%i: index, %j: index, %k: index, %l: index):
      tensor.yield %zero : f32
    } : tensor<?x4x4x8xf32> to tensor<?x7x6x8xf32>
    scf.yield %q : tensor<?x7x6x8xf32>
  }
  return %p, %r : tensor<?x6x6x8xf32>, tensor<?x7x6x8xf32>
}

// -----

// The same value padded with two constants: two pads (their borders
// differ).
// CHECK-LABEL: func.func @two_constants
// CHECK: tensor.empty(%{{.*}}) : tensor<?x6x6x8xf32>
// CHECK: tensor.empty(%{{.*}}) : tensor<?x6x6x8xf32>
func.func @two_constants(%x: tensor<?x4x4x8xf32>) -> (tensor<?x6x6x8xf32>, tensor<?x6x6x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x4x4x8xf32> to tensor<?x6x6x8xf32>
  %q = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %one : f32
  } : tensor<?x4x4x8xf32> to tensor<?x6x6x8xf32>
  return %p, %q : tensor<?x6x6x8xf32>, tensor<?x6x6x8xf32>
}

// -----

// A function argument has no producer to write in place: it is copied into
// the interior (one insert_slice, one copy once bufferized), and still only
// the border is filled.
// CHECK-LABEL: func.func @argument
// CHECK-SAME: (%[[A:[a-z0-9_]+]]: tensor<?x4x4x8xf32>)
// CHECK-COUNT-4: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x{{[16]}}x{{[16]}}x8xf32>)
// CHECK: %[[P:.*]] = tensor.insert_slice %[[A]] into %{{.*}}[0, 1, 1, 0] [%{{.*}}, 4, 4, 8] [1, 1, 1, 1]
// CHECK-NOT: tensor.pad
// CHECK: return %[[P]]
// BUF-LABEL: func.func @argument
// BUF-COUNT-4: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : memref<?x{{[16]}}x{{[16]}}x8xf32
// BUF: linalg.copy ins(%arg0
// BUF-NOT: copy
// BUF: return
func.func @argument(%x: tensor<?x4x4x8xf32>) -> tensor<?x6x6x8xf32> {
  %pad = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %pad : f32
  } : tensor<?x4x4x8xf32> to tensor<?x6x6x8xf32>
  return %p : tensor<?x6x6x8xf32>
}
