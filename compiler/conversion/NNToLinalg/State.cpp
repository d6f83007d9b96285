//===- State.cpp - moving averages, batch-norm helpers, constraints -------===//
//
// The state updates of the train step besides the optimizer:
//
// - nn.moving_average: momentum*avg + ((1-momentum)*correction)*value, the
//   scalar factor formed once (1 - momentum from the decimal written).
// - nn.variance_correction: n/(n-1) from the input's run-time shape, n the
//   elements per channel of one (sub-)batch: the product of every dimension
//   but `axis`, with dimension 0 counted as `virtual_batch_size` when set
//   (TF's ghost batches are [V, N/V, ...]); 1 when n <= 1 or biased.
// - nn.stddev: sqrt(variance + epsilon).
// - nn.scalar: i64 -> f32.
// - nn.constraint: tf.keras's constraints, norms over `axis` with keras's
//   epsilon 1e-7 (K.epsilon()): non_neg w * (w >= 0); unit_norm
//   w / (eps + norm); max_norm w * (clip(norm, 0, max) / (eps + norm));
//   min_max_norm w * ((rate*clip(norm, min, max) + (1-rate)*norm) /
//   (eps + norm)). The per-slice factor is computed on the (small) norms
//   tensor, then one pass scales w.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "TrainUtils.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Dialect/NN/Replicas.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::nn;

namespace {

struct MovingAverageLowering : OpConversionPattern<MovingAverageOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MovingAverageOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    double momentum = decimalValue(op.getMomentum());
    Value mu = f32Const(rewriter, loc, momentum);
    Value coef = f32Const(rewriter, loc, 1.0 - momentum);
    if (Value correction = adaptor.getCorrection())
      coef = arith::MulFOp::create(rewriter, loc, coef,
                                   extractScalar(rewriter, loc, correction));
    Value result = buildElementwise(
        rewriter, loc, adaptor.getAverage(), {adaptor.getValue()},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, mu, args[0]),
              arith::MulFOp::create(b, l, coef, args[1]));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct VarianceCorrectionLowering : OpConversionPattern<VarianceCorrectionOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(VarianceCorrectionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (!op.getUnbiased()) {
      rewriter.replaceOp(
          op, scalarTensor(rewriter, loc, f32Const(rewriter, loc, 1.0)));
      return success();
    }
    Value x = adaptor.getInput();
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    int64_t axis = op.getAxis();
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    // n = static part * dynamic part (the batch, unless V replaces it).
    std::optional<uint64_t> virtualBatch = op.getVirtualBatchSize();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t staticN = 1;
    Value dynamicN;
    for (int64_t d = 0; d < rank; ++d) {
      if (d == axis)
        continue;
      if (d == 0 && virtualBatch) {
        staticN *= static_cast<int64_t>(*virtualBatch);
      } else if (!type.isDynamicDim(d)) {
        staticN *= type.getDimSize(d);
      } else {
        Value size = tensor::DimOp::create(rewriter, loc, x, d);
        dynamicN = dynamicN
                       ? arith::MulIOp::create(rewriter, loc, dynamicN, size)
                       : size;
      }
    }
    // Synchronized (data-parallel): n counts every process's elements.
    if (isSynchronized(op)) {
      Value local = indexConst(rewriter, loc, staticN);
      if (dynamicN)
        local = arith::MulIOp::create(rewriter, loc, dynamicN, local);
      dynamicN = callRuntime(rewriter, loc, op, "modelc_replica_total", local,
                             rewriter.getIndexType())[0];
      staticN = 1;
    }
    if (!dynamicN) {
      double n = static_cast<double>(staticN);
      rewriter.replaceOp(
          op, scalarTensor(
                  rewriter, loc,
                  f32Const(rewriter, loc, staticN > 1 ? n / (n - 1.0) : 1.0)));
      return success();
    }
    Value n = dynamicN;
    if (staticN != 1)
      n = arith::MulIOp::create(rewriter, loc, n,
                                indexConst(rewriter, loc, staticN));
    Value nF = arith::UIToFPOp::create(
        rewriter, loc, rewriter.getF64Type(),
        arith::IndexCastUIOp::create(rewriter, loc, rewriter.getI64Type(), n));
    Value one = f64Const(rewriter, loc, 1.0);
    Value ratio = arith::DivFOp::create(
        rewriter, loc, nF, arith::SubFOp::create(rewriter, loc, nF, one));
    Value several =
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ugt, n,
                              indexConst(rewriter, loc, 1));
    Value c = arith::SelectOp::create(rewriter, loc, several, ratio, one);
    rewriter.replaceOp(op,
                       scalarTensor(rewriter, loc, toF32(rewriter, loc, c)));
    return success();
  }
};

struct StddevLowering : OpConversionPattern<StddevOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(StddevOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value eps = arith::ConstantOp::create(rewriter, loc, op.getEpsilonAttr());
    Value result = buildElementwise(
        rewriter, loc, adaptor.getVariance(), {},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          return math::SqrtOp::create(
              b, l, arith::AddFOp::create(b, l, args[0], eps));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ScalarLowering : OpConversionPattern<ScalarOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ScalarOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value value = arith::SIToFPOp::create(
        rewriter, loc, rewriter.getF32Type(),
        extractScalar(rewriter, loc, adaptor.getInput()));
    rewriter.replaceOp(op, scalarTensor(rewriter, loc, value));
    return success();
  }
};

/// A number in a constraint spec (the front end writes f64, hand-written IR
/// may use integers).
std::optional<double> specNumber(DictionaryAttr spec, StringRef key,
                                 double defaultValue) {
  Attribute attr = spec.get(key);
  if (!attr)
    return defaultValue;
  if (auto f = dyn_cast<FloatAttr>(attr))
    return f.getValueAsDouble();
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return static_cast<double>(i.getInt());
  return std::nullopt;
}

/// The normalized, sorted, distinct axes of `axis` (an integer or a list),
/// keras's default 0 when absent.
FailureOr<SmallVector<int64_t>> specAxes(DictionaryAttr spec, int64_t rank) {
  SmallVector<int64_t> axes;
  Attribute attr = spec.get("axis");
  if (!attr) {
    axes.push_back(0);
  } else if (auto i = dyn_cast<IntegerAttr>(attr)) {
    axes.push_back(i.getInt());
  } else if (auto list = dyn_cast<ArrayAttr>(attr)) {
    for (Attribute a : list) {
      auto i = dyn_cast<IntegerAttr>(a);
      if (!i)
        return failure();
      axes.push_back(i.getInt());
    }
  } else {
    return failure();
  }
  for (int64_t &a : axes) {
    if (a < 0)
      a += rank;
    if (a < 0 || a >= rank)
      return failure();
  }
  llvm::sort(axes);
  axes.erase(llvm::unique(axes), axes.end());
  return axes;
}

struct ConstraintLowering : OpConversionPattern<ConstraintOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConstraintOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    DictionaryAttr spec = op.getSpec();
    Value w = adaptor.getWeights();
    auto type = cast<RankedTensorType>(w.getType());
    int64_t rank = type.getRank();
    auto kindAttr = spec.getAs<StringAttr>("kind");
    if (!kindAttr)
      return op.emitError("constraint spec needs a string 'kind'");
    StringRef kind = kindAttr.getValue();

    if (kind == "non_neg") {
      // keras: w * cast(w >= 0): a NaN stays NaN.
      Value zero = f32Const(rewriter, loc, 0.0);
      Value one = f32Const(rewriter, loc, 1.0);
      rewriter.replaceOp(
          op, buildElementwise(
                  rewriter, loc, w, {},
                  [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                    Value keep = arith::CmpFOp::create(
                        b, l, arith::CmpFPredicate::OGE, args[0], zero);
                    Value mask = arith::SelectOp::create(b, l, keep, one, zero);
                    return arith::MulFOp::create(b, l, args[0], mask);
                  }));
      return success();
    }
    if (kind != "unit_norm" && kind != "max_norm" && kind != "min_max_norm")
      return op.emitError() << "unknown constraint kind '" << kind << "'";

    FailureOr<SmallVector<int64_t>> axes = specAxes(spec, rank);
    if (failed(axes))
      return op.emitError() << "constraint axis " << spec.get("axis")
                            << " is not an axis or list of axes of a rank "
                            << rank << " tensor";
    std::optional<double> minValue = specNumber(spec, "min_value", 0.0);
    std::optional<double> maxValue =
        specNumber(spec, "max_value", kind == "max_norm" ? 2.0 : 1.0);
    std::optional<double> rate = specNumber(spec, "rate", 1.0);
    if (!minValue || !maxValue || !rate)
      return op.emitError("constraint bounds and rate must be numbers");
    // keras's clip raises max to min when they cross.
    double lo = kind == "max_norm" ? 0.0 : *minValue;
    double hi = std::max(*maxValue, lo);

    // Sum of squares per slice (f32, as keras), over the constraint's axes.
    SmallVector<int64_t> kept;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d) {
      bool reduced = llvm::is_contained(*axes, d);
      if (!reduced)
        kept.push_back(d);
      iterators.push_back(reduced ? utils::IteratorType::reduction
                                  : utils::IteratorType::parallel);
    }
    SmallVector<OpFoldResult> keptSizes;
    for (int64_t d : kept)
      keptSizes.push_back(sizeOf(rewriter, loc, w, d));
    AffineMap sliceMap = projection(ctx, rank, kept);
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    Value sumSq = buildGeneric(
        rewriter, loc, ValueRange{w}, {identity},
        filledF32(rewriter, loc, keptSizes, 0.0), sliceMap, iterators,
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value sq = arith::MulFOp::create(b, l, args[0], args[0]);
          return arith::AddFOp::create(b, l, args[1], sq);
        });

    // Per slice: the denominator (unit_norm) or the factor desired/(eps+n).
    bool unit = kind == "unit_norm";
    bool mixed = kind == "min_max_norm";
    Value perSlice = buildMap(
        rewriter, loc, ValueRange{sumSq}, emptyF32(rewriter, loc, keptSizes),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value norm = math::SqrtOp::create(b, l, args[0]);
          Value denom = arith::AddFOp::create(b, l, f32Const(b, l, 1e-7), norm);
          if (unit)
            return denom;
          // tf.clip_by_value: min with the upper bound, then max with the
          // lower.
          Value desired = arith::MaximumFOp::create(
              b, l, arith::MinimumFOp::create(b, l, norm, f32Const(b, l, hi)),
              f32Const(b, l, lo));
          if (mixed)
            desired = arith::AddFOp::create(
                b, l,
                arith::MulFOp::create(b, l, f32Const(b, l, *rate), desired),
                arith::MulFOp::create(b, l, f32Const(b, l, 1.0 - *rate), norm));
          return arith::DivFOp::create(b, l, desired, denom);
        });

    Value result =
        buildMap(rewriter, loc, ValueRange{w, perSlice},
                 emptyF32(rewriter, loc, sizesLike(rewriter, loc, type, w)),
                 [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                   if (unit)
                     return arith::DivFOp::create(b, l, args[0], args[1]);
                   return arith::MulFOp::create(b, l, args[0], args[1]);
                 },
                 {identity, sliceMap});
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void nn::populateStatePatterns(RewritePatternSet &patterns) {
  patterns.add<MovingAverageLowering, VarianceCorrectionLowering,
               StddevLowering, ScalarLowering, ConstraintLowering>(
      patterns.getContext());
}
