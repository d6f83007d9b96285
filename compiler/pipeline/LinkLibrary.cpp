//===- LinkLibrary.cpp - objects + runtime -> lib<name>.a / .so -----------===//
//
// 1. The linker driver partially links (`-r`) the model's objects with the
//    whole library runtime and the static libstdc++ and zlib, so the result
//    needs only libc, libm, the unwinder and (with threads) libomp.
// 2. In process (LLVM's objcopy library), `modelc_api_X` becomes
//    `<prefix>_X` and every other defined symbol becomes local: two models'
//    libraries, each with its own copy of the runtime, link into one program.
// 3. The archive is written in process; the shared object by the driver.
// Every file goes to a temporary name first; DIR gets all of them or none.
//
//===----------------------------------------------------------------------===//
#include "LinkDriver.h"
#include "modelc/Pipeline/TempFiles.h"
#include "modelc/Pipeline/Library.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ObjCopy/CommonConfig.h"
#include "llvm/ObjCopy/ConfigManager.h"
#include "llvm/ObjCopy/ObjCopy.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <deque>

using namespace mlir;

namespace {

/// Renames the runtime's API to the prefix and localizes everything else.
LogicalResult localize(const std::string &in, const std::string &prefix,
                       llvm::ArrayRef<std::string> typedEntries,
                       llvm::SmallVectorImpl<char> &out, std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(in);
  if (!buffer) {
    error = "cannot read '" + in + "': " + buffer.getError().message();
    return failure();
  }
  auto binary = llvm::object::createBinary((*buffer)->getMemBufferRef());
  if (!binary) {
    error = "partial link: " + llvm::toString(binary.takeError());
    return failure();
  }
  auto *object = llvm::dyn_cast<llvm::object::ObjectFile>(binary->get());
  if (!object) {
    error = "partial link: not an object file";
    return failure();
  }
  llvm::objcopy::ConfigManager config;
  llvm::objcopy::CommonConfig &common = config.Common;
  std::deque<std::string> names; // StringRefs in the config point here.
  auto keep = [&](const std::string &name) -> bool {
    names.push_back(name);
    llvm::Error e = common.SymbolsToKeepGlobal.addMatcher(
        llvm::objcopy::NameOrPattern::create(names.back(),
                                             llvm::objcopy::MatchStyle::Literal,
                                             [](llvm::Error e) { return e; }));
    if (!e)
      return true;
    error = llvm::toString(std::move(e));
    return false;
  };
  const std::string api = "modelc_api_";
  for (const llvm::object::SymbolRef &symbol : object->symbols()) {
    llvm::Expected<llvm::StringRef> name = symbol.getName();
    llvm::Expected<uint32_t> flags = symbol.getFlags();
    if (!name || !flags) {
      llvm::consumeError(name.takeError());
      llvm::consumeError(flags.takeError());
      continue;
    }
    if (!name->starts_with(api) ||
        (*flags & llvm::object::SymbolRef::SF_Undefined) ||
        !(*flags & llvm::object::SymbolRef::SF_Global))
      continue;
    // Matched by the old name: objcopy applies keep-global before renaming.
    if (!keep(name->str()))
      return failure();
    names.push_back(prefix + "_" + name->drop_front(api.size()).str());
    common.SymbolsToRename[*name] = names.back();
  }
  if (common.SymbolsToRename.empty()) {
    error = "partial link: the library runtime's API is missing";
    return failure();
  }
  for (const std::string &entry : typedEntries)
    if (!keep(entry))
      return failure();
  llvm::raw_svector_ostream os(out);
  if (llvm::Error e =
          llvm::objcopy::executeObjcopyOnBinary(config, **binary, os)) {
    error = "localizing symbols: " + llvm::toString(std::move(e));
    return failure();
  }
  return success();
}

/// Writes `bytes` to `path`.
LogicalResult writeFile(const std::string &path, llvm::StringRef bytes,
                        std::string &error) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (!ec)
    os << bytes;
  if (!ec && !os.has_error())
    return success();
  error = "cannot write '" + path + "'";
  os.clear_error();
  return failure();
}

} // namespace

LogicalResult modelc::linkLibrary(
    llvm::ArrayRef<std::string> objects, const std::string &dir,
    const std::string &name, const std::string &prefix,
    llvm::ArrayRef<std::string> typedEntries,
    llvm::ArrayRef<std::pair<std::string, std::string>> extraFiles,
    const std::string &argv0, bool openmp, std::string &error) {
  std::string runtime;
  if (failed(detail::toolLibrary(argv0, "libmodelc_library_runtime.a", runtime,
                                 error)))
    return failure();
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    error = "cannot create '" + dir + "': " + ec.message();
    return failure();
  }
  if (!llvm::sys::fs::is_directory(dir)) {
    error = "cannot write the library to '" + dir + "': not a folder";
    return failure();
  }
  // (temporary, final) paths; removed on any failure.
  llvm::SmallVector<std::pair<std::string, std::string>> files;
  std::string combined;
  llvm::scope_exit cleanup([&] {
    if (!combined.empty())
      removeTempFile(combined);
    for (auto &[temp, final] : files)
      removeTempFile(temp);
  });
  auto tempFor = [&](const std::string &file) {
    llvm::SmallString<256> final(dir);
    llvm::sys::path::append(final, file);
    std::string temp = tempNextTo(final);
    files.push_back({temp, std::string(final)});
    return temp;
  };

  if (failed(createTempFile("o", combined, error)))
    return failure();
  llvm::SmallVector<std::string> args = {"-nostdlib", "-r", "-o", combined};
  args.append(objects.begin(), objects.end());
  args.append({"-Wl,--whole-archive", runtime, "-Wl,--no-whole-archive",
               "-Wl,-Bstatic", "-lstdc++", "-lz"});
  if (failed(detail::runLinkerDriver(args, error)))
    return failure();

  llvm::SmallVector<char, 0> object;
  if (failed(localize(combined, prefix, typedEntries, object, error)))
    return failure();

  // lib<name>.a: the one object.
  std::string member = name + ".o";
  llvm::NewArchiveMember entry(llvm::MemoryBufferRef(
      llvm::StringRef(object.data(), object.size()), member));
  std::string archive = tempFor("lib" + name + ".a");
  if (llvm::Error e = llvm::writeArchive(
          archive, {std::move(entry)}, llvm::SymtabWritingMode::NormalSymtab,
          llvm::object::Archive::K_GNU, /*Deterministic=*/true,
          /*Thin=*/false)) {
    error = "cannot write '" + archive + "': " + llvm::toString(std::move(e));
    return failure();
  }

  // lib<name>.so: the same object (written over the partial link's);
  // libstdc++ is inside, so no -lstdc++.
  if (failed(writeFile(combined, {object.data(), object.size()}, error)))
    return failure();
  std::string shared = tempFor("lib" + name + ".so");
  args = {"-shared",
          "-nostdlib++",
          "-o",
          shared,
          combined,
          "-lm",
          "-Wl,-soname,lib" + name + ".so",
          "-Wl,--no-undefined"};
  if (openmp)
    args.append({std::string("-L") + MODELC_LLVM_LIBDIR, "-lomp",
                 std::string("-Wl,-rpath,") + MODELC_LLVM_LIBDIR});
  if (failed(detail::runLinkerDriver(args, error)))
    return failure();

  for (const auto &[file, contents] : extraFiles)
    if (failed(writeFile(tempFor(file), contents, error)))
      return failure();
  while (!files.empty()) {
    auto [temp, final] = files.pop_back_val();
    if (std::error_code ec = commitTempFile(temp, final)) {
      error = "cannot write '" + final + "': " + ec.message();
      return failure();
    }
  }
  return success();
}
