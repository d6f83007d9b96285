// RUN: modelc-opt %s -nn-flatten-optimizer="max-variables=2" | FileCheck %s
// RUN: modelc-opt %s -nn-flatten-optimizer | FileCheck %s --check-prefix=ONE

// Five updates with at most two variables per sweep: two sweeps over
// consecutive ranges, and the last variable keeps its own update (reading
// and writing it by name). The arena order is the same as with one sweep.
// CHECK: nn.variable @a
// CHECK-NEXT: nn.variable @b
// CHECK-NEXT: nn.variable @c
// CHECK-NEXT: nn.variable @d
// CHECK-NEXT: nn.variable @e
// CHECK-LABEL: func.func private @train_step
// CHECK: %[[E:.*]] = nn.read @e
// CHECK: %[[NE:.*]] = nn.sgd %[[E]]
// CHECK: %[[AB:.*]] = nn.read_flat [@a, @b] : tensor<5xf32>
// CHECK: %[[GAB:.*]] = tensor.concat dim(0) %{{.*}}, %{{.*}} : (tensor<2xf32>, tensor<3xf32>) -> tensor<5xf32>
// CHECK: %[[NAB:.*]] = nn.sgd %[[AB]], %[[GAB]], %{{.*}} : (tensor<5xf32>, tensor<5xf32>, tensor<f32>) -> tensor<5xf32>
// CHECK: nn.assign_flat %[[NAB]] to [@a, @b]
// CHECK: %[[CD:.*]] = nn.read_flat [@c, @d] : tensor<9xf32>
// CHECK: %[[GCD:.*]] = tensor.concat dim(0) %{{.*}}, %{{.*}} : (tensor<4xf32>, tensor<5xf32>) -> tensor<9xf32>
// CHECK: %[[NCD:.*]] = nn.sgd %[[CD]], %[[GCD]], %{{.*}}
// CHECK: nn.assign_flat %[[NCD]] to [@c, @d]
// CHECK: nn.assign %[[NE]] to @e
// CHECK-NOT: nn.sgd
// ONE: nn.read_flat [@a, @b, @c, @d, @e] : tensor<20xf32>
// ONE: nn.sgd
// ONE-NOT: nn.sgd
module {
  nn.variable @a : tensor<2xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  nn.variable @b : tensor<3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  nn.variable @c : tensor<4xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  nn.variable @d : tensor<5xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  nn.variable @e : tensor<6xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  func.func private @train_step(%ga: tensor<2xf32>, %gb: tensor<3xf32>, %gc: tensor<4xf32>, %gd: tensor<5xf32>, %ge: tensor<6xf32>, %lr: tensor<f32>) {
    %a = nn.read @a : tensor<2xf32>
    %b = nn.read @b : tensor<3xf32>
    %c = nn.read @c : tensor<4xf32>
    %d = nn.read @d : tensor<5xf32>
    %e = nn.read @e : tensor<6xf32>
    %na = nn.sgd %a, %ga, %lr : (tensor<2xf32>, tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
    %nb = nn.sgd %b, %gb, %lr : (tensor<3xf32>, tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
    %nc = nn.sgd %c, %gc, %lr : (tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    %nd = nn.sgd %d, %gd, %lr : (tensor<5xf32>, tensor<5xf32>, tensor<f32>) -> tensor<5xf32>
    %ne = nn.sgd %e, %ge, %lr : (tensor<6xf32>, tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
    nn.assign %na to @a : tensor<2xf32>
    nn.assign %nb to @b : tensor<3xf32>
    nn.assign %nc to @c : tensor<4xf32>
    nn.assign %nd to @d : tensor<5xf32>
    nn.assign %ne to @e : tensor<6xf32>
    return
  }
}
