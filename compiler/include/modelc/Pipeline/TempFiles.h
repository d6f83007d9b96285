//===- TempFiles.h - modelc's temporary files -------------------*- C++ -*-===//
//
// Every temporary file modelc creates carries its process id, is removed if
// a signal kills modelc (LLVM's RemoveFileOnSignal), and is swept by a later
// run once that process is gone (SIGKILL leaves no chance to clean up).
//
//===----------------------------------------------------------------------===//
#ifndef MODELC_PIPELINE_TEMPFILES_H
#define MODELC_PIPELINE_TEMPFILES_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace modelc {

/// Creates `<system temp folder>/modelc-<pid>-XXXXXX.<ext>`.
mlir::LogicalResult createTempFile(llvm::StringRef ext, std::string &path,
                                   std::string &error);

/// The name for writing `target` before renaming it into place:
/// `<dir>/.<name>.tmp-<pid>` (hidden, next to the target).
std::string tempNextTo(llvm::StringRef target);

/// Removes a temporary file (if it still exists) and forgets it.
void removeTempFile(llvm::StringRef path);

/// Renames a temporary file onto `target` and forgets it.
std::error_code commitTempFile(llvm::StringRef path, llvm::StringRef target);

/// Deletes what modelc processes that no longer exist left behind: their
/// files in the system temp folder and their temporaries in `folder`.
void sweepStaleTempFiles(llvm::StringRef folder);

} // namespace modelc

#endif
