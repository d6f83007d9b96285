//===- atomic_file.h - Crash-safe file replacement --------------*- C++ -*-===//

#ifndef MODELC_RUNTIME_ATOMIC_FILE_H
#define MODELC_RUNTIME_ATOMIC_FILE_H

#include <cstdio>
#include <functional>
#include <string>

namespace modelc::rt {

/// Calls `Write` on a temporary file next to `Path`, then flushes, fsyncs and
/// renames it over `Path`, so a crash leaves the old or the new file, never a
/// torn one. On any error (thrown by `Write` or by the I/O) the temporary file
/// is removed and the error propagates.
void writeFileAtomically(const std::string &Path,
                         const std::function<void(std::FILE *)> &Write);

/// Fails early, with the message writeFileAtomically would give, if `Path`
/// cannot be written (missing folder, a directory in the way...), so a long
/// run does not discover it at its first checkpoint.
void checkWritable(const std::string &Path);

/// Writes `Size` bytes or throws Error naming `Path`.
void writeBytes(std::FILE *F, const void *Data, size_t Size,
                const std::string &Path);

/// Installs SIGINT/SIGTERM/SIGHUP handlers that delete a temporary file
/// being written before the process dies, and ignores SIGXFSZ.
void installTempFileCleanup();

} // namespace modelc::rt

#endif // MODELC_RUNTIME_ATOMIC_FILE_H
