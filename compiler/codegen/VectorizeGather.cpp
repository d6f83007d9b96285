//===- VectorizeGather.cpp - vector code for row gathers ------------------===//
//
// An embedding's lookup is a generic whose body loads `table[row, j]` with
// `row` computed from an input (the token id) and `j` the loop the output is
// contiguous along. Upstream's vectorizer takes no `memref.load` in a body
// (on tensors it would take `tensor.extract`, but codegen runs on buffers),
// so such a generic stayed a scalar loop on one thread: 0.47 ms of a text
// CNN's 16 ms inference on a Zen 4, 0.83 ms on two threads. Along `j` the
// loads read consecutive elements, so a tile of them is one vector load.
//
//===----------------------------------------------------------------------===//

#include "VectorizeInternal.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
using namespace mlir::nn::vectorize;

namespace {

/// True if index op `o`, one of whose operands varies along the lanes, moves
/// by 1 when that operand does (`i + c`, `i - c`, an affine map `i + f(c)`;
/// not `c - i` nor `2 * i`): the lanes then read consecutive elements.
bool unitStep(Operation *o, const llvm::DenseSet<Value> &varying) {
  auto isVarying = [&](Value x) { return varying.contains(x); };
  if (auto add = dyn_cast<arith::AddIOp>(o))
    return isVarying(add.getLhs()) != isVarying(add.getRhs());
  if (auto sub = dyn_cast<arith::SubIOp>(o))
    return isVarying(sub.getLhs()) && !isVarying(sub.getRhs());
  auto apply = dyn_cast<affine::AffineApplyOp>(o);
  if (!apply || llvm::count_if(apply.getOperands(), isVarying) != 1)
    return false;
  AffineMap map = apply.getAffineMap();
  unsigned p = llvm::find_if(apply.getOperands(), isVarying) -
               apply.getOperands().begin();
  unsigned dims = map.getNumDims();
  AffineExpr x = p < dims ? getAffineDimExpr(p, o->getContext())
                          : getAffineSymbolExpr(p - dims, o->getContext());
  // The result minus the operand must not depend on it.
  AffineExpr rest =
      simplifyAffineExpr(map.getResult(0) - x, dims, map.getNumSymbols());
  return p < dims ? !rest.isFunctionOfDim(p)
                  : !rest.isFunctionOfSymbol(p - dims);
}

/// The body values of `op` that vary along its loop `v`, when the body is a
/// row gather along `v` (see gathersAlong); none otherwise.
std::optional<llvm::DenseSet<Value>> laneVarying(linalg::LinalgOp op,
                                                 unsigned v) {
  if (op.getNumReductionLoops() != 0 || v >= op.getNumLoops())
    return std::nullopt;
  // Inputs are read once per tile (scalars); outputs are only written.
  for (OpOperand *in : op.getDpsInputOperands())
    if (op.getMatchingIndexingMap(in).isFunctionOfDim(v))
      return std::nullopt;
  // (Nor are i1 outputs: LLVM packs i1 vectors into bits.)
  for (OpOperand &init : op.getDpsInitsMutable())
    if (!op.getMatchingBlockArgument(&init).use_empty() ||
        getElementTypeOrSelf(init.get().getType()).isInteger(1))
      return std::nullopt;

  llvm::DenseSet<Value> varying;
  auto isVarying = [&](Value x) { return varying.contains(x); };
  bool gathers = false;
  for (Operation &o : op.getBlock()->without_terminator()) {
    if (auto idx = dyn_cast<linalg::IndexOp>(o)) {
      if (idx.getDim() == v)
        varying.insert(idx);
      continue;
    }
    if (auto load = dyn_cast<memref::LoadOp>(o)) {
      // No load may see what the op writes: a tile's loads, even of one
      // element for all its lanes, run ahead of its stores.
      Value root = rootBuffer(load.getMemRef());
      for (OpOperand &init : op.getDpsInitsMutable())
        if (!distinctBuffers(root, rootBuffer(init.get())))
          return std::nullopt;
      ValueRange indices = load.getIndices();
      if (!indices.empty() && llvm::any_of(indices.drop_back(), isVarying))
        return std::nullopt;
      if (indices.empty() || !isVarying(indices.back()))
        continue;
      // A vector of consecutive elements (not of i1, which LLVM packs).
      MemRefType type = load.getMemRefType();
      SmallVector<int64_t> strides;
      int64_t offset;
      if (failed(type.getStridesAndOffset(strides, offset)) ||
          strides.back() != 1 || !type.getElementType().isIntOrFloat() ||
          type.getElementType().isInteger(1))
        return std::nullopt;
      varying.insert(load);
      gathers = true;
      continue;
    }
    Dialect *dialect = o.getDialect();
    bool indexOp = isa<affine::AffineApplyOp>(o);
    if (!dialect || o.getNumRegions() != 0 || !isMemoryEffectFree(&o) ||
        (!indexOp && !isa<arith::ArithDialect, math::MathDialect>(dialect)))
      return std::nullopt;
    if (!llvm::any_of(o.getOperands(), isVarying))
      continue;
    // An index that varies: only a unit step towards a load's last index
    // (checked on its uses below).
    if (o.getNumResults() == 1 && o.getResult(0).getType().isIndex()) {
      if (!unitStep(&o, varying))
        return std::nullopt;
      varying.insert(o.getResult(0));
      continue;
    }
    // Anything else is element-wise on the loaded values.
    if (indexOp || !OpTrait::hasElementwiseMappableTraits(&o))
      return std::nullopt;
    for (Value x : o.getOperands())
      if (isVarying(x) && x.getType().isIndex())
        return std::nullopt;
    for (Value r : o.getResults()) {
      if (!r.getType().isIntOrFloat())
        return std::nullopt;
      varying.insert(r);
    }
  }
  for (Value x : varying) {
    if (!x.getType().isIndex())
      continue;
    for (OpOperand &use : x.getUses()) {
      Operation *user = use.getOwner();
      if (auto load = dyn_cast<memref::LoadOp>(user)) {
        if (use.getOperandNumber() + 1 != load->getNumOperands())
          return std::nullopt;
        continue;
      }
      if (user->getNumResults() != 1 || !isVarying(user->getResult(0)) ||
          !user->getResult(0).getType().isIndex())
        return std::nullopt;
    }
  }
  if (!gathers)
    return std::nullopt;
  return varying;
}

} // namespace

bool mlir::nn::vectorize::gathersAlong(linalg::LinalgOp op, unsigned v) {
  return laneVarying(op, v).has_value();
}

LogicalResult mlir::nn::vectorize::vectorizeGatherTile(RewriterBase &rewriter,
                                                       linalg::GenericOp op) {
  if (op.getNumLoops() != 1)
    return failure();
  int64_t lanes = op.getStaticLoopRanges()[0];
  if (ShapedType::isDynamic(lanes))
    return failure();
  std::optional<llvm::DenseSet<Value>> varying = laneVarying(op, 0);
  if (!varying)
    return failure();
  // Each input is one scalar, each output one vector (contiguous).
  for (OpOperand *in : op.getDpsInputOperands()) {
    auto type = dyn_cast<MemRefType>(in->get().getType());
    if (type && type.getRank() != 0)
      return failure();
  }
  for (OpOperand &init : op.getDpsInitsMutable()) {
    auto type = dyn_cast<MemRefType>(init.get().getType());
    SmallVector<int64_t> strides;
    int64_t offset;
    if (!type || type.getRank() != 1 ||
        !op.getMatchingIndexingMap(&init).isIdentity() ||
        failed(type.getStridesAndOffset(strides, offset)) || strides[0] != 1)
      return failure();
  }

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Block &body = *op.getBlock();
  IRMapping map;
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  for (OpOperand *in : op.getDpsInputOperands()) {
    Value value = in->get();
    if (isa<MemRefType>(value.getType()))
      value = memref::LoadOp::create(rewriter, loc, value, ValueRange{});
    map.map(op.getMatchingBlockArgument(in), value);
  }
  auto vectorOf = [&](Type t) { return VectorType::get({lanes}, t); };
  auto broadcast = [&](Value x) -> Value {
    if (isa<VectorType>(x.getType()))
      return x;
    return vector::BroadcastOp::create(rewriter, loc, vectorOf(x.getType()), x);
  };
  // Scalar ops and index arithmetic are cloned with the lane index 0: the
  // first lane's address, the other lanes' following it.
  for (Operation &o : body.without_terminator()) {
    if (isa<linalg::IndexOp>(o)) {
      map.map(o.getResult(0), zero);
      continue;
    }
    auto load = dyn_cast<memref::LoadOp>(o);
    if (load && varying->contains(load.getResult())) {
      SmallVector<Value> indices;
      for (Value i : load.getIndices())
        indices.push_back(map.lookupOrDefault(i));
      map.map(load.getResult(),
              vector::LoadOp::create(rewriter, loc, vectorOf(load.getType()),
                                     load.getMemRef(), indices));
      continue;
    }
    bool vectorOp = o.getNumResults() != 0 &&
                    varying->contains(o.getResult(0)) &&
                    !o.getResult(0).getType().isIndex();
    Operation *clone = rewriter.clone(o, map);
    if (!vectorOp)
      continue;
    // Scalar operands are broadcast, except a select's condition (a scalar
    // condition picks whole vectors).
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPoint(clone);
      for (OpOperand &operand : clone->getOpOperands())
        if (!(isa<arith::SelectOp>(clone) && operand.getOperandNumber() == 0))
          operand.set(broadcast(operand.get()));
    }
    rewriter.modifyOpInPlace(clone, [&] {
      for (Value r : clone->getResults())
        r.setType(vectorOf(r.getType()));
    });
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  for (auto [value, init] :
       llvm::zip(yield.getValues(), op.getDpsInitsMutable()))
    vector::StoreOp::create(rewriter, loc,
                            broadcast(map.lookupOrDefault(value)), init.get(),
                            ValueRange{zero});
  rewriter.eraseOp(op);
  return success();
}
