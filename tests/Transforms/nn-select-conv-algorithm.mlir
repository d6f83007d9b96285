// RUN: modelc-opt %s -nn-select-conv-algorithm | FileCheck %s --check-prefix=AUTO
// RUN: modelc-opt %s -nn-select-conv-algorithm=algorithm=winograd | FileCheck %s --check-prefix=ALL
// RUN: modelc-opt %s -nn-select-conv-algorithm=algorithm=winograd-rows | FileCheck %s --check-prefix=ROWS
// RUN: modelc-opt %s -nn-select-conv-algorithm=algorithm=direct | FileCheck %s --check-prefix=NONE
// RUN: not modelc-opt %s -nn-select-conv-algorithm=algorithm=fft 2>&1 | FileCheck %s --check-prefix=BAD
// auto needs the transformed filter (32 x 64 channel pairs: 128 KB) to be at
// most a quarter of the L2: a 512 KB L2 is enough, one byte less is not;
// winograd forces them whatever the L2.
// RUN: modelc-opt %s '-nn-select-conv-algorithm=l2-bytes=524288' | FileCheck %s --check-prefix=AUTO
// RUN: modelc-opt %s '-nn-select-conv-algorithm=l2-bytes=524287' | FileCheck %s --check-prefix=SMALL
// RUN: modelc-opt %s '-nn-select-conv-algorithm=algorithm=winograd l2-bytes=262144' | FileCheck %s --check-prefix=ALL

// auto: F(2x2, 3x3) for 3x3, stride 1, at least 32 channels each way; else
// Winograd along the rows for at least 3 kernel rows, 32 terms per product
// (kw C) and 16 filters, with the tile of at most 8 rows that does the
// fewest multiplications for the 14 output rows (F(5, 3): 3 tiles of 7
// rows; F(4, 5): 4 tiles of 8). winograd: F(2x2, 3x3) for every 3x3 of
// stride 1 without dilation or groups; winograd-rows: along the rows
// wherever the rows have stride 1 and no dilation, without groups; direct:
// none (clears the marks).
// AUTO-LABEL: func.func @convs
// AUTO: nn.conv2d {{.*}}winograd} {{.*}}tensor<3x3x32x64xf32>
// AUTO-NEXT: nn.conv2d {{.*}}winograd_rows = 5 : i64} {{.*}}tensor<3x3x16x16xf32>
// AUTO-NEXT: nn.conv2d {{.*}}winograd_rows = 5 : i64} {{.*}}tensor<3x3x32x16xf32>
// AUTO-NEXT: nn.conv2d {{.*}}strides = array<i64: 2, 2>}
// AUTO-NEXT: nn.conv2d {{.*}}winograd_rows = 4 : i64} {{.*}}tensor<5x5x32x64xf32>
// AUTO-NOT: winograd
// AUTO: return
// ROWS-LABEL: func.func @convs
// ROWS: nn.conv2d {{.*}}winograd_rows = 5 : i64} {{.*}}tensor<3x3x32x64xf32>
// ROWS-NEXT: nn.conv2d {{.*}}winograd_rows = 5 : i64} {{.*}}tensor<3x3x16x16xf32>
// ROWS-NEXT: nn.conv2d {{.*}}winograd_rows = 5 : i64} {{.*}}tensor<3x3x32x16xf32>
// ROWS-NEXT: nn.conv2d {{.*}}strides = array<i64: 2, 2>}
// ROWS-NEXT: nn.conv2d {{.*}}winograd_rows = 4 : i64} {{.*}}tensor<5x5x32x64xf32>
// ROWS-NOT: winograd
// ROWS: return
// ALL-LABEL: func.func @convs
// ALL: nn.conv2d {{.*}}winograd{{.*}}tensor<3x3x32x64xf32>
// ALL: nn.conv2d {{.*}}winograd{{.*}}tensor<3x3x16x16xf32>
// ALL: nn.conv2d {{.*}}winograd{{.*}}tensor<3x3x32x16xf32>
// ALL-NOT: winograd
// ALL: return
// A kernel with a row tile on it already: direct clears both marks.
// NONE-LABEL: func.func @convs
// NONE-NOT: winograd
// NONE: return
// BAD: algorithm must be auto, winograd, winograd-rows or direct, got 'fft'
// (Along the rows they may still go.)
// SMALL-LABEL: func.func @convs
// SMALL-NOT: {{winograd[},]}}
// SMALL: return
// SMALL-LABEL: func.func @grads
// SMALL-NOT: {{winograd[},]}}
// SMALL: return
func.func @convs(%x: tensor<?x14x14x32xf32>, %k64: tensor<3x3x32x64xf32>,
                 %y: tensor<?x14x14x16xf32>, %k16: tensor<3x3x16x16xf32>,
                 %k3216: tensor<3x3x32x16xf32>, %k5: tensor<5x5x32x64xf32>,
                 %kg: tensor<3x3x16x64xf32>) {
  %0 = nn.conv2d %x, %k64 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>, winograd_rows = 2 : i64} : (tensor<?x14x14x32xf32>, tensor<3x3x32x64xf32>) -> tensor<?x14x14x64xf32>
  // Too few channels for F(2x2, 3x3).
  %1 = nn.conv2d %y, %k16 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x16xf32>, tensor<3x3x16x16xf32>) -> tensor<?x14x14x16xf32>
  // Marked already; auto clears it (16 output channels) and takes the rows.
  %2 = nn.conv2d %x, %k3216 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>, winograd} : (tensor<?x14x14x32xf32>, tensor<3x3x32x16xf32>) -> tensor<?x14x14x16xf32>
  // F(2x2, 3x3) never: stride 2, a 5x5 kernel, dilation, groups; along the
  // rows only the 5x5.
  %3 = nn.conv2d %x, %k64 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 2, 2>} : (tensor<?x14x14x32xf32>, tensor<3x3x32x64xf32>) -> tensor<?x7x7x64xf32>
  %4 = nn.conv2d %x, %k5 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x32xf32>, tensor<5x5x32x64xf32>) -> tensor<?x14x14x64xf32>
  %5 = nn.conv2d %x, %k64 {dilations = array<i64: 2, 2>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x32xf32>, tensor<3x3x32x64xf32>) -> tensor<?x14x14x64xf32>
  %6 = nn.conv2d %x, %kg {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>, groups = 2 : i64} : (tensor<?x14x14x32xf32>, tensor<3x3x16x64xf32>) -> tensor<?x14x14x64xf32>
  return
}

// The input gradient's transposed convolution is picked by the same rules:
// along the rows for 16 channels (its products over the kernel's columns and
// dy's channels, 48 terms, into dx's 16), never for a dy shorter than the
// kernel's rows.
// AUTO-LABEL: func.func @grads
// AUTO: nn.conv2d_grad_input {{.*}}winograd} {{.*}} -> tensor<?x14x14x32xf32>
// AUTO-NEXT: nn.conv2d_grad_input {{.*}}winograd_rows = 5 : i64} {{.*}} -> tensor<?x14x14x16xf32>
// AUTO-NOT: winograd
// AUTO: return
// ROWS-LABEL: func.func @grads
// ROWS: nn.conv2d_grad_input {{.*}}winograd_rows = 5 : i64} {{.*}} -> tensor<?x14x14x32xf32>
// ROWS-NEXT: nn.conv2d_grad_input {{.*}}winograd_rows = 5 : i64} {{.*}} -> tensor<?x14x14x16xf32>
// ROWS-NOT: winograd
// ROWS: return
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

// A channel count known only at run time: auto leaves it direct, also along
// the rows (and does not multiply the dynamic size: UBSan would stop the
// sanitizer build).
// AUTO-LABEL: func.func @dynamic_channels
// AUTO-NOT: winograd
// AUTO: return
func.func @dynamic_channels(%x: tensor<?x14x14x?xf32>, %k: tensor<3x3x?x64xf32>) -> tensor<?x14x14x64xf32> {
  %0 = nn.conv2d %x, %k {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x?xf32>, tensor<3x3x?x64xf32>) -> tensor<?x14x14x64xf32>
  return %0 : tensor<?x14x14x64xf32>
}

// Along the rows auto needs 32 terms per product, 16 filters and 3 kernel
// rows: the Fashion CNN's conv1 (kw C = 3), 8 filters and a 2x3 kernel stay
// direct; a text CNN's full-width 5x200 kernel over 56 rows takes F(4, 5)
// (13 tiles of 8 rows: 104 rows' products against F(2, 5)'s 156). An output
// height known only at run time leaves the tile unknown, a kernel height
// known only at run time too: direct. One output row (a kernel as tall as
// the input): F(2, 5) would do 6 multiplications for the direct 5, so auto
// leaves it direct (winograd-rows takes it).
// AUTO-LABEL: func.func @rows
// AUTO-NEXT: nn.conv2d {{.*}}strides = array<i64: 1, 1>} : (tensor<?x28x28x1xf32>
// AUTO-NEXT: nn.conv2d {{.*}}strides = array<i64: 1, 1>} : (tensor<?x14x14x32xf32>, tensor<3x3x32x8xf32>)
// AUTO-NEXT: nn.conv2d {{.*}}strides = array<i64: 1, 1>} : (tensor<?x14x14x32xf32>, tensor<2x3x32x64xf32>)
// AUTO-NEXT: nn.conv2d {{.*}}winograd_rows = 4 : i64} : (tensor<?x56x200x1xf32>
// AUTO-NEXT: nn.conv2d {{.*}}strides = array<i64: 1, 1>} : (tensor<?x?x200x1xf32>
// AUTO-NEXT: nn.conv2d {{.*}}strides = array<i64: 1, 1>} : (tensor<?x14x14x32xf32>, tensor<?x3x32x64xf32>)
// AUTO-NEXT: nn.conv2d {{.*}}strides = array<i64: 1, 1>} : (tensor<?x5x200x1xf32>
// ROWS-LABEL: func.func @rows
// ROWS-NEXT: nn.conv2d {{.*}}winograd_rows = 6 : i64} : (tensor<?x28x28x1xf32>
// ROWS-NEXT: nn.conv2d {{.*}}winograd_rows = 5 : i64} : (tensor<?x14x14x32xf32>, tensor<3x3x32x8xf32>)
// ROWS-NEXT: nn.conv2d {{.*}}winograd_rows = 7 : i64} : (tensor<?x14x14x32xf32>, tensor<2x3x32x64xf32>)
// ROWS-NEXT: nn.conv2d {{.*}}winograd_rows = 4 : i64} : (tensor<?x56x200x1xf32>
// ROWS-NEXT: nn.conv2d {{.*}}strides = array<i64: 1, 1>} : (tensor<?x?x200x1xf32>
// ROWS-NEXT: nn.conv2d {{.*}}strides = array<i64: 1, 1>} : (tensor<?x14x14x32xf32>, tensor<?x3x32x64xf32>)
// ROWS-NEXT: nn.conv2d {{.*}}winograd_rows = 2 : i64} : (tensor<?x5x200x1xf32>
func.func @rows(%img: tensor<?x28x28x1xf32>, %k1: tensor<3x3x1x32xf32>,
                %x: tensor<?x14x14x32xf32>, %k8: tensor<3x3x32x8xf32>,
                %k2: tensor<2x3x32x64xf32>, %text: tensor<?x56x200x1xf32>,
                %kt: tensor<5x200x1x100xf32>, %any: tensor<?x?x200x1xf32>,
                %kdyn: tensor<?x3x32x64xf32>, %five: tensor<?x5x200x1xf32>) {
  %0 = nn.conv2d %img, %k1 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>) -> tensor<?x28x28x32xf32>
  %1 = nn.conv2d %x, %k8 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x32xf32>, tensor<3x3x32x8xf32>) -> tensor<?x14x14x8xf32>
  %2 = nn.conv2d %x, %k2 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x32xf32>, tensor<2x3x32x64xf32>) -> tensor<?x14x14x64xf32>
  %3 = nn.conv2d %text, %kt {dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>} : (tensor<?x56x200x1xf32>, tensor<5x200x1x100xf32>) -> tensor<?x52x1x100xf32>
  %4 = nn.conv2d %any, %kt {dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>} : (tensor<?x?x200x1xf32>, tensor<5x200x1x100xf32>) -> tensor<?x?x1x100xf32>
  %5 = nn.conv2d %x, %kdyn {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x32xf32>, tensor<?x3x32x64xf32>) -> tensor<?x14x14x64xf32>
  %6 = nn.conv2d %five, %kt {dilations = array<i64: 1, 1>, padding = #nn.padding<valid>, strides = array<i64: 1, 1>} : (tensor<?x5x200x1xf32>, tensor<5x200x1x100xf32>) -> tensor<?x1x1x100xf32>
  return
}

// The kernel gradient only along the rows (tiles of dy's rows: F(3, 5) for 14
// rows): its products sum over the batch, the tiles and the columns into the
// kernel's columns x input channels (at least 32) by its filters (at least
// 16): not the Fashion CNN's conv1 (3 x 1 by 32), nor stride 2.
// AUTO-LABEL: func.func @grad_kernels
// AUTO-NEXT: nn.conv2d_grad_kernel {{.*}}winograd_rows = 5 : i64} {{.*}} -> tensor<3x3x32x64xf32>
// AUTO-NEXT: nn.conv2d_grad_kernel {{.*}}strides = array<i64: 1, 1>} {{.*}} -> tensor<3x3x1x32xf32>
// AUTO-NEXT: nn.conv2d_grad_kernel {{.*}}strides = array<i64: 2, 2>} {{.*}} -> tensor<3x3x32x64xf32>
// ROWS-LABEL: func.func @grad_kernels
// ROWS-NEXT: nn.conv2d_grad_kernel {{.*}}winograd_rows = 5 : i64} {{.*}} -> tensor<3x3x32x64xf32>
// ROWS-NEXT: nn.conv2d_grad_kernel {{.*}}winograd_rows = 6 : i64} {{.*}} -> tensor<3x3x1x32xf32>
// ROWS-NEXT: nn.conv2d_grad_kernel {{.*}}strides = array<i64: 2, 2>} {{.*}} -> tensor<3x3x32x64xf32>
// NONE-LABEL: func.func @grad_kernels
// NONE-NOT: winograd
// NONE: return
func.func @grad_kernels(%x: tensor<?x14x14x32xf32>, %dy: tensor<?x14x14x64xf32>,
                        %img: tensor<?x28x28x1xf32>, %dy1: tensor<?x28x28x32xf32>,
                        %dy2: tensor<?x7x7x64xf32>) {
  %0 = nn.conv2d_grad_kernel %x, %dy {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x14x14x32xf32>, tensor<?x14x14x64xf32>) -> tensor<3x3x32x64xf32>
  %1 = nn.conv2d_grad_kernel %img, %dy1 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 1, 1>} : (tensor<?x28x28x1xf32>, tensor<?x28x28x32xf32>) -> tensor<3x3x1x32xf32>
  %2 = nn.conv2d_grad_kernel %x, %dy2 {dilations = array<i64: 1, 1>, padding = #nn.padding<same>, strides = array<i64: 2, 2>} : (tensor<?x14x14x32xf32>, tensor<?x7x7x64xf32>) -> tensor<3x3x32x64xf32>
  return
}
