//===- LossUtils.cpp - pieces the losses and their gradients share --------===//
#include "LossUtils.h"
#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;

std::pair<Value, Value> nn::softmaxRowStatistics(OpBuilder &b, Location loc,
                                                 Value logits) {
  SmallVector<OpFoldResult> batch = {sizeOf(b, loc, logits, 0)};
  Value maxInit =
      filledF32(b, loc, batch, -std::numeric_limits<double>::infinity());
  Value maxLogit =
      linalg::ReduceOp::create(
          b, loc, ValueRange{logits}, ValueRange{maxInit}, ArrayRef<int64_t>{1},
          [](OpBuilder &nb, Location l, ValueRange args) {
            Value m = arith::MaximumFOp::create(nb, l, args[0], args[1]);
            linalg::YieldOp::create(nb, l, m);
          })
          .getResult(0);
  AffineMap rows = projection(b.getContext(), 2, {0});
  Value sumExp = buildGeneric(
      b, loc, ValueRange{logits, maxLogit}, {b.getMultiDimIdentityMap(2), rows},
      filledF32(b, loc, batch, 0.0), rows,
      {utils::IteratorType::parallel, utils::IteratorType::reduction},
      [](OpBuilder &nb, Location l, ValueRange args) -> Value {
        Value shifted = arith::SubFOp::create(nb, l, args[0], args[1]);
        Value e = math::ExpOp::create(nb, l, shifted);
        return arith::AddFOp::create(nb, l, args[2], e);
      });
  return {maxLogit, sumExp};
}

Value nn::isClassLabel(OpBuilder &b, Location loc, Value label, Value classes) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  return arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, label, zero),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, label, classes));
}
