// RUN: modelc-opt %s -codegen-eliminate-empty-tensors | FileCheck %s

// An entry point that only reads the arena: its result is computed straight
// into the output buffer (the generic's destination is the output).
// CHECK-LABEL: func.func @infer
// CHECK: %[[OUT:.*]] = bufferization.to_tensor %arg1 restrict writable
// CHECK: linalg.generic {{.*}} outs(%[[OUT]] : tensor<4xf32>)
// CHECK: bufferization.materialize_in_destination
func.func @infer(%arena: memref<4xf32>, %out: memref<4xf32>) {
  %a = bufferization.to_tensor %arena restrict : memref<4xf32> to tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
    ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<4xf32>
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<4xf32>, memref<4xf32>) -> ()
  return
}

// An entry point that writes the arena back (a train step) is left alone:
// the update still goes through its own tensor.
// CHECK-LABEL: func.func @step
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2xf32>
// CHECK: linalg.generic {{.*}} outs(%[[E]] : tensor<2xf32>)
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %arg0
func.func @step(%arena: memref<4xf32>) {
  %a = bufferization.to_tensor %arena restrict writable : memref<4xf32> to tensor<4xf32>
  %e = tensor.empty() : tensor<2xf32>
  %s = tensor.extract_slice %a[0] [2] [1] : tensor<4xf32> to tensor<2xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
    ins(%s : tensor<2xf32>) outs(%e : tensor<2xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<2xf32>
  %u = tensor.insert_slice %r into %a[2] [2] [1] : tensor<2xf32> into tensor<4xf32>
  bufferization.materialize_in_destination %u in restrict writable %arena : (tensor<4xf32>, memref<4xf32>) -> ()
  return
}
