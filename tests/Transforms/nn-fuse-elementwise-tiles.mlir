// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(nn-fuse-elementwise))' | FileCheck %s

// Winograd F(2x2, 3x3)'s output: 2x2 tiles (dim 3), copied into rows and
// collapsed. A 2x2 stride-2 max pool, the only reader, reads each tile
// where it is: the copy and the collapse are gone, and the batch size of
// the pool's destination comes from the copy's destination.
#tile = affine_map<(n, i, a, j, b, c) -> (n, i, j, a * 2 + b, c)>
#id6 = affine_map<(n, i, a, j, b, c) -> (n, i, a, j, b, c)>
#win = affine_map<(n, i, j, c, a, b) -> (n, i * 2 + a, j * 2 + b, c)>
#taps = affine_map<(n, i, j, c, a, b) -> (a, b)>
#out = affine_map<(n, i, j, c, a, b) -> (n, i, j, c)>
// CHECK-DAG: #[[TILE:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d4 * 2 + d5, d3)>
// CHECK-LABEL: func.func @pool_of_tiles
// CHECK-SAME: (%[[T:.*]]: tensor<?x2x3x4x8xf32>
// CHECK-NOT: tensor.collapse_shape
// CHECK: %[[N:.*]] = tensor.dim %[[T]], %c0
// CHECK-NOT: tensor.collapse_shape
// CHECK: tensor.empty(%[[N]]) : tensor<?x2x3x8xf32>
// CHECK-NOT: tensor.collapse_shape
// CHECK: linalg.generic {indexing_maps = [#[[TILE]],
// CHECK-SAME: ins(%[[T]], %{{.*}} : tensor<?x2x3x4x8xf32>, tensor<2x2xf32>)
// CHECK: arith.maximumf
// CHECK-NOT: linalg.generic
func.func @pool_of_tiles(%t: tensor<?x2x3x4x8xf32>) -> tensor<?x2x3x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %t, %c0 : tensor<?x2x3x4x8xf32>
  %e = tensor.empty(%n) : tensor<?x2x2x3x2x8xf32>
  %rows = linalg.generic {indexing_maps = [#tile, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%t : tensor<?x2x3x4x8xf32>) outs(%e : tensor<?x2x2x3x2x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<?x2x2x3x2x8xf32>
  %x = tensor.collapse_shape %rows [[0], [1, 2], [3, 4], [5]] : tensor<?x2x2x3x2x8xf32> into tensor<?x4x6x8xf32>
  %m = tensor.dim %x, %c0 : tensor<?x4x6x8xf32>
  %pe = tensor.empty(%m) : tensor<?x2x3x8xf32>
  %zero = arith.constant 0.0 : f32
  %init = linalg.fill ins(%zero : f32) outs(%pe : tensor<?x2x3x8xf32>) -> tensor<?x2x3x8xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %p = linalg.generic {indexing_maps = [#win, #taps, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : tensor<?x4x6x8xf32>, tensor<2x2xf32>) outs(%init : tensor<?x2x3x8xf32>) {
  ^bb0(%in: f32, %tap: f32, %out: f32):
    %0 = arith.maximumf %out, %in : f32
    linalg.yield %0 : f32
  } -> tensor<?x2x3x8xf32>
  return %p : tensor<?x2x3x8xf32>
}

// -----

// Another reader walks the rows as plain loops (a train step's batch norm
// statistics): the copy stays, and so both read the rows.
#tile = affine_map<(n, i, a, j, b, c) -> (n, i, j, a * 2 + b, c)>
#id6 = affine_map<(n, i, a, j, b, c) -> (n, i, a, j, b, c)>
#win = affine_map<(n, i, j, c, a, b) -> (n, i * 2 + a, j * 2 + b, c)>
#taps = affine_map<(n, i, j, c, a, b) -> (a, b)>
#out = affine_map<(n, i, j, c, a, b) -> (n, i, j, c)>
#all = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>
// CHECK-LABEL: func.func @pool_and_sums
// CHECK: %[[ROWS:.*]] = linalg.generic
// CHECK: %[[X:.*]] = tensor.collapse_shape %[[ROWS]]
// CHECK: linalg.generic {{.*}} ins(%[[X]], %{{.*}} : tensor<2x4x6x8xf32>, tensor<2x2xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<2x4x6x8xf32>)
func.func @pool_and_sums(%t: tensor<2x2x3x4x8xf32>) -> (tensor<2x2x3x8xf32>, tensor<8xf32>) {
  %e = tensor.empty() : tensor<2x2x2x3x2x8xf32>
  %rows = linalg.generic {indexing_maps = [#tile, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%t : tensor<2x2x3x4x8xf32>) outs(%e : tensor<2x2x2x3x2x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<2x2x2x3x2x8xf32>
  %x = tensor.collapse_shape %rows [[0], [1, 2], [3, 4], [5]] : tensor<2x2x2x3x2x8xf32> into tensor<2x4x6x8xf32>
  %zero = arith.constant 0.0 : f32
  %pe = tensor.empty() : tensor<2x2x3x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%pe : tensor<2x2x3x8xf32>) -> tensor<2x2x3x8xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %p = linalg.generic {indexing_maps = [#win, #taps, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : tensor<2x4x6x8xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2x3x8xf32>) {
  ^bb0(%in: f32, %tap: f32, %out: f32):
    %0 = arith.maximumf %out, %in : f32
    linalg.yield %0 : f32
  } -> tensor<2x2x3x8xf32>
  %se = tensor.empty() : tensor<8xf32>
  %s0 = linalg.fill ins(%zero : f32) outs(%se : tensor<8xf32>) -> tensor<8xf32>
  %s = linalg.generic {indexing_maps = [#all, #ch], iterator_types = ["reduction", "reduction", "reduction", "parallel"]}
      ins(%x : tensor<2x4x6x8xf32>) outs(%s0 : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %out, %in : f32
    linalg.yield %0 : f32
  } -> tensor<8xf32>
  return %p, %s : tensor<2x2x3x8xf32>, tensor<8xf32>
}

// -----

// A 3x3 stride-2 pool's windows overlap and cross the tiles: `2i + a` with
// a up to 2 is no (tile, element) pair. The copy stays.
#tile = affine_map<(n, i, a, j, b, c) -> (n, i, j, a * 2 + b, c)>
#id6 = affine_map<(n, i, a, j, b, c) -> (n, i, a, j, b, c)>
#win = affine_map<(n, i, j, c, a, b) -> (n, i * 2 + a, j * 2 + b, c)>
#taps = affine_map<(n, i, j, c, a, b) -> (a, b)>
#out = affine_map<(n, i, j, c, a, b) -> (n, i, j, c)>
// CHECK-LABEL: func.func @overlapping_windows
// CHECK: %[[ROWS:.*]] = linalg.generic
// CHECK: %[[X:.*]] = tensor.collapse_shape %[[ROWS]]
// CHECK: linalg.generic {{.*}} ins(%[[X]], %{{.*}} : tensor<2x4x6x8xf32>, tensor<3x3xf32>)
func.func @overlapping_windows(%t: tensor<2x2x3x4x8xf32>) -> tensor<2x1x2x8xf32> {
  %e = tensor.empty() : tensor<2x2x2x3x2x8xf32>
  %rows = linalg.generic {indexing_maps = [#tile, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%t : tensor<2x2x3x4x8xf32>) outs(%e : tensor<2x2x2x3x2x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<2x2x2x3x2x8xf32>
  %x = tensor.collapse_shape %rows [[0], [1, 2], [3, 4], [5]] : tensor<2x2x2x3x2x8xf32> into tensor<2x4x6x8xf32>
  %zero = arith.constant 0.0 : f32
  %pe = tensor.empty() : tensor<2x1x2x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%pe : tensor<2x1x2x8xf32>) -> tensor<2x1x2x8xf32>
  %w = tensor.empty() : tensor<3x3xf32>
  %p = linalg.generic {indexing_maps = [#win, #taps, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : tensor<2x4x6x8xf32>, tensor<3x3xf32>) outs(%init : tensor<2x1x2x8xf32>) {
  ^bb0(%in: f32, %tap: f32, %out: f32):
    %0 = arith.maximumf %out, %in : f32
    linalg.yield %0 : f32
  } -> tensor<2x1x2x8xf32>
  return %p : tensor<2x1x2x8xf32>
}

// -----

// What is collapsed is computed, not copied: nothing to read in place.
#id6 = affine_map<(n, i, a, j, b, c) -> (n, i, a, j, b, c)>
#win = affine_map<(n, i, j, c, a, b) -> (n, i * 2 + a, j * 2 + b, c)>
#taps = affine_map<(n, i, j, c, a, b) -> (a, b)>
#out = affine_map<(n, i, j, c, a, b) -> (n, i, j, c)>
// CHECK-LABEL: func.func @computed_not_copied
// CHECK: tensor.collapse_shape
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x4x6x8xf32>, tensor<2x2xf32>)
func.func @computed_not_copied(%t: tensor<2x2x2x3x2x8xf32>, %u: tensor<2x2x2x3x2x8xf32>) -> tensor<2x2x3x8xf32> {
  %e = tensor.empty() : tensor<2x2x2x3x2x8xf32>
  %sum = linalg.generic {indexing_maps = [#id6, #id6, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%t, %u : tensor<2x2x2x3x2x8xf32>, tensor<2x2x2x3x2x8xf32>) outs(%e : tensor<2x2x2x3x2x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %0 = arith.addf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<2x2x2x3x2x8xf32>
  %x = tensor.collapse_shape %sum [[0], [1, 2], [3, 4], [5]] : tensor<2x2x2x3x2x8xf32> into tensor<2x4x6x8xf32>
  %zero = arith.constant 0.0 : f32
  %pe = tensor.empty() : tensor<2x2x3x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%pe : tensor<2x2x3x8xf32>) -> tensor<2x2x3x8xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %p = linalg.generic {indexing_maps = [#win, #taps, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : tensor<2x4x6x8xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2x3x8xf32>) {
  ^bb0(%in: f32, %tap: f32, %out: f32):
    %0 = arith.maximumf %out, %in : f32
    linalg.yield %0 : f32
  } -> tensor<2x2x3x8xf32>
  return %p : tensor<2x2x3x8xf32>
}

// -----

// One input, but computed (negated), not copied: nothing to read in place.
#tile = affine_map<(n, i, a, j, b, c) -> (n, i, j, a * 2 + b, c)>
#id6 = affine_map<(n, i, a, j, b, c) -> (n, i, a, j, b, c)>
#win = affine_map<(n, i, j, c, a, b) -> (n, i * 2 + a, j * 2 + b, c)>
#taps = affine_map<(n, i, j, c, a, b) -> (a, b)>
#out = affine_map<(n, i, j, c, a, b) -> (n, i, j, c)>
// CHECK-LABEL: func.func @negated_not_copied
// CHECK: arith.negf
// CHECK: tensor.collapse_shape
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x4x6x8xf32>, tensor<2x2xf32>)
func.func @negated_not_copied(%t: tensor<2x2x3x4x8xf32>) -> tensor<2x2x3x8xf32> {
  %e = tensor.empty() : tensor<2x2x2x3x2x8xf32>
  %rows = linalg.generic {indexing_maps = [#tile, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%t : tensor<2x2x3x4x8xf32>) outs(%e : tensor<2x2x2x3x2x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.negf %in : f32
    linalg.yield %0 : f32
  } -> tensor<2x2x2x3x2x8xf32>
  %x = tensor.collapse_shape %rows [[0], [1, 2], [3, 4], [5]] : tensor<2x2x2x3x2x8xf32> into tensor<2x4x6x8xf32>
  %zero = arith.constant 0.0 : f32
  %pe = tensor.empty() : tensor<2x2x3x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%pe : tensor<2x2x3x8xf32>) -> tensor<2x2x3x8xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %p = linalg.generic {indexing_maps = [#win, #taps, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : tensor<2x4x6x8xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2x3x8xf32>) {
  ^bb0(%in: f32, %tap: f32, %out: f32):
    %0 = arith.maximumf %out, %in : f32
    linalg.yield %0 : f32
  } -> tensor<2x2x3x8xf32>
  return %p : tensor<2x2x3x8xf32>
}

// -----

// A 2x2 output is one tile: a reduction over its rows and columns (a global
// pool) would read tile element `2a + b` with neither loop a plain index of
// any operand, and their extents would be lost. The copy stays (and the
// reduction, its one reader, is expanded by upstream's reshape propagation).
#tile = affine_map<(n, i, a, j, b, c) -> (n, i, j, a * 2 + b, c)>
#id6 = affine_map<(n, i, a, j, b, c) -> (n, i, a, j, b, c)>
#all = affine_map<(n, h, w, c) -> (n, h, w, c)>
#nc = affine_map<(n, h, w, c) -> (n, c)>
// CHECK-LABEL: func.func @global_pool_of_one_tile
// CHECK: %[[ROWS:.*]] = linalg.generic
// CHECK: linalg.generic {{.*}} ins(%[[ROWS]] : tensor<3x1x2x1x2x8xf32>)
func.func @global_pool_of_one_tile(%t: tensor<3x1x1x4x8xf32>) -> tensor<3x8xf32> {
  %e = tensor.empty() : tensor<3x1x2x1x2x8xf32>
  %rows = linalg.generic {indexing_maps = [#tile, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%t : tensor<3x1x1x4x8xf32>) outs(%e : tensor<3x1x2x1x2x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<3x1x2x1x2x8xf32>
  %x = tensor.collapse_shape %rows [[0], [1, 2], [3, 4], [5]] : tensor<3x1x2x1x2x8xf32> into tensor<3x2x2x8xf32>
  %zero = arith.constant 0.0 : f32
  %se = tensor.empty() : tensor<3x8xf32>
  %s0 = linalg.fill ins(%zero : f32) outs(%se : tensor<3x8xf32>) -> tensor<3x8xf32>
  %s = linalg.generic {indexing_maps = [#all, #nc], iterator_types = ["parallel", "reduction", "reduction", "parallel"]}
      ins(%x : tensor<3x2x2x8xf32>) outs(%s0 : tensor<3x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %out, %in : f32
    linalg.yield %0 : f32
  } -> tensor<3x8xf32>
  return %s : tensor<3x8xf32>
}
