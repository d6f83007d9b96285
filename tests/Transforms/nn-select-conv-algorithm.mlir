// RUN: modelc-opt %s -nn-select-conv-algorithm | FileCheck %s --check-prefix=AUTO
// RUN: modelc-opt %s -nn-select-conv-algorithm=algorithm=winograd | FileCheck %s --check-prefix=ALL
// RUN: modelc-opt %s -nn-select-conv-algorithm=algorithm=direct | FileCheck %s --check-prefix=NONE
// RUN: not modelc-opt %s -nn-select-conv-algorithm=algorithm=fft 2>&1 | FileCheck %s --check-prefix=BAD
// auto needs the transformed filter (32 x 64 channel pairs: 128 KB) to be at
// most a quarter of the L2: a 512 KB L2 is enough, one byte less is not;
// winograd forces them whatever the L2.
// RUN: modelc-opt %s '-nn-select-conv-algorithm=l2-bytes=524288' | FileCheck %s --check-prefix=AUTO
// RUN: modelc-opt %s '-nn-select-conv-algorithm=l2-bytes=524287' | FileCheck %s --check-prefix=SMALL
// RUN: modelc-opt %s '-nn-select-conv-algorithm=algorithm=winograd l2-bytes=262144' | FileCheck %s --check-prefix=ALL

// auto: 3x3, stride 1, at least 32 channels each way; winograd: every 3x3
// of stride 1 without dilation or groups; direct: none (clears the mark).
// AUTO-LABEL: func.func @convs
// AUTO: nn.conv2d {{.*}}winograd{{.*}}tensor<3x3x32x64xf32>
// AUTO-NOT: winograd
// AUTO: return
// ALL-LABEL: func.func @convs
// ALL: nn.conv2d {{.*}}winograd{{.*}}tensor<3x3x32x64xf32>
// ALL: nn.conv2d {{.*}}winograd{{.*}}tensor<3x3x16x16xf32>
// ALL: nn.conv2d {{.*}}winograd{{.*}}tensor<3x3x32x16xf32>
// ALL-NOT: winograd
// ALL: return
// NONE-LABEL: func.func @convs
// NONE-NOT: winograd
// NONE: return
// BAD: algorithm must be auto, winograd or direct, got 'fft'
// SMALL-LABEL: func.func @convs
// SMALL-NOT: winograd
// SMALL: return
// SMALL-LABEL: func.func @grads
// SMALL-NOT: winograd
// SMALL: return
func.func @convs(%x: tensor<?x14x14x32xf32>, %k64: tensor<3x3x32x64xf32>,
                 %y: tensor<?x14x14x16xf32>, %k16: tensor<3x3x16x16xf32>,
                 %k3216: tensor<3x3x32x16xf32>, %k5: tensor<5x5x32x64xf32>,
                 %kg: tensor<3x3x16x64xf32>) {
  %0 = nn.conv2d %x, %k64 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x32xf32>, tensor<3x3x32x64xf32>) -> tensor<?x14x14x64xf32>
  // Too few channels for auto.
  %1 = nn.conv2d %y, %k16 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x16xf32>, tensor<3x3x16x16xf32>) -> tensor<?x14x14x16xf32>
  // Marked already; auto clears it (16 output channels).
  %2 = nn.conv2d %x, %k3216 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>, winograd} : (tensor<?x14x14x32xf32>, tensor<3x3x32x16xf32>) -> tensor<?x14x14x16xf32>
  // Never: stride 2, a 5x5 kernel, dilation, groups.
  %3 = nn.conv2d %x, %k64 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 2, 2>} : (tensor<?x14x14x32xf32>, tensor<3x3x32x64xf32>) -> tensor<?x7x7x64xf32>
  %4 = nn.conv2d %x, %k5 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x32xf32>, tensor<5x5x32x64xf32>) -> tensor<?x14x14x64xf32>
  %5 = nn.conv2d %x, %k64 {dilations = array<i64: 2, 2>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x32xf32>, tensor<3x3x32x64xf32>) -> tensor<?x14x14x64xf32>
  %6 = nn.conv2d %x, %kg {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>, groups = 2 : i64} : (tensor<?x14x14x32xf32>, tensor<3x3x16x64xf32>) -> tensor<?x14x14x64xf32>
  return
}

// The input gradient's transposed convolution is picked by the same rule.
// AUTO-LABEL: func.func @grads
// AUTO: nn.conv2d_grad_input {{.*}}winograd{{.*}} -> tensor<?x14x14x32xf32>
// AUTO-NOT: winograd
// AUTO: return
// ALL-LABEL: func.func @grads
// ALL: nn.conv2d_grad_input {{.*}}winograd{{.*}} -> tensor<?x14x14x32xf32>
// ALL: nn.conv2d_grad_input {{.*}}winograd{{.*}} -> tensor<?x14x14x16xf32>
// ALL-NOT: winograd
// ALL: return
// NONE-LABEL: func.func @grads
// NONE-NOT: winograd
// NONE: return
func.func @grads(%dy: tensor<?x14x14x64xf32>, %k64: tensor<3x3x32x64xf32>,
                 %dy16: tensor<?x14x14x16xf32>, %k16: tensor<3x3x16x16xf32>,
                 %dy7: tensor<?x7x7x64xf32>, %dy2: tensor<?x2x2x64xf32>) {
  %0 = nn.conv2d_grad_input %dy, %k64 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x64xf32>, tensor<3x3x32x64xf32>) -> tensor<?x14x14x32xf32>
  %1 = nn.conv2d_grad_input %dy16, %k16 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x16xf32>, tensor<3x3x16x16xf32>) -> tensor<?x14x14x16xf32>
  // Stride 2: never.
  %2 = nn.conv2d_grad_input %dy7, %k64 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 2, 2>} : (tensor<?x7x7x64xf32>, tensor<3x3x32x64xf32>) -> tensor<?x14x14x32xf32>
  // A dy shorter than the kernel (summed over dy, not over the taps): never.
  %3 = nn.conv2d_grad_input %dy2, %k64 {dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>} : (tensor<?x2x2x64xf32>, tensor<3x3x32x64xf32>) -> tensor<?x4x4x32xf32>
  return
}

// A channel count known only at run time: auto leaves it direct (and does
// not multiply the dynamic size: UBSan would stop the sanitizer build).
// AUTO-LABEL: func.func @dynamic_channels
// AUTO-NOT: winograd
// AUTO: return
func.func @dynamic_channels(%x: tensor<?x14x14x?xf32>, %k: tensor<3x3x?x64xf32>) -> tensor<?x14x14x64xf32> {
  %0 = nn.conv2d %x, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x?xf32>, tensor<3x3x?x64xf32>) -> tensor<?x14x14x64xf32>
  return %0 : tensor<?x14x14x64xf32>
}
