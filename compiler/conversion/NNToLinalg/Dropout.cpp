//===- Dropout.cpp - nn.dropout with a counter-based mask -----------------===//
//
// Training mode with a key (seed, step): element i (row-major linear index
// in the whole tensor) is kept iff u_i >= T and then scaled by
// s = float(1 / (1 - rate)), dropped elements are exactly 0 (even for
// non-finite inputs), where, in wrapping unsigned 64-bit arithmetic,
//
//   mix(z)  = z ^= z >> 30; z *= 0xBF58476D1CE4E5B9;
//             z ^= z >> 27; z *= 0x94D049BB133111EB; z ^ (z >> 31)
//             (SplitMix64's finalizer, a bijection)
//   G       = 0x9E3779B97F4A7C15
//   key     = mix(seed ^ mix(step ^ mix(stream + G)))
//   u_i     = mix(key + (i + 1) * G) >> 32
//             (output i of SplitMix64 seeded with key, high 32 bits)
//   T       = ceil(rate * 2^32)  (exact: rate is an f32 in [0, 1))
//
// so P(keep) = 1 - rate up to 2^-32. The key is a bijection of each of
// seed, step and stream when the other two are fixed, so different steps or
// layers (streams) never share a key. Each element depends only on its
// index: the mask is bit-reproducible whatever the tiling or thread count,
// and the gradient (the same op with the same key and stream) redraws it.
// In a data-parallel module the index is the one in the global batch (the
// runtime's example offset of this shard added to dimension 0), so masks do
// not depend on the number of processes.
// `seed` and `step` are the i64 values bit-cast to unsigned; `stream` is
// the attribute. In inference mode, or without a key, the op is the
// identity, as it is for rate 0.
//
//===----------------------------------------------------------------------===//
#include "Patterns.h"
#include "TrainUtils.h"
#include "Utils.h"

#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Dialect/NN/Replicas.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>
#include <cstdint>

using namespace mlir;
using namespace mlir::nn;

namespace {

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ULL;
constexpr uint64_t kMix1 = 0xBF58476D1CE4E5B9ULL;
constexpr uint64_t kMix2 = 0x94D049BB133111EBULL;

uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * kMix1;
  z = (z ^ (z >> 27)) * kMix2;
  return z ^ (z >> 31);
}

Value i64Const(OpBuilder &b, Location loc, uint64_t value) {
  return arith::ConstantOp::create(
      b, loc, b.getI64IntegerAttr(static_cast<int64_t>(value)));
}

/// mix() in arith on an i64 value.
Value emitMix(OpBuilder &b, Location loc, Value z) {
  auto xorShift = [&](Value v, uint64_t shift) -> Value {
    Value s = arith::ShRUIOp::create(b, loc, v, i64Const(b, loc, shift));
    return arith::XOrIOp::create(b, loc, v, s);
  };
  z = arith::MulIOp::create(b, loc, xorShift(z, 30), i64Const(b, loc, kMix1));
  z = arith::MulIOp::create(b, loc, xorShift(z, 27), i64Const(b, loc, kMix2));
  return xorShift(z, 31);
}

struct DropoutLowering : OpConversionPattern<DropoutOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DropoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<bool> training = getConstantMode(op, op.getTraining());
    if (failed(training))
      return failure();
    Value x = adaptor.getInput();
    float rate = op.getRate().convertToFloat();
    if (!*training || adaptor.getKey().empty() || rate == 0.0f) {
      rewriter.replaceOp(op, x);
      return success();
    }
    Location loc = op.getLoc();
    ValueRange key = adaptor.getKey();
    Value seed = extractScalar(rewriter, loc, key[0]);
    Value step = extractScalar(rewriter, loc, key[1]);
    uint64_t stream = static_cast<uint64_t>(op.getStream());
    Value k = arith::XOrIOp::create(
        rewriter, loc, step, i64Const(rewriter, loc, mix(stream + kGolden)));
    k = arith::XOrIOp::create(rewriter, loc, seed, emitMix(rewriter, loc, k));
    k = emitMix(rewriter, loc, k);

    auto threshold = static_cast<uint64_t>(
        std::ceil(std::ldexp(static_cast<double>(rate), 32)));
    Value thresholdC = i64Const(rewriter, loc, threshold);
    Value scale =
        f32Const(rewriter, loc, 1.0 / (1.0 - static_cast<double>(rate)));
    Value zero = f32Const(rewriter, loc, 0.0);
    Value golden = i64Const(rewriter, loc, kGolden);

    // The sizes of dimensions 1.. (the strides of the linear index).
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    SmallVector<Value> sizes;
    for (int64_t d = 1; d < rank; ++d)
      sizes.push_back(getValueOrCreateConstantIndexOp(
          rewriter, loc, sizeOf(rewriter, loc, x, d)));
    // Data-parallel: the index of this shard's first example in the global
    // batch, so that an element's mask does not depend on the shards.
    Value firstExample;
    if (inDataParallelModule(op) && rank > 0)
      firstExample = callRuntime(rewriter, loc, op,
                                 "modelc_replica_example_offset", {},
                                 rewriter.getIndexType())[0];
    Value result = buildElementwise(
        rewriter, loc, x, {},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          // Row-major linear index of this element.
          Value linear = rank == 0 ? indexConst(b, l, 0)
                                   : linalg::IndexOp::create(b, l, 0);
          if (firstExample)
            linear = arith::AddIOp::create(b, l, linear, firstExample);
          for (int64_t d = 1; d < rank; ++d)
            linear = arith::AddIOp::create(
                b, l, arith::MulIOp::create(b, l, linear, sizes[d - 1]),
                linalg::IndexOp::create(b, l, d));
          Value i = arith::IndexCastUIOp::create(b, l, b.getI64Type(), linear);
          Value counter = arith::AddIOp::create(b, l, i, i64Const(b, l, 1));
          Value z = arith::AddIOp::create(
              b, l, k, arith::MulIOp::create(b, l, counter, golden));
          Value u = arith::ShRUIOp::create(b, l, emitMix(b, l, z),
                                           i64Const(b, l, 32));
          Value keep = arith::CmpIOp::create(b, l, arith::CmpIPredicate::uge, u,
                                             thresholdC);
          Value scaled = arith::MulFOp::create(b, l, args[0], scale);
          return arith::SelectOp::create(b, l, keep, scaled, zero);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void nn::populateDropoutPatterns(RewritePatternSet &patterns) {
  patterns.add<DropoutLowering>(patterns.getContext());
}
