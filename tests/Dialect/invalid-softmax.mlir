// Verifier rules of nn.softmax and nn.softmax_grad: over the last axis of a
// tensor of rank >= 2 (the batch and the classes).
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

func.func @rank(%x: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @below {{'nn.softmax' op expects an input of rank >= 2 (the batch and the softmax axis), got [?]}}
  %0 = nn.softmax %x : tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @grad_rank(%y: tensor<?xf32>, %dy: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @below {{'nn.softmax_grad' op expects an output of rank >= 2, got rank 1}}
  %0 = nn.softmax_grad %y, %dy : tensor<?xf32>
  return %0 : tensor<?xf32>
}
