//===- TileLoops.cpp - threads and unrolling of the tile loops ------------===//
//
// `codegen-tile-loops`: the tile loops codegen-vectorize marked worth running
// on threads become scf.parallel (for convert-scf-to-openmp) with `parallel`;
// without it the marks are dropped. Loops with vector bodies are told not to
// be unrolled by LLVM.
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "VectorizeInternal.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENTILELOOPS
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;
using namespace mlir::nn::vectorize;

namespace {

struct CodegenTileLoopsPass
    : nn::impl::CodegenTileLoopsBase<CodegenTileLoopsPass> {
  using CodegenTileLoopsBase::CodegenTileLoopsBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    IRRewriter rewriter(ctx);
    // The tile loops already hold register-sized bodies (a contraction's
    // outer products, whole-channel vectors): LLVM's unroller would only
    // multiply the code (and the compile time), so it is told not to.
    auto noUnroll = LLVM::LoopAnnotationAttr::get(
        ctx, /*disableNonforced=*/nullptr, /*vectorize=*/nullptr,
        /*interleave=*/nullptr,
        LLVM::LoopUnrollAttr::get(ctx, /*disable=*/BoolAttr::get(ctx, true),
                                  nullptr, nullptr, nullptr, nullptr, nullptr,
                                  nullptr),
        /*unrollAndJam=*/nullptr, /*licm=*/nullptr, /*distribute=*/nullptr,
        /*pipeline=*/nullptr, /*peeled=*/nullptr, /*unswitch=*/nullptr,
        /*mustProgress=*/nullptr, /*isVectorized=*/nullptr,
        /*startLoc=*/nullptr, /*endLoc=*/nullptr, /*parallelAccesses=*/{});
    // Threads: marked tile loops (no loop-carried values, more than one
    // iteration) become scf.parallel, for convert-scf-to-openmp. Each
    // iteration computes its own output slice with the same operations in
    // the same order, so results do not depend on the thread count.
    if (parallel) {
      SmallVector<scf::ForOp> marked;
      func.walk([&](scf::ForOp loop) {
        if (loop->hasAttr(kParallelAttr))
          marked.push_back(loop);
      });
      for (scf::ForOp loop : marked) {
        loop->removeAttr(kParallelAttr);
        if (loop.getNumRegionIterArgs() != 0 ||
            loop->getParentOfType<scf::ParallelOp>() ||
            loop->getParentOfType<scf::ForallOp>())
          continue;
        std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
        std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
        std::optional<int64_t> step = getConstantIntValue(loop.getStep());
        if (lb && ub && step && *ub - *lb <= *step)
          continue;
        // Few iterations (the 3 kernel rows of a weight gradient split 2:1
        // over two cores) take in the perfectly nested constant tile loops
        // below, as one loop over their linearized index.
        auto trips = [](scf::ForOp l) -> std::optional<int64_t> {
          std::optional<int64_t> lo = getConstantIntValue(l.getLowerBound());
          std::optional<int64_t> hi = getConstantIntValue(l.getUpperBound());
          std::optional<int64_t> st = getConstantIntValue(l.getStep());
          if (!lo || !hi || !st || *st <= 0 || *hi <= *lo)
            return std::nullopt;
          return (*hi - *lo + *st - 1) / *st;
        };
        SmallVector<scf::ForOp> nest = {loop};
        int64_t total = trips(loop).value_or(0);
        while (total > 0 && total < 16) {
          Block *b = nest.back().getBody();
          auto inner = dyn_cast<scf::ForOp>(&b->front());
          if (!inner || b->getOperations().size() != 2 ||
              inner.getNumRegionIterArgs() != 0 || !trips(inner))
            break;
          nest.push_back(inner);
          total *= *trips(inner);
        }
        Location loc = loop.getLoc();
        rewriter.setInsertionPoint(loop);
        scf::ParallelOp par;
        if (nest.size() == 1) {
          par = scf::ParallelOp::create(
              rewriter, loc, ValueRange{loop.getLowerBound()},
              ValueRange{loop.getUpperBound()}, ValueRange{loop.getStep()});
        } else {
          par = scf::ParallelOp::create(
              rewriter, loc,
              ValueRange{arith::ConstantIndexOp::create(rewriter, loc, 0)},
              ValueRange{arith::ConstantIndexOp::create(rewriter, loc, total)},
              ValueRange{arith::ConstantIndexOp::create(rewriter, loc, 1)});
        }
        Block *body = par.getBody();
        rewriter.eraseOp(body->getTerminator());
        SmallVector<Value> ivs;
        if (nest.size() == 1) {
          ivs.push_back(body->getArgument(0));
        } else {
          // iv_i = lb_i + ((index / inner trips) mod trips_i) * step_i.
          rewriter.setInsertionPointToStart(body);
          int64_t inner = total;
          for (scf::ForOp l : nest) {
            int64_t t = *trips(l);
            inner /= t;
            auto c = [&](int64_t v) {
              return arith::ConstantIndexOp::create(rewriter, loc, v);
            };
            Value q = arith::DivUIOp::create(rewriter, loc,
                                             body->getArgument(0), c(inner));
            Value r = arith::RemUIOp::create(rewriter, loc, q, c(t));
            Value scaled = arith::MulIOp::create(
                rewriter, loc, r, c(*getConstantIntValue(l.getStep())));
            ivs.push_back(arith::AddIOp::create(
                rewriter, loc, scaled,
                c(*getConstantIntValue(l.getLowerBound()))));
          }
        }
        rewriter.inlineBlockBefore(nest.back().getBody(), body, body->end(),
                                   ValueRange{ivs.back()});
        for (unsigned i = 0; i + 1 < nest.size(); ++i)
          rewriter.replaceAllUsesWith(nest[i].getInductionVar(), ivs[i]);
        auto yield = cast<scf::YieldOp>(body->getTerminator());
        rewriter.setInsertionPoint(yield);
        rewriter.replaceOpWithNewOp<scf::ReduceOp>(yield);
        rewriter.eraseOp(loop);
      }
    } else {
      // Without threads the block marks are of no use either.
      func.walk([&](scf::ForOp loop) {
        loop->removeAttr(kParallelAttr);
        loop->removeAttr(kReductionBlocksAttr);
      });
    }
    // The blocks of images of codegen-block-images: worth threads (marked),
    // one scf.parallel; else one scf.for.
    SmallVector<scf::ForallOp> blocks;
    func.walk([&](scf::ForallOp loop) { blocks.push_back(loop); });
    for (scf::ForallOp loop : blocks) {
      rewriter.setInsertionPoint(loop);
      bool threads = parallel && loop->hasAttr(kParallelAttr);
      if (failed(threads ? scf::forallToParallelLoop(rewriter, loop)
                         : scf::forallToForLoop(rewriter, loop))) {
        loop.emitError("codegen-tile-loops: cannot lower the blocks' loop");
        return signalPassFailure();
      }
    }
    func.walk([&](scf::ForOp loop) {
      bool vectorBody = false;
      loop.getBody()->walk([&](Operation *op) {
        if (isa<vector::VectorDialect>(op->getDialect()))
          vectorBody = true;
      });
      if (vectorBody)
        loop->setAttr("loop_annotation", noUnroll);
    });
  }
};

} // namespace
