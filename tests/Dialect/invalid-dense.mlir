// Verifier rules of nn.dense, nn.embedding and nn.bias_add.
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

// dense needs a flattened input.
func.func @dense_input_rank(%x: tensor<?x4x4xf32>, %k: tensor<16x10xf32>) -> tensor<?x10xf32> {
  // expected-error @below {{'nn.dense' op expects a 2-D input [N, features] (flatten it first), got [?, 4, 4]}}
  %0 = nn.dense %x, %k : (tensor<?x4x4xf32>, tensor<16x10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

func.func @dense_kernel_rank(%x: tensor<?x16xf32>, %k: tensor<16xf32>) -> tensor<?x10xf32> {
  // expected-error @below {{'nn.dense' op expects a 2-D kernel [features, units], got [16]}}
  %0 = nn.dense %x, %k : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

func.func @dense_mismatch(%x: tensor<?x15xf32>, %k: tensor<16x10xf32>) -> tensor<?x10xf32> {
  // expected-error @below {{'nn.dense' op input [?, 15] does not match kernel [16, 10]}}
  %0 = nn.dense %x, %k : (tensor<?x15xf32>, tensor<16x10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

func.func @dense_bias(%x: tensor<?x16xf32>, %k: tensor<16x10xf32>, %b: tensor<16xf32>) -> tensor<?x10xf32> {
  // expected-error @below {{'nn.dense' op expected bias shape [10], got [16]}}
  %0 = nn.dense %x, %k bias(%b) : (tensor<?x16xf32>, tensor<16x10xf32>, tensor<16xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

func.func @dense_result(%x: tensor<?x16xf32>, %k: tensor<16x10xf32>) -> tensor<?x16xf32> {
  // expected-error @below {{'nn.dense' op expected result shape [?, 10], got [?, 16]}}
  %0 = nn.dense %x, %k : (tensor<?x16xf32>, tensor<16x10xf32>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

func.func @embedding_table_rank(%ids: tensor<?x56xi32>, %t: tensor<5000xf32>) -> tensor<?x56x64xf32> {
  // expected-error @below {{'nn.embedding' op expects a 2-D table [vocab_size, dim], got [5000]}}
  %0 = nn.embedding %ids, %t : (tensor<?x56xi32>, tensor<5000xf32>) -> tensor<?x56x64xf32>
  return %0 : tensor<?x56x64xf32>
}

// -----

func.func @embedding_result(%ids: tensor<?x56xi32>, %t: tensor<5000x64xf32>) -> tensor<?x64xf32> {
  // expected-error @below {{'nn.embedding' op expected result shape [?, 56, 64], got [?, 64]}}
  %0 = nn.embedding %ids, %t : (tensor<?x56xi32>, tensor<5000x64xf32>) -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}

// -----

// Token ids are i32.
func.func @embedding_ids_type(%ids: tensor<?x56xf32>, %t: tensor<5000x64xf32>) -> tensor<?x56x64xf32> {
  // expected-error @below {{'nn.embedding' op operand #0 must be ranked tensor of 32-bit signless integer values, but got 'tensor<?x56xf32>'}}
  %0 = nn.embedding %ids, %t : (tensor<?x56xf32>, tensor<5000x64xf32>) -> tensor<?x56x64xf32>
  return %0 : tensor<?x56x64xf32>
}

// -----

// The channels are the last axis beside the batch: rank 1 is the batch alone.
func.func @bias_add_rank_one(%x: tensor<?xf32>, %b: tensor<1xf32>) -> tensor<?xf32> {
  // expected-error @below {{'nn.bias_add' op expects an input of rank >= 2 (the batch and the channels last), got [?]}}
  %0 = nn.bias_add %x, %b : (tensor<?xf32>, tensor<1xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @bias_add_dynamic_bias(%x: tensor<?x5xf32>, %b: tensor<?xf32>) -> tensor<?x5xf32> {
  // expected-error @below {{'nn.bias_add' op bias [?] must be one per channel of input [?, 5]}}
  %0 = nn.bias_add %x, %b : (tensor<?x5xf32>, tensor<?xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @bias_add_scalar(%x: tensor<f32>, %b: tensor<1xf32>) -> tensor<f32> {
  // expected-error @below {{'nn.bias_add' op expects an input of rank >= 2 (the batch and the channels last), got []}}
  %0 = nn.bias_add %x, %b : (tensor<f32>, tensor<1xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// The bias is per channel: the last axis.
func.func @bias_add_bias(%x: tensor<?x5x7xf32>, %b: tensor<5xf32>) -> tensor<?x5x7xf32> {
  // expected-error @below {{'nn.bias_add' op bias [5] must be one per channel of input [?, 5, 7]}}
  %0 = nn.bias_add %x, %b : (tensor<?x5x7xf32>, tensor<5xf32>) -> tensor<?x5x7xf32>
  return %0 : tensor<?x5x7xf32>
}

// -----

func.func @bias_add_result(%x: tensor<?x5x7xf32>, %b: tensor<7xf32>) -> tensor<?x7x5xf32> {
  // expected-error @below {{'nn.bias_add' op expected result shape [?, 5, 7], got [?, 7, 5]}}
  %0 = nn.bias_add %x, %b : (tensor<?x5x7xf32>, tensor<7xf32>) -> tensor<?x7x5xf32>
  return %0 : tensor<?x7x5xf32>
}
