//===- Phases.cpp - the pass pipeline of each phase -----------------------===//
//
// Each phase is a textual pipeline, so `--emit=<phase>` output can be
// reproduced step by step with modelc-opt and the same pass names.
//
//===----------------------------------------------------------------------===//
#include "modelc/Pipeline/Pipeline.h"

#include "modelc/Dialect/NN/NNDialect.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {
/// A pass option's number, shortest form ("2", "0.5").
std::string number(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", value);
  return text;
}

std::string join(const std::vector<std::string> &passes) {
  std::string text;
  for (const std::string &p : passes)
    text += (text.empty() ? "" : ",") + p;
  return text;
}
} // namespace

std::string modelc::pipelineFor(Phase phase, const PipelineOptions &options) {
  switch (phase) {
  case Phase::NN:
    return "";
  case Phase::NNTrain: {
    // With --profile, bench --profile also reports each layer's GFLOP/s.
    std::string entryPoints = options.profile
                                  ? "nn-build-entry-points{record-work=true}"
                                  : "nn-build-entry-points";
    // An inference-only build has no train step and folds batch norms.
    // Without fusion every variable keeps its own optimizer update.
    // (One pass name per line, never split, so that grep finds each.)
    // First, while @forward is still the model as written: the ONNX graph
    // the executable's `export` writes.
    if (options.inferenceOnly)
      return join({"nn-record-onnx-graph", "nn-specialize-mode",
                   "nn-fold-batch-norm", entryPoints});
    std::vector<std::string> passes = {"nn-record-onnx-graph",
                                       "nn-build-train-step"};
    if (options.fusion)
      passes.insert(passes.end(),
                    {"nn-flatten-optimizer", "nn-pool-before-relu",
                     "nn-relu-grad-from-output"});
    passes.insert(passes.end(),
                  {"nn-specialize-mode", "nn-fold-batch-norm", entryPoints});
    return join(passes);
  }
  case Phase::Linalg:
    return join(
        {"nn-select-conv-algorithm{algorithm=" + options.convAlgorithm +
             " l2-bytes=" + std::to_string(options.target.l2Bytes) + "}",
         "convert-nn-to-linalg",
         options.fusion ? "func.func(canonicalize,nn-fuse-elementwise,cse)"
                        : "func.func(canonicalize,cse)"});
  case Phase::Loops: {
    // With threads, the vectorizer's outermost parallel tile loops become
    // scf.parallel and then OpenMP worksharing loops. The planner holds the
    // target's numbers; codegen-vectorize carries out its plans.
    std::string vectorize =
        "codegen-plan-tiles{vector-lanes=" +
        std::to_string(options.target.lanes) +
        " vector-registers=" + std::to_string(options.target.vectorRegisters) +
        " accumulator-registers=" +
        std::to_string(options.target.accumulatorRegisters) +
        " fma-latency=" + std::to_string(options.target.fmaLatency) +
        " fmas-per-cycle=" + number(options.target.fmasPerCycle) +
        " loads-per-cycle=" + number(options.target.loadsPerCycle) +
        " l1-bytes=" + std::to_string(options.target.l1Bytes) +
        " l2-bytes=" + std::to_string(options.target.l2Bytes) +
        " l2-bytes-per-cycle=" +
        std::to_string(options.target.l2BytesPerCycle) +
        "},codegen-fuse-epilogues{enabled=" +
        (options.fusion ? "true" : "false") + "},codegen-vectorize";
    std::vector<std::string> passes;
    // Chains of per-image ops, one L2-sized block of images at a time.
    if (options.fusion)
      passes.push_back(
          "func.func(codegen-block-images{l2-bytes=" +
          std::to_string(options.target.l2Bytes) +
          " vector-lanes=" + std::to_string(options.target.lanes) +
          " fmas-per-cycle=" + number(options.target.fmasPerCycle) + "})");
    passes.insert(passes.end(),
                  {"codegen-unshare-fills",
                   "func.func(codegen-concat-in-place,codegen-pad-in-place)",
                   "codegen-eliminate-empty-tensors",
                   "one-shot-bufferize{bufferize-function-boundaries "
                   "function-boundary-type-conversion=identity-layout-map}",
                   "buffer-deallocation-pipeline",
                   // The pipeline's threads then start on the train step.
                   "codegen-longest-first",
                   // The CPU code generator (--print-pipeline shows the
                   // target's numbers in codegen-plan-tiles's options).
                   std::string("func.func(codegen-copies-to-linalg,") +
                       (options.threads ? "codegen-split-reductions," : "") +
                       vectorize +
                       ",codegen-lower-vectors,codegen-tile-loops{parallel=" +
                       (options.threads ? "true" : "false") +
                       "},convert-linalg-to-loops,canonicalize,cse)",
                   "codegen-longest-first{restore=true}"});
    if (options.threads)
      passes.insert(passes.end(),
                    {"convert-scf-to-openmp",
                     "func.func(codegen-widen-parallel-regions)"});
    passes.push_back(options.profile ? "codegen-outline-kernels{profile=true}"
                                     : "codegen-outline-kernels");
    return join(passes);
  }
  case Phase::LLVM:
    // memref before scf-to-cf: the OpenMP regions hold alloca scopes. Heap
    // buffers come from the runtime's allocator (runtime/lib/alloc.cpp).
    // scf-to-cf without rollback: each loop splits its block, and the
    // rollback log made that quadratic in a train step's length (a
    // 200-layer MLP: 14.8 s and 3.7 GB, 1.1 s and 0.3 GB without; the
    // output is the same). The rewrites that stay inside a function run on
    // each function, on all threads (after codegen-outline-kernels there
    // are many of similar size); conversions that may add declarations to
    // the module (vector.print's printf) or meet ops outside functions see
    // the whole module. convert-to-llvm converts the OpenMP ops too.
    return "func.func(expand-strided-metadata,lower-affine),"
           "convert-vector-to-llvm,"
           "finalize-memref-to-llvm{use-generic-functions=true},"
           "func.func(convert-scf-to-cf{allow-pattern-rollback=false}),"
           "convert-to-llvm,reconcile-unrealized-casts";
  }
  return "";
}

std::vector<std::string>
modelc::pipelinePassNames(const PipelineOptions &options) {
  // The textual pipelines name every pass; what is not a pass is an op
  // name of a nesting (`func.func(`) or a pass's `{options}`.
  std::vector<std::string> names;
  for (int p = static_cast<int>(Phase::NN); p <= static_cast<int>(Phase::LLVM);
       ++p) {
    std::string text = pipelineFor(static_cast<Phase>(p), options), word;
    int braces = 0;
    for (char c : text + ",") {
      braces += c == '{' ? 1 : c == '}' ? -1 : 0;
      if (braces > 0 || c == '}')
        continue;
      if (c == ',' || c == '(' || c == ')') {
        if (!word.empty() && c != '(' && !llvm::is_contained(names, word))
          names.push_back(word);
        word.clear();
      } else if (c != ' ') {
        word += c;
      }
    }
  }
  return names;
}

modelc::Phase modelc::phaseOf(ModuleOp module) {
  bool funcs = false, llvmFuncs = false;
  for (Operation &op : *module.getBody()) {
    if (auto fn = dyn_cast<func::FuncOp>(op))
      funcs |= !fn.isExternal();
    llvmFuncs |= isa<LLVM::LLVMFuncOp>(op);
  }
  if (llvmFuncs && !funcs)
    return Phase::LLVM;
  if (!module->hasAttr("nn.state_layout"))
    return Phase::NN;
  bool nnOps = false, tensors = false;
  module.walk([&](Operation *op) {
    // Collectives stay nn ops until bufferization (nn.replica_reduce).
    nnOps |= isa<nn::NNDialect>(op->getDialect()) &&
             !isa<bufferization::BufferizableOpInterface>(op);
    tensors |= llvm::any_of(op->getResultTypes(), llvm::IsaPred<TensorType>);
  });
  return nnOps ? Phase::NNTrain : tensors ? Phase::Linalg : Phase::Loops;
}

const char *modelc::phaseName(Phase phase) {
  switch (phase) {
  case Phase::NN:
    return "nn";
  case Phase::NNTrain:
    return "nn-train";
  case Phase::Linalg:
    return "linalg";
  case Phase::Loops:
    return "loops";
  case Phase::LLVM:
    return "llvm";
  }
  return "?";
}

LogicalResult modelc::runPhases(ModuleOp module, Phase from, Phase to,
                                const PipelineOptions &options) {
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  if (options.timing)
    pm.enableTiming(*options.timing);
  if (options.printIRAfterAll || !options.printIRAfter.empty() ||
      !options.printIRBefore.empty()) {
    auto named = [](const std::vector<std::string> &names, Pass *pass) {
      return llvm::is_contained(names, pass->getArgument().str());
    };
    module.getContext()->disableMultithreading();
    pm.enableIRPrinting(
        /*shouldPrintBeforePass=*/
        [&options, named](Pass *pass, Operation *) {
          return named(options.printIRBefore, pass);
        },
        /*shouldPrintAfterPass=*/
        [&options, named](Pass *pass, Operation *) {
          return options.printIRAfterAll || named(options.printIRAfter, pass);
        },
        /*printModuleScope=*/true, /*printAfterOnlyOnChange=*/false);
  }
  std::string text;
  for (int p = static_cast<int>(from) + 1; p <= static_cast<int>(to); ++p) {
    std::string phase = pipelineFor(static_cast<Phase>(p), options);
    if (phase.empty())
      continue;
    text += (text.empty() ? "" : ",") + phase;
  }
  if (text.empty())
    return success();
  std::string errors;
  llvm::raw_string_ostream errStream(errors);
  if (failed(parsePassPipeline(text, pm, errStream))) {
    llvm::errs() << "modelc: internal error: bad pipeline: " << errors << "\n";
    return failure();
  }
  return pm.run(module);
}
