// RUN: modelc-opt %s -convert-nn-to-linalg | FileCheck %s

// Each activation gradient is one all-parallel generic over (x, dy).
// CHECK-LABEL: func.func @relu
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x9xf32>, %[[DY:[a-z0-9_]+]]: tensor<?x9xf32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[DY]] : tensor<?x9xf32>, tensor<?x9xf32>)
// CHECK: ^bb0(%[[IX:.*]]: f32, %[[IDY:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[POS:.*]] = arith.cmpf ogt, %[[IX]], %{{.*}} : f32
// CHECK: %[[R:.*]] = arith.select %[[POS]], %[[IDY]], %{{.*}} : f32
// CHECK: linalg.yield %[[R]]
func.func @relu(%x: tensor<?x9xf32>, %dy: tensor<?x9xf32>) -> tensor<?x9xf32> {
  %dx = nn.activation_grad <relu> %x, %dy : tensor<?x9xf32>
  return %dx : tensor<?x9xf32>
}

// relu6 passes dy on 0 < x < 6 only.
// CHECK-LABEL: func.func @relu6
// CHECK: %[[SIX:.*]] = arith.constant 6.000000e+00 : f32
// CHECK: %[[BELOW:.*]] = arith.cmpf olt, %{{.*}}, %[[SIX]]
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ABOVE:.*]] = arith.cmpf ogt, %{{.*}}, %[[ZERO]]
// CHECK: %[[IN:.*]] = arith.andi %[[ABOVE]], %[[BELOW]]
// CHECK: arith.select %[[IN]]
func.func @relu6(%x: tensor<?x9xf32>, %dy: tensor<?x9xf32>) -> tensor<?x9xf32> {
  %dx = nn.activation_grad <relu6> %x, %dy : tensor<?x9xf32>
  return %dx : tensor<?x9xf32>
}

// leaky_relu: dy or alpha * dy.
// CHECK-LABEL: func.func @leaky_relu
// CHECK: ^bb0(%[[IX:.*]]: f32, %[[IDY:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[SCALED:.*]] = arith.mulf %[[IDY]], %{{.*}} : f32
// CHECK: %[[POS:.*]] = arith.cmpf ogt, %[[IX]]
// CHECK: arith.select %[[POS]], %[[IDY]], %[[SCALED]]
func.func @leaky_relu(%x: tensor<?x9xf32>, %dy: tensor<?x9xf32>) -> tensor<?x9xf32> {
  %dx = nn.activation_grad <leaky_relu> %x, %dy {alpha = 1.000000e-01 : f32} : tensor<?x9xf32>
  return %dx : tensor<?x9xf32>
}

// sigmoid: e / (1 + e)^2 with e = exp(-|x|), no cancelling 1 - s.
// CHECK-LABEL: func.func @sigmoid
// CHECK: ^bb0(%[[IX:.*]]: f32, %[[IDY:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[ABS:.*]] = math.absf %[[IX]]
// CHECK: %[[NEG:.*]] = arith.mulf %[[ABS]], %{{.*}}
// CHECK: %[[E:.*]] = math.exp %[[NEG]]
// CHECK: %[[ONEPLUS:.*]] = arith.addf %{{.*}}, %[[E]]
// CHECK: %[[SQ:.*]] = arith.mulf %[[ONEPLUS]], %[[ONEPLUS]]
// CHECK: %[[D:.*]] = arith.divf %[[E]], %[[SQ]]
// CHECK: arith.mulf %[[IDY]], %[[D]]
func.func @sigmoid(%x: tensor<?x9xf32>, %dy: tensor<?x9xf32>) -> tensor<?x9xf32> {
  %dx = nn.activation_grad <sigmoid> %x, %dy : tensor<?x9xf32>
  return %dx : tensor<?x9xf32>
}

// tanh: 4e / (1 + e)^2 with e = exp(-2|x|).
// CHECK-LABEL: func.func @tanh
// CHECK: %[[M2:.*]] = arith.constant -2.000000e+00 : f32
// CHECK: arith.mulf %{{.*}}, %[[M2]]
// CHECK: %[[E:.*]] = math.exp
// CHECK: %[[FOUR:.*]] = arith.constant 4.000000e+00 : f32
// CHECK: %[[NUM:.*]] = arith.mulf %[[E]], %[[FOUR]]
// CHECK: arith.divf %[[NUM]]
func.func @tanh(%x: tensor<?x9xf32>, %dy: tensor<?x9xf32>) -> tensor<?x9xf32> {
  %dx = nn.activation_grad <tanh> %x, %dy : tensor<?x9xf32>
  return %dx : tensor<?x9xf32>
}
