// Round trip of nn.conv2d (with and without bias, valid/same padding,
// strides, dilations), nn.dense, nn.embedding and nn.bias_add.
// RUN: modelc-opt %s | modelc-opt | FileCheck %s
// RUN: modelc-opt %s --mlir-print-op-generic | modelc-opt | FileCheck %s

// CHECK-LABEL: func.func @conv
func.func @conv(%x: tensor<?x8x8x3xf32>, %k: tensor<3x3x3x4xf32>, %b: tensor<4xf32>)
    -> (tensor<?x6x6x4xf32>, tensor<?x4x4x4xf32>, tensor<?x4x4x4xf32>) {
  // CHECK: nn.conv2d %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x6x6x4xf32>
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x6x6x4xf32>
  // CHECK: nn.conv2d %{{.*}}, %{{.*}} bias(%{{.*}}) {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 2, 2>} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
  %1 = nn.conv2d %x, %k bias(%b) {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, padding = #nn.padding<same>} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
  // A 3x3 kernel dilated by 2 spans 5 taps: 8 - 5 + 1 = 4.
  // CHECK: nn.conv2d %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x4x4x4xf32>
  %2 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 2, 2>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x4x4x4xf32>
  return %0, %1, %2 : tensor<?x6x6x4xf32>, tensor<?x4x4x4xf32>, tensor<?x4x4x4xf32>
}

// A kernel size known only at run time: `same` padding's output does not
// depend on it, `valid`'s is unknown too; explicit pads cannot be checked
// against its span. (Under UBSan its span once overflowed.)
// CHECK-LABEL: func.func @dynamic_kernel
// CHECK: -> tensor<?x8x8x4xf32>
// CHECK: -> tensor<?x?x6x4xf32>
// CHECK: -> tensor<?x?x8x4xf32>
func.func @dynamic_kernel(%x: tensor<?x8x8x3xf32>, %k: tensor<?x3x3x4xf32>)
    -> (tensor<?x8x8x4xf32>, tensor<?x?x6x4xf32>, tensor<?x?x8x4xf32>) {
  %0 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<same>} : (tensor<?x8x8x3xf32>, tensor<?x3x3x4xf32>) -> tensor<?x8x8x4xf32>
  %1 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<valid>} : (tensor<?x8x8x3xf32>, tensor<?x3x3x4xf32>) -> tensor<?x?x6x4xf32>
  %2 = nn.conv2d %x, %k {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = #nn.padding<explicit>, pads = array<i64: 1, 1, 1, 1>} : (tensor<?x8x8x3xf32>, tensor<?x3x3x4xf32>) -> tensor<?x?x8x4xf32>
  return %0, %1, %2 : tensor<?x8x8x4xf32>, tensor<?x?x6x4xf32>, tensor<?x?x8x4xf32>
}

// CHECK-LABEL: func.func @dense
func.func @dense(%x: tensor<?x16xf32>, %k: tensor<16x10xf32>, %b: tensor<10xf32>) -> (tensor<?x10xf32>, tensor<?x10xf32>) {
  // CHECK: nn.dense %{{.*}}, %{{.*}} : (tensor<?x16xf32>, tensor<16x10xf32>) -> tensor<?x10xf32>
  %0 = nn.dense %x, %k : (tensor<?x16xf32>, tensor<16x10xf32>) -> tensor<?x10xf32>
  // CHECK: nn.dense %{{.*}}, %{{.*}} bias(%{{.*}}) : (tensor<?x16xf32>, tensor<16x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  %1 = nn.dense %x, %k bias(%b) : (tensor<?x16xf32>, tensor<16x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  return %0, %1 : tensor<?x10xf32>, tensor<?x10xf32>
}

// CHECK-LABEL: func.func @embedding
func.func @embedding(%ids: tensor<?x56xi32>, %table: tensor<5000x64xf32>) -> tensor<?x56x64xf32> {
  // CHECK: nn.embedding %{{.*}}, %{{.*}} : (tensor<?x56xi32>, tensor<5000x64xf32>) -> tensor<?x56x64xf32>
  %0 = nn.embedding %ids, %table : (tensor<?x56xi32>, tensor<5000x64xf32>) -> tensor<?x56x64xf32>
  return %0 : tensor<?x56x64xf32>
}

// CHECK-LABEL: func.func @bias_add
func.func @bias_add(%x: tensor<?x5x7xf32>, %b: tensor<7xf32>) -> tensor<?x5x7xf32> {
  // CHECK: nn.bias_add %{{.*}}, %{{.*}} : (tensor<?x5x7xf32>, tensor<7xf32>) -> tensor<?x5x7xf32>
  %0 = nn.bias_add %x, %b : (tensor<?x5x7xf32>, tensor<7xf32>) -> tensor<?x5x7xf32>
  return %0 : tensor<?x5x7xf32>
}
