//===- Utils.cpp - builders shared by the nn-to-linalg patterns -----------===//
#include "Utils.h"
#include "modelc/Dialect/NN/Replicas.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>

using namespace mlir;

FailureOr<bool> nn::getConstantMode(Operation *op, Value training) {
  APInt value;
  if (matchPattern(training, m_ConstantInt(&value)))
    return !value.isZero();
  return op->emitError()
         << "'" << op->getName()
         << "' needs a constant training flag to be lowered to linalg: run "
            "nn-specialize-mode first";
}

Value nn::f32Const(OpBuilder &b, Location loc, double value) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
}

Value nn::indexConst(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

SmallVector<OpFoldResult> nn::sizesLike(OpBuilder &b, Location loc,
                                        RankedTensorType type, Value like) {
  SmallVector<OpFoldResult> sizes;
  for (auto [i, size] : llvm::enumerate(type.getShape())) {
    if (ShapedType::isDynamic(size))
      sizes.push_back(tensor::DimOp::create(b, loc, like, i).getResult());
    else
      sizes.push_back(b.getIndexAttr(size));
  }
  return sizes;
}

OpFoldResult nn::sizeOf(OpBuilder &b, Location loc, Value v, int64_t dim) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.isDynamicDim(dim))
    return b.getIndexAttr(type.getDimSize(dim));
  return tensor::DimOp::create(b, loc, v, dim).getResult();
}

Value nn::emptyF32(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes) {
  return tensor::EmptyOp::create(b, loc, sizes, b.getF32Type());
}

Value nn::filledF32(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                    double value) {
  Value empty = emptyF32(b, loc, sizes);
  return linalg::FillOp::create(b, loc, ValueRange{f32Const(b, loc, value)},
                                ValueRange{empty})
      .getResult(0);
}

Value nn::countAsF32(OpBuilder &b, Location loc, Value tensor,
                     ArrayRef<int64_t> dims) {
  auto type = cast<RankedTensorType>(tensor.getType());
  int64_t staticCount = 1;
  Value dynamicCount;
  for (int64_t d : dims) {
    if (!type.isDynamicDim(d)) {
      staticCount *= type.getDimSize(d);
      continue;
    }
    Value size = tensor::DimOp::create(b, loc, tensor, d);
    dynamicCount =
        dynamicCount ? arith::MulIOp::create(b, loc, dynamicCount, size) : size;
  }
  if (!dynamicCount)
    return f32Const(b, loc, static_cast<double>(staticCount));
  if (staticCount != 1)
    dynamicCount = arith::MulIOp::create(b, loc, dynamicCount,
                                         indexConst(b, loc, staticCount));
  Value asInt =
      arith::IndexCastUIOp::create(b, loc, b.getI64Type(), dynamicCount);
  return arith::UIToFPOp::create(b, loc, b.getF32Type(), asInt);
}

Value nn::buildGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                       ArrayRef<AffineMap> inputMaps, Value init,
                       AffineMap initMap,
                       ArrayRef<utils::IteratorType> iterators, BodyFn body) {
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(initMap);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args);
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value nn::buildMap(OpBuilder &b, Location loc, ValueRange inputs, Value init,
                   BodyFn body, ArrayRef<AffineMap> inputMaps) {
  unsigned rank = cast<RankedTensorType>(init.getType()).getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<AffineMap> maps(inputMaps);
  if (maps.empty())
    maps.assign(inputs.size(), identity);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return buildGeneric(b, loc, inputs, maps, init, identity, iterators, body);
}

Value nn::buildElementwise(OpBuilder &b, Location loc, Value x,
                           ValueRange others, BodyFn body) {
  auto type = cast<RankedTensorType>(x.getType());
  Value init = emptyF32(b, loc, sizesLike(b, loc, type, x));
  SmallVector<Value> inputs = {x};
  llvm::append_range(inputs, others);
  return buildMap(b, loc, inputs, init, body);
}

Value nn::padHW(OpBuilder &b, Location loc, Value x, int64_t top,
                int64_t bottom, int64_t left, int64_t right, double value) {
  if (top == 0 && bottom == 0 && left == 0 && right == 0)
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[1] += top + bottom;
  shape[2] += left + right;
  auto paddedType = RankedTensorType::get(shape, type.getElementType());
  SmallVector<OpFoldResult> low = {b.getIndexAttr(0), b.getIndexAttr(top),
                                   b.getIndexAttr(left), b.getIndexAttr(0)};
  SmallVector<OpFoldResult> high = {b.getIndexAttr(0), b.getIndexAttr(bottom),
                                    b.getIndexAttr(right), b.getIndexAttr(0)};
  return tensor::PadOp::create(b, loc, paddedType, x, low, high,
                               f32Const(b, loc, value));
}

AffineMap nn::projection(MLIRContext *ctx, unsigned rank,
                         ArrayRef<int64_t> dims) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

Attribute nn::pairAttr(OpBuilder &b, ArrayRef<int64_t> pair) {
  return b.getI64TensorAttr(pair);
}

SmallVector<float> nn::validCounts(int64_t in, int64_t window, int64_t stride,
                                   int64_t padBefore, int64_t out) {
  SmallVector<float> counts;
  for (int64_t i = 0; i < out; ++i) {
    int64_t begin = i * stride - padBefore;
    int64_t end = begin + window;
    counts.push_back(
        static_cast<float>(std::min(end, in) - std::max(begin, int64_t(0))));
  }
  return counts;
}

Value nn::f32Vector(OpBuilder &b, Location loc, ArrayRef<float> values) {
  return f32Tensor(b, loc, {static_cast<int64_t>(values.size())}, values);
}

Value nn::f32Tensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                    ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

Value nn::classWeightAt(OpBuilder &b, Location loc, ArrayRef<float> weights,
                        Value label) {
  auto type = RankedTensorType::get({static_cast<int64_t>(weights.size())},
                                    b.getF32Type());
  Value table =
      arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, weights));
  return tensor::ExtractOp::create(b, loc, table, ValueRange{label});
}

Value nn::binaryClassWeight(OpBuilder &b, Location loc, ArrayRef<float> weights,
                            Value z) {
  Value w0 = f32Const(b, loc, weights[0]);
  Value slope = f32Const(b, loc, double(weights[1]) - double(weights[0]));
  return arith::AddFOp::create(b, loc, w0,
                               arith::MulFOp::create(b, loc, slope, z));
}

Value nn::countAsIndex(OpBuilder &b, Location loc, Value tensor,
                       ArrayRef<int64_t> dims) {
  auto type = cast<RankedTensorType>(tensor.getType());
  Value count = indexConst(b, loc, 1);
  for (int64_t d : dims)
    count = arith::MulIOp::create(
        b, loc, count,
        type.isDynamicDim(d)
            ? tensor::DimOp::create(b, loc, tensor, d).getResult()
            : indexConst(b, loc, type.getDimSize(d)));
  return count;
}

bool nn::isSynchronized(Operation *op) {
  return op->hasAttr("synchronized") && inDataParallelModule(op);
}

LogicalResult nn::requireStaticButBatch(Operation *op, ArrayRef<Type> batched,
                                        ArrayRef<Type> fullyStatic) {
  auto ok = [](Type t, int64_t from) {
    auto type = cast<RankedTensorType>(t);
    for (int64_t d = from; d < type.getRank(); ++d)
      if (type.isDynamicDim(d))
        return false;
    return true;
  };
  if (llvm::all_of(batched, [&](Type t) { return ok(t, 1); }) &&
      llvm::all_of(fullyStatic, [&](Type t) { return ok(t, 0); }))
    return success();
  return op->emitOpError(
      "cannot be lowered: only the batch dimension may be dynamic");
}

Value nn::splitLastDim(OpBuilder &b, Location loc, Value x, int64_t groups) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank(), last = type.getDimSize(rank - 1);
  SmallVector<int64_t> shape(type.getShape().drop_back());
  shape.append({groups, last / groups});
  SmallVector<ReassociationIndices> groupsOfDims;
  for (int64_t d = 0; d < rank - 1; ++d)
    groupsOfDims.push_back({d});
  groupsOfDims.push_back({rank - 1, rank});
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), x,
      groupsOfDims);
}

Value nn::mergeLastDims(OpBuilder &b, Location loc, Value x) {
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<ReassociationIndices> groupsOfDims;
  for (int64_t d = 0; d < rank - 2; ++d)
    groupsOfDims.push_back({d});
  groupsOfDims.push_back({rank - 2, rank - 1});
  return tensor::CollapseShapeOp::create(b, loc, x, groupsOfDims);
}

Value nn::multiplyAdd(OpBuilder &b, Location loc, ValueRange args) {
  Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
  return arith::AddFOp::create(b, loc, args[2], product);
}
