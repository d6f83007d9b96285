//===- atomic_file.cpp - Crash-safe file replacement ----------------------===//

#include "modelc/runtime/atomic_file.h"
#include "modelc/runtime/error.h"

#include <cerrno>
#include <csignal>
#include <cstring>
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
}

void writeBytes(std::FILE *F, const void *Data, size_t Size,
                const std::string &Path) {
  if (Size && std::fwrite(Data, 1, Size, F) != Size)
    throw Error("cannot write " + Path + ": " + std::strerror(errno));
}

void checkWritable(const std::string &Path) {
  if (Path.empty())
    throw Error("cannot write an empty path");
  struct stat St;
  if (::stat(Path.c_str(), &St) == 0 && S_ISDIR(St.st_mode))
    throw Error("cannot write " + Path + ": " + std::strerror(EISDIR));
  std::string Dir = dirName(Path);
  std::string Temp = Dir + "/." + baseName(Path) + ".tmp-XXXXXX";
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
  std::string Temp = Dir + "/." + baseName(Path) + ".tmp-XXXXXX";
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
