//===- WidenParallelRegions.cpp - one team for a cache-blocked loop -------===//
//
// `codegen-widen-parallel-regions`: a contraction blocked along its reduction
// (codegen-plan-tiles' outer_dim: a weight gradient's batch, one or a few
// examples a block) runs its parallel tile loop once per block. After
// convert-scf-to-openmp that is an omp.parallel inside a sequential scf.for:
// one fork and join of the thread team per block (64 a call for the Fashion
// CNN's first weight gradient). The region is moved out to hold the whole
// loop: every thread runs the loop's index arithmetic itself and shares the
// iterations of each worksharing loop, whose closing barrier orders the
// blocks as before. Each output tile gets the same operations in the same
// order, so the results do not change.
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENWIDENPARALLELREGIONS
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

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

/// True if `region` (an omp.parallel inside `loop`) can hold `loop` instead:
/// the loop carries no values, everything else in its body only computes
/// values, the team can run the region's body, and the region's operands
/// are defined outside the loop.
bool canWiden(scf::ForOp loop, omp::ParallelOp region) {
  if (loop.getNumRegionIterArgs() != 0 || !region.getRegion().hasOneBlock() ||
      !teamRunnable(region.getRegion().front()))
    return false;
  for (Operation &op : loop.getBody()->without_terminator())
    if (&op != region.getOperation() &&
        (op.getNumRegions() != 0 || !isMemoryEffectFree(&op)))
      return false;
  return llvm::all_of(region->getOperands(), [&](Value v) {
    return !loop->isAncestor(v.getParentBlock()->getParentOp());
  });
}

/// Moves `region` out of `loop` to hold it: omp.parallel { scf.for {
/// <the loop's body, with the region's body in its place> } }.
void widen(scf::ForOp loop, omp::ParallelOp region) {
  Block &body = region.getRegion().front();
  SmallVector<Operation *> moved;
  for (Operation &op : body.without_terminator())
    moved.push_back(&op);
  Operation *anchor = region->getNextNode();
  region->moveBefore(loop);
  loop->moveBefore(body.getTerminator());
  for (Operation *op : moved)
    op->moveBefore(anchor);
}

struct CodegenWidenParallelRegionsPass
    : nn::impl::CodegenWidenParallelRegionsBase<
          CodegenWidenParallelRegionsPass> {
  void runOnOperation() override {
    SmallVector<omp::ParallelOp> regions;
    getOperation().walk([&](omp::ParallelOp region) {
      if (!region->getParentOfType<omp::ParallelOp>())
        regions.push_back(region);
    });
    for (omp::ParallelOp region : regions) {
      SmallVector<omp::WsloopOp> shared(
          region.getRegion().front().getOps<omp::WsloopOp>());
      scf::ForOp outermost;
      while (auto loop = dyn_cast<scf::ForOp>(region->getParentOp())) {
        if (!canWiden(loop, region))
          break;
        widen(loop, region);
        outermost = loop;
      }
      if (!outermost)
        continue;
      // A worksharing loop whose bounds do not change from block to block,
      // statically scheduled, gives each thread the same iterations (the
      // same output tiles) in every block: no thread reads what another
      // writes, and the barrier after each block can go (the region's own
      // closing barrier remains).
      for (omp::WsloopOp ws : shared) {
        auto nest = dyn_cast<omp::LoopNestOp>(ws.getWrappedLoop());
        if (!nest || llvm::any_of(nest->getOperands(), [&](Value v) {
              return outermost->isAncestor(v.getParentBlock()->getParentOp());
            }))
          continue;
        ws.setNowait(true);
        ws.setScheduleKindAttr(omp::ClauseScheduleKindAttr::get(
            &getContext(), omp::ClauseScheduleKind::Static));
      }
    }
  }
};

} // namespace
