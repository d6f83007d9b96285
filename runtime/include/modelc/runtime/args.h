//===- args.h - Command-line options of one command -------------*- C++ -*-===//

#ifndef MODELC_RUNTIME_ARGS_H
#define MODELC_RUNTIME_ARGS_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace modelc::rt {

struct OptionSpec {
  const char *Name; // Without dashes: "batch-size".
  bool TakesValue;
};

/// `--name value`, `--name=value` and flags, validated against a command's
/// option list; any mistake throws UsageError.
class ParsedArgs {
public:
  ParsedArgs(const std::string &Command, const std::vector<OptionSpec> &Specs,
             const std::vector<std::string> &Args);

  bool has(const std::string &Name) const { return Values.count(Name) != 0; }
  bool helpRequested() const { return Help; }
  std::string str(const std::string &Name,
                  const std::string &Default = "") const;
  /// The option as an integer in [Min, Max], or Default if absent.
  int64_t integer(const std::string &Name, int64_t Default, int64_t Min,
                  int64_t Max = INT64_MAX) const;
  /// The option as a finite number >= Min, or Default if absent.
  double number(const std::string &Name, double Default, double Min) const;
  /// Throws UsageError unless the option was given.
  std::string required(const std::string &Name) const;

private:
  std::string Command;
  std::map<std::string, std::string> Values;
  bool Help = false;
};

} // namespace modelc::rt

#endif // MODELC_RUNTIME_ARGS_H
