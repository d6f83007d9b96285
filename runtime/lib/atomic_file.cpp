//===- atomic_file.cpp - Crash-safe file replacement ----------------------===//

#include "modelc/runtime/atomic_file.h"
#include "modelc/runtime/error.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace modelc::rt {

namespace {

// The temporary file being written, for the signal handler; a fixed buffer
// because the handler may only call async-signal-safe functions.
// Only executables install the handler; a library never touches these, so
// instances saving on several threads share no mutable state.
char PendingTemp[4096];
volatile std::sig_atomic_t HavePendingTemp = 0;
bool TrackPendingTemp = false;

void clearPendingTemp() {
  if (TrackPendingTemp)
    HavePendingTemp = 0;
}

extern "C" void cleanupAndDie(int Sig) {
  if (HavePendingTemp)
    ::unlink(PendingTemp);
  std::signal(Sig, SIG_DFL);
  std::raise(Sig);
}

std::string dirName(const std::string &Path) {
  size_t Slash = Path.find_last_of('/');
  if (Slash == std::string::npos)
    return ".";
  if (Slash == 0)
    return "/";
  return Path.substr(0, Slash);
}

std::string baseName(const std::string &Path) {
  size_t Slash = Path.find_last_of('/');
  return Slash == std::string::npos ? Path : Path.substr(Slash + 1);
}

} // namespace

void installTempFileCleanup() {
  TrackPendingTemp = true;
  for (int Sig : {SIGINT, SIGTERM, SIGHUP})
    std::signal(Sig, cleanupAndDie);
  // A file-size limit (ulimit -f) makes write() fail with EFBIG, reported
  // like a full disk, instead of killing the process mid-write.
  std::signal(SIGXFSZ, SIG_IGN);
}

void writeBytes(std::FILE *F, const void *Data, size_t Size,
                const std::string &Path) {
  if (Size && std::fwrite(Data, 1, Size, F) != Size)
    throw Error("cannot write " + Path + ": " + std::strerror(errno));
}

/// The temporary name for writing `Path`: hidden, next to it, with this
/// process's id so that a later run can tell a dead writer's leftovers.
static std::string tempName(const std::string &Path) {
  return dirName(Path) + "/." + baseName(Path) + ".tmp-" +
         std::to_string(::getpid()) + "-XXXXXX";
}

/// Removes temporaries of `Path` whose writer is gone (killed by SIGKILL,
/// or a power cut): `.<name>.tmp-<pid>-XXXXXX` with no process `pid`.
static void sweepStaleTemps(const std::string &Path) {
  std::string Dir = dirName(Path);
  std::string Prefix = "." + baseName(Path) + ".tmp-";
  DIR *D = ::opendir(Dir.c_str());
  if (!D)
    return;
  while (struct dirent *E = ::readdir(D)) {
    std::string Name = E->d_name;
    if (Name.compare(0, Prefix.size(), Prefix) != 0)
      continue;
    size_t Dash = Name.find('-', Prefix.size());
    std::string Digits = Name.substr(Prefix.size(), Dash - Prefix.size());
    if (Dash == std::string::npos || Digits.empty() || Digits.size() > 9 ||
        Digits.find_first_not_of("0123456789") != std::string::npos)
      continue;
    pid_t Owner = static_cast<pid_t>(std::stol(Digits));
    if (Owner > 0 && ::kill(Owner, 0) != 0 && errno == ESRCH)
      ::unlink((Dir + "/" + Name).c_str());
  }
  ::closedir(D);
}

void checkWritable(const std::string &Path) {
  if (Path.empty())
    throw Error("cannot write an empty path");
  struct stat St;
  if (::stat(Path.c_str(), &St) == 0 && S_ISDIR(St.st_mode))
    throw Error("cannot write " + Path + ": " + std::strerror(EISDIR));
  std::string Dir = dirName(Path);
  sweepStaleTemps(Path);
  std::string Temp = tempName(Path);
  int Fd = ::mkstemp(Temp.data());
  if (Fd < 0)
    throw Error("cannot write " + Path +
                ": cannot create a temporary file in " + Dir + ": " +
                std::strerror(errno));
  ::close(Fd);
  ::unlink(Temp.c_str());
}

void writeFileAtomically(const std::string &Path,
                         const std::function<void(std::FILE *)> &Write) {
  if (Path.empty())
    throw Error("cannot write an empty path");
  std::string Dir = dirName(Path);
  sweepStaleTemps(Path);
  std::string Temp = tempName(Path);
  if (Temp.size() >= sizeof(PendingTemp))
    throw Error("cannot write " + Path + ": path too long");
  int Fd = ::mkstemp(Temp.data());
  if (Fd < 0)
    throw Error("cannot write " + Path +
                ": cannot create a temporary file in " + Dir + ": " +
                std::strerror(errno));
  if (TrackPendingTemp) {
    std::memcpy(PendingTemp, Temp.c_str(), Temp.size() + 1);
    HavePendingTemp = 1;
  }

  std::FILE *F = nullptr;
  auto Fail = [&](const std::string &What) {
    int E = errno;
    if (F)
      std::fclose(F);
    else
      ::close(Fd);
    ::unlink(Temp.c_str());
    clearPendingTemp();
    throw Error("cannot write " + Path + ": " + What + std::strerror(E));
  };
  // mkstemp creates 0600; give the file the permissions open() would.
  mode_t Mask = ::umask(0);
  ::umask(Mask);
  ::fchmod(Fd, 0666 & ~Mask);
  F = ::fdopen(Fd, "wb");
  if (!F)
    Fail("");
  try {
    Write(F);
  } catch (...) {
    std::fclose(F);
    ::unlink(Temp.c_str());
    clearPendingTemp();
    throw;
  }
  if (std::fflush(F) != 0)
    Fail("");
  if (::fsync(::fileno(F)) != 0)
    Fail("fsync: ");
  if (std::fclose(F) != 0) {
    F = nullptr;
    Fd = -1;
    int E = errno;
    ::unlink(Temp.c_str());
    clearPendingTemp();
    throw Error("cannot write " + Path + ": " + std::strerror(E));
  }
  if (::rename(Temp.c_str(), Path.c_str()) != 0) {
    int E = errno;
    ::unlink(Temp.c_str());
    clearPendingTemp();
    throw Error("cannot write " + Path + ": " + std::strerror(E));
  }
  clearPendingTemp();
  // Make the rename itself durable.
  int DirFd = ::open(Dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (DirFd >= 0) {
    ::fsync(DirFd);
    ::close(DirFd);
  }
}

} // namespace modelc::rt
