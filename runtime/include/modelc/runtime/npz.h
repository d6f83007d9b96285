//===- npz.h - The .npz archive format --------------------------*- C++ -*-===//
//
// Reads zip archives as np.savez (stored) and np.savez_compressed (deflate)
// write them, ZIP64 included; writes stored archives atomically.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_RUNTIME_NPZ_H
#define MODELC_RUNTIME_NPZ_H

#include "modelc/runtime/array.h"
#include "modelc/runtime/npy.h"

#include <map>
#include <string>
#include <vector>

namespace modelc::rt {

/// A read-only, memory-mapped .npz file. Arrays are decoded on demand, so a
/// data file may hold arrays of unsupported types that nobody asks for.
class NpzReader {
public:
  /// Opens and indexes the archive; throws Error naming the path.
  explicit NpzReader(const std::string &Path);
  ~NpzReader();
  NpzReader(const NpzReader &) = delete;
  NpzReader &operator=(const NpzReader &) = delete;

  const std::string &path() const { return Path; }
  /// Array names (".npy" stripped) in archive order.
  const std::vector<std::string> &names() const { return Names; }
  bool contains(const std::string &Name) const {
    return Index.count(Name) != 0;
  }
  /// Decodes one array; throws Error if missing or malformed. `Check` sees
  /// the .npy header before the data is inflated or copied.
  Array read(const std::string &Name, const NpyCheck &Check = {}) const;

private:
  struct Member {
    uint64_t LocalOffset = 0;
    uint64_t CompressedSize = 0;
    uint64_t UncompressedSize = 0;
    uint32_t Crc = 0;
    uint16_t Method = 0;
    uint16_t Flags = 0;
  };
  void indexArchive();
  [[noreturn]] void corrupt(const std::string &Why) const;

  std::string Path;
  const uint8_t *Map = nullptr;
  size_t Size = 0;
  std::vector<std::string> Names;
  std::map<std::string, Member> Index;
};

/// Writes an uncompressed .npz that np.load(f, allow_pickle=False) reads:
/// temporary file in the target's folder, fsync, rename. On failure the old
/// file is untouched and the temporary file is removed.
void writeNpz(const std::string &Path, const std::vector<ArrayView> &Arrays);

} // namespace modelc::rt

#endif // MODELC_RUNTIME_NPZ_H
