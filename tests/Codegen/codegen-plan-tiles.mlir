// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-plan-tiles{vector-lanes=16 accumulator-registers=16 fma-latency=4 fmas-per-cycle=1 loads-per-cycle=2 l2-bytes=262144}))' | FileCheck %s --check-prefix=ZEN4
// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-plan-tiles{vector-lanes=16 accumulator-registers=16 fma-latency=4 fmas-per-cycle=2 loads-per-cycle=2 l2-bytes=262144 l1-bytes=32768 l2-bytes-per-cycle=64}))' | FileCheck %s --check-prefix=SKX
// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-plan-tiles{vector-lanes=16 accumulator-registers=16 fma-latency=4 fmas-per-cycle=2 loads-per-cycle=2 l2-bytes=262144 l1-bytes=32768 l2-bytes-per-cycle=100000}))' | FileCheck %s --check-prefix=SKXL2
// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-plan-tiles{vector-lanes=8 vector-registers=16 accumulator-registers=12 fma-latency=5 fmas-per-cycle=2 loads-per-cycle=2 l1-bytes=32768 l2-bytes=262144 l2-bytes-per-cycle=32}))' | FileCheck %s --check-prefix=AVX2
// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-plan-tiles{vector-lanes=8 vector-registers=16 accumulator-registers=12 fma-latency=4 fmas-per-cycle=2 loads-per-cycle=2 l1-bytes=32768 l2-bytes=524288 l2-bytes-per-cycle=32}))' | FileCheck %s --check-prefix=ZEN3
// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-plan-tiles{vector-lanes=16 accumulator-registers=16 fma-latency=4 fmas-per-cycle=1 loads-per-cycle=2 l1-bytes=49152 l2-bytes=2097152 l2-bytes-per-cycle=64}))' | FileCheck %s --check-prefix=XEON

// (ZEN4 and SKX are those cores' FMA rates with a 256 KB L2, the size LLVM's
// cost model gives a generic target; --target-cpu=znver4 plans for 1 MB.)

// Each plan is an attribute on its op (named ops keep their names: the plan
// is the one of their generalization), and follows the target model. A
// matmul: 8 rows x 2 registers of 16 lanes, or 8 rows x 1 register of 8
// (then the 38 column tiles outnumber the 32 row tiles and go outermost).
// The 16-lane block's rhs panel (512 x 32 floats, 64 KB) does not stay in
// the L1 and is read by 32 row tiles: it is copied into panels first
// (pack_panels); the 8-lane one's (16 KB) stays.
// ZEN4-LABEL: func.func @matmul
// ZEN4: linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [8, 32, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16, parallel, pack_panels>}
// AVX2-LABEL: func.func @matmul
// AVX2: linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [8, 8, 0], interchange = [1, 0, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, parallel>}
func.func @matmul(%a: memref<256x512xf32>, %b: memref<512x300xf32>, %c: memref<256x300xf32>) {
  linalg.matmul ins(%a, %b : memref<256x512xf32>, memref<512x300xf32>) outs(%c : memref<256x300xf32>)
  return
}

// -----

// The text CNN's convolution: one FMA per cycle keeps 8 rows x 2 registers
// busy. Two per cycle would favour 2 rows x 7 registers (the whole 100
// channels) if the L2 had no limit (SKXL2), but the 64 KB weight panel of a
// 16-lane tile does not stay in the L1: each step's 7 registers of 400-byte
// rows touch 8 lines, 8 cycles of a 64-byte-per-cycle L2 against 7 of FMAs,
// so 8 rows x 2 registers, whose 2 registers touch 3 lines in 8 cycles.
// With a 256 KB L2 all block the kh reduction loop by 1 outside the tiles.
// AVX2 (12 accumulators, 32 bytes per cycle from the L2): 6 rows x 2.
// Blocks narrower than the 100 channels read the weights from panels.
// ZEN4-LABEL: func.func @textcnn_conv
// ZEN4: codegen.plan = #nn.tile_plan<tiles = [1, 8, 1, 32, 0, 0, 0], interchange = [0, 1, 3, 2, 4, 5, 6], contraction, vector_dim = 3, m_dim = 1, lanes = 16, parallel, pack_panels, outer_dim = 4, outer_block = 1>
// SKX-LABEL: func.func @textcnn_conv
// SKX: codegen.plan = #nn.tile_plan<tiles = [8, 1, 1, 32, 0, 0, 0], interchange = [1, 0, 3, 2, 4, 5, 6], contraction, vector_dim = 3, m_dim = 0, lanes = 16, parallel, pack_panels, outer_dim = 4, outer_block = 1>
// SKXL2-LABEL: func.func @textcnn_conv
// SKXL2: codegen.plan = #nn.tile_plan<tiles = [1, 2, 1, 0, 0, 0, 0], interchange = [0, 1, 2, 3, 4, 5, 6], contraction, vector_dim = 3, m_dim = 1, lanes = 16, parallel, outer_dim = 4, outer_block = 1>
// AVX2-LABEL: func.func @textcnn_conv
// AVX2: codegen.plan = #nn.tile_plan<tiles = [6, 1, 1, 16, 0, 0, 0], interchange = [1, 0, 3, 2, 4, 5, 6], contraction, vector_dim = 3, m_dim = 0, lanes = 8, parallel, pack_panels>
func.func @textcnn_conv(%in: memref<64x56x200x1xf32>, %w: memref<5x200x1x100xf32>,
                        %out: memref<64x52x1x100xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : memref<64x56x200x1xf32>, memref<5x200x1x100xf32>)
    outs(%out : memref<64x52x1x100xf32>)
  return
}

// -----

// The Fashion CNN's second convolution (14 x 14 x 32 -> 64, 3 x 3), AVX2.
// 3 rows x 4 registers would be as fast by FMA count, but with its 4 rhs
// vectors and a broadcast it needs 17 of the 16 registers; 5 rows x 2 fit
// (rows of w: the batch is known only at run time).
// AVX2-LABEL: func.func @fashion_conv2
// AVX2: codegen.plan = #nn.tile_plan<tiles = [1, 1, 5, 16, 0, 0, 0], {{.*}}m_dim = 2, lanes = 8, parallel, pack_panels>
func.func @fashion_conv2(%in: memref<?x16x16x32xf32>, %w: memref<3x3x32x64xf32>,
                         %out: memref<?x14x14x64xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : memref<?x16x16x32xf32>, memref<3x3x32x64xf32>)
    outs(%out : memref<?x14x14x64xf32>)
  return
}

// -----

// The ResNet block's convolution (32 x 32 x 16 -> 16, 3 x 3). On AVX2, rows
// of 6 pixels x 2 registers, and the 2 pixels left of each image row would
// be a latency-bound block of 4 FMA chains: the last 8 pixels are two blocks
// of 4 instead (a tail), 6 + 6 + 6 + 6 + 4 + 4. With FMA latency 5: 34
// cycles a step against 35 (and 40 for blocks of 4). With latency 4 (ZEN3)
// the tail's 32 ties 8 blocks of 4, and a tie goes to the plan without a
// tail. With 16 lanes one register holds the 16 channels, and blocks of
// such rows may have 16 of them (8 would leave two FMA pipes of latency 4
// no slack): 16 rows divide the 32 pixels, no tail.
// AVX2-LABEL: func.func @resnet_conv
// AVX2: codegen.plan = #nn.tile_plan<tiles = [1, 1, 6, 0, 0, 0, 0], {{.*}}m_dim = 2, lanes = 8, parallel, tail_rows = 4, tail_tiles = 2>
// ZEN3-LABEL: func.func @resnet_conv
// ZEN3: codegen.plan = #nn.tile_plan<tiles = [1, 1, 4, 0, 0, 0, 0], {{.*}}m_dim = 2, lanes = 8, parallel>
// SKX-LABEL: func.func @resnet_conv
// SKX: codegen.plan = #nn.tile_plan<tiles = [1, 1, 16, 0, 0, 0, 0], {{.*}}m_dim = 2, lanes = 16, parallel>
func.func @resnet_conv(%in: memref<32x34x34x16xf32>, %w: memref<3x3x16x16xf32>,
                       %out: memref<32x32x32x16xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : memref<32x34x34x16xf32>, memref<3x3x16x16xf32>)
    outs(%out : memref<32x32x32x16xf32>)
  return
}

// -----

// One image, too little work for threads: the tail is split inside the
// loop over image rows (h, the one with more tiles, goes first).
// AVX2-LABEL: func.func @resnet_conv_one_image
// AVX2: codegen.plan = #nn.tile_plan<tiles = [1, 1, 6, 0, 0, 0, 0], interchange = [1, 2, 0, 3, 4, 5, 6], {{.*}}m_dim = 2, lanes = 8, tail_rows = 4, tail_tiles = 2>
func.func @resnet_conv_one_image(%in: memref<1x34x34x16xf32>, %w: memref<3x3x16x16xf32>,
                                 %out: memref<1x32x32x16xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : memref<1x34x34x16xf32>, memref<3x3x16x16xf32>)
    outs(%out : memref<1x32x32x16xf32>)
  return
}

// -----

// A wide image: its rows of pixels have the most tiles (86 blocks, against
// 8 image rows and 4 images) and become the loop threads share, which a
// tail would make two loops (two forks and joins): the tail is dropped and
// the op planned again without tails (85 blocks of 6, a remainder of 2).
// AVX2-LABEL: func.func @tail_dropped
// AVX2: codegen.plan = #nn.tile_plan<tiles = [1, 1, 6, 0, 0, 0, 0], interchange = [2, 1, 0, 3, 4, 5, 6], contraction, vector_dim = 3, m_dim = 2, lanes = 8, parallel>
func.func @tail_dropped(%in: memref<4x10x514x16xf32>, %w: memref<3x3x16x16xf32>,
                        %out: memref<4x8x512x16xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : memref<4x10x514x16xf32>, memref<3x3x16x16xf32>)
    outs(%out : memref<4x8x512x16xf32>)
  return
}

// -----

// A Winograd transform: a constant 4x4 lhs over 4 steps. On AVX2 (12
// accumulators) 2 rows x 4 registers and 4 rows x 2 tie; a tile of all 4 rows
// has its coefficients at known offsets (the kernel skips the zeros), so it
// is the one taken. The same op with an lhs that is not a constant global
// keeps the first of the tied blocks: 2 rows x 32 lanes.
// AVX2-LABEL: func.func @constant_lhs_rows
// AVX2: codegen.plan = #nn.tile_plan<tiles = [0, 1, 16, 0], interchange = [1, 2, 0, 3], contraction, vector_dim = 2, m_dim = 0, lanes = 8>
// AVX2: codegen.plan = #nn.tile_plan<tiles = [2, 1, 0, 0], interchange = [1, 0, 2, 3], contraction, vector_dim = 2, m_dim = 0, lanes = 8>
memref.global "private" constant @bt : memref<4x4xf32> = dense<[[1.0, 0.0, -1.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, -1.0, 1.0, 0.0], [0.0, 1.0, 0.0, -1.0]]>
func.func @constant_lhs_rows(%d: memref<4x49x32xf32>, %out: memref<4x49x32xf32>,
                             %a: memref<4x4xf32>, %out2: memref<4x49x32xf32>) {
  %bt = memref.get_global @bt : memref<4x4xf32>
  linalg.generic {indexing_maps = [affine_map<(i, t, c, k) -> (i, k)>, affine_map<(i, t, c, k) -> (k, t, c)>, affine_map<(i, t, c, k) -> (i, t, c)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
    ins(%bt, %d : memref<4x4xf32>, memref<4x49x32xf32>) outs(%out : memref<4x49x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, t, c, k) -> (i, k)>, affine_map<(i, t, c, k) -> (k, t, c)>, affine_map<(i, t, c, k) -> (i, t, c)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
    ins(%a, %d : memref<4x4xf32>, memref<4x49x32xf32>) outs(%out2 : memref<4x49x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Threads for an element-wise op by the data it moves: a 2x2 max pool's
// four taps of its input and its output are 5 streams over 200K outputs
// (2.5 copies' worth, above the 262K threshold); a copy of one tap, 2
// streams over the same outputs, stays on one thread.
// ZEN4-LABEL: func.func @streams_for_threads
// ZEN4: linalg.generic {{.*}}codegen.plan = #nn.tile_plan<{{[^>]*}}, parallel>
// ZEN4: linalg.generic {{.*}}codegen.plan = #nn.tile_plan<{{[^>]*}}lanes = 16>}
func.func @streams_for_threads(%x: memref<64x14x14x64xf32>, %out: memref<64x7x7x64xf32>, %copy: memref<64x7x7x64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, 2 * h, 2 * w, c)>, affine_map<(n, h, w, c) -> (n, 2 * h, 2 * w + 1, c)>, affine_map<(n, h, w, c) -> (n, 2 * h + 1, 2 * w, c)>, affine_map<(n, h, w, c) -> (n, 2 * h + 1, 2 * w + 1, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%x, %x, %x, %x : memref<64x14x14x64xf32>, memref<64x14x14x64xf32>, memref<64x14x14x64xf32>, memref<64x14x14x64xf32>) outs(%out : memref<64x7x7x64xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32, %d: f32, %o: f32):
    %0 = arith.maximumf %a, %b : f32
    %1 = arith.maximumf %c, %d : f32
    %2 = arith.maximumf %0, %1 : f32
    linalg.yield %2 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, 2 * h, 2 * w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%x : memref<64x14x14x64xf32>) outs(%copy : memref<64x7x7x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  return
}

// -----

// A contraction with few terms per output is memory bound: threads by its
// outputs' traffic, as an element-wise op. A Winograd transform along the
// rows (a constant 8x8 matrix over tiles of a text CNN's rows: 32 x 8 x 13
// x 200 = 666 K outputs, 5.3 M multiply-adds, under the 8.4 M of the FMA
// threshold here) gets threads; the same over 4 images (83 K outputs) does
// not.
// ZEN4-LABEL: func.func @transform_threads
// ZEN4: linalg.generic {{.*}}codegen.plan = #nn.tile_plan<{{[^>]*}}contraction{{[^>]*}}, parallel>
// ZEN4: linalg.generic {{.*}}codegen.plan = #nn.tile_plan<{{[^>]*}}contraction{{[^>]*}}lanes = 16>}
memref.global "private" constant @bt8 : memref<8x8xf32> = dense<1.0>
func.func @transform_threads(%x: memref<32x56x200x1xf32>, %v: memref<32x8x13x200x1xf32>,
                             %x4: memref<4x56x200x1xf32>, %v4: memref<4x8x13x200x1xf32>) {
  %bt = memref.get_global @bt8 : memref<8x8xf32>
  linalg.generic {indexing_maps = [affine_map<(n, e, t, w, c, i) -> (e, i)>, affine_map<(n, e, t, w, c, i) -> (n, t * 4 + i, w, c)>, affine_map<(n, e, t, w, c, i) -> (n, e, t, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction"]}
    ins(%bt, %x : memref<8x8xf32>, memref<32x56x200x1xf32>) outs(%v : memref<32x8x13x200x1xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, e, t, w, c, i) -> (e, i)>, affine_map<(n, e, t, w, c, i) -> (n, t * 4 + i, w, c)>, affine_map<(n, e, t, w, c, i) -> (n, e, t, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction"]}
    ins(%bt, %x4 : memref<8x8xf32>, memref<4x56x200x1xf32>) outs(%v4 : memref<4x8x13x200x1xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A dense layer's input gradient reads its kernel across the lanes: the
// plan packs input 1 (transposed) first.
// ZEN4-LABEL: func.func @transposed_rhs
// ZEN4: codegen.plan = #nn.tile_plan<{{.*}}contraction, vector_dim = 1, m_dim = 0, lanes = 16, pack_input = 1, pack_perm = [1, 0]>
func.func @transposed_rhs(%dy: memref<?x128xf32>, %w: memref<64x128xf32>, %out: memref<?x64xf32>) {
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
    ins(%dy, %w : memref<?x128xf32>, memref<64x128xf32>) outs(%out : memref<?x64xf32>)
  return
}

// -----

// Element-wise ops, reductions into the channels and fills get one vector
// tile along the channels (the whole 32 here: tile size 0), reductions
// inside, the parallel loop with the most tiles (the first of the two with
// 7) outermost and the others in the op's order (memory order here: the
// images, then the columns); only large ones are `parallel`. An op whose
// output is not contiguous along a parallel loop gets no plan (the scalar
// loops).
// ZEN4-LABEL: func.func @others
// ZEN4: linalg.fill {codegen.plan = #nn.tile_plan<tiles = [1, 1, 1, 0], interchange = [1, 0, 2, 3], vector_dim = 3, lanes = 16>}
// ZEN4: linalg.generic {{.*}} attrs = {codegen.plan = #nn.tile_plan<tiles = [1, 1, 1, 0], interchange = [3, 0, 1, 2], vector_dim = 3, lanes = 16, parallel>}
// ZEN4: linalg.generic {{.*}} attrs = {codegen.plan = #nn.tile_plan<tiles = [1, 1, 1, 0], interchange = [1, 0, 2, 3], vector_dim = 3, lanes = 16>}
// ZEN4: linalg.generic
// ZEN4-NOT: codegen.plan
// ZEN4-SAME: outs(%{{.*}} : memref<32x2xf32, strided<[1, 32]>>) {
// ZEN4: return
func.func @others(%x: memref<?x28x28x32xf32>, %s: memref<32xf32>, %y: memref<2x7x7x32xf32>, %t: memref<32x2xf32, strided<[1, 32]>>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<2x7x7x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (c)>],
                  iterator_types = ["reduction", "reduction", "reduction", "parallel"]}
    ins(%x : memref<?x28x28x32xf32>) outs(%s : memref<32xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %0 = arith.addf %acc, %a : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    outs(%y : memref<2x7x7x32xf32>) {
  ^bb0(%o: f32):
    %0 = arith.maximumf %o, %zero : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(c, k) -> (c)>, affine_map<(c, k) -> (c, k)>],
                  iterator_types = ["parallel", "parallel"]}
    ins(%s : memref<32xf32>) outs(%t : memref<32x2xf32, strided<[1, 32]>>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  return
}

// -----

// The Fashion CNN's conv2 weight gradient: each tile (4 input channels x
// 16 output channels of one kernel tap) sums over the batch and the 14 x 14
// pixels, and each step reads 16 bytes of the next pixel's 32 input
// channels: a whole new 64-byte line. On a Zen 3 (32 bytes a cycle from the
// L2), those lines and the output gradient's keep the L2 busy for the whole
// step, and the 4 tiles of 16 output channels read the input again: it is
// transposed first (pack_input), so that each step reads 4 floats of lines
// the next 15 steps reuse. On Zen 4 no copy: one 16-lane FMA a cycle leaves
// the L2 idle most of the step, and one tile covers all 64 output channels.
// On Zen 3 a tile streams 80 bytes a step, 15.7 KB an example: the batch is
// blocked by 2 to fit its 32 KB L1, where the next tiles (the other 8 taps)
// read it again. On Zen 4 an example is more than half of the L1: blocks of
// one example, which the next tiles re-read from the L2.
// ZEN3-LABEL: func.func @fashion_conv2_filter_grad
// ZEN3: codegen.plan = #nn.tile_plan<tiles = [1, 1, 4, 16, 0, 0, 0], {{.*}}m_dim = 2, lanes = 8, parallel, pack_input = 0, pack_perm = [0, 1, 3, 2], pack_panels, outer_dim = 4, outer_block = 2>
// ZEN4-LABEL: func.func @fashion_conv2_filter_grad
// ZEN4: codegen.plan = #nn.tile_plan<tiles = [1, 1, 4, 0, 0, 0, 0], {{.*}}m_dim = 2, lanes = 16, parallel, outer_dim = 4, outer_block = 1>
#fg_in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0 + d5, d1 + d6, d2)>
#fg_dy = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
#fg_dw = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
func.func @fashion_conv2_filter_grad(%in: memref<?x16x16x32xf32>, %dy: memref<?x14x14x64xf32>,
                                     %dw: memref<3x3x32x64xf32>) {
  linalg.generic {indexing_maps = [#fg_in, #fg_dy, #fg_dw],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%in, %dy : memref<?x16x16x32xf32>, memref<?x14x14x64xf32>) outs(%dw : memref<3x3x32x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The same with 16 output channels: one tile reads the input, so it is not
// copied, and each step's new input line counts whole in what a tile
// streams: 1.6 MB for a batch of 64 (25 KB an example: counting the 16
// bytes a step used gave less), more than half of Zen 3's 512 KB L2. An
// example is more than half of the 32 KB L1: the batch is blocked by one
// example (the next tiles re-read it from the L2; a block of 8, half the
// L2, would have the first tile of each block stream 200 KB from the L3 at
// once).
// ZEN3-LABEL: func.func @filter_grad_16
// ZEN3: codegen.plan = #nn.tile_plan<tiles = [1, 1, 4, 0, 0, 0, 0], {{.*}}m_dim = 2, lanes = 8, parallel, outer_dim = 4, outer_block = 1>
#fg_in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0 + d5, d1 + d6, d2)>
#fg_dy = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
#fg_dw = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
func.func @filter_grad_16(%in: memref<?x16x16x32xf32>, %dy: memref<?x14x14x16xf32>,
                          %dw: memref<3x3x32x16xf32>) {
  linalg.generic {indexing_maps = [#fg_in, #fg_dy, #fg_dw],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%in, %dy : memref<?x16x16x32xf32>, memref<?x14x14x16xf32>) outs(%dw : memref<3x3x32x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The text CNN's filter gradient (5 taps of 200 x 100) on a 48 KB L1 and
// 2 MB L2 (a Xeon): a tile of 8 embedding columns x 32 channels streams
// 640 KB over a batch of 64, which fits in half the L2, but every other
// tile (taps, channel tiles) re-reads it from there. It is more than 8 L1s
// (384 KB), re-read by 4 tiles of channels, and one example (10 KB) fits
// in half the L1: the batch is blocked by 4 (39 KB of the 48 KB L1). Inside a block of images (codegen-block-images
// sized it) the same op streams from the L2 unblocked.
// XEON-LABEL: func.func @textcnn_filter_grad
// XEON: codegen.plan = #nn.tile_plan<tiles = [1, 8, 1, 32, 0, 0, 0], {{.*}}m_dim = 1, lanes = 16, parallel, pack_panels, outer_dim = 4, outer_block = 4>
// XEON: scf.forall
// XEON: codegen.plan = #nn.tile_plan<tiles = [1, 8, 1, 32, 0, 0, 0], {{.*}}m_dim = 1, lanes = 16, pack_panels>
#tg_in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0 + d5, d1 + d6, d2)>
#tg_dy = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
#tg_dw = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
func.func @textcnn_filter_grad(%in: memref<?x56x200x1xf32>, %dy: memref<?x52x1x100xf32>,
                               %dw: memref<5x200x1x100xf32>) {
  linalg.generic {indexing_maps = [#tg_in, #tg_dy, #tg_dw],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%in, %dy : memref<?x56x200x1xf32>, memref<?x52x1x100xf32>) outs(%dw : memref<5x200x1x100xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  scf.forall (%i) in (2) {
    linalg.generic {indexing_maps = [#tg_in, #tg_dy, #tg_dw],
                    iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%in, %dy : memref<?x56x200x1xf32>, memref<?x52x1x100xf32>) outs(%dw : memref<5x200x1x100xf32>) {
    ^bb0(%a: f32, %b: f32, %acc: f32):
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
  }
  return
}

// -----

// A reduction into 100 channels (batch-norm statistics) carries its
// accumulators through its loops, which LLVM does in registers only for
// power-of-two widths: tiles of 32 and a remainder of 4, not one tile of
// all 100 (or 96) lanes.
// ZEN4-LABEL: func.func @reduction_100_channels
// ZEN4: codegen.plan = #nn.tile_plan<tiles = [1, 1, 1, 32], interchange = [3, 0, 1, 2], vector_dim = 3, lanes = 16
func.func @reduction_100_channels(%x: memref<?x54x1x100xf32>, %s: memref<100xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (c)>],
                  iterator_types = ["reduction", "reduction", "reduction", "parallel"]}
      ins(%x : memref<?x54x1x100xf32>) outs(%s : memref<100xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = arith.addf %o, %a : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// With no power-of-two tile (10 lanes on AVX-512) a reduction keeps the
// best of the others, one tile of all 10, rather than no plan.
// ZEN4-LABEL: func.func @reduction_10_channels
// ZEN4: codegen.plan = #nn.tile_plan<tiles = [1, 0], interchange = [1, 0], vector_dim = 1, lanes = 16>
func.func @reduction_10_channels(%x: memref<?x10xf32>, %s: memref<10xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (c)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<?x10xf32>) outs(%s : memref<10xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = arith.addf %o, %a : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// A dense layer on a batch known only at run time (scored as 64 rows). The
// remainder rows of a block run as one-row kernels (codegen-vectorize), not
// as scalar loops, and are scored so: on AVX2 (FMA latency 5) 6 rows x 2
// registers (10 blocks, then 4 one-row tiles whose steps wait on the
// latency) score the same as 8 x 1 (8 chains, each step waiting on the
// latency), and the larger block wins the tie. Scored as scalar loops, the
// 4 rows made 8 x 1 the choice; 6 x 2 ran the Fashion CNN's dense layers
// faster on a Zen 3.
// AVX2-LABEL: func.func @dense_dynamic_batch
// AVX2: linalg.matmul {codegen.plan = #nn.tile_plan<tiles = [6, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8>}
func.func @dense_dynamic_batch(%a: memref<?x128xf32>, %b: memref<128x64xf32>, %c: memref<?x64xf32>) {
  linalg.matmul ins(%a, %b : memref<?x128xf32>, memref<128x64xf32>) outs(%c : memref<?x64xf32>)
  return
}

// -----

// Inside the blocks' loop of codegen-block-images (which threads share), an
// op large enough for threads gets none: the same relu is `parallel` over
// the whole batch and not on one block of images.
// ZEN4-LABEL: func.func @inside_blocks
// ZEN4: scf.forall
// ZEN4: linalg.generic {{.*}} attrs = {codegen.plan = #nn.tile_plan<tiles = [1, 1, 1, 0], interchange = [0, 1, 2, 3], vector_dim = 3, lanes = 16>}
// ZEN4: linalg.generic {{.*}} attrs = {codegen.plan = #nn.tile_plan<tiles = [1, 1, 1, 0], interchange = [0, 1, 2, 3], vector_dim = 3, lanes = 16, parallel>}
func.func @inside_blocks(%x: memref<?x56x56x32xf32>, %y: memref<?x56x56x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x56x56x32xf32>
  scf.forall (%b) = (0) to (%n) step (64) {
    %m = affine.min affine_map<(d0)[s0] -> (-d0 + s0, 64)>(%b)[%n]
    %xs = memref.subview %x[%b, 0, 0, 0] [%m, 56, 56, 32] [1, 1, 1, 1] : memref<?x56x56x32xf32> to memref<?x56x56x32xf32, strided<[100352, 1792, 32, 1], offset: ?>>
    %ys = memref.subview %y[%b, 0, 0, 0] [%m, 56, 56, 32] [1, 1, 1, 1] : memref<?x56x56x32xf32> to memref<?x56x56x32xf32, strided<[100352, 1792, 32, 1], offset: ?>>
    linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                    iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%xs : memref<?x56x56x32xf32, strided<[100352, 1792, 32, 1], offset: ?>>) outs(%ys : memref<?x56x56x32xf32, strided<[100352, 1792, 32, 1], offset: ?>>) {
    ^bb0(%a: f32, %o: f32):
      %0 = arith.maximumf %a, %zero : f32
      linalg.yield %0 : f32
    }
  }
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%x : memref<?x56x56x32xf32>) outs(%y : memref<?x56x56x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = arith.maximumf %a, %zero : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// An embedding's lookup loads consecutive elements of a row along the
// channels (its last loop): planned as an element-wise op along them (two
// registers, 64 x 56 x 200 elements on threads). A load whose index steps
// by 2 along the channels, or that varies along them in another index, is
// no gather: no plan (scalar loops). Neither is a load from a buffer that may
// be the output (two arguments may alias: the vector loads would run ahead of
// the stores), even of one element, nor a lane index compared. A row read
// from an offset the token picks (an added index) is one.
// ZEN4-LABEL: func.func @gather_rows
// ZEN4: linalg.generic {{.*}} attrs = {codegen.plan = #nn.tile_plan<tiles = [1, 1, 32], interchange = [0, 1, 2], vector_dim = 2, lanes = 16, parallel>
// ZEN4-LABEL: func.func @gather_strided
// ZEN4-NOT: codegen.plan
// ZEN4-LABEL: func.func @gather_column
// ZEN4-NOT: codegen.plan
// ZEN4-LABEL: func.func @gather_may_alias
// ZEN4-NOT: codegen.plan
// ZEN4-LABEL: func.func @gather_reads_output
// ZEN4-NOT: codegen.plan
// ZEN4-LABEL: func.func @gather_index_compared
// ZEN4-NOT: codegen.plan
// ZEN4-LABEL: func.func @gather_offset
// ZEN4: codegen.plan = #nn.tile_plan<tiles = [1, 1, 32], interchange = [0, 1, 2], vector_dim = 2, lanes = 16, parallel>
// ZEN4: return
// AVX2-LABEL: func.func @gather_rows
// AVX2: linalg.generic {{.*}} attrs = {codegen.plan = #nn.tile_plan<tiles = [1, 1, 16], interchange = [0, 1, 2], vector_dim = 2, lanes = 8, parallel>
#ids = affine_map<(n, p, c) -> (n, p)>
#out = affine_map<(n, p, c) -> (n, p, c)>
func.func @gather_rows(%ids: memref<64x56xi32>, %table: memref<5000x200xf32>) -> memref<64x56x200xf32> {
  %out = memref.alloc() : memref<64x56x200xf32>
  %c0 = arith.constant 0 : index
  %c5000 = arith.constant 5000 : index
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#ids, #out], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%ids : memref<64x56xi32>) outs(%out : memref<64x56x200xf32>) {
  ^bb0(%id: i32, %o: f32):
    %i = arith.index_cast %id : i32 to index
    %lo = arith.cmpi sge, %i, %c0 : index
    %hi = arith.cmpi slt, %i, %c5000 : index
    %ok = arith.andi %lo, %hi : i1
    %row = arith.select %ok, %i, %c0 : index
    %c = linalg.index 2 : index
    %x = memref.load %table[%row, %c] : memref<5000x200xf32>
    %y = arith.select %ok, %x, %zero : f32
    linalg.yield %y : f32
  }
  return %out : memref<64x56x200xf32>
}
func.func @gather_strided(%ids: memref<64x56xi32>, %table: memref<5000x400xf32>) -> memref<64x56x200xf32> {
  %out = memref.alloc() : memref<64x56x200xf32>
  linalg.generic {indexing_maps = [#ids, #out], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%ids : memref<64x56xi32>) outs(%out : memref<64x56x200xf32>) {
  ^bb0(%id: i32, %o: f32):
    %row = arith.index_cast %id : i32 to index
    %c = linalg.index 2 : index
    %c2 = affine.apply affine_map<(d) -> (d * 2)>(%c)
    %x = memref.load %table[%row, %c2] : memref<5000x400xf32>
    linalg.yield %x : f32
  }
  return %out : memref<64x56x200xf32>
}
func.func @gather_column(%ids: memref<64x56xi32>, %table: memref<200x5000xf32>) -> memref<64x56x200xf32> {
  %out = memref.alloc() : memref<64x56x200xf32>
  linalg.generic {indexing_maps = [#ids, #out], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%ids : memref<64x56xi32>) outs(%out : memref<64x56x200xf32>) {
  ^bb0(%id: i32, %o: f32):
    %row = arith.index_cast %id : i32 to index
    %c = linalg.index 2 : index
    %x = memref.load %table[%c, %row] : memref<200x5000xf32>
    linalg.yield %x : f32
  }
  return %out : memref<64x56x200xf32>
}
func.func @gather_may_alias(%ids: memref<64x56xi32>, %table: memref<5000x200xf32>, %out: memref<64x56x200xf32>) {
  linalg.generic {indexing_maps = [#ids, #out], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%ids : memref<64x56xi32>) outs(%out : memref<64x56x200xf32>) {
  ^bb0(%id: i32, %o: f32):
    %row = arith.index_cast %id : i32 to index
    %c = linalg.index 2 : index
    %x = memref.load %table[%row, %c] : memref<5000x200xf32>
    linalg.yield %x : f32
  }
  return
}
func.func @gather_reads_output(%ids: memref<64x56xi32>, %table: memref<5000x200xf32>) -> memref<64x56x200xf32> {
  %c0 = arith.constant 0 : index
  %out = memref.alloc() : memref<64x56x200xf32>
  linalg.generic {indexing_maps = [#ids, #out], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%ids : memref<64x56xi32>) outs(%out : memref<64x56x200xf32>) {
  ^bb0(%id: i32, %o: f32):
    %row = arith.index_cast %id : i32 to index
    %c = linalg.index 2 : index
    %x = memref.load %table[%row, %c] : memref<5000x200xf32>
    %first = memref.load %out[%c0, %c0, %c0] : memref<64x56x200xf32>
    %y = arith.addf %x, %first : f32
    linalg.yield %y : f32
  }
  return %out : memref<64x56x200xf32>
}
func.func @gather_index_compared(%ids: memref<64x56xi32>, %table: memref<5000x200xf32>) -> memref<64x56x200xf32> {
  %c100 = arith.constant 100 : index
  %zero = arith.constant 0.0 : f32
  %out = memref.alloc() : memref<64x56x200xf32>
  linalg.generic {indexing_maps = [#ids, #out], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%ids : memref<64x56xi32>) outs(%out : memref<64x56x200xf32>) {
  ^bb0(%id: i32, %o: f32):
    %row = arith.index_cast %id : i32 to index
    %c = linalg.index 2 : index
    %x = memref.load %table[%row, %c] : memref<5000x200xf32>
    %low = arith.cmpi slt, %c, %c100 : index
    %y = arith.select %low, %x, %zero : f32
    linalg.yield %y : f32
  }
  return %out : memref<64x56x200xf32>
}
func.func @gather_offset(%ids: memref<64x56xi32>, %table: memref<1000000xf32>) -> memref<64x56x200xf32> {
  %c200 = arith.constant 200 : index
  %zero = arith.constant 0.0 : f32
  %out = memref.alloc() : memref<64x56x200xf32>
  linalg.generic {indexing_maps = [#ids, #out], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%ids : memref<64x56xi32>) outs(%out : memref<64x56x200xf32>) {
  ^bb0(%id: i32, %o: f32):
    %row = arith.index_cast %id : i32 to index
    %base = arith.muli %row, %c200 : index
    %c = linalg.index 2 : index
    %at = arith.addi %base, %c : index
    %x = memref.load %table[%at] : memref<1000000xf32>
    %pos = arith.cmpf ogt, %x, %zero : f32
    %y = arith.select %pos, %x, %zero : f32
    linalg.yield %y : f32
  }
  return %out : memref<64x56x200xf32>
}
