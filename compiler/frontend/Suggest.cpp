//===- Suggest.cpp - "did you mean" for misspelled names ------------------===//

#include "modelc/Frontend/Model.h"

#include "llvm/ADT/StringRef.h"

std::string modelc::didYouMean(const std::string &word,
                               const std::vector<std::string> &known) {
  // Close enough to be a typo: a third of the word's letters, at least one
  // ('layer' is two edits from 'label', which is no help).
  unsigned limit = std::max<unsigned>(1, word.size() / 3);
  std::string best;
  unsigned bestDistance = limit + 1;
  for (const std::string &k : known) {
    unsigned d = llvm::StringRef(word).edit_distance(
        k, /*AllowReplacements=*/true, /*MaxEditDistance=*/limit + 1);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best.empty() ? "" : "; did you mean '" + best + "'?";
}
