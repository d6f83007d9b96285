//===- error.h - Runtime error types ----------------------------*- C++ -*-===//
//
// Every failure inside the runtime is thrown as one of these and turned into
// `PROG: error: MESSAGE` plus an exit code by main(); nothing else escapes.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_RUNTIME_ERROR_H
#define MODELC_RUNTIME_ERROR_H

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace modelc::rt {

/// A user-facing error: bad input file, mismatched state, NaN loss... Exit 1.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string &Message) : std::runtime_error(Message) {}
};

/// A bad command line. Exit 2.
class UsageError : public std::runtime_error {
public:
  explicit UsageError(const std::string &Message)
      : std::runtime_error(Message) {}
};

/// "[64, 8, 8, 1]"; a -1 (the batch dimension) prints as "?".
std::string shapeToString(const std::vector<int64_t> &Shape);

/// "a, b, c".
std::string joinNames(const std::vector<std::string> &Names);

/// printf-style formatting into a std::string.
std::string format(const char *Fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace modelc::rt

#endif // MODELC_RUNTIME_ERROR_H
