//===- npy.h - The .npy array format ----------------------------*- C++ -*-===//
//
// NumPy's .npy format, versions 1-3, little- and big-endian, C order only.
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_RUNTIME_NPY_H
#define MODELC_RUNTIME_NPY_H

#include "modelc/runtime/array.h"

#include <functional>
#include <string>

namespace modelc::rt {

/// What an .npy header says about the array that follows it.
struct NpyHeader {
  DType Type = DType::F32;
  size_t ItemSize = 0;
  bool BigEndian = false;
  bool Fortran = false; // column-major data (np.savez of an F-ordered array)
  std::vector<int64_t> Shape;
  size_t DataStart = 0;   // Offset of the first element.
  uint64_t DataBytes = 0; // Elements x item size.
};

/// Called with the header before any data is copied (or inflated): a reader
/// that knows what it expects throws here, before allocating.
using NpyCheck = std::function<void(const NpyHeader &)>;

/// Where the header of an .npy image ends (= its data starts), from its
/// first 12 bytes; the header may be longer than `Size`.
size_t npyHeaderEnd(const uint8_t *Bytes, size_t Size,
                    const std::string &Where);

/// Parses the header; `Size` bytes must cover it.
NpyHeader parseNpyHeader(const uint8_t *Bytes, size_t Size,
                         const std::string &Where);

/// Parses a whole .npy image. Errors are thrown as Error prefixed by `Where`
/// (e.g. "data.npz: array 'x'").
Array parseNpy(const uint8_t *Bytes, size_t Size, const std::string &Where,
               const NpyCheck &Check = {});

/// The .npy (version 1.0) header for an array, padded so the data starts at
/// a 64-byte boundary, as NumPy writes it.
std::string npyHeader(DType Type, size_t ItemSize,
                      const std::vector<int64_t> &Shape);

} // namespace modelc::rt

#endif // MODELC_RUNTIME_NPY_H
