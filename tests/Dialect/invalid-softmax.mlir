// Verifier rules of nn.softmax: over the classes of [N, classes].
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

func.func @rank(%x: tensor<?x3x4xf32>) -> tensor<?x3x4xf32> {
  // expected-error @below {{'nn.softmax' op}}
  %0 = nn.softmax %x : tensor<?x3x4xf32>
  return %0 : tensor<?x3x4xf32>
}
