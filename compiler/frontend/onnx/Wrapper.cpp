//===- Wrapper.cpp - training an imported model
//-----------------------------===//
//
// `{"import": "net.onnx", "labels": [...], "loss": {...}, "optimizer": ...}`
// is a model document whose layers, inputs and outputs come from an ONNX
// file; the wrapper adds what ONNX inference graphs lack (labels, a loss,
// an optimizer, metrics, a seed), and everything else of SPEC 3-4 applies.
//
//===----------------------------------------------------------------------===//
#include "modelc/Frontend/OnnxImport.h"

#include <fstream>
#include <set>
#include <sstream>

using namespace modelc;

bool modelc::isOnnxWrapper(const ParsedModel &parsed) {
  return parsed.doc.is_object() && parsed.doc.contains("import");
}

std::optional<ParsedModel> modelc::importOnnxWrapper(const ParsedModel &wrapper,
                                                     Diagnostic &diag) {
  const json &doc = wrapper.doc;
  auto fail = [&](const std::string &pointer, const std::string &message) {
    diag = {wrapper.locs.lookup(pointer), message};
    return std::nullopt;
  };
  static const std::set<std::string> allowed = {
      "import", "name", "seed", "labels", "loss", "optimizer", "metrics"};
  for (auto &[key, value] : doc.items())
    if (!allowed.count(key))
      return fail("/" + key,
                  "'" + key +
                      "' cannot be given with 'import' (the ONNX file "
                      "defines the inputs, layers and outputs; a wrapper "
                      "adds name, seed, labels, loss, optimizer, metrics)");
  if (!doc["import"].is_string() || doc["import"].get<std::string>().empty())
    return fail("/import", "'import' must name an .onnx file");

  // Relative to the wrapper, as includes are.
  std::string path = doc["import"];
  size_t slash = wrapper.file.rfind('/');
  if (path[0] != '/' && slash != std::string::npos)
    path = wrapper.file.substr(0, slash + 1) + path;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail("/import", "cannot read '" + path + "'");
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::string error;
  std::optional<ParsedModel> imported =
      importOnnxModel(path, bytes.str(), error);
  if (!imported)
    return fail("/import", error);

  ParsedModel merged = *imported;
  merged.file = wrapper.file;
  merged.locs = wrapper.locs;
  for (const char *key :
       {"name", "seed", "labels", "loss", "optimizer", "metrics"})
    if (doc.contains(key))
      merged.doc[key] = doc[key];
  return merged;
}
