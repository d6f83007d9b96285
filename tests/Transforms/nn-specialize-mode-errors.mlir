// RUN: modelc-opt %s -nn-specialize-mode -verify-diagnostics

// expected-error @below {{@forward has no i1 argument named 'training'}}
func.func @forward(%x: tensor<?x4xf32> {nn.name = "x"}) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
