//===- NNDialect.cpp - nn dialect registration ----------------------------===//
#include "modelc/Dialect/NN/NNDialect.h"
#include "modelc/Dialect/NN/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
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
