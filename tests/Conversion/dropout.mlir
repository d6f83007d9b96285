// RUN: modelc-opt %s -convert-nn-to-linalg -split-input-file | FileCheck %s

// Training mode with a key: key = mix(seed ^ mix(step ^ mix(stream + G)))
// once (mix(5 + G) folded at compile time), then per element
// u = mix(key + (i + 1) * G) >> 32 for the row-major index i, kept iff
// u >= ceil(rate * 2^32) and scaled by 1 / (1 - rate). mix is SplitMix64's
// finalizer; see NNToLinalg/Dropout.cpp.
// CHECK-LABEL: func.func @keyed
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x9xf32>, %[[SEED:[a-z0-9_]+]]: tensor<i64>, %[[STEP:[a-z0-9_]+]]: tensor<i64>)
// CHECK: %[[SD:.*]] = tensor.extract %[[SEED]][] : tensor<i64>
// CHECK: %[[ST:.*]] = tensor.extract %[[STEP]][] : tensor<i64>
// CHECK: %[[STREAM:.*]] = arith.constant 7134611160154358618 : i64
// CHECK: %[[K0:.*]] = arith.xori %[[ST]], %[[STREAM]] : i64
// CHECK: arith.shrui %[[K0]], %{{.*}} : i64
// CHECK: arith.constant -4658895280553007687 : i64
// CHECK: arith.constant -7723592293110705685 : i64
// CHECK: %[[M1:.*]] = arith.xori
// CHECK: %[[K1:.*]] = arith.xori %[[SD]], %[[M1]] : i64
// CHECK: %[[A1:.*]] = arith.shrui %[[K1]], %{{.*}} : i64
// CHECK: %[[A2:.*]] = arith.xori %[[K1]], %[[A1]] : i64
// CHECK: %[[A3:.*]] = arith.muli %[[A2]], %{{.*}} : i64
// CHECK: %[[A4:.*]] = arith.shrui %[[A3]], %{{.*}} : i64
// CHECK: %[[A5:.*]] = arith.xori %[[A3]], %[[A4]] : i64
// CHECK: %[[A6:.*]] = arith.muli %[[A5]], %{{.*}} : i64
// CHECK: %[[A7:.*]] = arith.shrui %[[A6]], %{{.*}} : i64
// CHECK: %[[KEY:.*]] = arith.xori %[[A6]], %[[A7]] : i64
// CHECK-DAG: %[[T:.*]] = arith.constant 1073741824 : i64
// CHECK-DAG: %[[SCALE:.*]] = arith.constant 1.33333337 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[G:.*]] = arith.constant -7046029254386353131 : i64
// CHECK-DAG: %[[C9:.*]] = arith.constant 9 : index
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[X]] : tensor<?x9xf32>)
// CHECK: ^bb0(%[[IN:[a-z0-9_]+]]: f32, %{{.*}}: f32):
// CHECK: %[[I0:.*]] = linalg.index 0 : index
// CHECK: %[[ROW:.*]] = arith.muli %[[I0]], %[[C9]] : index
// CHECK: %[[I1:.*]] = linalg.index 1 : index
// CHECK: %[[LIN:.*]] = arith.addi %[[ROW]], %[[I1]] : index
// CHECK: %[[I:.*]] = arith.index_castui %[[LIN]] : index to i64
// CHECK: %[[CTR:.*]] = arith.addi %[[I]], %{{.*}} : i64
// CHECK: %[[OFF:.*]] = arith.muli %[[CTR]], %[[G]] : i64
// CHECK: %[[Z:.*]] = arith.addi %[[KEY]], %[[OFF]] : i64
// CHECK: %[[B1:.*]] = arith.shrui %[[Z]], %{{.*}} : i64
// CHECK: %[[B2:.*]] = arith.xori %[[Z]], %[[B1]] : i64
// CHECK: %[[B3:.*]] = arith.muli %[[B2]], %{{.*}} : i64
// CHECK: %[[B4:.*]] = arith.shrui %[[B3]], %{{.*}} : i64
// CHECK: %[[B5:.*]] = arith.xori %[[B3]], %[[B4]] : i64
// CHECK: %[[B6:.*]] = arith.muli %[[B5]], %{{.*}} : i64
// CHECK: %[[B7:.*]] = arith.shrui %[[B6]], %{{.*}} : i64
// CHECK: %[[R:.*]] = arith.xori %[[B6]], %[[B7]] : i64
// CHECK: %[[C32:.*]] = arith.constant 32 : i64
// CHECK: %[[U:.*]] = arith.shrui %[[R]], %[[C32]] : i64
// CHECK: %[[KEEP:.*]] = arith.cmpi uge, %[[U]], %[[T]] : i64
// CHECK: %[[SC:.*]] = arith.mulf %[[IN]], %[[SCALE]] : f32
// CHECK: arith.select %[[KEEP]], %[[SC]], %[[ZERO]] : f32
func.func @keyed(%x: tensor<?x9xf32>, %seed: tensor<i64>, %step: tensor<i64>) -> tensor<?x9xf32> {
  %t = arith.constant true
  %0 = nn.dropout %x training(%t) key(%seed, %step : tensor<i64>, tensor<i64>) {rate = 0.25 : f32, stream = 5 : i64} : tensor<?x9xf32>
  return %0 : tensor<?x9xf32>
}

// -----

// Inference mode, training without a key (a forward pass outside the train
// step) and rate 0 are the identity.
// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: tensor<?x9xf32>
// CHECK-NOT: linalg
// CHECK: return %[[X]], %[[X]], %[[X]]
func.func @identity(%x: tensor<?x9xf32>, %seed: tensor<i64>, %step: tensor<i64>) -> (tensor<?x9xf32>, tensor<?x9xf32>, tensor<?x9xf32>) {
  %t = arith.constant true
  %f = arith.constant false
  %0 = nn.dropout %x training(%f) key(%seed, %step : tensor<i64>, tensor<i64>) {rate = 0.5 : f32, stream = 1 : i64} : tensor<?x9xf32>
  %1 = nn.dropout %x training(%t) {rate = 0.5 : f32, stream = 2 : i64} : tensor<?x9xf32>
  %2 = nn.dropout %x training(%t) key(%seed, %step : tensor<i64>, tensor<i64>) {rate = 0.0 : f32, stream = 3 : i64} : tensor<?x9xf32>
  return %0, %1, %2 : tensor<?x9xf32>, tensor<?x9xf32>, tensor<?x9xf32>
}
