//===- frontend_fuzzer.cpp - libFuzzer target for both model syntaxes -----===//
//
// Built twice: MODELC_FUZZ_DSL selects the text DSL, otherwise JSON. Beyond
// "no crash, no sanitizer report" it checks what the front end promises:
// - a model that analyzes builds nn IR that verifies (never the compiler's
//   "internal error");
// - the normalized model, printed in either syntax, analyzes again to the
//   same normalized document and fingerprint.
//
//===----------------------------------------------------------------------===//
#include "nn_ir.h"

#include "modelc/Frontend/IRGen.h"
#include "modelc/Frontend/Model.h"

#include <cstdio>
#include <cstdlib>

using namespace modelc;

namespace {

#ifdef MODELC_FUZZ_DSL
constexpr bool IsDsl = true;
#else
constexpr bool IsDsl = false;
#endif

[[noreturn]] void failure(const char *what, const std::string &detail) {
  std::fprintf(stderr, "frontend_fuzzer: %s\n%s\n", what, detail.c_str());
  std::abort();
}

std::optional<Model> analyze(const std::string &text, bool dsl,
                             Diagnostic &diag) {
  std::optional<ParsedModel> parsed =
      dsl ? parseDslModel("fuzz.nn", text, diag)
          : parseJsonModel("fuzz.json", text, diag);
  if (!parsed)
    return std::nullopt;
  return analyzeModel(*parsed, diag);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  Diagnostic diag;
  std::optional<Model> model = analyze(text, IsDsl, diag);
  if (!model) {
    if (diag.message.empty())
      failure("rejected without a message", text);
    return 0;
  }

  std::string verifyErrors = fuzz::nnIRErrors(*model);
  if (!verifyErrors.empty())
    failure("an analyzed model built nn IR that does not verify",
            verifyErrors + "model:\n" + printJsonModel(*model));

  for (bool dsl : {false, true}) {
    std::string printed = dsl ? printDslModel(*model) : printJsonModel(*model);
    Diagnostic again;
    std::optional<Model> reparsed = analyze(printed, dsl, again);
    if (!reparsed)
      failure(dsl ? "the printed DSL does not analyze"
                  : "the printed JSON does not analyze",
              again.message + "\nprinted:\n" + printed);
    if (reparsed->normalized != model->normalized ||
        reparsed->fingerprint != model->fingerprint)
      failure("printing and parsing changed the model",
              printJsonModel(*model) + "\nbecame\n" +
                  printJsonModel(*reparsed));
  }
  return 0;
}
