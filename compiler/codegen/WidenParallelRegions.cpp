//===- WidenParallelRegions.cpp - one team for a cache-blocked loop -------===//
//
// `codegen-widen-parallel-regions`: a contraction blocked along its reduction
// (codegen-plan-tiles' outer_dim: a weight gradient's batch, one or a few
// examples a block) runs its parallel tile loop once per block. After
// convert-scf-to-openmp that is an omp.parallel inside a sequential scf.for:
// one fork and join of the thread team per block (16 a call for each of the
// text CNN's weight gradients, 14 for the Fashion CNN's dense layer). The
// region is moved out to hold the whole loop: every thread runs the loop's
// index arithmetic itself and shares the iterations of each worksharing
// loop, whose closing barrier orders the blocks as before (unless it can go:
// below). Each output tile gets the same operations in the same order, so
// the results do not change.
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "VectorizeInternal.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENWIDENPARALLELREGIONS
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;
using mlir::nn::vectorize::kReductionBlocksAttr;

namespace {

/// True if every thread of a team can run `block`: worksharing loops (every
/// thread meets the same ones, in the same order), ops that only compute
/// values, and loops that carry none over such blocks (a region widened
/// before).
bool teamRunnable(Block &block) {
  for (Operation &op : block.without_terminator()) {
    if (isa<omp::WsloopOp>(op))
      continue;
    if (auto loop = dyn_cast<scf::ForOp>(op)) {
      if (loop.getNumRegionIterArgs() != 0 || !teamRunnable(*loop.getBody()))
        return false;
      continue;
    }
    if (op.getNumRegions() != 0 || !isMemoryEffectFree(&op))
      return false;
  }
  return true;
}

/// The omp.parallel regions in `loop`'s body, if they can be one region
/// holding the loop instead: the loop carries no values, its other ops only
/// compute values, and the team can run each region's body, which has no
/// clauses.
SmallVector<omp::ParallelOp> widenable(scf::ForOp loop) {
  SmallVector<omp::ParallelOp> regions;
  if (loop.getNumRegionIterArgs() != 0)
    return {};
  for (Operation &op : loop.getBody()->without_terminator()) {
    auto region = dyn_cast<omp::ParallelOp>(op);
    if (!region) {
      if (op.getNumRegions() != 0 || !isMemoryEffectFree(&op))
        return {};
      continue;
    }
    // Clauses (num_threads, if, private or reduction values) would be
    // dropped or dangle: convert-scf-to-openmp makes none here.
    if (!region.getRegion().hasOneBlock() ||
        region.getRegion().front().getNumArguments() != 0 ||
        region->getNumOperands() != 0 || region.getProcBindKindAttr() ||
        !teamRunnable(region.getRegion().front()))
      return {};
    regions.push_back(region);
  }
  return regions;
}

/// Makes the first of `regions` hold `loop`: omp.parallel { scf.for { <the
/// loop's body, each region's body in its place> } }. The others go.
omp::ParallelOp widen(scf::ForOp loop, ArrayRef<omp::ParallelOp> regions) {
  for (omp::ParallelOp region : regions) {
    Block &body = region.getRegion().front();
    for (Operation &op : llvm::make_early_inc_range(body.without_terminator()))
      op.moveBefore(region);
  }
  omp::ParallelOp team = regions.front();
  for (omp::ParallelOp region : regions.drop_front())
    region->erase();
  team->moveBefore(loop);
  loop->moveBefore(team.getRegion().front().getTerminator());
  return team;
}

struct CodegenWidenParallelRegionsPass
    : nn::impl::CodegenWidenParallelRegionsBase<
          CodegenWidenParallelRegionsPass> {
  void runOnOperation() override {
    // Inner loops first: a region widened over one can widen over the next.
    SmallVector<scf::ForOp> loops;
    getOperation().walk<WalkOrder::PostOrder>([&](scf::ForOp loop) {
      if (!loop->getParentOfType<omp::ParallelOp>())
        loops.push_back(loop);
    });
    SetVector<Operation *> teams;
    for (scf::ForOp loop : loops) {
      SmallVector<omp::ParallelOp> regions = widenable(loop);
      if (regions.empty())
        continue;
      for (omp::ParallelOp region : regions)
        teams.remove(region);
      teams.insert(widen(loop, regions));
    }
    // A team whose loops are all blocks of one contraction's reduction
    // (codegen-vectorize marks them) and whose worksharing loops' bounds do
    // not change from block to block: statically scheduled, each thread gets
    // the same iterations (output tiles) of each loop in every block, and a
    // block adds into the same tiles as the one before. The loops are the
    // parts of that contraction's tile loops (the full tiles and the peeled
    // remainder of rows known only at run time), which write disjoint tiles. No
    // thread reads what another writes, and the barriers after them can go (the
    // region's closing one remains): the Fashion CNN's dense layer, full tiles
    // and a remainder loop in each of 56 blocks, waited at 112 barriers a call.
    // Other loops keep the barrier: an iteration may read what another thread
    // wrote in the one before.
    for (Operation *team : teams) {
      SmallVector<omp::WsloopOp> shared;
      bool blocks = true;
      team->walk([&](Operation *op) {
        if (auto ws = dyn_cast<omp::WsloopOp>(op))
          shared.push_back(ws);
        else if (isa<scf::ForOp>(op) && !op->getParentOfType<omp::WsloopOp>() &&
                 !op->hasAttr(kReductionBlocksAttr))
          blocks = false;
      });
      if (!blocks || shared.empty())
        continue;
      bool invariant = llvm::all_of(shared, [&](omp::WsloopOp ws) {
        auto nest = dyn_cast<omp::LoopNestOp>(ws.getWrappedLoop());
        return nest && llvm::none_of(nest->getOperands(), [&](Value v) {
                 return team->isAncestor(v.getParentBlock()->getParentOp());
               });
      });
      if (!invariant)
        continue;
      for (omp::WsloopOp ws : shared) {
        ws.setNowait(true);
        ws.setScheduleKindAttr(omp::ClauseScheduleKindAttr::get(
            &getContext(), omp::ClauseScheduleKind::Static));
      }
    }
    getOperation().walk(
        [](scf::ForOp loop) { loop->removeAttr(kReductionBlocksAttr); });
  }
};

} // namespace
