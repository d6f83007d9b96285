//===- LibraryPython.cpp - <name>.py of the library form ------------------===//
//
// The wrapper is library_wrapper.py, a real Python file (embedded at build
// time by CMake), with the model's name and symbol prefix filled in.
//
//===----------------------------------------------------------------------===//
#include "modelc/Pipeline/Library.h"

using namespace modelc;

namespace {

const char *wrapperTemplate =
#include "LibraryWrapper.inc"
    ;

void replaceAll(std::string &s, const std::string &from,
                const std::string &to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos;
       at += to.size())
    s.replace(at, from.size(), to);
}

} // namespace

std::string modelc::libraryPythonWrapper(const LibrarySignature &sig,
                                         const std::string &prefix) {
  std::string text = wrapperTemplate;
  replaceAll(text, "__MODELC_PREFIX__", prefix);
  replaceAll(text, "__MODELC_NAME__", sig.name);
  return text;
}
