// Verifier rules of the losses.
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

func.func @softmax_logits_rank(%l: tensor<?x4x10xf32>, %y: tensor<?xi32>) -> tensor<f32> {
  // expected-error @below {{'nn.softmax_cross_entropy' op expected logits of rank 2, got rank 3}}
  %0 = nn.softmax_cross_entropy %l, %y : (tensor<?x4x10xf32>, tensor<?xi32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Labels are sparse class ids, not one-hot.
func.func @softmax_labels_rank(%l: tensor<?x10xf32>, %y: tensor<?x10xi32>) -> tensor<f32> {
  // expected-error @below {{'nn.softmax_cross_entropy' op expected labels of rank 1, got rank 2}}
  %0 = nn.softmax_cross_entropy %l, %y : (tensor<?x10xf32>, tensor<?x10xi32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @softmax_batch(%l: tensor<8x10xf32>, %y: tensor<4xi32>) -> tensor<f32> {
  // expected-error @below {{'nn.softmax_cross_entropy' op logits [8, 10] and labels [4] differ in batch size}}
  %0 = nn.softmax_cross_entropy %l, %y : (tensor<8x10xf32>, tensor<4xi32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @softmax_float_labels(%l: tensor<?x10xf32>, %y: tensor<?xf32>) -> tensor<f32> {
  // expected-error @below {{'nn.softmax_cross_entropy' op operand #1 must be ranked tensor of 32-bit signless integer values, but got 'tensor<?xf32>'}}
  %0 = nn.softmax_cross_entropy %l, %y : (tensor<?x10xf32>, tensor<?xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// A loss is a scalar.
func.func @loss_not_scalar(%l: tensor<?x10xf32>, %y: tensor<?xi32>) -> tensor<?xf32> {
  // expected-error @below {{'nn.softmax_cross_entropy' op result #0 must be 0D tensor of 32-bit float values, but got 'tensor<?xf32>'}}
  %0 = nn.softmax_cross_entropy %l, %y : (tensor<?x10xf32>, tensor<?xi32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @sigmoid_shapes(%l: tensor<?x3xf32>, %y: tensor<?x4xf32>) -> tensor<f32> {
  // expected-error @below {{'nn.sigmoid_cross_entropy' op operands differ in shape: [?, 3] and [?, 4]}}
  %0 = nn.sigmoid_cross_entropy %l, %y : (tensor<?x3xf32>, tensor<?x4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @mse_shapes(%p: tensor<?x3xf32>, %y: tensor<?xf32>) -> tensor<f32> {
  // expected-error @below {{'nn.mean_squared_error' op operands differ in shape: [?, 3] and [?]}}
  %0 = nn.mean_squared_error %p, %y : (tensor<?x3xf32>, tensor<?xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @class_weight_count(%l: tensor<?x3xf32>, %y: tensor<?xi32>) -> tensor<f32> {
  // expected-error @below {{'nn.softmax_cross_entropy' op class_weight has 2 weights for 3 classes}}
  %0 = nn.softmax_cross_entropy %l, %y {class_weight = array<f32: 1.0, 2.0>} : (tensor<?x3xf32>, tensor<?xi32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @class_weight_negative(%l: tensor<?x3xf32>, %y: tensor<?x3xf32>) -> tensor<f32> {
  // expected-error @below {{'nn.sigmoid_cross_entropy' op class_weight must be finite and >= 0}}
  %0 = nn.sigmoid_cross_entropy %l, %y {class_weight = array<f32: 1.0, -2.0>} : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @class_weight_binary(%l: tensor<?x3xf32>, %y: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // expected-error @below {{'nn.sigmoid_cross_entropy_grad' op class_weight has 3 weights for 2 classes}}
  %0 = nn.sigmoid_cross_entropy_grad %l, %y {class_weight = array<f32: 1.0, 2.0, 3.0>} : tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

func.func @class_weight_grad(%l: tensor<?x3xf32>, %y: tensor<?xi32>) -> tensor<?x3xf32> {
  // expected-error @below {{'nn.softmax_cross_entropy_grad' op class_weight has 1 weights for 3 classes}}
  %0 = nn.softmax_cross_entropy_grad %l, %y {class_weight = array<f32: 1.0>} : (tensor<?x3xf32>, tensor<?xi32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
