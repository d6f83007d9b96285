// RUN: modelc-opt %s -nn-build-train-step | FileCheck %s
// RUN: modelc-opt %s -nn-build-train-step -nn-flatten-optimizer | FileCheck %s --check-prefix=FLAT

// A data-parallel module (modelc --mpi): the trainable gradients and the
// moving statistics of the batch norm that is not synchronized travel in
// one nn.replica_reduce, in a fixed order (gradients in the variables'
// declaration order, then statistics in layer order), before the optimizer
// reads them; the synchronized batch norm's statistics are the global batch's
// already and are assigned directly, with its variance correction
// counting every process's elements.
// nn-flatten-optimizer's sweep reads the reduced gradients as one range
// instead of concatenating their slices again.
// FLAT: %[[R:.*]] = nn.replica_reduce <mean>
// FLAT-NOT: tensor.concat
// FLAT: %[[W:.*]] = nn.read_flat [@"fc/kernel", @"bn1/gamma", @"bn2/beta"] : tensor<18xf32>
// FLAT: %[[G:.*]] = tensor.extract_slice %[[R]][0] [18] [1] : tensor<24xf32> to tensor<18xf32>
// FLAT: nn.sgd %[[W]], %[[G]]
// CHECK-LABEL: func.func private @train_step(
// CHECK: nn.batch_norm {{.*}}synchronized
// CHECK: %{{.*}}, %[[M2:.*]], %[[V2:.*]] = nn.batch_norm
// CHECK-NOT: synchronized
// CHECK-SAME: -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>)
// CHECK: nn.batch_norm_grad {{.*}}synchronized
// CHECK: nn.variance_correction {{.*}}synchronized
// CHECK: %[[BN1M:.*]] = nn.moving_average %{{.*}}, %{{.*}} {momentum
// CHECK: %[[BN1V:.*]] = nn.moving_average
// CHECK: %[[MA:.*]] = nn.moving_average %{{.*}}, %[[M2]]
// CHECK: %[[VA:.*]] = nn.moving_average %{{.*}}, %[[V2]]
// CHECK: %[[ALL:.*]] = tensor.concat dim(0) %[[DK:.*]], %[[DGAMMA:.*]], %[[DBETA:.*]], %[[MA]], %[[VA]] : (tensor<12xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<24xf32>
// CHECK: %[[R:.*]] = nn.replica_reduce <mean> %[[ALL]] : tensor<24xf32> -> tensor<24xf32>
// CHECK: %[[GK:.*]] = tensor.extract_slice %[[R]][0] [12] [1]
// CHECK: %[[GKS:.*]] = tensor.expand_shape %[[GK]]
// CHECK: %[[GG:.*]] = tensor.extract_slice %[[R]][12] [3] [1]
// CHECK: %[[GB:.*]] = tensor.extract_slice %[[R]][15] [3] [1]
// CHECK: %[[NM:.*]] = tensor.extract_slice %[[R]][18] [3] [1]
// CHECK: %[[NV:.*]] = tensor.extract_slice %[[R]][21] [3] [1]
// CHECK-DAG: nn.sgd %{{.*}}, %[[GB]]
// CHECK-DAG: nn.sgd %{{.*}}, %[[GG]]
// CHECK-DAG: nn.sgd %{{.*}}, %[[GKS]]
// CHECK-DAG: nn.assign %[[BN1M]] to @"bn1/moving_mean"
// CHECK-DAG: nn.assign %[[BN1V]] to @"bn1/moving_variance"
// CHECK-DAG: nn.assign %[[NM]] to @"bn2/moving_mean"
// CHECK-DAG: nn.assign %[[NV]] to @"bn2/moving_variance"
module attributes {nn.data_parallel, nn.optimizer = #nn.optimizer<sgd, learning_rate = #nn.learning_rate<constant, initial = 0.1>>} {
  nn.variable @"fc/kernel" : tensor<4x3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  nn.variable @"bn1/gamma" : tensor<3xf32> role <param> {init = {kind = "ones"}, trainable = true}
  nn.variable @"bn1/moving_mean" : tensor<3xf32> role <moving_mean> {init = {kind = "zeros"}}
  nn.variable @"bn1/moving_variance" : tensor<3xf32> role <moving_variance> {init = {kind = "ones"}}
  nn.variable @"bn2/beta" : tensor<3xf32> role <param> {init = {kind = "zeros"}, trainable = true}
  nn.variable @"bn2/moving_mean" : tensor<3xf32> role <moving_mean> {init = {kind = "zeros"}}
  nn.variable @"bn2/moving_variance" : tensor<3xf32> role <moving_variance> {init = {kind = "ones"}}
  func.func @forward(%x: tensor<?x4xf32> {nn.name = "x"}, %t: i1 {nn.name = "training"}) -> (tensor<?x3xf32> {nn.name = "out"}) {
    %k = nn.read @"fc/kernel" : tensor<4x3xf32>
    %h = nn.dense %x, %k : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
    %g = nn.read @"bn1/gamma" : tensor<3xf32>
    %mm = nn.read @"bn1/moving_mean" : tensor<3xf32>
    %mv = nn.read @"bn1/moving_variance" : tensor<3xf32>
    %y, %m, %v = nn.batch_norm %h gamma(%g) moving(%mm, %mv) training(%t) {axis = 1 : i64, momentum = 0.9 : f32, epsilon = 0.001 : f32, center = false, scale = true, trainable = true, variance_correction = #nn.variance_correction<unbiased>, renorm = false, renorm_momentum = 0.99 : f32, synchronized} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, i1) -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>)
    %b = nn.read @"bn2/beta" : tensor<3xf32>
    %mm2 = nn.read @"bn2/moving_mean" : tensor<3xf32>
    %mv2 = nn.read @"bn2/moving_variance" : tensor<3xf32>
    %y2, %m2, %v2 = nn.batch_norm %y beta(%b) moving(%mm2, %mv2) training(%t) {axis = 1 : i64, momentum = 0.9 : f32, epsilon = 0.001 : f32, center = true, scale = false, trainable = true, variance_correction = #nn.variance_correction<biased>, renorm = false, renorm_momentum = 0.99 : f32} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, i1) -> (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>)
    return %y2 : tensor<?x3xf32>
  }
  func.func @loss(%l: tensor<?x3xf32> {nn.name = "out"}, %y: tensor<?xi32> {nn.name = "y"}) -> tensor<f32> {
    %0 = nn.softmax_cross_entropy %l, %y : (tensor<?x3xf32>, tensor<?xi32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
}
