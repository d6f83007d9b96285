//===- onnx_fuzzer.cpp - libFuzzer target for the ONNX importer ----------===//
//
// Any bytes given as an .onnx file: beyond "no crash, no sanitizer report",
// the importer either rejects them with a message naming the file, or
// produces a model document that the analysis accepts and whose nn IR
// verifies, or that the analysis rejects with a message.
//
//===----------------------------------------------------------------------===//
#include "nn_ir.h"

#include "modelc/Frontend/IRGen.h"
#include "modelc/Frontend/Model.h"
#include "modelc/Frontend/OnnxImport.h"

#include <cstdio>
#include <cstdlib>

using namespace modelc;

namespace {

[[noreturn]] void failure(const char *what, const std::string &detail) {
  std::fprintf(stderr, "onnx_fuzzer: %s\n%s\n", what, detail.c_str());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  std::string error;
  std::optional<ParsedModel> parsed =
      importOnnxModel("fuzz.onnx", bytes, error);
  if (!parsed) {
    if (error.rfind("fuzz.onnx: ", 0) != 0)
      failure("rejected without a message naming the file", error);
    return 0;
  }
  Diagnostic diag;
  std::optional<Model> model = analyzeModel(*parsed, diag);
  if (!model) {
    if (diag.message.empty())
      failure("the analysis rejected an import without a message",
              dumpJson(parsed->doc));
    return 0;
  }
  std::string verifyErrors = fuzz::nnIRErrors(*model);
  if (!verifyErrors.empty())
    failure("an imported model built nn IR that does not verify",
            verifyErrors + "model:\n" + printJsonModel(*model));
  return 0;
}
