//===- array.cpp - Typed n-d arrays and shared helpers --------------------===//

#include "modelc/runtime/array.h"
#include "modelc/runtime/error.h"

#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <sys/resource.h>
#include <unistd.h>

namespace modelc::rt {

std::string format(const char *Fmt, ...) {
  va_list Ap;
  va_start(Ap, Fmt);
  char Buf[512];
  int N = std::vsnprintf(Buf, sizeof(Buf), Fmt, Ap);
  va_end(Ap);
  if (N < 0)
    return Fmt;
  if (static_cast<size_t>(N) < sizeof(Buf))
    return std::string(Buf, N);
  std::string Out(static_cast<size_t>(N) + 1, '\0');
  va_start(Ap, Fmt);
  std::vsnprintf(Out.data(), Out.size(), Fmt, Ap);
  va_end(Ap);
  Out.resize(N);
  return Out;
}

std::string shapeToString(const std::vector<int64_t> &Shape) {
  std::string S = "[";
  for (size_t I = 0; I < Shape.size(); ++I) {
    if (I)
      S += ", ";
    S += Shape[I] < 0 ? std::string("?") : std::to_string(Shape[I]);
  }
  return S + "]";
}

std::string joinNames(const std::vector<std::string> &Names) {
  std::string S;
  for (size_t I = 0; I < Names.size(); ++I)
    S += (I ? ", " : "") + Names[I];
  return S;
}

size_t dtypeItemSize(DType Type) {
  switch (Type) {
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F64:
  case DType::I64:
    return 8;
  case DType::U8:
  case DType::Bool:
  case DType::Bytes:
    return 1;
  }
  return 1;
}

std::string dtypeName(DType Type, size_t ItemSize) {
  switch (Type) {
  case DType::F32:
    return "float32";
  case DType::F64:
    return "float64";
  case DType::I32:
    return "int32";
  case DType::I64:
    return "int64";
  case DType::U8:
    return "uint8";
  case DType::Bool:
    return "bool";
  case DType::Bytes:
    return "|S" + std::to_string(ItemSize);
  }
  return "?";
}

static const struct {
  const char *Name;
  DType Type;
} ModelDTypes[] = {{"f32", DType::F32}, {"f64", DType::F64},
                   {"i32", DType::I32}, {"i64", DType::I64},
                   {"u8", DType::U8},   {"bool", DType::Bool}};

bool parseModelDType(const std::string &Name, DType &Type) {
  for (const auto &D : ModelDTypes)
    if (Name == D.Name) {
      Type = D.Type;
      return true;
    }
  return false;
}

std::string modelDTypeName(DType Type) {
  for (const auto &D : ModelDTypes)
    if (Type == D.Type)
      return D.Name;
  return dtypeName(Type, dtypeItemSize(Type));
}

void permuteElements(const uint8_t *In, const std::vector<int64_t> &Shape,
                     const std::vector<int64_t> &Perm, size_t ItemSize,
                     uint8_t *Out) {
  size_t Rank = Shape.size();
  int64_t N = checkedNumElements(Shape);
  std::vector<int64_t> InStride(Rank, 1), OutShape(Rank), Index(Rank, 0);
  for (size_t D = Rank; D-- > 1;)
    InStride[D - 1] = InStride[D] * Shape[D];
  for (size_t D = 0; D < Rank; ++D)
    OutShape[D] = Shape[Perm[D]];
  // Walk the output in order; `From` follows in the input.
  int64_t From = 0;
  for (int64_t K = 0; K < N; ++K) {
    std::memcpy(Out + K * ItemSize, In + From * ItemSize, ItemSize);
    for (size_t D = Rank; D-- > 0;) {
      From += InStride[Perm[D]];
      if (++Index[D] < OutShape[D])
        break;
      From -= InStride[Perm[D]] * OutShape[D];
      Index[D] = 0;
    }
  }
}

int64_t checkedNumElements(const std::vector<int64_t> &Shape) {
  int64_t N = 1;
  for (int64_t D : Shape) {
    if (D < 0 || __builtin_mul_overflow(N, D, &N))
      return -1;
  }
  return N;
}

static uint64_t ExtraLimit = UINT64_MAX;

void setMemoryLimit(uint64_t Bytes) { ExtraLimit = Bytes; }

namespace {
/// The most a process may allocate: physical memory or `ulimit -v`, read
/// once (compiled code asks on every buffer it allocates).
struct MachineLimit {
  uint64_t Bytes;
  const char *Whose;
  MachineLimit() {
    Bytes = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
            static_cast<uint64_t>(sysconf(_SC_PAGE_SIZE));
    Whose = "this machine's memory (";
    struct rlimit R;
    if (getrlimit(RLIMIT_AS, &R) == 0 && R.rlim_cur != RLIM_INFINITY &&
        R.rlim_cur < Bytes) {
      Bytes = R.rlim_cur;
      Whose = "this process may allocate (ulimit -v, ";
    }
  }
};
} // namespace

void checkMemory(uint64_t Bytes, const std::string &What) {
  static const MachineLimit Machine;
  uint64_t Limit = Machine.Bytes;
  const char *Whose = Machine.Whose;
  if (ExtraLimit < Limit) {
    Limit = ExtraLimit;
    Whose = "this process's memory limit (";
  }
  if (Bytes <= Limit)
    return;
  throw Error(What + ": needs " + format("%.1f", Bytes / 1e9) +
              " GB, more than " + Whose + format("%.1f", Limit / 1e9) + " GB)");
}

void Array::Free::operator()(uint8_t *P) const { std::free(P); }

Array::Array(DType Type, std::vector<int64_t> Shape, size_t ItemSize)
    : Type(Type), ItemSize(ItemSize ? ItemSize : dtypeItemSize(Type)),
      Shape(std::move(Shape)) {
  NumElements = checkedNumElements(this->Shape);
  int64_t Bytes;
  if (NumElements < 0 ||
      __builtin_mul_overflow(NumElements, static_cast<int64_t>(this->ItemSize),
                             &Bytes) ||
      Bytes > (INT64_C(1) << 46))
    throw Error("array of shape " + shapeToString(this->Shape) +
                " is too large");
  checkMemory(static_cast<uint64_t>(Bytes),
              "an array of shape " + shapeToString(this->Shape));
  // 64-byte alignment lets compiled code use aligned vector loads; never
  // allocate 0 bytes so data() is always a valid pointer.
  size_t Alloc = (static_cast<size_t>(Bytes) + 63) / 64 * 64;
  if (Alloc == 0)
    Alloc = 64;
  void *P = std::aligned_alloc(64, Alloc);
  if (!P)
    throw std::bad_alloc();
  std::memset(P, 0, Alloc);
  Data.reset(static_cast<uint8_t *>(P));
}

size_t Array::rowBytes() const {
  if (Shape.empty())
    return ItemSize;
  size_t N = ItemSize;
  for (size_t I = 1; I < Shape.size(); ++I)
    N *= static_cast<size_t>(Shape[I]);
  return N;
}

void Array::reshape(std::vector<int64_t> NewShape) {
  if (checkedNumElements(NewShape) != NumElements)
    throw Error("internal error: reshape " + shapeToString(Shape) + " to " +
                shapeToString(NewShape));
  Shape = std::move(NewShape);
}

} // namespace modelc::rt
