// RUN: modelc-opt %s -nn-specialize-mode | FileCheck %s

// The mode flag disappears from the signature and becomes a constant.
// CHECK-NOT: func.func @forward(
// CHECK-LABEL: func.func private @forward_infer(%{{.*}}: tensor<?x4xf32> {nn.name = "x"}) -> (tensor<?x4xf32> {nn.name = "y"})
// CHECK: %[[F:.*]] = arith.constant false
// CHECK: nn.dropout %{{.*}} training(%[[F]])
// CHECK-LABEL: func.func private @forward_train(
// CHECK: %[[T:.*]] = arith.constant true
// CHECK: nn.dropout %{{.*}} training(%[[T]])
func.func @forward(%x: tensor<?x4xf32> {nn.name = "x"}, %t: i1 {nn.name = "training"}) -> (tensor<?x4xf32> {nn.name = "y"}) {
  %0 = nn.dropout %x training(%t) {rate = 0.5 : f32, stream = 0 : i64} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
