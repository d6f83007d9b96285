// The plan follows the target model the driver derives from LLVM's
// description of --target-cpu (tests/driver/target-cpu.test prints it):
// Zen 5 (one 16-lane FMA per cycle in LLVM's model, 1 MB L2), a Zen 4 core
// with a 256 KB L2 (LLVM's cost model's size for a generic target: the text
// CNN's convolution is cache-blocked over kh), two FMAs per cycle and a
// 256 KB L2 (a Skylake-AVX512 core with a client's L2: 16
// accumulators, 8 rows x 2 registers, as the L2 cannot stream a wider
// block's weights) and x86-64-v3 (AVX2 with 8 lanes, 16 registers of which
// 12 for accumulators, FMA latency 5; register blocks over the batch).
// RUN: modelc-opt %s -pass-pipeline='builtin.module(func.func(codegen-plan-tiles{vector-lanes=16 accumulator-registers=16 fma-latency=4 fmas-per-cycle=1 loads-per-cycle=2 l2-bytes=1048576 report-plans=true}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=ZEN5
// RUN: modelc-opt %s -pass-pipeline='builtin.module(func.func(codegen-plan-tiles{vector-lanes=16 accumulator-registers=16 fma-latency=4 fmas-per-cycle=1 loads-per-cycle=2 l2-bytes=262144 report-plans=true}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=ZEN4
// RUN: modelc-opt %s -pass-pipeline='builtin.module(func.func(codegen-plan-tiles{vector-lanes=16 accumulator-registers=16 fma-latency=4 fmas-per-cycle=2 loads-per-cycle=2 l1-bytes=32768 l2-bytes=262144 l2-bytes-per-cycle=64 report-plans=true}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=SKX
// RUN: modelc-opt %s -pass-pipeline='builtin.module(func.func(codegen-plan-tiles{vector-lanes=8 vector-registers=16 accumulator-registers=12 fma-latency=5 fmas-per-cycle=2 loads-per-cycle=2 l1-bytes=32768 l2-bytes=262144 l2-bytes-per-cycle=32 report-plans=true}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=AVX2

// ZEN5: remark: plan: tiles [1, 8, 1, 32, 0, 0, 0], register block 8 rows of d1 x d3, rhs in panels, worth threads
// ZEN4: remark: plan: tiles [1, 8, 1, 32, 0, 0, 0], register block 8 rows of d1 x d3, rhs in panels, cache block 1 of d4, worth threads
// SKX: remark: plan: tiles [8, 1, 1, 32, 0, 0, 0], register block 8 rows of d0 x d3, rhs in panels, cache block 1 of d4, worth threads
// AVX2: remark: plan: tiles [6, 1, 1, 16, 0, 0, 0], register block 6 rows of d0 x d3, rhs in panels, worth threads
func.func @textcnn_conv(%in: memref<64x56x200x1xf32>, %w: memref<5x200x1x100xf32>,
                        %out: memref<64x52x1x100xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : memref<64x56x200x1xf32>, memref<5x200x1x100xf32>)
    outs(%out : memref<64x52x1x100xf32>)
  return
}

// ZEN5: remark: plan: tiles [8, 32, 0], register block 8 rows of d0 x d1, rhs in panels, worth threads
// SKX: remark: plan: tiles [8, 32, 0], register block 8 rows of d0 x d1, rhs in panels, worth threads
// AVX2: remark: plan: tiles [8, 8, 0], register block 8 rows of d0 x d1, worth threads
func.func @matmul(%a: memref<256x512xf32>, %b: memref<512x300xf32>, %c: memref<256x300xf32>) {
  linalg.matmul ins(%a, %b : memref<256x512xf32>, memref<512x300xf32>) outs(%c : memref<256x300xf32>)
  return
}

// A small one stays on one thread; on AVX2 its 8 x 32 output takes blocks
// of 5 rows x 2 registers (the last of 3 rows): 3 rows x 4 registers would
// need 12 accumulators, 4 rhs vectors and a broadcast, more than AVX2's 16
// registers.
// ZEN5: remark: plan: tiles [0, 0, 0], register block all rows of d0 x d1, one thread
// AVX2: remark: plan: tiles [5, 16, 0], register block 5 rows of d0 x d1, one thread
func.func @small(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %c: memref<8x32xf32>) {
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%c : memref<8x32xf32>)
  return
}
