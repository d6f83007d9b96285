//===- TempFiles.cpp - modelc's temporary files ---------------------------===//

#include "modelc/Pipeline/TempFiles.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"

#include <cerrno>
#include <csignal>

using namespace modelc;

namespace {

std::string pid() { return std::to_string(llvm::sys::Process::getProcessId()); }

/// Whether `name` has `marker` followed by the id of a process that is gone.
bool ownerIsGone(llvm::StringRef name, llvm::StringRef marker) {
  size_t at = name.rfind(marker);
  if (at == llvm::StringRef::npos)
    return false;
  llvm::StringRef digits = name.drop_front(at + marker.size());
  digits = digits.take_while([](char c) { return c >= '0' && c <= '9'; });
  unsigned long long owner;
  if (digits.empty() || digits.getAsInteger(10, owner) || owner == 0 ||
      owner > 0x7fffffff)
    return false;
  return ::kill(static_cast<pid_t>(owner), 0) != 0 && errno == ESRCH;
}

void sweep(llvm::StringRef folder, bool (*ours)(llvm::StringRef)) {
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(folder, ec), end; it != end && !ec;
       it.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (ours(name))
      llvm::sys::fs::remove(it->path());
  }
}

} // namespace

mlir::LogicalResult modelc::createTempFile(llvm::StringRef ext,
                                           std::string &path,
                                           std::string &error) {
  llvm::SmallString<128> model;
  llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, model);
  llvm::sys::path::append(model, "modelc-" + pid() + "-%%%%%%." + ext);
  int fd;
  llvm::SmallString<128> created;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(model, fd, created)) {
    error = "cannot create a temporary file: " + ec.message();
    return mlir::failure();
  }
  llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  path = std::string(created);
  llvm::sys::RemoveFileOnSignal(path);
  return mlir::success();
}

std::string modelc::tempNextTo(llvm::StringRef target) {
  llvm::SmallString<256> path(llvm::sys::path::parent_path(target));
  llvm::sys::path::append(path, "." + llvm::sys::path::filename(target) +
                                    ".tmp-" + pid());
  llvm::sys::RemoveFileOnSignal(path);
  return std::string(path);
}

void modelc::removeTempFile(llvm::StringRef path) {
  llvm::sys::fs::remove(path);
  llvm::sys::DontRemoveFileOnSignal(path);
}

std::error_code modelc::commitTempFile(llvm::StringRef path,
                                       llvm::StringRef target) {
  std::error_code ec = llvm::sys::fs::rename(path, target);
  if (ec)
    llvm::sys::fs::remove(path);
  llvm::sys::DontRemoveFileOnSignal(path);
  return ec;
}

void modelc::sweepStaleTempFiles(llvm::StringRef folder) {
  llvm::SmallString<128> system;
  llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, system);
  sweep(system, [](llvm::StringRef name) {
    return name.starts_with("modelc-") && ownerIsGone(name, "modelc-");
  });
  sweep(folder.empty() ? "." : folder, [](llvm::StringRef name) {
    return name.starts_with(".") && ownerIsGone(name, ".tmp-");
  });
}
