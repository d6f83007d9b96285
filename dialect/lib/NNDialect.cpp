//===- NNDialect.cpp - nn dialect registration ----------------------------===//
#include "modelc/Dialect/NN/NNDialect.h"
#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"

#include <charconv>
#include <cmath>

using namespace mlir;
using namespace mlir::nn;

#include "modelc/Dialect/NN/NNEnums.cpp.inc"
#include "modelc/Dialect/NN/NNOpsDialect.cpp.inc"

//===----------------------------------------------------------------------===//
// Learning rates
//===----------------------------------------------------------------------===//

/// The shortest decimal that reads back as `value` exactly, as an MLIR float
/// literal (`0.1`, `100.0`, `1.0e-08`); a non-finite value as its bits.
static std::string realText(double value) {
  if (!std::isfinite(value)) {
    std::string bits;
    llvm::raw_string_ostream(bits)
        << llvm::format_hex(llvm::bit_cast<uint64_t>(value), 18, true);
    return bits;
  }
  char buffer[64];
  std::to_chars_result r =
      std::to_chars(buffer, buffer + sizeof(buffer), value);
  std::string text(buffer, r.ptr);
  size_t exponent = std::min(text.find('e'), text.size());
  if (text.substr(0, exponent).find('.') == std::string::npos)
    text.insert(exponent, ".0");
  return text;
}

static FailureOr<FloatAttr> parseReal(AsmParser &parser) {
  APFloat value(0.0);
  if (parser.parseFloat(APFloat::IEEEdouble(), value))
    return failure();
  return FloatAttr::get(Float64Type::get(parser.getContext()), value);
}

static void printReal(AsmPrinter &printer, FloatAttr value) {
  printer << realText(value.getValueAsDouble());
}

static FailureOr<std::optional<int64_t>> parseSteps(AsmParser &parser) {
  int64_t steps;
  if (parser.parseInteger(steps))
    return failure();
  return std::optional<int64_t>(steps);
}

static FailureOr<SmallVector<int64_t>> parseStepList(AsmParser &parser) {
  SmallVector<int64_t> steps;
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
        return parser.parseInteger(steps.emplace_back());
      }))
    return failure();
  return steps;
}

static void printStepList(AsmPrinter &printer, ArrayRef<int64_t> steps) {
  printer << '[';
  llvm::interleaveComma(steps, printer);
  printer << ']';
}

static FailureOr<DenseF64ArrayAttr> parseRealList(AsmParser &parser) {
  SmallVector<double> values;
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
        FailureOr<FloatAttr> value = parseReal(parser);
        if (failed(value))
          return failure();
        values.push_back(value->getValueAsDouble());
        return success();
      }))
    return failure();
  return DenseF64ArrayAttr::get(parser.getContext(), values);
}

static void printRealList(AsmPrinter &printer, DenseF64ArrayAttr values) {
  printer << '[';
  llvm::interleaveComma(values.asArrayRef(), printer,
                        [&](double v) { printer << realText(v); });
  printer << ']';
}

#define GET_ATTRDEF_CLASSES
#include "modelc/Dialect/NN/NNAttrs.cpp.inc"

void NNDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "modelc/Dialect/NN/NNAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "modelc/Dialect/NN/NNOps.cpp.inc"
      >();
}

/// Each kind has exactly its fields; the reals are the model file's f64
/// numbers, in the ranges the front end checks (docs/MODEL_FORMAT.md).
LogicalResult LearningRateAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, ScheduleKind kind,
    FloatAttr initial, std::optional<int64_t> decaySteps, FloatAttr decayRate,
    BoolAttr staircase, FloatAttr alpha, ArrayRef<int64_t> boundaries,
    DenseF64ArrayAttr values, std::optional<int64_t> warmupSteps,
    FloatAttr warmupFrom) {
  StringRef name = stringifyScheduleKind(kind);
  bool exponential = kind == ScheduleKind::exponential_decay;
  bool cosine = kind == ScheduleKind::cosine_decay;
  bool piecewise = kind == ScheduleKind::piecewise_constant;
  for (auto [field, present, needed] :
       {std::tuple<StringRef, bool, bool>{"initial", bool(initial), !piecewise},
        {"decay_steps", decaySteps.has_value(), exponential || cosine},
        {"decay_rate", bool(decayRate), exponential},
        {"staircase", bool(staircase), exponential},
        {"alpha", bool(alpha), cosine},
        {"boundaries", !boundaries.empty(), piecewise},
        {"values", bool(values), piecewise}}) {
    if (present && !needed)
      return emitError() << name << " takes no '" << field << "'";
    if (!present && needed)
      return emitError() << name << " needs '" << field << "'";
  }
  if (warmupFrom && !warmupSteps)
    return emitError() << "warmup_from needs warmup_steps";

  // The reals: f64 (the model file's numbers), finite, in range.
  for (auto [field, value] :
       {std::pair<StringRef, FloatAttr>{"initial", initial},
        {"decay_rate", decayRate},
        {"alpha", alpha},
        {"warmup_from", warmupFrom}})
    if (value && !value.getType().isF64())
      return emitError() << name << " " << field << " must be an f64, got "
                         << value;
  auto check = [&](StringRef field, double value, bool inRange,
                   StringRef range) -> LogicalResult {
    if (std::isfinite(value) && inRange)
      return success();
    return emitError() << name << " " << field << " must be " << range
                       << ", got " << realText(value);
  };
  auto positive = [&](StringRef field, double value) {
    return check(field, value, value > 0, "finite and > 0");
  };
  auto real = [](FloatAttr a) { return a.getValueAsDouble(); };
  if ((initial && failed(positive("initial", real(initial)))) ||
      (decayRate && failed(positive("decay_rate", real(decayRate)))) ||
      (alpha &&
       failed(check("alpha", real(alpha), real(alpha) >= 0 && real(alpha) <= 1,
                    "in [0, 1]"))) ||
      (warmupFrom && failed(check("warmup_from", real(warmupFrom),
                                  real(warmupFrom) >= 0, "finite and >= 0"))))
    return failure();
  if (decaySteps && *decaySteps < 1)
    return emitError() << name << " decay_steps must be >= 1, got "
                       << *decaySteps;
  if (warmupSteps && *warmupSteps < 1)
    return emitError() << "warmup_steps must be >= 1, got " << *warmupSteps;
  if (piecewise) {
    if (values.size() != int64_t(boundaries.size()) + 1)
      return emitError() << "piecewise_constant: values needs one more entry "
                            "than boundaries, got "
                         << values.size() << " values and " << boundaries.size()
                         << " boundaries";
    if (boundaries.front() < 0)
      return emitError() << "piecewise_constant: boundaries must be >= 0";
    for (size_t i = 1; i < boundaries.size(); ++i)
      if (boundaries[i] <= boundaries[i - 1])
        return emitError() << "piecewise_constant: boundaries must increase";
    for (double v : values.asArrayRef())
      if (failed(positive("values", v)))
        return failure();
  }
  return success();
}

LogicalResult
OptimizerAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      OptimizerKind kind, LearningRateAttr learningRate,
                      FloatAttr momentum, BoolAttr useNesterov, FloatAttr beta1,
                      FloatAttr beta2, FloatAttr decay, FloatAttr epsilon,
                      FloatAttr weightDecay, FloatAttr clipGlobalNorm) {
  if (!learningRate)
    return emitError() << stringifyOptimizerKind(kind)
                       << " needs 'learning_rate'";
  auto takes = [&](StringRef name, Attribute value, bool allowed,
                   bool required) -> LogicalResult {
    if (value && !allowed)
      return emitError() << stringifyOptimizerKind(kind) << " takes no '"
                         << name << "'";
    if (!value && required)
      return emitError() << stringifyOptimizerKind(kind) << " needs '" << name
                         << "'";
    return success();
  };
  bool isMomentum = kind == OptimizerKind::momentum;
  bool isAdam = kind == OptimizerKind::adam;
  bool isRms = kind == OptimizerKind::rmsprop;
  if (failed(takes("momentum", momentum, isMomentum || isRms,
                   isMomentum || isRms)) ||
      failed(takes("use_nesterov", useNesterov, isMomentum, isMomentum)) ||
      failed(takes("beta1", beta1, isAdam, isAdam)) ||
      failed(takes("beta2", beta2, isAdam, isAdam)) ||
      failed(takes("decay", decay, isRms, isRms)) ||
      failed(takes("epsilon", epsilon, isAdam || isRms, isAdam || isRms)))
    return failure();
  return success();
}

SmallVector<std::pair<StringRef, StringRef>> OptimizerAttr::getSlots() const {
  switch (getKind()) {
  case OptimizerKind::sgd:
    return {};
  case OptimizerKind::momentum:
    return {{"momentum", "zeros"}};
  case OptimizerKind::adam:
    return {{"m", "zeros"}, {"v", "zeros"}};
  case OptimizerKind::rmsprop:
    return {{"rms", "ones"}, {"momentum", "zeros"}};
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Tile plans
//===----------------------------------------------------------------------===//

/// `<tiles = [..], interchange = [..], [contraction,] vector_dim = N,
/// [m_dim = N,] lanes = N, [parallel,] [pack_input = N, pack_perm = [..],]
/// [pack_panels,] [outer_dim = N, outer_block = N,] [epilogue,]
/// [store_accumulators,] [tail_rows = N, tail_tiles = N]>`, the
/// fields in any order; absent ones take their defaults.
Attribute TilePlanAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  SmallVector<int64_t> tiles, interchange, packPerm;
  int64_t vectorDim = -1, mDim = -1, lanes = 0, packInput = -1, outerDim = -1,
          outerBlock = 0, tailRows = 0, tailTiles = 0;
  bool contraction = false, parallel = false, packPanels = false,
       epilogue = false, storeAccumulators = false;
  llvm::StringSet<> seen;
  auto parseList = [&](SmallVector<int64_t> &list) {
    return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
      return parser.parseInteger(list.emplace_back());
    });
  };
  if (parser.parseLess())
    return {};
  do {
    SMLoc at = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key))
      return {};
    if (!seen.insert(key).second) {
      parser.emitError(at) << "'" << key << "' given twice";
      return {};
    }
    if (bool *flag = llvm::StringSwitch<bool *>(key)
                         .Case("contraction", &contraction)
                         .Case("parallel", &parallel)
                         .Case("pack_panels", &packPanels)
                         .Case("epilogue", &epilogue)
                         .Case("store_accumulators", &storeAccumulators)
                         .Default(nullptr)) {
      *flag = true;
      continue;
    }
    SmallVector<int64_t> *list = llvm::StringSwitch<SmallVector<int64_t> *>(key)
                                     .Case("tiles", &tiles)
                                     .Case("interchange", &interchange)
                                     .Case("pack_perm", &packPerm)
                                     .Default(nullptr);
    int64_t *number = llvm::StringSwitch<int64_t *>(key)
                          .Case("vector_dim", &vectorDim)
                          .Case("m_dim", &mDim)
                          .Case("lanes", &lanes)
                          .Case("pack_input", &packInput)
                          .Case("outer_dim", &outerDim)
                          .Case("outer_block", &outerBlock)
                          .Case("tail_rows", &tailRows)
                          .Case("tail_tiles", &tailTiles)
                          .Default(nullptr);
    if (!list && !number) {
      parser.emitError(at) << "unknown tile plan field '" << key << "'";
      return {};
    }
    if (parser.parseEqual() ||
        (list ? parseList(*list) : parser.parseInteger(*number)))
      return {};
  } while (succeeded(parser.parseOptionalComma()));
  if (parser.parseGreater())
    return {};
  for (StringRef needed : {"tiles", "interchange", "vector_dim", "lanes"})
    if (!seen.contains(needed)) {
      parser.emitError(loc) << "tile plan needs '" << needed << "'";
      return {};
    }
  return parser.getChecked<TilePlanAttr>(
      loc, parser.getContext(), tiles, interchange, contraction, vectorDim,
      mDim, lanes, parallel, packInput, packPerm, packPanels, outerDim,
      outerBlock, epilogue, storeAccumulators, tailRows, tailTiles);
}

void TilePlanAttr::print(AsmPrinter &printer) const {
  auto list = [&](ArrayRef<int64_t> values) {
    printer << '[';
    llvm::interleaveComma(values, printer);
    printer << ']';
  };
  printer << "<tiles = ";
  list(getTiles());
  printer << ", interchange = ";
  list(getInterchange());
  if (getContraction())
    printer << ", contraction";
  printer << ", vector_dim = " << getVectorDim();
  if (getContraction())
    printer << ", m_dim = " << getMDim();
  printer << ", lanes = " << getLanes();
  if (getParallel())
    printer << ", parallel";
  if (getPackInput() >= 0) {
    printer << ", pack_input = " << getPackInput() << ", pack_perm = ";
    list(getPackPerm());
  }
  if (getPackPanels())
    printer << ", pack_panels";
  if (getOuterDim() >= 0)
    printer << ", outer_dim = " << getOuterDim()
            << ", outer_block = " << getOuterBlock();
  if (getEpilogue())
    printer << ", epilogue";
  if (getStoreAccumulators())
    printer << ", store_accumulators";
  if (getTailRows() > 0)
    printer << ", tail_rows = " << getTailRows()
            << ", tail_tiles = " << getTailTiles();
  printer << '>';
}

/// True if `values` is a permutation of 0 .. values.size() - 1.
static bool isPermutation(ArrayRef<int64_t> values) {
  SmallVector<bool> seen(values.size(), false);
  for (int64_t v : values) {
    if (v < 0 || v >= static_cast<int64_t>(values.size()) || seen[v])
      return false;
    seen[v] = true;
  }
  return true;
}

/// The fields fit together; whether they fit an op (one tile per loop) is
/// checked by the pass that reads the plan.
LogicalResult TilePlanAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, ArrayRef<int64_t> tiles,
    ArrayRef<int64_t> interchange, bool contraction, int64_t vectorDim,
    int64_t mDim, int64_t lanes, bool parallel, int64_t packInput,
    ArrayRef<int64_t> packPerm, bool packPanels, int64_t outerDim,
    int64_t outerBlock, bool epilogue, bool storeAccumulators, int64_t tailRows,
    int64_t tailTiles) {
  int64_t loops = static_cast<int64_t>(tiles.size());
  auto isDim = [&](int64_t d) { return d >= 0 && d < loops; };
  // An absent index is -1 (not printed), so a plan prints as it parses.
  if (mDim < -1 || packInput < -1 || outerDim < -1)
    return emitError() << "m_dim, pack_input and outer_dim are >= 0, or "
                          "absent";
  if (llvm::any_of(tiles, [](int64_t t) { return t < 0; }))
    return emitError() << "tile sizes must be >= 0";
  if (static_cast<int64_t>(interchange.size()) != loops ||
      !isPermutation(interchange))
    return emitError() << "interchange must be a permutation of the " << loops
                       << " loops";
  if (!isDim(vectorDim))
    return emitError() << "vector_dim " << vectorDim << " is not a loop";
  if (lanes < 1)
    return emitError() << "lanes must be >= 1";
  if (contraction != (mDim >= 0))
    return emitError() << "m_dim goes with contraction, and only with it";
  if (contraction && (!isDim(mDim) || mDim == vectorDim))
    return emitError() << "m_dim " << mDim
                       << " is not a loop other than vector_dim";
  if (packInput >= 0 && (!contraction || packInput > 1))
    return emitError() << "pack_input is input 0 or 1 of a contraction";
  if ((packInput >= 0) != !packPerm.empty() ||
      (!packPerm.empty() && !isPermutation(packPerm)))
    return emitError() << "pack_perm is a permutation, with pack_input only";
  if (packPanels && (!contraction || tiles[vectorDim] < 1))
    return emitError() << "pack_panels needs a contraction whose vector_dim "
                          "is tiled";
  if (outerDim >= 0 && (!contraction || !isDim(outerDim) || outerBlock < 1))
    return emitError() << "outer_dim is a loop of a contraction, with an "
                          "outer_block >= 1";
  if (outerDim < 0 && outerBlock != 0)
    return emitError() << "outer_block goes with outer_dim";
  if (epilogue && (!contraction || outerDim >= 0))
    return emitError() << "an epilogue needs a contraction without outer_dim";
  if (storeAccumulators && !epilogue)
    return emitError() << "store_accumulators goes with epilogue";
  if (tailRows < 0 || tailTiles < 0 || (tailRows > 0) != (tailTiles > 0))
    return emitError() << "tail_rows and tail_tiles are both >= 1, or absent";
  if (tailRows > 0 && (!contraction || tiles[mDim] < 1))
    return emitError() << "a tail needs a contraction whose m_dim is tiled";
  if (tailRows > 0 && tailRows >= tiles[mDim])
    return emitError() << "tail_rows must be fewer than the row block, "
                       << tiles[mDim];
  (void)parallel;
  return success();
}
