//===- npy.cpp - The .npy array format ------------------------------------===//

#include "modelc/runtime/npy.h"
#include "modelc/runtime/error.h"

#include <cctype>
#include <cstring>
#include <map>

namespace modelc::rt {

namespace {

/// The value of one key of the header dictionary, a Python literal.
struct HeaderValue {
  enum { String, Bool, Tuple, Other } Kind = Other;
  std::string Str;
  bool Flag = false;
  std::vector<int64_t> Ints;
};

/// Parses the small subset of Python literal syntax NumPy writes in .npy
/// headers: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }.
class HeaderParser {
public:
  HeaderParser(const std::string &Text, const std::string &Where)
      : Text(Text), Where(Where) {}

  std::map<std::string, HeaderValue> parseDict() {
    std::map<std::string, HeaderValue> Dict;
    expect('{');
    while (true) {
      skipSpace();
      if (peek() == '}') {
        ++Pos;
        break;
      }
      std::string Key = parseString();
      expect(':');
      Dict[Key] = parseValue();
      skipSpace();
      if (peek() == ',') {
        ++Pos;
        continue;
      }
      expect('}');
      break;
    }
    return Dict;
  }

private:
  char peek() const { return Pos < Text.size() ? Text[Pos] : '\0'; }
  void skipSpace() {
    while (Pos < Text.size() &&
           std::isspace(static_cast<unsigned char>(Text[Pos])))
      ++Pos;
  }
  [[noreturn]] void fail(const std::string &Why) const {
    throw Error(Where + ": bad .npy header (" + Why + ")");
  }
  void expect(char C) {
    skipSpace();
    if (peek() != C)
      fail(std::string("expected '") + C + "' at offset " +
           std::to_string(Pos));
    ++Pos;
  }
  std::string parseString() {
    skipSpace();
    char Quote = peek();
    if (Quote != '\'' && Quote != '"')
      fail("expected a string at offset " + std::to_string(Pos));
    ++Pos;
    size_t End = Text.find(Quote, Pos);
    if (End == std::string::npos)
      fail("unterminated string");
    std::string S = Text.substr(Pos, End - Pos);
    Pos = End + 1;
    return S;
  }
  int64_t parseInt() {
    skipSpace();
    size_t Start = Pos;
    int64_t V = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      if (__builtin_mul_overflow(V, 10, &V) ||
          __builtin_add_overflow(V, peek() - '0', &V))
        fail("dimension too large");
      ++Pos;
    }
    if (Pos == Start)
      fail("expected a dimension at offset " + std::to_string(Pos));
    if (peek() == 'L') // Python 2 longs.
      ++Pos;
    return V;
  }
  HeaderValue parseValue() {
    skipSpace();
    HeaderValue V;
    char C = peek();
    if (C == '\'' || C == '"') {
      V.Kind = HeaderValue::String;
      V.Str = parseString();
    } else if (Text.compare(Pos, 4, "True") == 0) {
      V.Kind = HeaderValue::Bool;
      V.Flag = true;
      Pos += 4;
    } else if (Text.compare(Pos, 5, "False") == 0) {
      V.Kind = HeaderValue::Bool;
      Pos += 5;
    } else if (C == '(') {
      V.Kind = HeaderValue::Tuple;
      ++Pos;
      while (true) {
        skipSpace();
        if (peek() == ')') {
          ++Pos;
          break;
        }
        V.Ints.push_back(parseInt());
        skipSpace();
        if (peek() == ',')
          ++Pos;
        else if (peek() != ')')
          fail("expected ',' or ')' in shape");
      }
    } else if (C == '[') {
      // A structured dtype: a list of fields. Skip it balanced.
      int Depth = 0;
      do {
        if (peek() == '\0')
          fail("unterminated list");
        if (peek() == '[')
          ++Depth;
        else if (peek() == ']')
          --Depth;
        ++Pos;
      } while (Depth > 0);
    } else {
      fail("unexpected character at offset " + std::to_string(Pos));
    }
    return V;
  }

  const std::string &Text;
  const std::string &Where;
  size_t Pos = 0;
};

struct Descr {
  DType Type;
  size_t ItemSize;
  bool BigEndian;
};

Descr parseDescr(const std::string &D, const std::string &Where) {
  auto Unsupported = [&]() -> Error {
    return Error(Where + ": unsupported dtype '" + D +
                 "' (supported: float32, float64, int32, int64, uint8, bool, "
                 "bytes |S<n>)");
  };
  if (D.size() < 2)
    throw Unsupported();
  char Order = D[0];
  size_t K = 1;
  if (Order != '<' && Order != '>' && Order != '|' && Order != '=') {
    Order = '=';
    K = 0;
  }
  char Kind = D[K];
  std::string Digits = D.substr(K + 1);
  if (Digits.empty() || Digits.size() > 9 ||
      Digits.find_first_not_of("0123456789") != std::string::npos) {
    if (Kind == 'O')
      throw Error(Where + ": object arrays need pickle, which is not "
                          "supported; save plain numeric arrays");
    throw Unsupported();
  }
  size_t Size = std::stoul(Digits);
  Descr R{DType::F32, Size, Order == '>' && Size > 1};
  if (Kind == 'f' && Size == 4)
    R.Type = DType::F32;
  else if (Kind == 'f' && Size == 8)
    R.Type = DType::F64;
  else if (Kind == 'i' && Size == 4)
    R.Type = DType::I32;
  else if (Kind == 'i' && Size == 8)
    R.Type = DType::I64;
  else if (Kind == 'u' && Size == 1)
    R.Type = DType::U8;
  else if (Kind == 'b' && Size == 1)
    R.Type = DType::Bool;
  else if (Kind == 'S' && Size >= 1)
    R.Type = DType::Bytes;
  else if (Kind == 'O')
    throw Error(Where + ": object arrays need pickle, which is not "
                        "supported; save plain numeric arrays");
  else
    throw Unsupported();
  return R;
}

uint32_t readLE(const uint8_t *P, int Bytes) {
  uint32_t V = 0;
  for (int I = Bytes - 1; I >= 0; --I)
    V = (V << 8) | P[I];
  return V;
}

} // namespace

size_t npyHeaderEnd(const uint8_t *Bytes, size_t Size,
                    const std::string &Where) {
  static const char Magic[] = "\x93NUMPY";
  if (Size < 10 || std::memcmp(Bytes, Magic, 6) != 0)
    throw Error(Where + ": not an .npy array (bad magic)");
  uint8_t Major = Bytes[6];
  if (Major == 1)
    return 10 + readLE(Bytes + 8, 2);
  if (Major == 2 || Major == 3) {
    if (Size < 12)
      throw Error(Where + ": truncated .npy header");
    return 12 + static_cast<size_t>(readLE(Bytes + 8, 4));
  }
  throw Error(Where + ": unsupported .npy format version " +
              std::to_string(Major));
}

NpyHeader parseNpyHeader(const uint8_t *Bytes, size_t Size,
                         const std::string &Where) {
  size_t End = npyHeaderEnd(Bytes, Size, Where);
  size_t HeaderStart = Bytes[6] == 1 ? 10 : 12;
  if (End > Size)
    throw Error(Where + ": truncated .npy header");
  std::string Text(reinterpret_cast<const char *>(Bytes) + HeaderStart,
                   End - HeaderStart);
  auto Dict = HeaderParser(Text, Where).parseDict();
  auto Get = [&](const char *Key, int Kind) -> const HeaderValue & {
    auto It = Dict.find(Key);
    if (It == Dict.end())
      throw Error(Where + ": bad .npy header (no '" + Key + "')");
    if (It->second.Kind != Kind)
      throw Error(Where + ": bad .npy header ('" + Key + "' has wrong type)");
    return It->second;
  };
  auto DescrIt = Dict.find("descr");
  if (DescrIt != Dict.end() && DescrIt->second.Kind == HeaderValue::Other)
    throw Error(Where + ": structured dtypes are not supported");
  Descr D = parseDescr(Get("descr", HeaderValue::String).Str, Where);
  NpyHeader H;
  H.Fortran = Get("fortran_order", HeaderValue::Bool).Flag;
  H.Type = D.Type;
  H.ItemSize = D.ItemSize;
  H.BigEndian = D.BigEndian;
  H.Shape = Get("shape", HeaderValue::Tuple).Ints;
  H.DataStart = End;
  int64_t N = checkedNumElements(H.Shape);
  if (N < 0 ||
      __builtin_mul_overflow(static_cast<uint64_t>(N),
                             static_cast<uint64_t>(D.ItemSize), &H.DataBytes))
    throw Error(Where + ": bad .npy header (shape " + shapeToString(H.Shape) +
                " is too large)");
  return H;
}

/// `A` holds its elements in column-major order (NumPy's `fortran_order`):
/// they are the row-major elements of the reversed shape, transposed back.
static Array toRowMajor(Array A) {
  const std::vector<int64_t> &Shape = A.shape();
  if (Shape.size() < 2 || A.numElements() == 0)
    return A;
  std::vector<int64_t> Reversed(Shape.rbegin(), Shape.rend()), Perm;
  for (size_t D = Shape.size(); D-- > 0;)
    Perm.push_back(D);
  Array Out(A.dtype(), Shape, A.itemSize());
  permuteElements(A.data(), Reversed, Perm, A.itemSize(), Out.data());
  return Out;
}

Array parseNpy(const uint8_t *Bytes, size_t Size, const std::string &Where,
               const NpyCheck &Check) {
  NpyHeader H = parseNpyHeader(Bytes, Size, Where);
  size_t Avail = Size - H.DataStart;
  if (H.DataBytes > Avail)
    throw Error(Where + ": truncated .npy data (shape " +
                shapeToString(H.Shape) + " of " +
                dtypeName(H.Type, H.ItemSize) + " needs " +
                std::to_string(H.DataBytes) + " bytes, " +
                std::to_string(Avail) + " are present)");
  if (Check)
    Check(H);
  checkMemory(H.DataBytes, Where);
  Array A(H.Type, H.Shape, H.ItemSize);
  std::memcpy(A.data(), Bytes + H.DataStart, A.numBytes());
  int64_t N = A.numElements();
  if (H.BigEndian) {
    uint8_t *P = A.data();
    for (int64_t I = 0; I < N; ++I, P += H.ItemSize)
      for (size_t L = 0, R = H.ItemSize - 1; L < R; ++L, --R)
        std::swap(P[L], P[R]);
  }
  if (H.Fortran)
    A = toRowMajor(std::move(A));
  if (H.Type == DType::Bool) // NumPy bools are 0/1; normalize foreign bytes.
    for (int64_t I = 0; I < N; ++I)
      A.data()[I] = A.data()[I] != 0;
  return A;
}

std::string npyHeader(DType Type, size_t ItemSize,
                      const std::vector<int64_t> &Shape) {
  std::string Descr;
  switch (Type) {
  case DType::F32:
    Descr = "<f4";
    break;
  case DType::F64:
    Descr = "<f8";
    break;
  case DType::I32:
    Descr = "<i4";
    break;
  case DType::I64:
    Descr = "<i8";
    break;
  case DType::U8:
    Descr = "|u1";
    break;
  case DType::Bool:
    Descr = "|b1";
    break;
  case DType::Bytes:
    Descr = "|S" + std::to_string(ItemSize);
    break;
  }
  std::string ShapeText = "(";
  for (size_t I = 0; I < Shape.size(); ++I)
    ShapeText += (I ? ", " : "") + std::to_string(Shape[I]);
  if (Shape.size() == 1)
    ShapeText += ",";
  ShapeText += ")";
  std::string Dict = "{'descr': '" + Descr +
                     "', 'fortran_order': False, 'shape': " + ShapeText + ", }";
  // Magic (6) + version (2) + length (2) + dict + padding + '\n' is a
  // multiple of 64, as NumPy writes it.
  size_t Total = 10 + Dict.size() + 1;
  size_t Padded = (Total + 63) / 64 * 64;
  Dict.append(Padded - Total, ' ');
  Dict += '\n';
  std::string Header("\x93NUMPY\x01\x00", 8);
  Header += static_cast<char>(Dict.size() & 0xff);
  Header += static_cast<char>((Dict.size() >> 8) & 0xff);
  return Header + Dict;
}

} // namespace modelc::rt
