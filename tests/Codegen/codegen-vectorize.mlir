// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-plan-tiles,codegen-fuse-epilogues,codegen-vectorize))' | FileCheck %s --check-prefix=CONTRACT
// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-plan-tiles,codegen-fuse-epilogues,codegen-vectorize,codegen-lower-vectors,codegen-tile-loops))' | FileCheck %s --check-prefix=FMA

// A convolution: register block of 7 output rows x 32 channels (two 16-lane
// registers each), all in iter_args across the kh, kw, c reduction loops
// (nested in that order, the scalar order of every sum); one vector load of
// the kernel per register and one broadcast per row each step. The rows are
// 7 neighbouring pixels of one image row (w; h and w tie, the later wins):
// the broadcasts read one stretch of the input row, not 7 image rows.
// CONTRACT-LABEL: func.func @conv
// CONTRACT-NOT: linalg.
// CONTRACT: vector.load %arg2[%c0, %[[H:.*]], %c0, %c0] : memref<1x7x7x32xf32>, vector<16xf32>
// CONTRACT-NEXT: vector.load %arg2[%c0, %[[H]], %c0, %c16]
// CONTRACT-NEXT: vector.load %arg2[%c0, %[[H]], %c1, %c0]
// CONTRACT-COUNT-11: vector.load %arg2{{.*}} : memref<1x7x7x32xf32>, vector<16xf32>
// CONTRACT: scf.for %[[KH:.*]] = %c0 to %c3 {{.*}} iter_args
// CONTRACT: scf.for %[[KW:.*]] = %c0 to %c3 {{.*}} iter_args
// CONTRACT: scf.for %[[C:.*]] = %c0 to %c8 {{.*}} iter_args
// CONTRACT: vector.load %arg1[%[[KH]], %[[KW]], %[[C]], %c0] : memref<3x3x8x32xf32>, vector<16xf32>
// CONTRACT: vector.load %arg1[%[[KH]], %[[KW]], %[[C]], %c16] : memref<3x3x8x32xf32>, vector<16xf32>
// CONTRACT-COUNT-7: vector.fma {{.*}}vector<16xf32>
// CONTRACT-NOT: vector<7x
// CONTRACT-COUNT-14: vector.store {{.*}} : memref<1x7x7x32xf32>, vector<16xf32>
// FMA-LABEL: func.func @conv
// FMA-NOT: linalg.
// FMA-NOT: vector.contract
// FMA: vector.fma {{.*}} : vector<16xf32>
func.func @conv(%in: memref<1x9x9x8xf32>, %w: memref<3x3x8x32xf32>,
                %out: memref<1x7x7x32xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : memref<1x9x9x8xf32>, memref<3x3x8x32xf32>)
    outs(%out : memref<1x7x7x32xf32>)
  return
}

// -----

// The text CNN's convolution (100 filters, 53 output rows): every tile,
// remainder tiles included, is vector code. The 100 channels are 16-lane
// registers and one 4-lane register, never a 100-lane vector (which LLVM
// would legalize with shuffles).
// CONTRACT-LABEL: func.func @text_conv
// CONTRACT-NOT: linalg.generic
// CONTRACT-NOT: vector<100xf32>
// CONTRACT-DAG: vector.fma {{.*}} : vector<16xf32>
// CONTRACT-DAG: vector.fma {{.*}} : vector<4xf32>
// CONTRACT: return
// FMA-LABEL: func.func @text_conv
// FMA-NOT: linalg.generic
// FMA: return
func.func @text_conv(%in: memref<?x56x200x1xf32>, %w: memref<4x200x1x100xf32>,
                     %out: memref<?x53x1x100xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : memref<?x56x200x1xf32>, memref<4x200x1x100xf32>)
    outs(%out : memref<?x53x1x100xf32>)
  return
}

// -----

// A batch-norm statistic (sum over n, h, w per channel): one 32-lane
// vector, accumulated across the reduction loops; no horizontal reduction,
// the order of every sum is the scalar loops' one.
// CONTRACT-LABEL: func.func @channel_sum
// CONTRACT: scf.for {{.*}} iter_args({{.*}} = {{.*}}) -> (vector<32xf32>)
// CONTRACT: arith.addf {{.*}} : vector<32xf32>
// CONTRACT-NOT: vector.reduction
// FMA-LABEL: func.func @channel_sum
// FMA-NOT: linalg.generic
// FMA: arith.addf {{.*}} : vector<32xf32>
func.func @channel_sum(%x: memref<?x28x28x32xf32>, %s: memref<32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (c)>],
                  iterator_types = ["reduction", "reduction", "reduction", "parallel"]}
    ins(%x : memref<?x28x28x32xf32>) outs(%s : memref<32xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %0 = arith.addf %acc, %a : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// A dense layer's input gradient reads the kernel across its rows
// (out[n, c] += dy[n, j] * w[c, j]): the kernel is transposed once into a
// buffer where c is contiguous, then it is a contraction like the others.
// CONTRACT-LABEL: func.func @transposed_rhs
// CONTRACT: linalg.transpose ins(%{{.*}} : memref<64x128xf32>) outs(%[[P:.*]] : memref<128x64xf32>) permutation = [1, 0]
// CONTRACT: scf.for {{.*}} iter_args
// CONTRACT: vector.load %[[P]]{{.*}} : memref<128x64xf32>, vector<16xf32>
// CONTRACT: vector.fma
// CONTRACT: memref.dealloc %[[P]]
func.func @transposed_rhs(%dy: memref<?x128xf32>, %w: memref<64x128xf32>, %out: memref<?x64xf32>) {
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
    ins(%dy, %w : memref<?x128xf32>, memref<64x128xf32>) outs(%out : memref<?x64xf32>)
  return
}

// -----

// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-split-reductions,codegen-plan-tiles,codegen-fuse-epilogues,codegen-vectorize,codegen-lower-vectors,codegen-tile-loops{parallel=true}))' | FileCheck %s --check-prefix=PAR
// With `parallel`, the outermost tile loop of a parallel dimension (here the
// batch) becomes scf.parallel, for convert-scf-to-openmp.
// A large reduction into the channels has no such loop: it is split into 4
// chunks of the batch summed in parallel into partials, which are then added
// to the output in chunk order (whatever the thread count).
// PAR-LABEL: func.func @channel_sum
// PAR: %[[PART:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x32xf32>
// PAR: scf.parallel (%[[P:.*]]) = (%{{.*}}) to (%c4{{.*}}) step
// PAR: arith.addf {{.*}} : vector<32xf32>
// PAR: vector.store %{{.*}}, %[[PART]][%[[P]], %{{.*}}]
// PAR: %[[S0:.*]] = vector.load %[[PART]][%c0
// PAR: %[[S1:.*]] = vector.load %[[PART]][%c1
// PAR: %[[S2:.*]] = vector.load %[[PART]][%c2
// PAR: %[[S3:.*]] = vector.load %[[PART]][%c3
// PAR: %[[A0:.*]] = arith.addf %{{.*}}, %[[S0]]
// PAR: %[[A1:.*]] = arith.addf %[[A0]], %[[S1]]
// PAR: %[[A2:.*]] = arith.addf %[[A1]], %[[S2]]
// PAR: arith.addf %[[A2]], %[[S3]]
// PAR: memref.dealloc %[[PART]]
// PAR-LABEL: func.func @transposed_rhs
// PAR-LABEL: func.func @batch_parallel
// PAR: scf.parallel
// PAR: vector.fma
func.func @batch_parallel(%in: memref<?x9x9x8xf32>, %w: memref<3x3x8x32xf32>,
                          %out: memref<?x7x7x32xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : memref<?x9x9x8xf32>, memref<3x3x8x32xf32>)
    outs(%out : memref<?x7x7x32xf32>)
  return
}

// -----

// An element-wise op on NHWC tensors with one channel vectorizes along the
// width: the transfers, after views are folded into them, skip the trailing
// unit dimension, and become contiguous loads and stores again (not one
// scalar access per lane).
// FMA-LABEL: func.func @one_channel
// FMA-COUNT-3: vector.load {{.*}} : memref<?x56x200xf32, strided<[11200, 200, 1]>>, vector<32xf32>
// FMA: vector.store {{.*}} : memref<?x56x200xf32, strided<[11200, 200, 1]>>, vector<32xf32>
// FMA-NOT: vector.insert
// FMA-NOT: vector<32x1xf32>
func.func @one_channel(%a: memref<?x56x200x1xf32>, %b: memref<?x56x200x1xf32>, %c: memref<?x56x200x1xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%a, %b : memref<?x56x200x1xf32>, memref<?x56x200x1xf32>) outs(%c : memref<?x56x200x1xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %0 = arith.addf %x, %y : f32
    %1 = arith.addf %0, %o : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// Epilogue fusion: conv + batch norm (inference) + relu is one loop nest.
// The element-wise consumer of the convolution's output runs on the
// accumulator registers after the reduction loops and stores the result;
// the accumulator buffer, read by nothing else, is never stored to. The
// per-channel constants (computed between the two ops) move before the
// convolution. The zero fill of the accumulator buffer is gone: the
// accumulators start as zero registers.
// FMA-LABEL: func.func @conv_bn_relu
// FMA-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// FMA-NOT: linalg.fill
// FMA-NOT: linalg.generic
// FMA: scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]]
// FMA: scf.for
// FMA: vector.fma
// FMA: arith.subf %{{.*}} : vector<16xf32>
// FMA-NEXT: arith.mulf
// FMA-NEXT: arith.addf
// FMA-NEXT: arith.maximumf
// FMA-NEXT: vector.store %{{.*}}, %arg5
// FMA-NOT: vector.store %{{.*}}, %alloc
// FMA: memref.dealloc %alloc
// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-plan-tiles,codegen-fuse-epilogues{enabled=false},codegen-vectorize,codegen-lower-vectors,codegen-tile-loops))' | FileCheck %s --check-prefix=NOFUSE
// Without epilogue fusion the kernel stores the accumulators and a second
// loop nest reads them back.
// NOFUSE-LABEL: func.func @conv_bn_relu
// NOFUSE: vector.fma
// NOFUSE: vector.store %{{.*}}, %alloc
// NOFUSE: vector.load %alloc
// NOFUSE: arith.maximumf
func.func @conv_bn_relu(%in: memref<?x9x9x8xf32>, %w: memref<3x3x8x32xf32>, %mean: memref<32xf32>, %var: memref<32xf32>, %beta: memref<32xf32>, %out: memref<?x7x7x32xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 0.001 : f32
  %n = memref.dim %in, %c0 : memref<?x9x9x8xf32>
  %acc = memref.alloc(%n) {alignment = 64 : i64} : memref<?x7x7x32xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<?x7x7x32xf32>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : memref<?x9x9x8xf32>, memref<3x3x8x32xf32>)
    outs(%acc : memref<?x7x7x32xf32>)
  %scale = memref.alloc() {alignment = 64 : i64} : memref<32xf32>
  linalg.generic {indexing_maps = [affine_map<(c) -> (c)>, affine_map<(c) -> (c)>], iterator_types = ["parallel"]}
    ins(%var : memref<32xf32>) outs(%scale : memref<32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %0 = arith.addf %v, %eps : f32
    %1 = math.rsqrt %0 : f32
    linalg.yield %1 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (c)>, affine_map<(n, h, w, c) -> (c)>, affine_map<(n, h, w, c) -> (c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%acc, %mean, %scale, %beta : memref<?x7x7x32xf32>, memref<32xf32>, memref<32xf32>, memref<32xf32>) outs(%out : memref<?x7x7x32xf32>) {
  ^bb0(%x: f32, %m: f32, %s: f32, %b: f32, %o: f32):
    %0 = arith.subf %x, %m : f32
    %1 = arith.mulf %0, %s : f32
    %2 = arith.addf %1, %b : f32
    %3 = arith.maximumf %2, %zero : f32
    linalg.yield %3 : f32
  }
  memref.dealloc %scale : memref<32xf32>
  memref.dealloc %acc : memref<?x7x7x32xf32>
  return
}

// -----

// When the convolution's output is read again later, the kernel stores both
// the accumulators and the epilogue's result.
// FMA-LABEL: func.func @conv_relu_reused
// FMA-NOT: linalg.generic
// FMA: vector.fma
// FMA: vector.store %{{.*}}, %arg2
// FMA-NEXT: arith.maximumf
// FMA-NEXT: vector.store %{{.*}}, %arg3
func.func @conv_relu_reused(%in: memref<1x9x9x8xf32>, %w: memref<3x3x8x32xf32>, %acc: memref<1x7x7x32xf32>, %out: memref<1x7x7x32xf32>, %sum: memref<1x7x7x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : memref<1x9x9x8xf32>, memref<3x3x8x32xf32>)
    outs(%acc : memref<1x7x7x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%acc : memref<1x7x7x32xf32>) outs(%out : memref<1x7x7x32xf32>) {
  ^bb0(%x: f32, %o: f32):
    %0 = arith.maximumf %x, %zero : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%acc, %out : memref<1x7x7x32xf32>, memref<1x7x7x32xf32>) outs(%sum : memref<1x7x7x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %0 = arith.addf %x, %y : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// Batch-norm statistics over 64 channels read each row of 64 floats whole:
// one 64-lane tile (4 registers), not two 32-lane passes over every other
// half of each row.
// CONTRACT-LABEL: func.func @channel_sum64
// CONTRACT-NOT: step %c32
// CONTRACT: scf.for {{.*}} iter_args({{.*}}) -> (vector<64xf32>, vector<64xf32>)
// CONTRACT: arith.addf {{.*}} : vector<64xf32>
func.func @channel_sum64(%x: memref<?x28x28x64xf32>, %s1: memref<64xf32>, %s2: memref<64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (c)>, affine_map<(n, h, w, c) -> (c)>],
                  iterator_types = ["reduction", "reduction", "reduction", "parallel"]}
    ins(%x : memref<?x28x28x64xf32>) outs(%s1, %s2 : memref<64xf32>, memref<64xf32>) {
  ^bb0(%a: f32, %acc1: f32, %acc2: f32):
    %0 = arith.addf %acc1, %a : f32
    %1 = arith.mulf %a, %a : f32
    %2 = arith.addf %acc2, %1 : f32
    linalg.yield %0, %2 : f32, f32
  }
  return
}

// -----

// The epilogue of a contraction whose output has a trailing unit dimension
// (the input gradient of the text CNN's one-channel convolutions, summed
// over the three branches) is fused too: registers along the width.
// FMA-LABEL: func.func @unit_channel_epilogue
// FMA-NOT: linalg.generic
// FMA: vector.fma {{.*}} : vector<16xf32>
// FMA: vector.load %arg3[{{.*}}] : memref<2x8x32x1xf32>, vector<16xf32>
// FMA-NEXT: arith.addf {{.*}} : vector<16xf32>
// FMA-NEXT: vector.store %{{.*}}, %arg4[{{.*}}] : memref<2x8x32x1xf32>, vector<16xf32>
func.func @unit_channel_epilogue(%a: memref<2x8x100xf32>, %b: memref<100x32xf32>, %acc: memref<2x8x32x1xf32>, %other: memref<2x8x32x1xf32>, %out: memref<2x8x32x1xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c, k) -> (n, h, k)>, affine_map<(n, h, w, c, k) -> (k, w)>, affine_map<(n, h, w, c, k) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
    ins(%a, %b : memref<2x8x100xf32>, memref<100x32xf32>) outs(%acc : memref<2x8x32x1xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %0 = arith.mulf %x, %y : f32
    %1 = arith.addf %o, %0 : f32
    linalg.yield %1 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%acc, %other : memref<2x8x32x1xf32>, memref<2x8x32x1xf32>) outs(%out : memref<2x8x32x1xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %0 = arith.addf %x, %y : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// A weight gradient's tile loops (3 kernel rows x 3 kernel columns x 2
// tiles of 16 input channels) are few each: with `parallel` they become one
// loop over their 18 linearized iterations, split evenly over the cores (the
// 3 rows alone would split 2:1 on two). (A batch of 4 is too short to be split into
// chunks by codegen-split-reductions.)
// PAR-LABEL: func.func @weight_grad
// PAR: scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%c18{{.*}}) step (%{{.*}})
// PAR: arith.divui %[[I]], %c6
// PAR: arith.remui
// PAR: vector.fma
func.func @weight_grad(%x: memref<4x34x34x32xf32>, %dy: memref<4x32x32x16xf32>, %dw: memref<3x3x32x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(kh, kw, c, f, n, h, w) -> (n, h + kh, w + kw, c)>, affine_map<(kh, kw, c, f, n, h, w) -> (n, h, w, f)>, affine_map<(kh, kw, c, f, n, h, w) -> (kh, kw, c, f)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
    ins(%x, %dy : memref<4x34x34x32xf32>, memref<4x32x32x16xf32>) outs(%dw : memref<3x3x32x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.mulf %a, %b : f32
    %1 = arith.addf %o, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// A fill no kernel starts its accumulators from (here a max-pool's -inf and
// its argmax's INT_MAX) is an element-wise op like the others: vector stores,
// on threads when large (a scalar store loop on one thread otherwise).
// FMA-LABEL: func.func @fills
// FMA-NOT: linalg.
// FMA: vector.store %{{.*}}, %arg0[{{.*}}] : memref<?x14x14x32xf32>, vector<32xf32>
// FMA: vector.store %{{.*}}, %arg1[{{.*}}] : memref<?x7x7x64xi32>, vector<32xi32>
// PAR-LABEL: func.func @fills
// PAR: scf.parallel
// PAR: vector.store %cst{{.*}}, %arg0[{{.*}}] : memref<?x14x14x32xf32>, vector<32xf32>
// PAR: vector.store %cst{{.*}}, %arg1[{{.*}}] : memref<?x7x7x64xi32>, vector<32xi32>
func.func @fills(%a: memref<?x14x14x32xf32>, %b: memref<?x7x7x64xi32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %max = arith.constant 2147483647 : i32
  linalg.fill ins(%ninf : f32) outs(%a : memref<?x14x14x32xf32>)
  linalg.fill ins(%max : i32) outs(%b : memref<?x7x7x64xi32>)
  return
}

// -----

// An input read at a fixed tap of a 2x2 window (a max-pool gradient reads
// x at each tap): once the unit tile loops are dropped, the tap is a
// constant index into a 2-element dimension of the tile's view, which a
// subview at that index removes. The tile is then a vector op.
// FMA-LABEL: func.func @window_tap
// FMA-NOT: linalg.
// FMA-NOT: memref.load
// FMA: vector.load %arg0[{{.*}}] : memref<?x8x8x32xf32>, vector<32xf32>
// FMA: vector.store {{.*}} : memref<?x8x8x32xf32>, vector<32xf32>
func.func @window_tap(%x: memref<?x8x8x32xf32>, %out: memref<?x8x8x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, (h floordiv 2) * 2 + 1, (w floordiv 2) * 2, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%x : memref<?x8x8x32xf32>) outs(%out : memref<?x8x8x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  return
}

// -----

// The zero fill of a convolution's output is its accumulators' start even
// with another buffer's fill in between (a weight gradient's, computed
// before this input gradient): the kernel starts from zero registers, never
// loads the output, and the output is not filled; the other fill stays.
// FMA-LABEL: func.func @fill_then_other_fill
// FMA-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// FMA-NOT: vector.store %{{.*}}, %arg2
// FMA: vector.store %{{.*}}, %arg3
// FMA-NOT: vector.load %arg2
// FMA: scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]]
// FMA: vector.fma
// FMA: vector.store %{{.*}}, %arg2
func.func @fill_then_other_fill(%in: memref<?x9x9x8xf32>, %w: memref<3x3x8x32xf32>, %out: memref<?x7x7x32xf32>, %other: memref<3x3x8x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<?x7x7x32xf32>)
  linalg.fill ins(%zero : f32) outs(%other : memref<3x3x8x32xf32>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : memref<?x9x9x8xf32>, memref<3x3x8x32xf32>)
    outs(%out : memref<?x7x7x32xf32>)
  return
}
