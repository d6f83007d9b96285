//===- OutlineKernels.cpp - each loop nest of an entry point a function ---===//
//
// `codegen-outline-kernels`: an entry point is one function holding every loop
// nest of the model, and LLVM's optimizer spends time superlinear in a
// function's size (dominator tree updates over its blocks): a 200-layer MLP
// took 25 s in O3, four times the 100-layer one. Each top-level loop nest
// becomes a function of its own, called once and never inlined, so the
// optimizer sees many small functions and its time grows with the model.
//
// Entry points repeat loop nests (inference and evaluation share the
// forward pass; so do the training forward pass and the train step): a
// kernel with the same argument types and body as one outlined before is
// not outlined again, its call goes to that one (the text CNN: 297 kernels,
// 143 distinct), and LLVM compiles each once.
//
//===----------------------------------------------------------------------===//
#include "modelc/Codegen/Passes.h"
#include "modelc/Dialect/NN/NNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::nn {
#define GEN_PASS_DEF_CODEGENOUTLINEKERNELS
#include "modelc/Codegen/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

struct CodegenOutlineKernelsPass
    : nn::impl::CodegenOutlineKernelsBase<CodegenOutlineKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    kernels.clear();
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
      for (auto [i, op] : llvm::enumerate(nests)) {
        SmallVector<StringRef> layers = layersOf(op);
        auto [callee, call] = outline(symbols, fn, op, i, last);
        if (func::FuncOp same = merge ? findOrAdd(callee) : nullptr) {
          call.setCallee(same.getSymName());
          symbols.erase(callee);
          callee = same;
        } else {
          last = callee;
        }
        if (profile)
          instrument(symbols, fn, callee, call, layers);
      }
    }
    distinct.clear();
    if (profile)
      module->setAttr("nn.kernels", ArrayAttr::get(&getContext(), kernels));
  }

  /// The layers a loop nest computes, in the order their names (a NameLoc,
  /// as IRGen gives each op) first appear among its ops' locations: those of
  /// the ops that read or write memory when there are any (a loop, or the
  /// index arithmetic of a block of images, carries the location of the op
  /// it was made from, not of the first that runs).
  static SmallVector<StringRef> layersOf(Operation *nest) {
    SmallVector<StringRef> all, accessing;
    nest->walk<WalkOrder::PreOrder>([&](Operation *op) {
      StringRef layer = nn::layerOf(op->getLoc());
      if (layer.empty())
        return;
      if (!llvm::is_contained(all, layer))
        all.push_back(layer);
      auto effects = dyn_cast<MemoryEffectOpInterface>(op);
      if (effects &&
          (effects.hasEffect<MemoryEffects::Read>() ||
           effects.hasEffect<MemoryEffects::Write>()) &&
          !llvm::is_contained(accessing, layer))
        accessing.push_back(layer);
    });
    return accessing.empty() ? all : accessing;
  }

  /// The kernel's layer is its one layer's name, or "first..last" when it
  /// computes several (the blocks of codegen-block-images; then `layers`
  /// lists them all).
  void instrument(SymbolTable &symbols, func::FuncOp entry, func::FuncOp callee,
                  func::CallOp call, ArrayRef<StringRef> layers) {
    OpBuilder b(&getContext());
    auto timer = [&](StringRef name) {
      if (auto fn = symbols.lookup<func::FuncOp>(name))
        return fn;
      b.setInsertionPointToStart(getOperation().getBody());
      auto fn = func::FuncOp::create(b, getOperation().getLoc(), name,
                                     b.getFunctionType({b.getI32Type()}, {}));
      fn.setPrivate();
      symbols.insert(fn);
      return fn;
    };
    func::FuncOp begin = timer("modelc_kernel_begin"),
                 end = timer("modelc_kernel_end");
    b.setInsertionPoint(call);
    Value id = arith::ConstantIntOp::create(b, call.getLoc(), b.getI32Type(),
                                            kernels.size());
    func::CallOp::create(b, call.getLoc(), begin, id);
    b.setInsertionPointAfter(call);
    func::CallOp::create(b, call.getLoc(), end, id);
    StringRef entryName = entry.getSymName();
    entryName.consume_front("modelc_");
    std::string layer = layers.empty() ? std::string()
                        : layers.size() == 1
                            ? layers.front().str()
                            : (layers.front() + ".." + layers.back()).str();
    SmallVector<NamedAttribute> fields = {
        b.getNamedAttr("name", b.getStringAttr(callee.getSymName())),
        b.getNamedAttr("entry", b.getStringAttr(entryName)),
        b.getNamedAttr("layer", b.getStringAttr(layer))};
    if (layers.size() > 1)
      fields.push_back(b.getNamedAttr(
          "layers", b.getStrArrayAttr(llvm::to_vector_of<StringRef>(layers))));
    kernels.push_back(b.getDictionaryAttr(fields));
  }

  SmallVector<Attribute> kernels;
  /// The kernels outlined so far that no other repeats, by bodyHash.
  DenseMap<llvm::hash_code, SmallVector<func::FuncOp>> distinct;

  /// A hash of the kernel's signature and ops (names, attributes, types, in
  /// order; not locations): equal for kernels that may be the same.
  static llvm::hash_code bodyHash(func::FuncOp kernel) {
    llvm::hash_code hash = hash_value(kernel.getFunctionType());
    kernel.getBody().walk([&](Operation *op) {
      hash = llvm::hash_combine(hash,
                                OperationEquivalence::computeHash(
                                    op, OperationEquivalence::ignoreHashValue,
                                    OperationEquivalence::ignoreHashValue,
                                    OperationEquivalence::IgnoreLocations));
    });
    return hash;
  }

  /// An earlier kernel that computes what `kernel` does: the same argument
  /// types and an equivalent body (ops, attributes and use-def structure).
  /// None if there is none; `kernel` is then recorded as distinct.
  func::FuncOp findOrAdd(func::FuncOp kernel) {
    SmallVector<func::FuncOp> &candidates = distinct[bodyHash(kernel)];
    for (func::FuncOp other : candidates)
      if (other.getFunctionType() == kernel.getFunctionType() &&
          OperationEquivalence::isRegionEquivalentTo(
              &other.getBody(), &kernel.getBody(),
              OperationEquivalence::IgnoreLocations))
        return other;
    candidates.push_back(kernel);
    return nullptr;
  }

  static unsigned countOps(Operation *root) {
    unsigned n = 0;
    root->walk([&](Operation *) { ++n; });
    return n;
  }

  /// Moves `op` into a new function `<fn>_k<index>`, placed after `after`,
  /// and calls it there; returns both. Values from above become arguments,
  /// except constants, which are cloned so the callee keeps folding with
  /// them.
  std::pair<func::FuncOp, func::CallOp> outline(SymbolTable &symbols,
                                                func::FuncOp fn, Operation *op,
                                                size_t index,
                                                Operation *after) {
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
    auto call = func::CallOp::create(b, op->getLoc(), callee, args);
    op->erase();
    return {callee, call};
  }
};

} // namespace
