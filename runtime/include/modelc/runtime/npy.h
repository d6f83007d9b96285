//===- npy.h - The .npy array format ----------------------------*- C++ -*-===//
//
// NumPy's .npy format, versions 1-3, little- and big-endian, C order only.
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_RUNTIME_NPY_H
#define MODELC_RUNTIME_NPY_H

#include "modelc/runtime/array.h"

#include <string>

namespace modelc::rt {

/// Parses a whole .npy image. Errors are thrown as Error prefixed by `Where`
/// (e.g. "data.npz: array 'x'").
Array parseNpy(const uint8_t *Bytes, size_t Size, const std::string &Where);

/// The .npy (version 1.0) header for an array, padded so the data starts at
/// a 64-byte boundary, as NumPy writes it.
std::string npyHeader(DType Type, size_t ItemSize,
                      const std::vector<int64_t> &Shape);

} // namespace modelc::rt

#endif // MODELC_RUNTIME_NPY_H
