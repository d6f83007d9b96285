// RUN: modelc-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// A constant learning rate ignores the step.
// CHECK-LABEL: func.func @lr_constant
// CHECK-NOT: tensor.extract
// CHECK: %[[LR:.*]] = arith.constant 1.000000e-03 : f32
// CHECK: %[[T:.*]] = tensor.from_elements %[[LR]] : tensor<f32>
// CHECK: return %[[T]]
func.func @lr_constant(%step: tensor<i64>) -> tensor<f32> {
  %0 = nn.learning_rate %step {schedule = #nn.learning_rate<constant, initial = 0.001>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// initial * rate ^ floor(step / decay_steps), in f64, rounded once.
// CHECK-LABEL: func.func @lr_decay
// CHECK-SAME: (%[[STEP:[a-z0-9_]+]]: tensor<i64>)
// CHECK: %[[S:.*]] = tensor.extract %[[STEP]][] : tensor<i64>
// CHECK: %[[SF:.*]] = arith.sitofp %[[S]] : i64 to f64
// CHECK: %[[E:.*]] = arith.divf %[[SF]], %{{.*}} : f64
// CHECK: %[[FL:.*]] = math.floor %[[E]] : f64
// CHECK: %[[P:.*]] = math.powf %{{.*}}, %[[FL]] : f64
// CHECK: %[[LR:.*]] = arith.mulf %{{.*}}, %[[P]] : f64
// CHECK: %[[LR32:.*]] = arith.truncf %[[LR]] : f64 to f32
// CHECK: tensor.from_elements %[[LR32]] : tensor<f32>
func.func @lr_decay(%step: tensor<i64>) -> tensor<f32> {
  %0 = nn.learning_rate %step {schedule = #nn.learning_rate<exponential_decay, initial = 0.1, decay_steps = 100, decay_rate = 0.5, staircase = true>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Without staircase the exponent is not floored.
// CHECK-LABEL: func.func @lr_smooth
// CHECK-NOT: math.floor
// CHECK: math.powf
func.func @lr_smooth(%step: tensor<i64>) -> tensor<f32> {
  %0 = nn.learning_rate %step {schedule = #nn.learning_rate<exponential_decay, initial = 0.1, decay_steps = 100, decay_rate = 0.5, staircase = false>} : (tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// One f64 sum of squares runs through every gradient, then each is scaled
// by c / max(norm, c).
// CHECK-LABEL: func.func @clip
// CHECK-SAME: (%[[A:[a-z0-9_]+]]: tensor<4x2xf32>, %[[B:[a-z0-9_]+]]: tensor<2xf32>)
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f64) outs(%{{.*}} : tensor<f64>)
// CHECK: %[[SA:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[A]] : tensor<4x2xf32>) outs(%[[Z]] : tensor<f64>)
// CHECK: arith.extf
// CHECK: %[[SB:.*]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[B]] : tensor<2xf32>) outs(%[[SA]] : tensor<f64>)
// CHECK: %[[SUM:.*]] = tensor.extract %[[SB]][] : tensor<f64>
// CHECK: %[[NORM:.*]] = math.sqrt %[[SUM]] : f64
// CHECK: %[[C:.*]] = arith.constant 5.000000e+00 : f64
// CHECK: %[[MAX:.*]] = arith.maximumf %[[NORM]], %[[C]] : f64
// CHECK: %[[SCALE:.*]] = arith.divf %[[C]], %[[MAX]] : f64
// CHECK: %[[SCALE32:.*]] = arith.truncf %[[SCALE]] : f64 to f32
// CHECK: %[[CA:.*]] = linalg.generic {{.*}} ins(%[[A]] : tensor<4x2xf32>)
// CHECK: arith.mulf %{{.*}}, %[[SCALE32]] : f32
// CHECK: %[[CB:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<2xf32>)
// CHECK: arith.mulf %{{.*}}, %[[SCALE32]] : f32
// CHECK: return %[[CA]], %[[CB]]
func.func @clip(%a: tensor<4x2xf32>, %b: tensor<2xf32>) -> (tensor<4x2xf32>, tensor<2xf32>) {
  %c:2 = nn.clip_global_norm %a, %b {clip_norm = 5.0 : f32} : (tensor<4x2xf32>, tensor<2xf32>) -> (tensor<4x2xf32>, tensor<2xf32>)
  return %c#0, %c#1 : tensor<4x2xf32>, tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @sgd
// CHECK-SAME: (%[[W:[a-z0-9_]+]]: tensor<4x2xf32>, %[[G:[a-z0-9_]+]]: tensor<4x2xf32>, %[[LR:[a-z0-9_]+]]: tensor<f32>)
// CHECK: %[[L:.*]] = tensor.extract %[[LR]][] : tensor<f32>
// CHECK: linalg.generic {{.*}} ins(%[[W]], %[[G]] : tensor<4x2xf32>, tensor<4x2xf32>)
// CHECK: ^bb0(%[[IW:[a-z0-9_]+]]: f32, %[[IG:[a-z0-9_]+]]: f32, %{{.*}}: f32):
// CHECK: %[[D:.*]] = arith.mulf %[[L]], %[[IG]] : f32
// CHECK: arith.subf %[[IW]], %[[D]] : f32
func.func @sgd(%w: tensor<4x2xf32>, %g: tensor<4x2xf32>, %lr: tensor<f32>) -> tensor<4x2xf32> {
  %0 = nn.sgd %w, %g, %lr : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<f32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// Parameter and slot in one generic with two results; Nesterov steps along
// g + mu * accum_new.
// CHECK-LABEL: func.func @momentum
// CHECK: %[[L:.*]] = tensor.extract
// CHECK: %[[MU:.*]] = arith.constant 0.899999976 : f32
// CHECK: %{{.*}}:2 = linalg.generic
// CHECK: ^bb0(%[[W:[a-z0-9_]+]]: f32, %[[A:[a-z0-9_]+]]: f32, %[[G:[a-z0-9_]+]]: f32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK: %[[MA:.*]] = arith.mulf %[[MU]], %[[A]] : f32
// CHECK: %[[NA:.*]] = arith.addf %[[MA]], %[[G]] : f32
// CHECK: %[[D:.*]] = arith.mulf %[[L]], %[[NA]] : f32
// CHECK: %[[NW:.*]] = arith.subf %[[W]], %[[D]] : f32
// CHECK: linalg.yield %[[NW]], %[[NA]] : f32, f32
// CHECK: %[[MU2:.*]] = arith.constant 0.899999976 : f32
// CHECK: %{{.*}}:2 = linalg.generic
// CHECK: ^bb0(%[[W2:[a-z0-9_]+]]: f32, %[[A2:[a-z0-9_]+]]: f32, %[[G2:[a-z0-9_]+]]: f32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK: %[[NA2:.*]] = arith.addf %{{.*}}, %[[G2]] : f32
// CHECK: %[[LOOK:.*]] = arith.mulf %[[MU2]], %[[NA2]] : f32
// CHECK: %[[DIR:.*]] = arith.addf %[[G2]], %[[LOOK]] : f32
// CHECK: %[[D2:.*]] = arith.mulf %{{.*}}, %[[DIR]] : f32
// CHECK: %[[NW2:.*]] = arith.subf %[[W2]], %[[D2]] : f32
// CHECK: linalg.yield %[[NW2]], %[[NA2]] : f32, f32
func.func @momentum(%w: tensor<4x2xf32>, %a: tensor<4x2xf32>, %g: tensor<4x2xf32>, %lr: tensor<f32>) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) {
  %0:2 = nn.momentum %w, %a, %g, %lr {momentum = 0.9 : f32, use_nesterov = false} : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<f32>) -> (tensor<4x2xf32>, tensor<4x2xf32>)
  %1:2 = nn.momentum %w, %a, %g, %lr {momentum = 0.9 : f32, use_nesterov = true} : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<f32>) -> (tensor<4x2xf32>, tensor<4x2xf32>)
  return %0#0, %0#1, %1#0, %1#1 : tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t) with t = step + 1, once, in f64;
// 1 - beta is formed from the decimal written (1 - 0.999 is 1e-3, not
// 1 - 0.999f = 9.99987125E-4).
// CHECK-LABEL: func.func @adam
// CHECK-SAME: %[[STEP:[a-z0-9_]+]]: tensor<i64>)
// CHECK: %[[S:.*]] = tensor.extract %[[STEP]][] : tensor<i64>
// CHECK: %[[SF:.*]] = arith.sitofp %[[S]] : i64 to f64
// CHECK: %[[T:.*]] = arith.addf %[[SF]], %{{.*}} : f64
// CHECK: %[[LR:.*]] = arith.extf %{{.*}} : f32 to f64
// CHECK: %[[B2:.*]] = arith.constant 0.99899999999999999 : f64
// CHECK: %[[P2:.*]] = math.powf %[[B2]], %[[T]] : f64
// CHECK: %[[C2:.*]] = arith.subf %{{.*}}, %[[P2]] : f64
// CHECK: %[[R2:.*]] = math.sqrt %[[C2]] : f64
// CHECK: %[[NUM:.*]] = arith.mulf %[[LR]], %[[R2]] : f64
// CHECK: %[[B1:.*]] = arith.constant 9.000000e-01 : f64
// CHECK: %[[P1:.*]] = math.powf %[[B1]], %[[T]] : f64
// CHECK: %[[C1:.*]] = arith.subf %{{.*}}, %[[P1]] : f64
// CHECK: %[[LRT:.*]] = arith.divf %[[NUM]], %[[C1]] : f64
// CHECK: %[[LRT32:.*]] = arith.truncf %[[LRT]] : f64 to f32
// CHECK-DAG: %[[OMB1:.*]] = arith.constant 1.000000e-01 : f32
// CHECK-DAG: %[[OMB2:.*]] = arith.constant 1.000000e-03 : f32
// CHECK-DAG: %[[EPS:.*]] = arith.constant 9.99999993E-9 : f32
// CHECK: %{{.*}}:3 = linalg.generic
// CHECK: ^bb0(%[[W:[a-z0-9_]+]]: f32, %[[M:[a-z0-9_]+]]: f32, %[[V:[a-z0-9_]+]]: f32, %[[G:[a-z0-9_]+]]: f32,
// CHECK: %[[GM:.*]] = arith.mulf %[[OMB1]], %[[G]] : f32
// CHECK: %[[NM:.*]] = arith.addf %{{.*}}, %[[GM]] : f32
// CHECK: %[[G2:.*]] = arith.mulf %[[G]], %[[G]] : f32
// CHECK: %[[GV:.*]] = arith.mulf %[[OMB2]], %[[G2]] : f32
// CHECK: %[[NV:.*]] = arith.addf %{{.*}}, %[[GV]] : f32
// CHECK: %[[SQ:.*]] = math.sqrt %[[NV]] : f32
// CHECK: %[[DEN:.*]] = arith.addf %[[SQ]], %[[EPS]] : f32
// CHECK: %[[STEPM:.*]] = arith.mulf %[[LRT32]], %[[NM]] : f32
// CHECK: %[[DELTA:.*]] = arith.divf %[[STEPM]], %[[DEN]] : f32
// CHECK: %[[NW:.*]] = arith.subf %[[W]], %[[DELTA]] : f32
// CHECK: linalg.yield %[[NW]], %[[NM]], %[[NV]] : f32, f32, f32
func.func @adam(%w: tensor<4x2xf32>, %m: tensor<4x2xf32>, %v: tensor<4x2xf32>, %g: tensor<4x2xf32>, %lr: tensor<f32>, %step: tensor<i64>) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) {
  %0:3 = nn.adam %w, %m, %v, %g, %lr, %step {beta1 = 0.9 : f32, beta2 = 0.999 : f32, epsilon = 1.0e-8 : f32} : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>)
  return %0#0, %0#1, %0#2 : tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// CHECK-LABEL: func.func @rmsprop
// CHECK-DAG: %[[RHO:.*]] = arith.constant 0.899999976 : f32
// CHECK-DAG: %[[OMR:.*]] = arith.constant 1.000000e-01 : f32
// CHECK-DAG: %[[MU:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[EPS:.*]] = arith.constant 1.000000e-10 : f32
// CHECK-DAG: %[[L:.*]] = tensor.extract
// CHECK: %{{.*}}:3 = linalg.generic
// CHECK: ^bb0(%[[W:[a-z0-9_]+]]: f32, %[[R:[a-z0-9_]+]]: f32, %[[M:[a-z0-9_]+]]: f32, %[[G:[a-z0-9_]+]]: f32,
// CHECK: %[[G2:.*]] = arith.mulf %[[G]], %[[G]] : f32
// CHECK: %[[DR:.*]] = arith.mulf %[[RHO]], %[[R]] : f32
// CHECK: %[[NG:.*]] = arith.mulf %[[OMR]], %[[G2]] : f32
// CHECK: %[[NR:.*]] = arith.addf %[[DR]], %[[NG]] : f32
// CHECK: %[[RE:.*]] = arith.addf %[[NR]], %[[EPS]] : f32
// CHECK: %[[DEN:.*]] = math.sqrt %[[RE]] : f32
// CHECK: %[[LG:.*]] = arith.mulf %[[L]], %[[G]] : f32
// CHECK: %[[ST:.*]] = arith.divf %[[LG]], %[[DEN]] : f32
// CHECK: %[[MM:.*]] = arith.mulf %[[MU]], %[[M]] : f32
// CHECK: %[[NM:.*]] = arith.addf %[[MM]], %[[ST]] : f32
// CHECK: %[[NW:.*]] = arith.subf %[[W]], %[[NM]] : f32
// CHECK: linalg.yield %[[NW]], %[[NR]], %[[NM]] : f32, f32, f32
func.func @rmsprop(%w: tensor<2xf32>, %r: tensor<2xf32>, %m: tensor<2xf32>, %g: tensor<2xf32>, %lr: tensor<f32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %0:3 = nn.rmsprop %w, %r, %m, %g, %lr {decay = 0.9 : f32, momentum = 0.5 : f32, epsilon = 1.0e-10 : f32} : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<f32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
  return %0#0, %0#1, %0#2 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}
