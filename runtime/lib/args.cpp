//===- args.cpp - Command-line options of one command ---------------------===//

#include "modelc/runtime/args.h"
#include "modelc/runtime/error.h"

#include <cmath>

#include <cerrno>
#include <cstdlib>

namespace modelc::rt {

ParsedArgs::ParsedArgs(const std::string &Command,
                       const std::vector<OptionSpec> &Specs,
                       const std::vector<std::string> &Args)
    : Command(Command) {
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    if (A == "--help" || A == "-h") {
      Help = true;
      continue;
    }
    if (A.size() < 3 || A.compare(0, 2, "--") != 0)
      throw UsageError(Command + ": unexpected argument '" + A + "'");
    std::string Name = A.substr(2), Value;
    bool HasInlineValue = false;
    if (size_t Eq = Name.find('='); Eq != std::string::npos) {
      Value = Name.substr(Eq + 1);
      Name.resize(Eq);
      HasInlineValue = true;
    }
    const OptionSpec *Spec = nullptr;
    for (const OptionSpec &S : Specs)
      if (Name == S.Name)
        Spec = &S;
    if (!Spec)
      throw UsageError(Command + ": unknown option '--" + Name + "'");
    if (Spec->TakesValue && !HasInlineValue) {
      if (I + 1 >= Args.size())
        throw UsageError(Command + ": option '--" + Name + "' needs a value");
      Value = Args[++I];
    } else if (!Spec->TakesValue && HasInlineValue) {
      throw UsageError(Command + ": option '--" + Name + "' takes no value");
    }
    Values[Name] = Value;
  }
}

std::string ParsedArgs::str(const std::string &Name,
                            const std::string &Default) const {
  auto It = Values.find(Name);
  return It == Values.end() ? Default : It->second;
}

std::string ParsedArgs::required(const std::string &Name) const {
  auto It = Values.find(Name);
  if (It == Values.end())
    throw UsageError(Command + ": missing required option '--" + Name + "'");
  if (It->second.empty())
    throw UsageError(Command + ": option '--" + Name + "' needs a value");
  return It->second;
}

/// Parses S whole with `Parse` (strtoll/strtod style); false on junk or
/// overflow.
template <typename T, typename F>
static bool parseWhole(const std::string &S, F Parse, T &V) {
  char *End = nullptr;
  errno = 0;
  V = Parse(S.c_str(), &End);
  return !S.empty() && *End == '\0' && errno != ERANGE;
}

int64_t ParsedArgs::integer(const std::string &Name, int64_t Default,
                            int64_t Min, int64_t Max) const {
  auto It = Values.find(Name);
  if (It == Values.end())
    return Default;
  const std::string &S = It->second;
  long long V;
  if (!parseWhole(
          S, [](const char *P, char **E) { return std::strtoll(P, E, 10); }, V))
    throw UsageError(Command + ": option '--" + Name +
                     "' expects an integer, got '" + S + "'");
  if (V < Min || V > Max)
    throw UsageError(Command + ": option '--" + Name + "' must be " +
                     (Max == INT64_MAX ? "at least " + std::to_string(Min)
                                       : "in [" + std::to_string(Min) + ", " +
                                             std::to_string(Max) + "]") +
                     ", got " + S);
  return V;
}

double ParsedArgs::number(const std::string &Name, double Default,
                          double Min) const {
  auto It = Values.find(Name);
  if (It == Values.end())
    return Default;
  const std::string &S = It->second;
  double V;
  if (!parseWhole(
          S, [](const char *P, char **E) { return std::strtod(P, E); }, V) ||
      !std::isfinite(V))
    throw UsageError(Command + ": option '--" + Name +
                     "' expects a number, got '" + S + "'");
  if (V < Min)
    throw UsageError(Command + ": option '--" + Name + "' must be at least " +
                     format("%g", Min) + ", got " + S);
  return V;
}

} // namespace modelc::rt
