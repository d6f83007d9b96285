//===- ContractionKernel.cpp - register-blocked FMA micro-kernels ---------===//
//
// The code codegen-vectorize emits for one tile of a contraction
// `out[.., m, .., v] += a[..] * b[.., v]` whose m and v extents form a
// register block. The r x vt accumulators are loaded once into 1-D vectors
// of at most one register each, carried through all the tile's reduction
// loops (nested in their original order, so every sum keeps the scalar
// order) as scf.for iter_args, updated by broadcast-times-vector FMAs, and
// stored once. Every vector is 1-D and at most one register wide: LLVM then
// has nothing to legalize (odd widths such as 100 lanes or 2-D accumulators
// otherwise come out as thousands of shuffles). A constant lhs (a Winograd
// transform's matrix) over at most 64 reduction steps is unrolled instead:
// its zeros skipped, 1 and -1 an add and a subtract.
//
//===----------------------------------------------------------------------===//
#include "ContractionKernel.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "codegen-vectorize"

using namespace mlir;

namespace {

/// An operand as the kernel reads or writes it: a memref whose innermost
/// dimension is `v` (for vector accesses) and the map of its indices.
struct Access {
  Value memref;
  AffineMap map;
};

/// True if vector accesses along dimension `pos` of the memref are
/// contiguous and every dimension after it has size 1.
bool vectorizableAlong(Value memref, unsigned pos) {
  auto type = cast<MemRefType>(memref.getType());
  int64_t offset;
  SmallVector<int64_t> strides;
  if (failed(type.getStridesAndOffset(strides, offset)) || strides[pos] != 1)
    return false;
  for (int64_t d = pos + 1; d < type.getRank(); ++d)
    if (type.getDimSize(d) != 1)
      return false;
  return true;
}

/// Drops the trailing dimensions of size 1 after the result `pos` (a rank-
/// reducing subview), so that vector accesses run along the innermost
/// dimension.
Access innermostAlong(RewriterBase &rewriter, Location loc, Value memref,
                      AffineMap map, unsigned pos) {
  auto type = cast<MemRefType>(memref.getType());
  int64_t rank = type.getRank();
  if (pos + 1 == rank)
    return Access{memref, map};
  SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes =
      memref::getMixedSizes(rewriter, loc, memref);
  SmallVector<OpFoldResult> steps(rank, rewriter.getIndexAttr(1));
  SmallVector<int64_t> shape(type.getShape().take_front(pos + 1));
  MemRefType reduced = memref::SubViewOp::inferRankReducedResultType(
      shape, type, offsets, sizes, steps);
  Value view = memref::SubViewOp::create(rewriter, loc, reduced, memref,
                                         offsets, sizes, steps);
  return Access{
      view, map.getSubMap(llvm::to_vector(llvm::seq<unsigned>(0, pos + 1)))};
}

/// Position of the last result of `map` that is dim `d` by itself.
std::optional<unsigned> lastResultIs(AffineMap map, unsigned d) {
  for (int64_t i = map.getNumResults() - 1; i >= 0; --i)
    if (auto e = dyn_cast<AffineDimExpr>(map.getResult(i));
        e && e.getPosition() == d)
      return i;
  return std::nullopt;
}

/// The epilogue's body on one register of the output: `dims` are the
/// register's indices in every output dimension, `acc` the accumulator;
/// `operands[i]` is how operand i is read (no memref: the accumulator;
/// `vectorRead[i]`: a vector along v, else one scalar). Scalars (operands
/// that do not vary along v, values from outside the body) are broadcast.
Value applyEpilogue(RewriterBase &rewriter, Location loc, Block *body,
                    ArrayRef<Access> operands, ArrayRef<bool> vectorRead,
                    ArrayRef<Value> dims, Value acc, VectorType type) {
  IRMapping mapping;
  auto vectorOf = [&](Value scalar) -> Value {
    if (isa<VectorType>(scalar.getType()))
      return scalar;
    return vector::BroadcastOp::create(
        rewriter, loc, VectorType::get(type.getShape(), scalar.getType()),
        scalar);
  };
  for (auto [i, arg] : llvm::enumerate(body->getArguments())) {
    const Access &access = operands[i];
    if (!access.memref) {
      mapping.map(arg, acc);
      continue;
    }
    SmallVector<Value> idx;
    for (AffineExpr e : access.map.getResults())
      idx.push_back(dims[cast<AffineDimExpr>(e).getPosition()]);
    if (vectorRead[i]) {
      Type element = cast<MemRefType>(access.memref.getType()).getElementType();
      mapping.map(
          arg, vector::LoadOp::create(rewriter, loc,
                                      VectorType::get(type.getShape(), element),
                                      access.memref, idx));
    } else {
      mapping.map(arg,
                  memref::LoadOp::create(rewriter, loc, access.memref, idx));
    }
  }
  for (Operation &nested : body->without_terminator()) {
    if (isa<arith::ConstantOp>(nested)) {
      // Scalar constants stay scalars; their users broadcast them.
      mapping.map(nested.getResult(0), rewriter.clone(nested)->getResult(0));
      continue;
    }
    SmallVector<Value> vectorOperands;
    for (Value operand : nested.getOperands())
      vectorOperands.push_back(vectorOf(mapping.lookupOrDefault(operand)));
    SmallVector<Type> resultTypes;
    for (Type t : nested.getResultTypes())
      resultTypes.push_back(VectorType::get(type.getShape(), t));
    Operation *vectorOp =
        rewriter.create(loc, nested.getName().getIdentifier(), vectorOperands,
                        resultTypes, nested.getAttrs());
    mapping.map(nested.getResults(), vectorOp->getResults());
  }
  Value yielded = body->getTerminator()->getOperand(0);
  return vectorOf(mapping.lookupOrDefault(yielded));
}

/// The f32 initial value of the constant global `memref` is a view of (by
/// static-offset, unit-stride subviews), with the view's offsets in it.
DenseElementsAttr constantInit(Value memref,
                               SmallVectorImpl<int64_t> &offsets) {
  while (auto view = memref.getDefiningOp<memref::SubViewOp>()) {
    if (view.getSourceType().getRank() != view.getType().getRank() ||
        ShapedType::isDynamicShape(view.getStaticOffsets()) ||
        llvm::any_of(view.getStaticStrides(), [](int64_t s) { return s != 1; }))
      return {};
    if (offsets.empty())
      offsets.assign(view.getStaticOffsets().size(), 0);
    for (auto [o, add] : llvm::zip(offsets, view.getStaticOffsets()))
      o += add;
    memref = view.getSource();
  }
  auto get = memref.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return {};
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      get, get.getNameAttr());
  auto init =
      global
          ? dyn_cast_or_null<DenseElementsAttr>(global.getConstantInitValue())
          : DenseElementsAttr();
  if (!init || !init.getElementType().isF32())
    return {};
  if (offsets.empty())
    offsets.assign(init.getType().getRank(), 0);
  return init;
}

} // namespace

std::optional<nn::ConstantOperand> mlir::nn::constantOperand(Value memref) {
  SmallVector<int64_t> offsets;
  DenseElementsAttr init = constantInit(memref, offsets);
  if (!init)
    return std::nullopt;
  ConstantOperand c;
  c.values = llvm::to_vector(init.getValues<float>());
  c.shape = llvm::to_vector(init.getType().getShape());
  c.offsets = std::move(offsets);
  return c;
}

bool mlir::nn::isConstantView(Value memref) {
  SmallVector<int64_t> offsets;
  return static_cast<bool>(constantInit(memref, offsets));
}

LogicalResult
mlir::nn::emitContractionKernel(RewriterBase &rewriter, linalg::GenericOp op,
                                unsigned mDim, unsigned vDim, int64_t lanes,
                                const Epilogue *epilogue, Value initial) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 || lanes < 1)
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  int64_t rows = ranges[mDim], width = ranges[vDim];
  if (ShapedType::isDynamic(rows) || ShapedType::isDynamic(width))
    return failure();
  // Every other parallel loop has been tiled to one iteration.
  SmallVector<unsigned> reductions;
  for (unsigned d = 0; d < op.getNumLoops(); ++d) {
    if (iters[d] == utils::IteratorType::reduction)
      reductions.push_back(d);
    else if (d != mDim && d != vDim && ranges[d] != 1)
      return failure();
  }

  // Roles: `a` is broadcast (no v), `b` is read as vectors along v.
  OpOperand *aOpd = op.getDpsInputOperand(0), *bOpd = op.getDpsInputOperand(1);
  if (op.getMatchingIndexingMap(aOpd).isFunctionOfDim(vDim))
    std::swap(aOpd, bOpd);
  AffineMap aMap = op.getMatchingIndexingMap(aOpd);
  AffineMap bMap = op.getMatchingIndexingMap(bOpd);
  OpOperand *outOpd = op.getDpsInitOperand(0);
  AffineMap outMap = op.getMatchingIndexingMap(outOpd);
  if (aMap.isFunctionOfDim(vDim) || bMap.isFunctionOfDim(mDim))
    return failure();
  std::optional<unsigned> bPos = lastResultIs(bMap, vDim);
  std::optional<unsigned> outPos = lastResultIs(outMap, vDim);
  if (!bPos || !outPos)
    return failure();
  // v may appear only as that one result.
  for (auto [map, pos] : {std::pair{bMap, *bPos}, std::pair{outMap, *outPos}})
    for (unsigned i = 0; i < map.getNumResults(); ++i)
      if (i != pos && map.getResult(i).isFunctionOfDim(vDim))
        return failure();
  auto elemType = dyn_cast<FloatType>(
      cast<MemRefType>(outOpd->get().getType()).getElementType());
  if (!elemType)
    return failure();

  if (!vectorizableAlong(bOpd->get(), *bPos) ||
      !vectorizableAlong(outOpd->get(), *outPos))
    return failure();
  if (initial && isa<MemRefType>(initial.getType())) {
    auto type = cast<MemRefType>(initial.getType());
    if (type.getRank() != 1 || type.getDimSize(0) != width ||
        !vectorizableAlong(initial, 0))
      return failure();
  }
  // The epilogue indexes its operands by the output's dimensions: v is the
  // output dimension `outPos`.
  if (epilogue) {
    if (!vectorizableAlong(epilogue->out, *outPos))
      return failure();
    for (auto [view, map] : llvm::zip(epilogue->views, epilogue->maps)) {
      if (!view || !map.isFunctionOfDim(*outPos))
        continue;
      std::optional<unsigned> pos = lastResultIs(map, *outPos);
      if (!pos || !vectorizableAlong(view, *pos))
        return failure();
    }
  }

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Access b = innermostAlong(rewriter, loc, bOpd->get(), bMap, *bPos);
  Access out = innermostAlong(rewriter, loc, outOpd->get(), outMap, *outPos);
  Access epilogueOut;
  SmallVector<Access> epilogueOperands;
  SmallVector<bool> epilogueVectors;
  if (epilogue) {
    unsigned rank = outMap.getNumResults();
    epilogueOut = innermostAlong(
        rewriter, loc, epilogue->out,
        AffineMap::getMultiDimIdentityMap(rank, rewriter.getContext()),
        *outPos);
    for (auto [view, map] : llvm::zip(epilogue->views, epilogue->maps)) {
      bool vector = view && map.isFunctionOfDim(*outPos);
      epilogueVectors.push_back(vector);
      if (!view)
        epilogueOperands.push_back(Access{});
      else if (vector)
        epilogueOperands.push_back(innermostAlong(rewriter, loc, view, map,
                                                  *lastResultIs(map, *outPos)));
      else
        epilogueOperands.push_back(Access{view, map});
    }
  }
  Access a{aOpd->get(), aMap};

  SmallVector<Range> loopRanges =
      cast<linalg::LinalgOp>(op.getOperation()).createLoopRanges(rewriter, loc);
  // The loop value of every dim: constants for the register block and the
  // unit loops, induction variables for the reductions.
  SmallVector<OpFoldResult> dims(op.getNumLoops(), rewriter.getIndexAttr(0));
  auto indices = [&](OpBuilder &builder, const Access &access) {
    SmallVector<Value> idx;
    for (unsigned r = 0; r < access.map.getNumResults(); ++r)
      idx.push_back(getValueOrCreateConstantIndexOp(
          builder, loc,
          affine::makeComposedFoldedAffineApply(
              builder, loc, access.map.getSubMap({r}), dims)));
    return idx;
  };

  // One register per chunk of v; the last one may be narrower.
  SmallVector<int64_t> chunkWidth;
  for (int64_t c = 0; c < width; c += lanes)
    chunkWidth.push_back(std::min(lanes, width - c));
  auto chunkType = [&](unsigned c) {
    return VectorType::get({chunkWidth[c]}, elemType);
  };

  SmallVector<Value> accs;
  for (int64_t i = 0; i < rows; ++i) {
    dims[mDim] = rewriter.getIndexAttr(i);
    for (unsigned c = 0; c < chunkWidth.size(); ++c) {
      dims[vDim] = rewriter.getIndexAttr(c * lanes);
      Value start;
      if (!initial)
        start = vector::LoadOp::create(rewriter, loc, chunkType(c), out.memref,
                                       indices(rewriter, out));
      else if (isa<MemRefType>(initial.getType()))
        start =
            vector::LoadOp::create(rewriter, loc, chunkType(c), initial,
                                   ValueRange{arith::ConstantIndexOp::create(
                                       rewriter, loc, c * lanes)});
      else
        start =
            vector::BroadcastOp::create(rewriter, loc, chunkType(c), initial);
      accs.push_back(start);
    }
  }

  // One step of the innermost reduction: vt/lanes vector loads of b, one
  // scalar load of a per row, rows x chunks FMAs.
  auto step = [&](OpBuilder &builder, ValueRange carried) {
    SmallVector<Value> bVecs;
    for (unsigned c = 0; c < chunkWidth.size(); ++c) {
      dims[vDim] = builder.getIndexAttr(c * lanes);
      bVecs.push_back(vector::LoadOp::create(builder, loc, chunkType(c),
                                             b.memref, indices(builder, b)));
    }
    SmallVector<Value> next;
    for (int64_t i = 0; i < rows; ++i) {
      dims[mDim] = builder.getIndexAttr(i);
      Value s =
          memref::LoadOp::create(builder, loc, a.memref, indices(builder, a));
      for (unsigned c = 0; c < chunkWidth.size(); ++c) {
        Value splat =
            vector::BroadcastOp::create(builder, loc, chunkType(c), s);
        next.push_back(vector::FMAOp::create(
            builder, loc, splat, bVecs[c], carried[i * chunkWidth.size() + c]));
      }
    }
    return next;
  };

  // The reduction loops, outermost first (the scalar loops' order).
  std::function<SmallVector<Value>(OpBuilder &, unsigned, ValueRange)> nest =
      [&](OpBuilder &builder, unsigned level,
          ValueRange carried) -> SmallVector<Value> {
    if (level == reductions.size())
      return step(builder, carried);
    unsigned d = reductions[level];
    Value lb =
        getValueOrCreateConstantIndexOp(builder, loc, loopRanges[d].offset);
    Value ub =
        getValueOrCreateConstantIndexOp(builder, loc, loopRanges[d].size);
    Value one = arith::ConstantIndexOp::create(builder, loc, 1);
    auto loop = scf::ForOp::create(
        builder, loc, lb, ub, one, carried,
        [&](OpBuilder &inner, Location, Value iv, ValueRange args) {
          dims[d] = iv;
          SmallVector<Value> res = nest(inner, level + 1, args);
          scf::YieldOp::create(inner, loc, res);
        });
    return SmallVector<Value>(loop.getResults());
  };
  // A constant `a` over few reduction steps (a Winograd transform's
  // matrix): every step unrolled, a zero coefficient skipped, 1 and -1 an
  // add and a subtract. The same values as the FMAs for finite inputs
  // (fma(1, x, acc) rounds as acc + x; fma(0, x, acc) is acc, up to the sign
  // of a zero sum), with a half or less of the work.
  int64_t steps = 1;
  for (unsigned d : reductions)
    steps *= ShapedType::isDynamic(ranges[d]) ? int64_t(1) << 20 : ranges[d];
  // (Its values are read only for few steps: a large constant is not.)
  std::optional<ConstantOperand> constant =
      steps <= kMaxConstantSteps ? constantOperand(a.memref) : std::nullopt;
  auto unrolled = [&]() -> std::optional<SmallVector<Value>> {
    if (!constant || cast<MemRefType>(a.memref.getType()).getRank() !=
                         static_cast<int64_t>(constant->shape.size()))
      return std::nullopt;
    SmallVector<Value> carried = accs;
    SmallVector<int64_t> point(reductions.size(), 0);
    for (int64_t n = 0; n < steps; ++n) {
      for (auto [k, d] : llvm::enumerate(reductions))
        dims[d] = rewriter.getIndexAttr(point[k]);
      SmallVector<float> coef;
      for (int64_t i = 0; i < rows; ++i) {
        dims[mDim] = rewriter.getIndexAttr(i);
        SmallVector<int64_t> values;
        for (OpFoldResult v : dims)
          values.push_back(*getConstantIntValue(v));
        coef.push_back(constant->at(a.map.compose(values)));
      }
      if (llvm::any_of(coef, [](float c) { return c != 0; })) {
        SmallVector<Value> bVecs;
        for (unsigned c = 0; c < chunkWidth.size(); ++c) {
          dims[vDim] = rewriter.getIndexAttr(c * lanes);
          bVecs.push_back(vector::LoadOp::create(
              rewriter, loc, chunkType(c), b.memref, indices(rewriter, b)));
        }
        for (int64_t i = 0; i < rows; ++i)
          for (unsigned c = 0; c < chunkWidth.size(); ++c) {
            Value &acc = carried[i * chunkWidth.size() + c];
            if (coef[i] == 1)
              acc = arith::AddFOp::create(rewriter, loc, acc, bVecs[c]);
            else if (coef[i] == -1)
              acc = arith::SubFOp::create(rewriter, loc, acc, bVecs[c]);
            else if (coef[i] != 0)
              acc = vector::FMAOp::create(
                  rewriter, loc,
                  arith::ConstantOp::create(
                      rewriter, loc,
                      DenseElementsAttr::get(chunkType(c), coef[i])),
                  bVecs[c], acc);
          }
      }
      // The next point, the last reduction dim fastest (the loops' order).
      for (int64_t k = static_cast<int64_t>(reductions.size()) - 1; k >= 0;
           --k) {
        if (++point[k] < ranges[reductions[k]])
          break;
        point[k] = 0;
      }
    }
    return carried;
  };
  std::optional<SmallVector<Value>> sparse = unrolled();
  SmallVector<Value> results = sparse ? *sparse : nest(rewriter, 0, accs);

  for (unsigned d : reductions)
    dims[d] = rewriter.getIndexAttr(0);
  for (int64_t i = 0; i < rows; ++i) {
    dims[mDim] = rewriter.getIndexAttr(i);
    for (unsigned c = 0; c < chunkWidth.size(); ++c) {
      dims[vDim] = rewriter.getIndexAttr(c * lanes);
      Value acc = results[i * chunkWidth.size() + c];
      if (!epilogue || epilogue->storeAccumulators)
        vector::StoreOp::create(rewriter, loc, acc, out.memref,
                                indices(rewriter, out));
      if (epilogue) {
        // Indices in every output dimension (the trailing unit ones too).
        SmallVector<Value> outDims = indices(rewriter, Access{Value(), outMap});
        Value value =
            applyEpilogue(rewriter, loc, epilogue->body, epilogueOperands,
                          epilogueVectors, outDims, acc, chunkType(c));
        SmallVector<Value> outIdx(ArrayRef<Value>(outDims).take_front(
            epilogueOut.map.getNumResults()));
        vector::StoreOp::create(rewriter, loc, value, epilogueOut.memref,
                                outIdx);
      }
    }
  }
  rewriter.eraseOp(op);
  return success();
}
