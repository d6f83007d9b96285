// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-plan-tiles,codegen-fuse-epilogues))' | FileCheck %s
// RUN: modelc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(codegen-plan-tiles,codegen-fuse-epilogues{enabled=false}))' | FileCheck %s --check-prefix=OFF

// A dense layer's matmul followed by bias + relu: the plan of the matmul
// gets `epilogue` and the consumer the mark codegen-vectorize fuses. The
// accumulator buffer is read by nothing else: no `store_accumulators`.
// CHECK-LABEL: func.func @dense_bias_relu
// CHECK: linalg.matmul {codegen.plan = #nn.tile_plan<{{.*}}contraction{{.*}}, epilogue>}
// CHECK: linalg.generic
// CHECK-SAME: attrs = {codegen.epilogue, codegen.plan = #nn.tile_plan<
// OFF-LABEL: func.func @dense_bias_relu
// OFF-NOT: epilogue
// OFF: return
func.func @dense_bias_relu(%x: memref<64x128xf32>, %w: memref<128x32xf32>, %b: memref<32xf32>, %acc: memref<64x32xf32>, %out: memref<64x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.matmul ins(%x, %w : memref<64x128xf32>, memref<128x32xf32>) outs(%acc : memref<64x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (c)>, affine_map<(n, c) -> (n, c)>],
                  iterator_types = ["parallel", "parallel"]}
    ins(%acc, %b : memref<64x32xf32>, memref<32xf32>) outs(%out : memref<64x32xf32>) {
  ^bb0(%a: f32, %bias: f32, %o: f32):
    %0 = arith.addf %a, %bias : f32
    %1 = arith.maximumf %0, %zero : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// The output is read again after the consumer: the kernels store the
// accumulators too (`store_accumulators`). The pairing records the choice
// only: ops in between (here a per-channel scale, computed from neither
// output) stay where they are; codegen-vectorize moves them before the
// matmul when it builds its kernels.
// CHECK-LABEL: func.func @reused
// CHECK: linalg.matmul {codegen.plan = #nn.tile_plan<{{.*}}, epilogue, store_accumulators>}
// CHECK-NEXT: memref.alloc
// CHECK-NEXT: linalg.generic {{.*}} outs(%{{.*}} : memref<32xf32>) attrs = {codegen.plan
// CHECK: linalg.generic {{.*}} attrs = {codegen.epilogue, codegen.plan
// CHECK: linalg.generic {{.*}} attrs = {codegen.plan
func.func @reused(%x: memref<64x128xf32>, %w: memref<128x32xf32>, %v: memref<32xf32>, %acc: memref<64x32xf32>, %out: memref<64x32xf32>, %sum: memref<64x32xf32>) {
  linalg.matmul ins(%x, %w : memref<64x128xf32>, memref<128x32xf32>) outs(%acc : memref<64x32xf32>)
  %scale = memref.alloc() : memref<32xf32>
  linalg.generic {indexing_maps = [affine_map<(c) -> (c)>, affine_map<(c) -> (c)>], iterator_types = ["parallel"]}
    ins(%v : memref<32xf32>) outs(%scale : memref<32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = math.rsqrt %a : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (c)>, affine_map<(n, c) -> (n, c)>],
                  iterator_types = ["parallel", "parallel"]}
    ins(%acc, %scale : memref<64x32xf32>, memref<32xf32>) outs(%out : memref<64x32xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %0 = arith.mulf %a, %s : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (n, c)>],
                  iterator_types = ["parallel", "parallel"]}
    ins(%acc, %out : memref<64x32xf32>, memref<64x32xf32>) outs(%sum : memref<64x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.addf %a, %b : f32
    linalg.yield %0 : f32
  }
  memref.dealloc %scale : memref<32xf32>
  return
}

// -----

// Consumers the kernels cannot apply are not paired: one that reads the
// output transposed (not the tile's window), one that reduces it (a row
// sum), and one behind an op that writes what the matmul reads.
// CHECK-LABEL: func.func @not_fused
// CHECK-NOT: epilogue
// CHECK: return
func.func @not_fused(%x: memref<32x128xf32>, %w: memref<128x32xf32>, %acc: memref<32x32xf32>, %t: memref<32x32xf32>, %acc2: memref<32x32xf32>, %rows: memref<32xf32>, %acc3: memref<32x32xf32>, %y: memref<32x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.matmul ins(%x, %w : memref<32x128xf32>, memref<128x32xf32>) outs(%acc : memref<32x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
    ins(%acc : memref<32x32xf32>) outs(%t : memref<32x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = arith.maximumf %a, %zero : f32
    linalg.yield %0 : f32
  }
  linalg.matmul ins(%x, %w : memref<32x128xf32>, memref<128x32xf32>) outs(%acc2 : memref<32x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                  iterator_types = ["parallel", "reduction"]}
    ins(%acc2 : memref<32x32xf32>) outs(%rows : memref<32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = arith.addf %a, %o : f32
    linalg.yield %0 : f32
  }
  linalg.matmul ins(%x, %w : memref<32x128xf32>, memref<128x32xf32>) outs(%acc3 : memref<32x32xf32>)
  linalg.fill ins(%zero : f32) outs(%w : memref<128x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
    ins(%acc3 : memref<32x32xf32>) outs(%y : memref<32x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = arith.maximumf %a, %zero : f32
    linalg.yield %0 : f32
  }
  return
}
