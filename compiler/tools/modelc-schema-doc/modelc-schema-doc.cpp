//===- modelc-schema-doc.cpp - print the model format reference -----------===//
//
// Prints docs/generated/ModelFormatReference.md (every op, loss and optimizer
// of the front end's schema) on stdout; the build writes it to build/docs/.
//
//===----------------------------------------------------------------------===//
#include "modelc/Frontend/Schema.h"

#include <cstdio>

int main() {
  std::fputs(modelc::schemaReference().c_str(), stdout);
  return 0;
}
