// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-block-images{l2-bytes=65536}))' | FileCheck %s

// A padded input, a 3x3 convolution (its filter scaled outside, as a folded
// batch norm does), a relu and a 2x2 max pool: one chain. Its intermediates
// (64 images of 16x16x8) do not fit in the L2, so it runs one image at
// a time (an image's footprint, 47 KB, is more than half the L2: blocks of
// at least one) in a loop that threads share (the convolution alone: 590 K
// cycles of 16-lane FMAs for 64 images); the filter's scaling stays
// outside, and no op of the chain is left over the whole batch.
// CHECK-LABEL: func.func @conv_pool
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x16x16x8xf32>
// CHECK: %[[W:.*]] = linalg.generic
// CHECK: } -> tensor<3x3x8x8xf32>
// The pool's zero fill, which it accumulates onto, is fused too: each block
// fills its own slice just before the pool (whose kernels then start from
// zeros), not the whole output before the loop.
// CHECK: %[[EMPTY:.*]] = tensor.empty(%{{.*}}) : tensor<?x8x8x8xf32>
// CHECK-NOT: linalg.fill {{.*}} -> tensor<?x8x8x8xf32>
// CHECK: scf.forall (%[[I:.*]]) in (%{{.*}}) shared_outs(%[[OUT:.*]] = %[[EMPTY]]) -> (tensor<?x8x8x8xf32>)
// CHECK: %[[XS:.*]] = tensor.extract_slice %[[X]][%[[I]], 0, 0, 0] [1, 16, 16, 8]
// CHECK: tensor.pad %[[XS]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: tensor.empty() : tensor<1x16x16x8xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %[[W]] : tensor<1x18x18x8xf32>, tensor<3x3x8x8xf32>) {{.*}} -> tensor<1x16x16x8xf32>
// CHECK: } -> tensor<1x16x16x8xf32>
// CHECK: %[[SLICE:.*]] = tensor.extract_slice %[[OUT]][%[[I]], 0, 0, 0] [1, 8, 8, 8]
// CHECK-NEXT: %[[ZEROS:.*]] = linalg.fill {{.*}} outs(%[[SLICE]] : tensor<1x8x8x8xf32>)
// CHECK-NEXT: %[[POOL:.*]] = linalg.generic {{.*}} outs(%[[ZEROS]] : tensor<1x8x8x8xf32>)
// CHECK: } -> tensor<1x8x8x8xf32>
// CHECK: scf.forall.in_parallel
// CHECK-NEXT: tensor.parallel_insert_slice %[[POOL]] into %[[OUT]][%[[I]], 0, 0, 0] [1, 8, 8, 8]
// CHECK: } {nn.parallel_tiles}
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
// CHECK: return
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#chan = affine_map<(n, h, w, c) -> (c)>
#win = affine_map<(n, h, w, c, i, j) -> (n, h * 2 + i, w * 2 + j, c)>
#taps = affine_map<(n, h, w, c, i, j) -> (i, j)>
#pooled = affine_map<(n, h, w, c, i, j) -> (n, h, w, c)>
func.func @conv_pool(%x: tensor<?x16x16x8xf32>, %w: tensor<3x3x8x8xf32>, %bias: tensor<8xf32>) -> tensor<?x8x8x8xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %two = arith.constant 2.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %n = tensor.dim %x, %c0 : tensor<?x16x16x8xf32>
  %we = tensor.empty() : tensor<3x3x8x8xf32>
  %ws = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%w : tensor<3x3x8x8xf32>) outs(%we : tensor<3x3x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.mulf %in, %two : f32
    linalg.yield %s : f32
  } -> tensor<3x3x8x8xf32>
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x16x16x8xf32> to tensor<?x18x18x8xf32>
  %e = tensor.empty(%n) : tensor<?x16x16x8xf32>
  %b = linalg.broadcast ins(%bias : tensor<8xf32>) outs(%e : tensor<?x16x16x8xf32>) dimensions = [0, 1, 2]
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %ws : tensor<?x18x18x8xf32>, tensor<3x3x8x8xf32>) outs(%b : tensor<?x16x16x8xf32>) -> tensor<?x16x16x8xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv : tensor<?x16x16x8xf32>) outs(%e : tensor<?x16x16x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x16x16x8xf32>
  %pe = tensor.empty(%n) : tensor<?x8x8x8xf32>
  %pf = linalg.fill ins(%ninf : f32) outs(%pe : tensor<?x8x8x8xf32>) -> tensor<?x8x8x8xf32>
  %t = tensor.empty() : tensor<2x2xf32>
  %pool = linalg.generic {indexing_maps = [#win, #taps, #pooled], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%relu, %t : tensor<?x16x16x8xf32>, tensor<2x2xf32>) outs(%pf : tensor<?x8x8x8xf32>) {
  ^bb0(%in: f32, %tap: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  } -> tensor<?x8x8x8xf32>
  return %pool : tensor<?x8x8x8xf32>
}

// -----

// Smaller images: a block holds as many images as their footprint fits in
// half the L2 (per image: the input, the padded input, the broadcast, the
// convolution and relu outputs, the pool's fill and output, 6208 bytes: 5
// images; the last block may hold fewer). The loop is not marked for
// threads: 64 images of the convolution are 37 K cycles of 16-lane FMAs
// (7% of the planner's threshold), its other ops (the pad, the broadcast,
// the relu and the pool with its window: 1168 per image) 75 K elements
// (29%).
// CHECK-LABEL: func.func @block_of_images
// CHECK: scf.forall (%{{.*}}) = (0) to (%{{.*}}) step (5) shared_outs
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<?x8x8x4xf32>
// CHECK: scf.forall.in_parallel
// CHECK-NOT: nn.parallel_tiles
// CHECK: return
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#win = affine_map<(n, h, w, c, i, j) -> (n, h * 2 + i, w * 2 + j, c)>
#taps = affine_map<(n, h, w, c, i, j) -> (i, j)>
#pooled = affine_map<(n, h, w, c, i, j) -> (n, h, w, c)>
func.func @block_of_images(%x: tensor<?x8x8x4xf32>, %w: tensor<3x3x4x4xf32>, %bias: tensor<4xf32>) -> tensor<?x4x4x4xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %n = tensor.dim %x, %c0 : tensor<?x8x8x4xf32>
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x8x8x4xf32> to tensor<?x10x10x4xf32>
  %e = tensor.empty(%n) : tensor<?x8x8x4xf32>
  %b = linalg.broadcast ins(%bias : tensor<4xf32>) outs(%e : tensor<?x8x8x4xf32>) dimensions = [0, 1, 2]
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<?x10x10x4xf32>, tensor<3x3x4x4xf32>) outs(%b : tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv : tensor<?x8x8x4xf32>) outs(%e : tensor<?x8x8x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x8x8x4xf32>
  %pe = tensor.empty(%n) : tensor<?x4x4x4xf32>
  %pf = linalg.fill ins(%ninf : f32) outs(%pe : tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
  %t = tensor.empty() : tensor<2x2xf32>
  %pool = linalg.generic {indexing_maps = [#win, #taps, #pooled], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%relu, %t : tensor<?x8x8x4xf32>, tensor<2x2xf32>) outs(%pf : tensor<?x4x4x4xf32>) {
  ^bb0(%in: f32, %tap: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  } -> tensor<?x4x4x4xf32>
  return %pool : tensor<?x4x4x4xf32>
}

// -----

// The same chain, the pool's destination sized by a tensor.dim of the relu's
// result (the batch size as lowering reads it): the dim is no reader (once
// blocked, it reads the input's size), and the relu, with no other user
// outside the chain, stays in it. The pool is in the same block as the
// convolution.
// CHECK-LABEL: func.func @dim_of_member
// CHECK: scf.forall
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK: arith.maximumf
// CHECK: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK: scf.forall.in_parallel
// CHECK-NOT: linalg.generic
// CHECK: return
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#win = affine_map<(n, h, w, c, i, j) -> (n, h * 2 + i, w * 2 + j, c)>
#taps = affine_map<(n, h, w, c, i, j) -> (i, j)>
#pooled = affine_map<(n, h, w, c, i, j) -> (n, h, w, c)>
func.func @dim_of_member(%x: tensor<?x8x8x4xf32>, %w: tensor<3x3x4x4xf32>, %bias: tensor<4xf32>) -> tensor<?x4x4x4xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %n = tensor.dim %x, %c0 : tensor<?x8x8x4xf32>
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x8x8x4xf32> to tensor<?x10x10x4xf32>
  %e = tensor.empty(%n) : tensor<?x8x8x4xf32>
  %b = linalg.broadcast ins(%bias : tensor<4xf32>) outs(%e : tensor<?x8x8x4xf32>) dimensions = [0, 1, 2]
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<?x10x10x4xf32>, tensor<3x3x4x4xf32>) outs(%b : tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
  %re = tensor.empty(%n) : tensor<?x8x8x4xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv : tensor<?x8x8x4xf32>) outs(%re : tensor<?x8x8x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x8x8x4xf32>
  %nr = tensor.dim %relu, %c0 : tensor<?x8x8x4xf32>
  %pe = tensor.empty(%nr) : tensor<?x4x4x4xf32>
  %pf = linalg.fill ins(%ninf : f32) outs(%pe : tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
  %t = tensor.empty() : tensor<2x2xf32>
  %pool = linalg.generic {indexing_maps = [#win, #taps, #pooled], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%relu, %t : tensor<?x8x8x4xf32>, tensor<2x2xf32>) outs(%pf : tensor<?x4x4x4xf32>) {
  ^bb0(%in: f32, %tap: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  } -> tensor<?x4x4x4xf32>
  return %pool : tensor<?x4x4x4xf32>
}

// -----

// The batch size read off the padded input (tensor.dim of the pad, as the
// lowering of a convolution reads it): the pad is still in the chain (the
// dim is no reader; it reads the input's size once the chain is blocked),
// so the function argument is padded one block at a time, not copied
// whole into a padded buffer first.
// CHECK-LABEL: func.func @dim_of_pad
// CHECK-NOT: tensor.pad
// CHECK: scf.forall
// CHECK: tensor.pad
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK: scf.forall.in_parallel
// CHECK: return
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#win = affine_map<(n, h, w, c, i, j) -> (n, h * 2 + i, w * 2 + j, c)>
#taps = affine_map<(n, h, w, c, i, j) -> (i, j)>
#pooled = affine_map<(n, h, w, c, i, j) -> (n, h, w, c)>
func.func @dim_of_pad(%x: tensor<?x8x8x4xf32>, %w: tensor<3x3x4x4xf32>, %bias: tensor<4xf32>) -> tensor<?x4x4x4xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %n = tensor.dim %x, %c0 : tensor<?x8x8x4xf32>
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x8x8x4xf32> to tensor<?x10x10x4xf32>
  %np = tensor.dim %p, %c0 : tensor<?x10x10x4xf32>
  %e = tensor.empty(%np) : tensor<?x8x8x4xf32>
  %b = linalg.broadcast ins(%bias : tensor<4xf32>) outs(%e : tensor<?x8x8x4xf32>) dimensions = [0, 1, 2]
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<?x10x10x4xf32>, tensor<3x3x4x4xf32>) outs(%b : tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv : tensor<?x8x8x4xf32>) outs(%e : tensor<?x8x8x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x8x8x4xf32>
  %pe = tensor.empty(%n) : tensor<?x4x4x4xf32>
  %pf = linalg.fill ins(%ninf : f32) outs(%pe : tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
  %t = tensor.empty() : tensor<2x2xf32>
  %pool = linalg.generic {indexing_maps = [#win, #taps, #pooled], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%relu, %t : tensor<?x8x8x4xf32>, tensor<2x2xf32>) outs(%pf : tensor<?x4x4x4xf32>) {
  ^bb0(%in: f32, %tap: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  } -> tensor<?x4x4x4xf32>
  return %pool : tensor<?x4x4x4xf32>
}

// -----

// A dense layer's weights (512 KB) are more than a quarter of the L2: read
// once per block they would be read once per image. The dense layer stays
// over the whole batch, and the relu before it has no chain to join.
// CHECK-LABEL: func.func @dense_kept
// CHECK-NOT: scf.forall
// CHECK: linalg.matmul {{.*}} -> tensor<?x256xf32>
// CHECK-NOT: scf.forall
// CHECK: return
#id2 = affine_map<(n, c) -> (n, c)>
func.func @dense_kept(%x: tensor<?x512xf32>, %w: tensor<512x256xf32>) -> tensor<?x256xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x512xf32>
  %e = tensor.empty(%n) : tensor<?x512xf32>
  %relu = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x512xf32>) outs(%e : tensor<?x512xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x512xf32>
  %oe = tensor.empty(%n) : tensor<?x256xf32>
  %of = linalg.fill ins(%zero : f32) outs(%oe : tensor<?x256xf32>) -> tensor<?x256xf32>
  %y = linalg.matmul ins(%relu, %w : tensor<?x512xf32>, tensor<512x256xf32>) outs(%of : tensor<?x256xf32>) -> tensor<?x256xf32>
  return %y : tensor<?x256xf32>
}

// -----

// A result used outside the chain is not fused (it would be computed twice):
// the convolution, returned too, runs over the whole batch; its relu and
// pool still form a chain. And a pad of a value computed outside the chain
// stays outside too: codegen-pad-in-place has its producer write into the
// padded buffer, which a block would copy.
// CHECK-LABEL: func.func @shared_kept
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<?x16x16x8xf32>
// CHECK: %[[PAD:.*]] = tensor.pad %[[CONV]]
// CHECK: scf.forall
// CHECK: tensor.extract_slice %[[PAD]]
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x16x16x8xf32>
// CHECK: } -> tensor<1x16x16x8xf32>
// CHECK: scf.forall.in_parallel
// CHECK: return %[[CONV]]
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
func.func @shared_kept(%x: tensor<?x18x18x8xf32>, %w: tensor<3x3x8x8xf32>) -> (tensor<?x16x16x8xf32>, tensor<?x16x16x8xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x18x18x8xf32>
  %e = tensor.empty(%n) : tensor<?x16x16x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x16x16x8xf32>) -> tensor<?x16x16x8xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<?x18x18x8xf32>, tensor<3x3x8x8xf32>) outs(%f : tensor<?x16x16x8xf32>) -> tensor<?x16x16x8xf32>
  %p = tensor.pad %conv low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x16x16x8xf32> to tensor<?x18x18x8xf32>
  %e2 = tensor.empty(%n) : tensor<?x16x16x8xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x16x16x8xf32>) -> tensor<?x16x16x8xf32>
  %conv2 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<?x18x18x8xf32>, tensor<3x3x8x8xf32>) outs(%f2 : tensor<?x16x16x8xf32>) -> tensor<?x16x16x8xf32>
  %e3 = tensor.empty(%n) : tensor<?x16x16x8xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv2 : tensor<?x16x16x8xf32>) outs(%e3 : tensor<?x16x16x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x16x16x8xf32>
  return %conv, %relu : tensor<?x16x16x8xf32>, tensor<?x16x16x8xf32>
}

// -----

// Small images: 64 images' intermediates fit in the L2; nothing to
// keep in cache, no blocks.
// CHECK-LABEL: func.func @fits_in_cache
// CHECK-NOT: scf.forall
// CHECK: return
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
func.func @fits_in_cache(%x: tensor<?x4x4x2xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<?x4x4x2xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x4x4x2xf32>
  %e = tensor.empty(%n) : tensor<?x4x4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4x4x2xf32>) -> tensor<?x4x4x2xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<?x4x4x2xf32>, tensor<1x1x2x2xf32>) outs(%f : tensor<?x4x4x2xf32>) -> tensor<?x4x4x2xf32>
  %e2 = tensor.empty(%n) : tensor<?x4x4x2xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv : tensor<?x4x4x2xf32>) outs(%e2 : tensor<?x4x4x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x4x4x2xf32>
  return %relu : tensor<?x4x4x2xf32>
}

// -----

// A value read twice in the chain (a residual block's relu: by the next
// convolution's pad and by the add) would be computed once per read: it
// stays outside, and so does the pad of it; the convolution and the add
// form the chain.
// CHECK-LABEL: func.func @read_twice
// CHECK: %[[R:.*]] = linalg.generic
// CHECK: } -> tensor<?x16x16x8xf32>
// CHECK: %[[P:.*]] = tensor.pad %[[R]]
// CHECK: scf.forall
// CHECK: tensor.extract_slice %[[P]]
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x16x16x8xf32>
// CHECK: tensor.extract_slice %[[R]]
// CHECK: arith.addf
// CHECK: scf.forall.in_parallel
// CHECK: return
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
func.func @read_twice(%x: tensor<?x16x16x8xf32>, %w: tensor<3x3x8x8xf32>) -> tensor<?x16x16x8xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x16x16x8xf32>
  %e = tensor.empty(%n) : tensor<?x16x16x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<?x16x16x8xf32>) outs(%e : tensor<?x16x16x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x16x16x8xf32>
  %p = tensor.pad %r low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x16x16x8xf32> to tensor<?x18x18x8xf32>
  %e2 = tensor.empty(%n) : tensor<?x16x16x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x16x16x8xf32>) -> tensor<?x16x16x8xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<?x18x18x8xf32>, tensor<3x3x8x8xf32>) outs(%f : tensor<?x16x16x8xf32>) -> tensor<?x16x16x8xf32>
  %e3 = tensor.empty(%n) : tensor<?x16x16x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %r : tensor<?x16x16x8xf32>, tensor<?x16x16x8xf32>) outs(%e3 : tensor<?x16x16x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<?x16x16x8xf32>
  return %sum : tensor<?x16x16x8xf32>
}

// -----

// A static batch of 64: blocks of 5 images, the last of 4 (the tiles'
// batch is dynamic).
// CHECK-LABEL: func.func @static_batch
// CHECK: scf.forall (%{{.*}}) = (0) to (64) step (5)
// CHECK: affine.min
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<?x8x8x4xf32>
// CHECK: scf.forall.in_parallel
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#win = affine_map<(n, h, w, c, i, j) -> (n, h * 2 + i, w * 2 + j, c)>
#taps = affine_map<(n, h, w, c, i, j) -> (i, j)>
#pooled = affine_map<(n, h, w, c, i, j) -> (n, h, w, c)>
func.func @static_batch(%x: tensor<64x8x8x4xf32>, %w: tensor<3x3x4x4xf32>, %bias: tensor<4xf32>) -> tensor<64x4x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<64x8x8x4xf32> to tensor<64x10x10x4xf32>
  %e = tensor.empty() : tensor<64x8x8x4xf32>
  %b = linalg.broadcast ins(%bias : tensor<4xf32>) outs(%e : tensor<64x8x8x4xf32>) dimensions = [0, 1, 2]
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<64x10x10x4xf32>, tensor<3x3x4x4xf32>) outs(%b : tensor<64x8x8x4xf32>) -> tensor<64x8x8x4xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv : tensor<64x8x8x4xf32>) outs(%e : tensor<64x8x8x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<64x8x8x4xf32>
  %pe = tensor.empty() : tensor<64x4x4x4xf32>
  %pf = linalg.fill ins(%ninf : f32) outs(%pe : tensor<64x4x4x4xf32>) -> tensor<64x4x4x4xf32>
  %t = tensor.empty() : tensor<2x2xf32>
  %pool = linalg.generic {indexing_maps = [#win, #taps, #pooled], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%relu, %t : tensor<64x8x8x4xf32>, tensor<2x2xf32>) outs(%pf : tensor<64x4x4x4xf32>) {
  ^bb0(%in: f32, %tap: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  } -> tensor<64x4x4x4xf32>
  return %pool : tensor<64x4x4x4xf32>
}

// -----

// Ops the batch does not pass through as dimension 0 join no chain: a pad
// of the batch (the convolution after it has no chain of its own), and an
// op that reads the batch as another dimension (a transpose of a relu,
// which would otherwise form one).
// CHECK-LABEL: func.func @not_per_image
// CHECK-NOT: scf.forall
// CHECK: return
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#swap = affine_map<(n, h, w, c) -> (h, n, w, c)>
func.func @not_per_image(%x: tensor<16x16x16x8xf32>, %w: tensor<3x3x8x8xf32>) -> (tensor<18x16x16x8xf32>, tensor<16x16x16x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[1, 1, 1, 0] high[1, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<16x16x16x8xf32> to tensor<18x18x18x8xf32>
  %e = tensor.empty() : tensor<18x16x16x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<18x16x16x8xf32>) -> tensor<18x16x16x8xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<18x18x18x8xf32>, tensor<3x3x8x8xf32>) outs(%f : tensor<18x16x16x8xf32>) -> tensor<18x16x16x8xf32>
  %e1 = tensor.empty() : tensor<16x16x16x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<16x16x16x8xf32>) outs(%e1 : tensor<16x16x16x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<16x16x16x8xf32>
  %e2 = tensor.empty() : tensor<16x16x16x8xf32>
  %t = linalg.generic {indexing_maps = [#swap, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%r : tensor<16x16x16x8xf32>) outs(%e2 : tensor<16x16x16x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.addf %in, %in : f32
    linalg.yield %d : f32
  } -> tensor<16x16x16x8xf32>
  return %conv, %t : tensor<18x16x16x8xf32>, tensor<16x16x16x8xf32>
}

// -----

// A relu and a pool: their intermediates (64 images of 12x12x8) do not fit
// in the L2, but their work (2304 elements per image: the relu's 1152, the
// pool's 1152 with its window; 56% of the planner's threshold for 64
// images) is too little for threads. The blocks' loop is
// not marked: codegen-tile-loops makes it a sequential loop.
// CHECK-LABEL: func.func @sequential_blocks
// CHECK: scf.forall
// CHECK: scf.forall.in_parallel
// CHECK-NOT: nn.parallel_tiles
// CHECK: return
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#win = affine_map<(n, h, w, c, i, j) -> (n, h * 2 + i, w * 2 + j, c)>
#taps = affine_map<(n, h, w, c, i, j) -> (i, j)>
#pooled = affine_map<(n, h, w, c, i, j) -> (n, h, w, c)>
func.func @sequential_blocks(%x: tensor<?x12x12x8xf32>) -> tensor<?x6x6x8xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %n = tensor.dim %x, %c0 : tensor<?x12x12x8xf32>
  %e = tensor.empty(%n) : tensor<?x12x12x8xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<?x12x12x8xf32>) outs(%e : tensor<?x12x12x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x12x12x8xf32>
  %pe = tensor.empty(%n) : tensor<?x6x6x8xf32>
  %pf = linalg.fill ins(%ninf : f32) outs(%pe : tensor<?x6x6x8xf32>) -> tensor<?x6x6x8xf32>
  %t = tensor.empty() : tensor<2x2xf32>
  %pool = linalg.generic {indexing_maps = [#win, #taps, #pooled], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%relu, %t : tensor<?x12x12x8xf32>, tensor<2x2xf32>) outs(%pf : tensor<?x6x6x8xf32>) {
  ^bb0(%in: f32, %tap: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  } -> tensor<?x6x6x8xf32>
  return %pool : tensor<?x6x6x8xf32>
}

// -----

// One zero fill is the destination of the convolution, of the sum after it
// and of a use outside the chain (CSE merges equal fills: a text CNN's three
// input gradients).
// The sum, the chain's root, writes its slice of the loop's output; the
// convolution, fused in, gets a fill of a block-sized empty tensor inside
// the loop, not a slice of the fill outside (which bufferization would copy
// into each block's buffer, where a fill is the kernel's zero accumulators).
// CHECK-LABEL: func.func @shared_fill
// CHECK: %[[FILL:.*]] = linalg.fill {{.*}} -> tensor<?x16x16x8xf32>
// CHECK: scf.forall ({{.*}}) in ({{.*}}) shared_outs(%[[OUT:.*]] = %[[FILL]])
// CHECK-NOT: tensor.extract_slice %[[FILL]]
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x16x16x8xf32>
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<1x16x16x8xf32>)
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} outs(%[[Z]] : tensor<1x16x16x8xf32>)
// CHECK: tensor.extract_slice %[[OUT]]
// CHECK: scf.forall.in_parallel
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
func.func @shared_fill(%x: tensor<?x18x18x8xf32>, %w: tensor<3x3x8x8xf32>, %g: tensor<?x16x16x8xf32>) -> (tensor<?x16x16x8xf32>, tensor<?x16x16x8xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x18x18x8xf32>
  %e = tensor.empty(%n) : tensor<?x16x16x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x16x16x8xf32>) -> tensor<?x16x16x8xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<?x18x18x8xf32>, tensor<3x3x8x8xf32>) outs(%f : tensor<?x16x16x8xf32>) -> tensor<?x16x16x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %g : tensor<?x16x16x8xf32>, tensor<?x16x16x8xf32>) outs(%f : tensor<?x16x16x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<?x16x16x8xf32>
  return %sum, %f : tensor<?x16x16x8xf32>, tensor<?x16x16x8xf32>
}

// -----

// A declaration (an MPI runtime call's, with --mpi) has no body to block.
// CHECK-LABEL: func.func private @declared
func.func private @declared(tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
