//===- array.h - Typed n-d arrays -------------------------------*- C++ -*-===//
//
// The in-memory form of an .npy array: dtype, C-order shape and a 64-byte
// aligned buffer that can be handed to compiled code as a memref.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_RUNTIME_ARRAY_H
#define MODELC_RUNTIME_ARRAY_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace modelc::rt {

enum class DType { F32, F64, I32, I64, U8, Bool, Bytes };

/// Size of one element; Bytes arrays carry their own size (|S<n>).
size_t dtypeItemSize(DType Type);
/// NumPy's name: "float32", "int64", "bool", "|S16"...
std::string dtypeName(DType Type, size_t ItemSize);
/// The model format's name ("f32", "i32", ...) to a DType; false if unknown.
bool parseModelDType(const std::string &Name, DType &Type);
/// The model format's name of a dtype: "f32", "i32"...
std::string modelDTypeName(DType Type);

/// Product of the dimensions, or -1 if negative dims or overflow.
int64_t checkedNumElements(const std::vector<int64_t> &Shape);

/// Transposes the row-major elements (`ItemSize` bytes each) of an array of
/// shape `Shape`: output dimension i is input dimension Perm[i]. Used for
/// Fortran-order .npy data and for ONNX's weight layouts.
void permuteElements(const uint8_t *In, const std::vector<int64_t> &Shape,
                     const std::vector<int64_t> &Perm, size_t ItemSize,
                     uint8_t *Out);

/// Throws Error("What: needs N GB, more than this machine's M GB of memory")
/// before an allocation that could only end in an out-of-memory kill.
void checkMemory(uint64_t Bytes, const std::string &What);

/// Lowers checkMemory's limit below the machine's (a fuzzer's budget).
void setMemoryLimit(uint64_t Bytes);

/// Names the process in the messages of the compiled code's allocator
/// (alloc.cpp), which cannot throw through compiled frames.
extern const char *ProgramName;

class Array {
public:
  Array() = default;
  /// Allocates a zero-filled array. Throws Error if the size overflows.
  Array(DType Type, std::vector<int64_t> Shape, size_t ItemSize = 0);
  Array(Array &&) = default;
  Array &operator=(Array &&) = default;

  DType dtype() const { return Type; }
  size_t itemSize() const { return ItemSize; }
  const std::vector<int64_t> &shape() const { return Shape; }
  int64_t rank() const { return static_cast<int64_t>(Shape.size()); }
  int64_t numElements() const { return NumElements; }
  size_t numBytes() const {
    return static_cast<size_t>(NumElements) * ItemSize;
  }
  /// Bytes per index of the first dimension.
  size_t rowBytes() const;
  /// Gives the same elements another shape (as many elements).
  void reshape(std::vector<int64_t> NewShape);

  uint8_t *data() { return Data.get(); }
  const uint8_t *data() const { return Data.get(); }
  template <typename T> T *as() { return reinterpret_cast<T *>(Data.get()); }
  template <typename T> const T *as() const {
    return reinterpret_cast<const T *>(Data.get());
  }

private:
  struct Free {
    void operator()(uint8_t *P) const;
  };
  DType Type = DType::F32;
  size_t ItemSize = 4;
  std::vector<int64_t> Shape;
  int64_t NumElements = 0;
  std::unique_ptr<uint8_t[], Free> Data;
};

/// A borrowed view used when writing arrays to a file without copying them.
struct ArrayView {
  std::string Name;
  DType Type;
  size_t ItemSize;
  std::vector<int64_t> Shape;
  const void *Data;

  static ArrayView of(const std::string &Name, const Array &A) {
    return {Name, A.dtype(), A.itemSize(), A.shape(), A.data()};
  }
};

} // namespace modelc::rt

#endif // MODELC_RUNTIME_ARRAY_H
