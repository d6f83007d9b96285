//===- npz.cpp - The .npz archive format ----------------------------------===//
//
// Only what NumPy needs of PKZIP (APPNOTE 6.3): stored and deflated members,
// ZIP64 sizes and offsets, a single disk, no encryption.
//
//===----------------------------------------------------------------------===//

#include "modelc/runtime/npz.h"
#include "modelc/runtime/atomic_file.h"
#include "modelc/runtime/error.h"
#include "modelc/runtime/npy.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

namespace modelc::rt {

namespace {

constexpr uint32_t LocalSig = 0x04034b50;
constexpr uint32_t CentralSig = 0x02014b50;
constexpr uint32_t EndSig = 0x06054b50;
constexpr uint32_t End64Sig = 0x06064b50;
constexpr uint32_t End64LocatorSig = 0x07064b50;
constexpr uint32_t Max32 = 0xffffffffu;
constexpr uint16_t Max16 = 0xffffu;

uint64_t le(const uint8_t *P, int Bytes) {
  uint64_t V = 0;
  for (int I = Bytes - 1; I >= 0; --I)
    V = (V << 8) | P[I];
  return V;
}

/// The array name of a member: ".npy" stripped, and bytes that are not
/// printable ASCII escaped so messages naming it stay readable.
std::string arrayName(const std::string &Member) {
  std::string Name = Member;
  if (Name.size() > 4 && Name.compare(Name.size() - 4, 4, ".npy") == 0)
    Name.resize(Name.size() - 4);
  std::string Out;
  for (unsigned char C : Name) {
    if (C >= 0x20 && C < 0x7f) {
      Out += static_cast<char>(C);
      continue;
    }
    char Buf[8];
    std::snprintf(Buf, sizeof(Buf), "\\x%02x", C);
    Out += Buf;
  }
  return Out;
}

/// CRC-32 of a buffer of any size (zlib's length argument is 32-bit).
uint32_t crc32Of(uint32_t Crc, const uint8_t *P, size_t N) {
  while (N > 0) {
    uInt Chunk = N > (1u << 30) ? (1u << 30) : static_cast<uInt>(N);
    Crc = static_cast<uint32_t>(crc32(Crc, P, Chunk));
    P += Chunk;
    N -= Chunk;
  }
  return Crc;
}

/// A raw deflate stream inflated on demand into a growing buffer.
class Inflater {
public:
  Inflater(const uint8_t *In, uint64_t InSize, std::function<void()> Fail)
      : In(In), InLeft(InSize), Fail(std::move(Fail)) {
    if (inflateInit2(&Z, -MAX_WBITS) != Z_OK)
      throw Error("zlib initialization failed");
  }
  ~Inflater() { inflateEnd(&Z); }

  /// Grows Out to N bytes (N >= Out.size()) of inflated data; calls Fail if
  /// the stream is corrupt or ends first.
  void fill(std::vector<uint8_t> &Out, uint64_t N) {
    uint64_t Done = Out.size();
    Out.resize(N);
    while (Done < N) {
      if (Ended)
        Fail();
      uInt InChunk = InLeft > (1u << 30) ? (1u << 30) : uInt(InLeft);
      uInt OutChunk = N - Done > (1u << 30) ? (1u << 30) : uInt(N - Done);
      Z.next_in = const_cast<Bytef *>(In);
      Z.avail_in = InChunk;
      Z.next_out = Out.data() + Done;
      Z.avail_out = OutChunk;
      int Rc = inflate(&Z, Z_NO_FLUSH);
      In += InChunk - Z.avail_in;
      InLeft -= InChunk - Z.avail_in;
      Done += OutChunk - Z.avail_out;
      if (Rc == Z_STREAM_END)
        Ended = true;
      else if (Rc != Z_OK || (InChunk == Z.avail_in && OutChunk == Z.avail_out))
        Fail(); // Corrupt, or no progress: the input is exhausted.
    }
  }

  /// Whether the stream ends exactly here (no data beyond the claimed size).
  bool finished() {
    if (Ended)
      return true;
    uint8_t Extra;
    Z.next_in = const_cast<Bytef *>(In);
    Z.avail_in = InLeft > (1u << 30) ? (1u << 30) : uInt(InLeft);
    Z.next_out = &Extra;
    Z.avail_out = 1;
    return inflate(&Z, Z_NO_FLUSH) == Z_STREAM_END && Z.avail_out == 1;
  }

private:
  z_stream Z{};
  const uint8_t *In;
  uint64_t InLeft;
  std::function<void()> Fail;
  bool Ended = false;
};

} // namespace

NpzReader::NpzReader(const std::string &Path) : Path(Path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused
  // below like every other file that is not a regular one.
  int Fd = ::open(Path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (Fd < 0)
    throw Error("cannot open " + Path + ": " + std::strerror(errno));
  struct stat St;
  if (::fstat(Fd, &St) != 0) {
    int E = errno;
    ::close(Fd);
    throw Error("cannot open " + Path + ": " + std::strerror(E));
  }
  if (S_ISDIR(St.st_mode)) {
    ::close(Fd);
    throw Error("cannot open " + Path + ": is a directory");
  }
  if (!S_ISREG(St.st_mode)) {
    ::close(Fd);
    throw Error("cannot open " + Path +
                ": not a regular file (a pipe or device cannot be mapped)");
  }
  Size = static_cast<size_t>(St.st_size);
  if (Size > 0) {
    void *P = ::mmap(nullptr, Size, PROT_READ, MAP_PRIVATE, Fd, 0);
    if (P == MAP_FAILED) {
      int E = errno;
      ::close(Fd);
      throw Error("cannot read " + Path + ": " + std::strerror(E));
    }
    Map = static_cast<const uint8_t *>(P);
  }
  ::close(Fd);
  // A constructor that throws runs no destructor: unmap here, or every
  // rejected file would leak its mapping (found by the npz fuzzer, which
  // slowed down as the process's mappings piled up).
  try {
    indexArchive();
  } catch (...) {
    if (Map)
      ::munmap(const_cast<uint8_t *>(Map), Size);
    throw;
  }
}

NpzReader::~NpzReader() {
  if (Map)
    ::munmap(const_cast<uint8_t *>(Map), Size);
}

void NpzReader::corrupt(const std::string &Why) const {
  throw Error(Path + ": truncated or corrupt .npz (zip) archive: " + Why);
}

void NpzReader::indexArchive() {
  // The end-of-central-directory record is in the last 22 + 65535 bytes.
  size_t EndPos = SIZE_MAX;
  if (Size >= 22) {
    size_t Lowest = Size > 22 + 65535 ? Size - 22 - 65535 : 0;
    for (size_t P = Size - 22 + 1; P-- > Lowest;)
      if (le(Map + P, 4) == EndSig && P + 22 + le(Map + P + 20, 2) <= Size) {
        EndPos = P;
        break;
      }
  }
  if (EndPos == SIZE_MAX) {
    if (Size >= 6 && std::memcmp(Map, "\x93NUMPY", 6) == 0)
      throw Error(Path + ": is a single .npy array, not an .npz archive "
                         "(write it with np.savez)");
    if (Size >= 4 && le(Map, 4) == LocalSig)
      corrupt("end of central directory not found");
    throw Error(Path + ": not an .npz file (not a zip archive)");
  }
  const uint8_t *E = Map + EndPos;
  uint64_t Entries = le(E + 10, 2);
  uint64_t DirSize = le(E + 12, 4);
  uint64_t DirOffset = le(E + 16, 4);
  if (le(E + 4, 2) != 0 || le(E + 6, 2) != 0)
    throw Error(Path + ": multi-disk zip archives are not supported");
  if (Entries == Max16 || DirSize == Max32 || DirOffset == Max32) {
    // ZIP64: the locator sits just before the classic record.
    if (EndPos < 20 || le(Map + EndPos - 20, 4) != End64LocatorSig)
      corrupt("ZIP64 locator not found");
    uint64_t Pos64 = le(Map + EndPos - 20 + 8, 8);
    if (Pos64 > EndPos - 20 || EndPos - 20 - Pos64 < 56 ||
        le(Map + Pos64, 4) != End64Sig)
      corrupt("ZIP64 end of central directory not found");
    const uint8_t *E64 = Map + Pos64;
    Entries = le(E64 + 32, 8);
    DirSize = le(E64 + 40, 8);
    DirOffset = le(E64 + 48, 8);
  }
  if (DirOffset > EndPos || DirSize > EndPos - DirOffset)
    corrupt("central directory out of bounds");

  const uint8_t *P = Map + DirOffset;
  const uint8_t *DirEnd = P + DirSize;
  for (uint64_t I = 0; I < Entries; ++I) {
    if (DirEnd - P < 46 || le(P, 4) != CentralSig)
      corrupt("bad central directory entry");
    Member M;
    M.Flags = static_cast<uint16_t>(le(P + 8, 2));
    M.Method = static_cast<uint16_t>(le(P + 10, 2));
    M.Crc = static_cast<uint32_t>(le(P + 16, 4));
    M.CompressedSize = le(P + 20, 4);
    M.UncompressedSize = le(P + 24, 4);
    size_t NameLen = le(P + 28, 2), ExtraLen = le(P + 30, 2),
           CommentLen = le(P + 32, 2);
    M.LocalOffset = le(P + 42, 4);
    if (static_cast<size_t>(DirEnd - P) < 46 + NameLen + ExtraLen + CommentLen)
      corrupt("bad central directory entry");
    std::string Name(reinterpret_cast<const char *>(P + 46), NameLen);
    // The ZIP64 extra field holds, in this order, whichever of the three
    // values are saturated in the fixed part.
    const uint8_t *X = P + 46 + NameLen, *XEnd = X + ExtraLen;
    while (XEnd - X >= 4) {
      uint64_t Id = le(X, 2), Len = le(X + 2, 2);
      const uint8_t *Data = X + 4;
      if (static_cast<uint64_t>(XEnd - Data) < Len)
        break;
      if (Id == 1) {
        const uint8_t *Q = Data, *QEnd = Data + Len;
        auto Take = [&](uint64_t &V) {
          if (V != Max32)
            return;
          if (QEnd - Q < 8)
            corrupt("bad ZIP64 extra field of '" + Name + "'");
          V = le(Q, 8);
          Q += 8;
        };
        Take(M.UncompressedSize);
        Take(M.CompressedSize);
        Take(M.LocalOffset);
      }
      X = Data + Len;
    }
    P += 46 + NameLen + ExtraLen + CommentLen;
    std::string Key = arrayName(Name);
    // NumPy would silently take the last of two equal names; refuse instead.
    if (!Index.emplace(Key, M).second)
      throw Error(Path + ": holds two arrays named '" + Key +
                  "'; write it again with unique names");
    Names.push_back(Key);
  }
  if (P != DirEnd)
    corrupt("the central directory holds more entries than its end record "
            "counts (" +
            std::to_string(Entries) + ")");
}

Array NpzReader::read(const std::string &Name, const NpyCheck &Check) const {
  auto It = Index.find(Name);
  if (It == Index.end())
    throw Error(Path + ": no array named '" + Name + "'");
  const Member &M = It->second;
  std::string Where = Path + ": array '" + Name + "'";
  if (M.Flags & 1)
    throw Error(Where + ": encrypted zip members are not supported");
  if (M.LocalOffset > Size || Size - M.LocalOffset < 30 ||
      le(Map + M.LocalOffset, 4) != LocalSig)
    corrupt("bad local header of '" + Name + "'");
  const uint8_t *L = Map + M.LocalOffset;
  uint64_t DataOffset = M.LocalOffset + 30 + le(L + 26, 2) + le(L + 28, 2);
  if (DataOffset > Size || Size - DataOffset < M.CompressedSize)
    corrupt("data of '" + Name + "' extends past the end of the file");
  const uint8_t *Data = Map + DataOffset;

  if (M.Method == 0) {
    if (M.CompressedSize != M.UncompressedSize)
      corrupt("stored member '" + Name + "' has inconsistent sizes");
    if (crc32Of(0, Data, M.CompressedSize) != M.Crc)
      corrupt("CRC mismatch in '" + Name + "'");
    return parseNpy(Data, M.CompressedSize, Where, Check);
  }
  if (M.Method != 8)
    throw Error(Where + ": unsupported zip compression method " +
                std::to_string(M.Method) + " (use np.savez or " +
                "np.savez_compressed)");

  // Deflate expands at most ~1032:1; refuse absurd sizes before inflating.
  if (M.UncompressedSize / 1032 > M.CompressedSize + 1)
    corrupt("implausible size of '" + Name + "'");
  // Deflated: inflate the .npy header first, so that a member whose header
  // disagrees with its size, or that the caller does not want, is refused
  // before its (claimed) size is allocated and inflated.
  Inflater Z(Data, M.CompressedSize,
             [&] { corrupt("cannot inflate '" + Name + "'"); });
  std::vector<uint8_t> Npy;
  Z.fill(Npy, std::min<uint64_t>(M.UncompressedSize, 12));
  uint64_t HeaderEnd = npyHeaderEnd(Npy.data(), Npy.size(), Where);
  if (HeaderEnd > M.UncompressedSize || HeaderEnd > (1u << 20))
    corrupt("bad .npy header length in '" + Name + "'");
  Z.fill(Npy, HeaderEnd);
  NpyHeader H = parseNpyHeader(Npy.data(), Npy.size(), Where);
  if (M.UncompressedSize != HeaderEnd + H.DataBytes)
    corrupt("size of '" + Name + "' (" + std::to_string(M.UncompressedSize) +
            " bytes) disagrees with its .npy header (shape " +
            shapeToString(H.Shape) + " of " + dtypeName(H.Type, H.ItemSize) +
            ")");
  if (Check)
    Check(H);
  checkMemory(M.UncompressedSize, Where);
  Z.fill(Npy, M.UncompressedSize);
  if (!Z.finished())
    corrupt("cannot inflate '" + Name + "'");
  if (crc32Of(0, Npy.data(), Npy.size()) != M.Crc)
    corrupt("CRC mismatch in '" + Name + "'");
  return parseNpy(Npy.data(), Npy.size(), Where);
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

namespace {

class ZipWriter {
public:
  ZipWriter(std::FILE *F, const std::string &Path) : F(F), Path(Path) {}

  void member(const std::string &FileName, const std::string &Header,
              const void *Data, size_t DataSize) {
    Entry E;
    E.Name = FileName;
    E.Offset = Pos;
    E.Size = Header.size() + DataSize;
    E.Crc = crc32Of(crc32Of(0, reinterpret_cast<const uint8_t *>(Header.data()),
                            Header.size()),
                    static_cast<const uint8_t *>(Data), DataSize);
    bool Big = E.Size >= Max32;
    std::string H;
    put(H, LocalSig, 4);
    put(H, Big ? 45 : 20, 2); // Version needed.
    put(H, 0, 2);             // Flags.
    put(H, 0, 2);             // Stored.
    putTime(H);
    put(H, E.Crc, 4);
    put(H, Big ? Max32 : E.Size, 4);
    put(H, Big ? Max32 : E.Size, 4);
    put(H, E.Name.size(), 2);
    put(H, Big ? 20 : 0, 2);
    H += E.Name;
    if (Big) {
      put(H, 1, 2);
      put(H, 16, 2);
      put(H, E.Size, 8);
      put(H, E.Size, 8);
    }
    emit(H.data(), H.size());
    emit(Header.data(), Header.size());
    emit(Data, DataSize);
    Entries.push_back(std::move(E));
  }

  void finish() {
    uint64_t DirOffset = Pos;
    std::string D;
    for (const Entry &E : Entries) {
      bool BigSize = E.Size >= Max32, BigOffset = E.Offset >= Max32;
      std::string Extra;
      if (BigSize) {
        put(Extra, E.Size, 8);
        put(Extra, E.Size, 8);
      }
      if (BigOffset)
        put(Extra, E.Offset, 8);
      if (!Extra.empty()) {
        std::string X;
        put(X, 1, 2);
        put(X, Extra.size(), 2);
        Extra = X + Extra;
      }
      bool Zip64 = BigSize || BigOffset;
      put(D, CentralSig, 4);
      put(D, (3 << 8) | (Zip64 ? 45 : 20), 2); // Made by: Unix.
      put(D, Zip64 ? 45 : 20, 2);
      put(D, 0, 2);
      put(D, 0, 2);
      putTime(D);
      put(D, E.Crc, 4);
      put(D, BigSize ? Max32 : E.Size, 4);
      put(D, BigSize ? Max32 : E.Size, 4);
      put(D, E.Name.size(), 2);
      put(D, Extra.size(), 2);
      put(D, 0, 2); // Comment.
      put(D, 0, 2); // Disk.
      put(D, 0, 2); // Internal attributes.
      put(D, 0600u << 16, 4);
      put(D, BigOffset ? Max32 : E.Offset, 4);
      D += E.Name;
      D += Extra;
    }
    emit(D.data(), D.size());
    uint64_t DirSize = D.size();
    uint64_t Count = Entries.size();
    std::string T;
    bool Zip64 = Count >= Max16 || DirSize >= Max32 || DirOffset >= Max32;
    if (Zip64) {
      uint64_t End64Pos = Pos;
      put(T, End64Sig, 4);
      put(T, 44, 8);
      put(T, (3 << 8) | 45, 2);
      put(T, 45, 2);
      put(T, 0, 4);
      put(T, 0, 4);
      put(T, Count, 8);
      put(T, Count, 8);
      put(T, DirSize, 8);
      put(T, DirOffset, 8);
      put(T, End64LocatorSig, 4);
      put(T, 0, 4);
      put(T, End64Pos, 8);
      put(T, 1, 4);
    }
    put(T, EndSig, 4);
    put(T, 0, 2);
    put(T, 0, 2);
    put(T, Zip64 ? Max16 : Count, 2);
    put(T, Zip64 ? Max16 : Count, 2);
    put(T, Zip64 ? Max32 : DirSize, 4);
    put(T, Zip64 ? Max32 : DirOffset, 4);
    put(T, 0, 2);
    emit(T.data(), T.size());
  }

private:
  struct Entry {
    std::string Name;
    uint64_t Offset, Size;
    uint32_t Crc;
  };
  static void put(std::string &S, uint64_t V, int Bytes) {
    for (int I = 0; I < Bytes; ++I, V >>= 8)
      S += static_cast<char>(V & 0xff);
  }
  // A fixed 1980-01-01 00:00 timestamp (as NumPy's zipfile use writes) keeps
  // files byte-identical across runs.
  static void putTime(std::string &S) {
    put(S, 0, 2);
    put(S, (0 << 9) | (1 << 5) | 1, 2);
  }
  void emit(const void *Data, size_t N) {
    writeBytes(F, Data, N, Path);
    Pos += N;
  }

  std::FILE *F;
  const std::string &Path;
  uint64_t Pos = 0;
  std::vector<Entry> Entries;
};

} // namespace

void writeNpz(const std::string &Path, const std::vector<ArrayView> &Arrays) {
  writeFileAtomically(Path, [&](std::FILE *F) {
    ZipWriter W(F, Path);
    for (const ArrayView &A : Arrays) {
      int64_t N = checkedNumElements(A.Shape);
      W.member(A.Name + ".npy", npyHeader(A.Type, A.ItemSize, A.Shape), A.Data,
               static_cast<size_t>(N) * A.ItemSize);
    }
    W.finish();
  });
}

} // namespace modelc::rt
