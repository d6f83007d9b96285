//===- OnnxImport.h - ONNX models as modelc model documents -----*- C++ -*-===//
//
// An ONNX graph becomes the same JSON document the JSON and DSL front ends
// produce (so `--emit=json` prints it and the analysis checks it), plus its
// initializers as imported tensors in modelc's layout: NHWC activations,
// HWIO conv kernels, [in, out] dense kernels. The executable keeps the
// graph's NCHW inputs and outputs; transposes sit only at those edges.
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_FRONTEND_ONNXIMPORT_H
#define MODELC_FRONTEND_ONNXIMPORT_H

#include "modelc/Frontend/Model.h"

#include <optional>
#include <string>

namespace modelc {

/// Imports the ONNX model `bytes` read from `file`. On failure returns
/// nullopt with `error` set to "FILE: node 'NAME' (OpType): ..." or
/// "FILE: ..." for faults outside the nodes.
std::optional<ParsedModel> importOnnxModel(const std::string &file,
                                           const std::string &bytes,
                                           std::string &error);

/// The model document has an "import" key: a wrapper that trains an
/// imported model (SPEC 9).
bool isOnnxWrapper(const ParsedModel &parsed);

/// The imported model with the wrapper's name, seed, labels, loss,
/// optimizer and metrics; on failure `diag` points into the wrapper.
std::optional<ParsedModel> importOnnxWrapper(const ParsedModel &wrapper,
                                             Diagnostic &diag);

} // namespace modelc

#endif
