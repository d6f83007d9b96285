//===- TrainUtils.cpp - builders for the train-step lowerings -------------===//
#include "TrainUtils.h"
#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <charconv>
#include <cstdlib>
#include <string>

using namespace mlir;

double nn::decimalValue(const llvm::APFloat &value) {
  bool lost = false;
  llvm::APFloat single = value;
  single.convert(llvm::APFloat::IEEEsingle(),
                 llvm::APFloat::rmNearestTiesToEven, &lost);
  float f = single.convertToFloat();
  // std::to_chars without a precision gives the shortest round-trip form.
  char buffer[64];
  std::to_chars_result r =
      std::to_chars(buffer, buffer + sizeof(buffer) - 1, f);
  if (r.ec != std::errc())
    return static_cast<double>(f);
  *r.ptr = '\0';
  return std::strtod(buffer, nullptr);
}

Value nn::f64Const(OpBuilder &b, Location loc, double value) {
  return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(value));
}

Value nn::extractScalar(OpBuilder &b, Location loc, Value tensor) {
  return tensor::ExtractOp::create(b, loc, tensor, ValueRange{});
}

Value nn::scalarTensor(OpBuilder &b, Location loc, Value scalar) {
  auto type = RankedTensorType::get({}, scalar.getType());
  return tensor::FromElementsOp::create(b, loc, type, ValueRange{scalar});
}

Value nn::toF64(OpBuilder &b, Location loc, Value f32) {
  return arith::ExtFOp::create(b, loc, b.getF64Type(), f32);
}

Value nn::toF32(OpBuilder &b, Location loc, Value f64) {
  return arith::TruncFOp::create(b, loc, b.getF32Type(), f64);
}

Value nn::zeroF64Tensor(OpBuilder &b, Location loc) {
  Value empty =
      tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{}, b.getF64Type());
  return linalg::FillOp::create(b, loc, ValueRange{f64Const(b, loc, 0.0)},
                                ValueRange{empty})
      .getResult(0);
}

Value nn::accumulateF64(
    OpBuilder &b, Location loc, Value x, Value acc,
    function_ref<Value(OpBuilder &, Location, Value)> term) {
  unsigned rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::reduction);
  return buildGeneric(b, loc, ValueRange{x}, {b.getMultiDimIdentityMap(rank)},
                      acc, AffineMap::get(rank, 0, {}, b.getContext()),
                      iterators,
                      [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
                        Value t = term(nb, l, toF64(nb, l, args[0]));
                        return arith::AddFOp::create(nb, l, args[1], t);
                      });
}

SmallVector<Value> nn::buildMultiMap(
    OpBuilder &b, Location loc, ValueRange inputs, unsigned numResults,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body) {
  Value first = inputs.front();
  auto type = cast<RankedTensorType>(first.getType());
  unsigned rank = type.getRank();
  SmallVector<Value> inits;
  for (unsigned i = 0; i < numResults; ++i)
    inits.push_back(emptyF32(b, loc, sizesLike(b, loc, type, first)));
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<AffineMap> maps(inputs.size() + numResults, identity);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  SmallVector<Type> types(numResults, type);
  auto generic = linalg::GenericOp::create(
      b, loc, types, inputs, inits, maps, iterators,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        SmallVector<Value> results =
            body(nb, l, args.take_front(inputs.size()));
        linalg::YieldOp::create(nb, l, results);
      });
  return SmallVector<Value>(generic.getResults());
}
