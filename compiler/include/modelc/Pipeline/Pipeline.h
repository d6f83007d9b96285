//===- Pipeline.h - the phases from nn to machine code ----------*- C++ -*-===//
#ifndef MODELC_PIPELINE_PIPELINE_H
#define MODELC_PIPELINE_PIPELINE_H

#include "modelc/Frontend/Model.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "mlir/Support/Timing.h"
#include "modelc/Codegen/TargetModel.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class Module;
class LLVMContext;
} // namespace llvm

namespace modelc {

/// Registers every modelc pass (nn transforms and conversions) by name.
void registerModelcPasses();

/// Phases, in pipeline order; `--emit` stops after one of them.
enum class Phase { NN, NNTrain, Linalg, Loops, LLVM };

struct PipelineOptions {
  bool printIRAfterAll = false;
  /// Pass arguments (`nn-build-train-step`) to print the IR after / before.
  std::vector<std::string> printIRAfter, printIRBefore;
  bool inferenceOnly = false;
  /// Run the outermost parallel tile loops on OpenMP threads.
  bool threads = true;
  /// Fuse element-wise chains, contraction epilogues and the optimizer
  /// updates (off: every op is its own loop nest, for checking that fusion
  /// changes nothing).
  bool fusion = true;
  /// Time each kernel (codegen-outline-kernels{profile}) for `bench --profile`.
  bool profile = false;
  /// Which convolutions run as Winograd, F(2x2, 3x3) or along the rows
  /// (nn-select-conv-algorithm): auto, winograd, winograd-rows or direct.
  std::string convAlgorithm = "auto";
  /// The L2 size to plan for instead of the target's (--l2-bytes); 0: the
  /// target's.
  int64_t l2BytesGiven = 0;
  /// What the tile planner knows of the target CPU (see describeTarget).
  mlir::nn::TargetModel target;
  /// Where each number came from, for --print-pipeline.
  std::string targetNotes;
  /// Where runPhases times each pass (--time-report); none when null.
  mlir::TimingScope *timing = nullptr;
};

/// Sets `options`' target model for `cpu` ("native" = the host) from LLVM's
/// description of it: vector width and register count from the subtarget's
/// features, FMA latency and FMA and load throughput from its scheduling
/// model (the instructions a contraction kernel issues), the L1 and L2 sizes
/// from the operating system for "native", from a table of documented sizes
/// for a named CPU and from LLVM's cost model for a generic one.
mlir::LogicalResult describeTarget(const std::string &cpu,
                                   PipelineOptions &options,
                                   std::string &error);

/// The textual pass pipeline that takes a module from the phase before
/// `phase` to `phase` (empty for NN).
std::string pipelineFor(Phase phase, const PipelineOptions &options);

/// The argument of every pass the whole pipeline runs for `options`, in
/// order, nested passes included (for --print-ir-after/before).
std::vector<std::string> pipelinePassNames(const PipelineOptions &options);

/// The phase a module has been through, read off what it holds (llvm.func
/// only: LLVM; no state layout yet: NN; nn ops: NNTrain; tensors: Linalg;
/// else Loops), so an .mlir file of any stage can be compiled on.
Phase phaseOf(mlir::ModuleOp module);

/// The name --emit gives a phase ("nn", "nn-train", "linalg", ...).
const char *phaseName(Phase phase);

/// Runs the phases after `from` up to and including `to`.
mlir::LogicalResult runPhases(mlir::ModuleOp module, Phase from, Phase to,
                              const PipelineOptions &options);

/// The `modelc_model_info` JSON of docs/RUNTIME_ABI.md, from a module at
/// any stage from `nn-build-entry-points` on (its attributes and entry
/// points); an error on the module when it has none.
mlir::FailureOr<std::string> buildModelInfo(mlir::ModuleOp module);

/// The values of the variables initialized by imported values
/// (`init = {kind = "values", value = ...}`), one after another in the state
/// layout's order: the `modelc_initial_values` the model info's offsets
/// point into. Empty when no variable has any; a failure (with `error`)
/// when some value is not present as f32 data.
mlir::FailureOr<std::vector<float>> collectInitialValues(mlir::ModuleOp module,
                                                         std::string &error);

/// LLVM dialect -> LLVM IR with the runtime ABI (entry wrappers, the
/// model-info string and the imported initial values) added.
std::unique_ptr<llvm::Module> translateToLLVMIR(mlir::ModuleOp module,
                                                llvm::LLVMContext &context,
                                                const std::string &modelInfo,
                                                std::string &error);

enum class CodeGenFile { Assembly, Object };

/// Optimizes at O3 for `cpu` ("native" = the host) and writes assembly or an
/// object file to `path`.
/// `timing` (--time-report) gets the optimizer's and code generator's time.
mlir::LogicalResult emitCode(llvm::Module &module, const std::string &cpu,
                             CodeGenFile kind, const std::string &path,
                             std::string &error,
                             mlir::TimingScope *timing = nullptr);
/// Only the O3 optimization (for --emit=llvm-ir).
mlir::LogicalResult optimizeModule(llvm::Module &module, const std::string &cpu,
                                   std::string &error);

/// Optimizes at O3 for `cpu` and writes object files for an executable: the
/// module split into up to `threads` parts compiled in parallel, with the
/// same results as one part. Part 0 is `module` itself: it loses the other
/// parts' definitions and is optimized in place. Appends each temporary
/// object to `objects` as soon as it exists; the caller removes them, also
/// on failure.
mlir::LogicalResult emitObjects(llvm::Module &module, const std::string &cpu,
                                unsigned threads,
                                llvm::SmallVectorImpl<std::string> &objects,
                                std::string &error,
                                mlir::TimingScope *timing = nullptr);

/// Links objects with the runtime into an executable (the system's
/// clang++ driver, as compilers do), atomically.
/// `openmp`: the code uses OpenMP threads (links LLVM's libomp).
/// `mpi`: data-parallel training (links the runtime's MPI part and libmpi).
mlir::LogicalResult linkExecutable(llvm::ArrayRef<std::string> objects,
                                   const std::string &output,
                                   const std::string &argv0, bool openmp,
                                   bool mpi, std::string &error);

} // namespace modelc

#endif
