//===- OutlineKernels.cpp - each loop nest of an entry point a function ---===//
//
// `nn-outline-kernels`: an entry point is one function holding every loop
// nest of the model, and LLVM's optimizer spends time superlinear in a
// function's size (dominator tree updates over its blocks): a 200-layer MLP
// took 25 s in O3, four times the 100-layer one. Each top-level loop nest
// becomes a function of its own, called once and never inlined, so the
// optimizer sees many small functions and its time grows with the model.
//
//===----------------------------------------------------------------------===//
#include "modelc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::nn {
#define GEN_PASS_DEF_NNOUTLINEKERNELS
#include "modelc/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

struct NNOutlineKernelsPass
    : nn::impl::NNOutlineKernelsBase<NNOutlineKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> entries;
    for (auto fn : module.getOps<func::FuncOp>())
      if (!fn.isExternal() && fn->hasAttr("nn.abi"))
        entries.push_back(fn);
    for (func::FuncOp fn : entries) {
      SmallVector<Operation *> nests;
      for (Operation &op : fn.getBody().front())
        if (op.getNumRegions() > 0 && op.getNumResults() == 0 &&
            countOps(&op) >= minOps)
          nests.push_back(&op);
      Operation *last = fn;
      for (auto [i, op] : llvm::enumerate(nests))
        last = outline(symbols, fn, op, i, last);
    }
  }

  static unsigned countOps(Operation *root) {
    unsigned n = 0;
    root->walk([&](Operation *) { ++n; });
    return n;
  }

  /// Moves `op` into a new function `<fn>_k<index>`, placed after `after`,
  /// and calls it there. Values from above become arguments, except
  /// constants, which are cloned so the callee keeps folding with them.
  func::FuncOp outline(SymbolTable &symbols, func::FuncOp fn, Operation *op,
                       size_t index, Operation *after) {
    llvm::SetVector<Value> above;
    getUsedValuesDefinedAbove(op->getRegions(), above);
    above.insert(op->getOperands().begin(), op->getOperands().end());
    SmallVector<Value> args;
    SmallVector<Operation *> constants;
    for (Value v : above) {
      Operation *def = v.getDefiningOp();
      if (def && matchPattern(def, m_Constant()))
        constants.push_back(def);
      else
        args.push_back(v);
    }

    OpBuilder b(fn);
    b.setInsertionPointAfter(after);
    auto callee = func::FuncOp::create(
        b, op->getLoc(), (fn.getSymName() + "_k" + Twine(index)).str(),
        b.getFunctionType(ValueRange(args).getTypes(), {}));
    // Internal, so nothing of it is exported, and never inlined back.
    callee.setPrivate();
    callee->setAttr(
        "llvm.linkage",
        LLVM::LinkageAttr::get(b.getContext(), LLVM::Linkage::Internal));
    callee->setAttr("passthrough", b.getStrArrayAttr({"noinline"}));
    symbols.insert(callee);
    Block *body = callee.addEntryBlock();
    b.setInsertionPointToStart(body);
    IRMapping map;
    map.map(args, body->getArguments());
    for (Operation *c : constants)
      b.clone(*c, map);
    b.clone(*op, map);
    func::ReturnOp::create(b, op->getLoc());

    b.setInsertionPoint(op);
    func::CallOp::create(b, op->getLoc(), callee, args);
    op->erase();
    return callee;
  }
};

} // namespace
