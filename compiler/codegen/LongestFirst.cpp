//===- LongestFirst.cpp - the largest function first ----------------------===//
//
// `codegen-longest-first`: the pass manager's threads take a module's
// functions in order, so the largest goes first (longest-processing-time
// scheduling) and the others fill the remaining threads meanwhile. Each
// function remembers its place (`codegen.order`), and `{restore}` puts them
// back in that order, so the order of the entry points in what the compiler
// prints and in the model info does not depend on their sizes.
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENLONGESTFIRST
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kOrderAttr = "codegen.order";

struct CodegenLongestFirstPass
    : nn::impl::CodegenLongestFirstBase<CodegenLongestFirstPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Builder b(module.getContext());
    // (key, function): the size, negated to sort the largest first, or the
    // remembered place.
    SmallVector<std::pair<int64_t, func::FuncOp>> functions;
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (restore) {
        if (auto place = fn->getAttrOfType<IntegerAttr>(kOrderAttr)) {
          functions.push_back({place.getInt(), fn});
          fn->removeAttr(kOrderAttr);
        }
        continue;
      }
      if (fn.isExternal())
        continue;
      int64_t ops = 0;
      fn.walk([&](Operation *) { ++ops; });
      fn->setAttr(kOrderAttr, b.getI64IntegerAttr(functions.size()));
      functions.push_back({-ops, fn});
    }
    llvm::stable_sort(functions, [](const auto &x, const auto &y) {
      return x.first < y.first;
    });
    // To the end in that order, after the globals and declarations (a
    // module has no terminator).
    Block *body = module.getBody();
    for (auto &[key, fn] : functions)
      fn->moveBefore(body, body->end());
  }
};

} // namespace
