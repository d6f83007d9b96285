//===- modelc.cpp - the model compiler driver -----------------------------===//
//
// modelc MODEL.(json|nn|onnx|mlir) [-o OUT] [--emit=KIND]: each --emit kind
// stops the pipeline after one named phase, so every stage can be read.
//
//===----------------------------------------------------------------------===//
#include "modelc/Dialect/NN/NNDialect.h"
#include "modelc/Dialect/NN/Replicas.h"
#include "modelc/Frontend/IRGen.h"
#include "modelc/Frontend/Model.h"
#include "modelc/Frontend/OnnxImport.h"
#include "modelc/Pipeline/Library.h"
#include "modelc/Pipeline/Pipeline.h"
#include "modelc/Pipeline/TempFiles.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace modelc;
namespace cl = llvm::cl;

namespace {

enum class Emit {
  Json,
  Dsl,
  NN,
  NNTrain,
  Info,
  Linalg,
  Loops,
  LLVM,
  LLVMIR,
  Asm,
  Obj,
  Lib,
  Exe
};

cl::OptionCategory category("modelc options");
cl::opt<std::string> inputFile(cl::Positional,
                               cl::desc("MODEL.(json|nn|onnx|mlir)"),
                               cl::Required, cl::cat(category));
cl::opt<std::string> outputFile("o", cl::desc("output file"),
                                cl::value_desc("OUT"), cl::init(""),
                                cl::cat(category));
cl::opt<Emit> emit(
    "emit", cl::desc("stop after a stage"), cl::init(Emit::Exe),
    cl::values(
        clEnumValN(Emit::Json, "json", "the parsed model, normalized, as JSON"),
        clEnumValN(Emit::Dsl, "dsl", "the parsed model, normalized, as DSL"),
        clEnumValN(Emit::NN, "nn", "the model in the nn dialect"),
        clEnumValN(Emit::NNTrain, "nn-train", "with the train step built"),
        clEnumValN(Emit::Info, "info",
                   "the model description the runtime reads (JSON)"),
        clEnumValN(Emit::Linalg, "linalg", "after lowering to linalg"),
        clEnumValN(Emit::Loops, "loops", "after tiling and vectorization"),
        clEnumValN(Emit::LLVM, "llvm", "the LLVM dialect"),
        clEnumValN(Emit::LLVMIR, "llvm-ir", "LLVM IR"),
        clEnumValN(Emit::Asm, "asm", "assembly for the target"),
        clEnumValN(Emit::Obj, "obj", "an object file"),
        clEnumValN(Emit::Lib, "lib",
                   "a C library: -o DIR gets <name>.h, lib<name>.a, "
                   "lib<name>.so, <name>.py"),
        clEnumValN(Emit::Exe, "exe", "a native executable (default)")),
    cl::cat(category));
cl::opt<std::string> libPrefix(
    "lib-prefix",
    cl::desc("prefix of every symbol of --emit=lib (default: the model's "
             "name)"),
    cl::value_desc("NAME"), cl::init(""), cl::cat(category));
cl::opt<bool> inferenceOnly("inference-only",
                            cl::desc("no training code; fold batch norm"),
                            cl::init(false), cl::cat(category));
cl::opt<bool> printIRAfterAll("print-ir-after-all",
                              cl::desc("print the IR after every pass, on "
                                       "stderr"),
                              cl::init(false), cl::cat(category));
cl::list<std::string>
    printIRAfter("print-ir-after",
                 cl::desc("print the IR after the named pass (e.g. "
                          "nn-build-train-step), on stderr; repeatable or "
                          "comma-separated"),
                 cl::value_desc("PASS"), cl::CommaSeparated, cl::cat(category));
cl::list<std::string>
    printIRBefore("print-ir-before",
                  cl::desc("print the IR before the named pass, on stderr"),
                  cl::value_desc("PASS"), cl::CommaSeparated,
                  cl::cat(category));
cl::opt<bool> parallel("parallel",
                       cl::desc("run the generated code on OpenMP threads "
                                "(the executable's --threads N picks how "
                                "many; default: all cores)"),
                       cl::init(true), cl::cat(category));
cl::opt<bool> fusion("fusion",
                     cl::desc("fuse element-wise chains, contraction "
                              "epilogues and optimizer updates (off: for "
                              "comparing numerics)"),
                     cl::init(true), cl::Hidden, cl::cat(category));
enum class ConvAlgorithm { Auto, Winograd, WinogradRows, Direct };
cl::opt<ConvAlgorithm> convAlgorithm(
    "conv-algorithm",
    cl::desc("how convolutions of stride 1 (no dilation, one group; along "
             "the rows only, for Winograd along the rows) compute their "
             "forward pass and gradients"),
    cl::values(
        clEnumValN(ConvAlgorithm::Auto, "auto",
                   "Winograd F(2x2, 3x3) for 3x3 kernels where both channel "
                   "counts are at least 32 and the transformed filter is at "
                   "most a quarter of the L2 (the forward pass and the input "
                   "gradient); else Winograd along the rows for at least 3 "
                   "kernel rows, products of at least 32 terms (forward: "
                   "kernel columns x input channels) into 16 outputs "
                   "(forward: filters), forward pass and both gradients; "
                   "direct elsewhere (default)"),
        clEnumValN(ConvAlgorithm::Winograd, "winograd",
                   "Winograd F(2x2, 3x3) wherever it applies"),
        clEnumValN(ConvAlgorithm::WinogradRows, "winograd-rows",
                   "Winograd along the rows (F(m, kh)) for every convolution "
                   "and gradient of row stride 1 and at most 7 kernel rows"),
        clEnumValN(ConvAlgorithm::Direct, "direct", "never Winograd")),
    cl::init(ConvAlgorithm::Auto), cl::cat(category));
cl::opt<bool> profile("profile",
                      cl::desc("time each compiled kernel, for the "
                               "executable's `bench --profile`"),
                      cl::init(false), cl::cat(category));
cl::opt<bool> printPipeline(
    "print-pipeline",
    cl::desc("print what the planner knows of --target-cpu (and where each "
             "number comes from) and each phase's pass pipeline, then stop"),
    cl::init(false), cl::cat(category));
cl::opt<bool> mpi("mpi",
                  cl::desc("data-parallel training under mpirun (SPEC 8): "
                           "the executable links Open MPI"),
                  cl::init(false), cl::cat(category));
cl::opt<bool> timeReport(
    "time-report",
    cl::desc("print on stderr the time each pass and each stage of the "
             "compilation took (LLVM's own passes: add --time-passes)"),
    cl::init(false), cl::cat(category));
cl::opt<std::string> targetCpu("target-cpu",
                               cl::desc("CPU to generate code for"),
                               cl::init("native"), cl::cat(category));
cl::opt<int64_t>
    l2Bytes("l2-bytes",
            cl::desc("plan for an L2 cache of N bytes per core, also for "
                     "--conv-algorithm=auto (default: this machine's for "
                     "--target-cpu=native, the documented one for a named CPU, "
                     "LLVM's for a generic one)"),
            cl::value_desc("N"), cl::init(0), cl::cat(category));
cl::opt<unsigned> codegenThreads(
    "codegen-threads",
    cl::desc("threads for LLVM's optimizer and code generator when building "
             "an executable (1: one object file, as --emit=obj)"),
    cl::init(2), cl::Hidden, cl::cat(category));

/// True if the module runs OpenMP: omp ops, or (lowered) calls of the
/// OpenMP runtime.
bool usesOpenMP(mlir::ModuleOp module) {
  bool found = false;
  module.walk([&](mlir::Operation *op) {
    if (op->getDialect() && op->getDialect()->getNamespace() == "omp")
      found = true;
    if (auto fn = llvm::dyn_cast<mlir::SymbolOpInterface>(op))
      found |= fn.getName().starts_with("__kmpc_");
    return found ? mlir::WalkResult::interrupt() : mlir::WalkResult::advance();
  });
  return found;
}

/// The pipeline phase an --emit kind needs done.
Phase phaseFor(Emit kind) {
  switch (kind) {
  case Emit::Json:
  case Emit::Dsl:
  case Emit::NN:
    return Phase::NN;
  case Emit::NNTrain:
  case Emit::Info:
    return Phase::NNTrain;
  case Emit::Linalg:
    return Phase::Linalg;
  case Emit::Loops:
    return Phase::Loops;
  default:
    return Phase::LLVM;
  }
}

int fail(const std::string &message) {
  llvm::errs() << "modelc: error: " << message << "\n";
  return 1;
}

int usageError(const std::string &message) {
  llvm::errs()
      << "modelc: error: " << message
      << "\nusage: modelc MODEL.(json|nn|onnx|mlir) [-o OUT] [--emit=KIND]; "
         "see modelc --help\n";
  return 2;
}

int failAt(const std::string &file, const Diagnostic &d) {
  if (d.loc.line == 0) // an imported model: no line to point at
    return fail(file + ": " + d.message);
  return fail(file + ":" + std::to_string(d.loc.line) + ":" +
              std::to_string(d.loc.col) + ": " + d.message);
}

/// Writes through a temporary file and a rename, so a failed run never
/// leaves a partial output behind.
int writeOutput(const std::string &path,
                llvm::function_ref<void(llvm::raw_ostream &)> write) {
  if (path.empty() || path == "-") {
    write(llvm::outs());
    llvm::outs().flush();
    return 0;
  }
  if (llvm::Error e = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
        write(os);
        return llvm::Error::success();
      }))
    return fail("cannot write '" + path + "': " + llvm::toString(std::move(e)));
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerAllPasses();
  registerModelcPasses();
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "modelc 0.1.0 (LLVM/MLIR " << LLVM_VERSION_STRING << ")\n";
  });
  cl::HideUnrelatedOptions(category);
  std::string cliErrors;
  llvm::raw_string_ostream cliErrStream(cliErrors);
  if (!cl::ParseCommandLineOptions(argc, argv,
                                   "modelc: compiles a neural network model "
                                   "to native code\n",
                                   &cliErrStream)) {
    llvm::errs() << cliErrors;
    llvm::errs()
        << "usage: modelc MODEL.(json|nn|onnx|mlir) [-o OUT] [--emit=KIND]; "
           "see modelc --help\n";
    return 2;
  }

  // --time-report: one tree of every stage, printed when this returns.
  mlir::DefaultTimingManager timingManager;
  timingManager.setEnabled(timeReport);
  timingManager.setDisplayMode(mlir::DefaultTimingManager::DisplayMode::Tree);
  mlir::TimingScope timing = timingManager.getRootScope();
  mlir::TimingScope frontEndTiming = timing.nest("front end");

  llvm::StringRef ext = llvm::sys::path::extension(inputFile);
  auto buffer = llvm::MemoryBuffer::getFile(inputFile,
                                            /*IsText=*/ext != ".onnx");
  if (!buffer)
    return fail("cannot read '" + inputFile +
                "': " + buffer.getError().message());
  if (ext != ".json" && ext != ".nn" && ext != ".onnx" && ext != ".mlir")
    return fail("'" + inputFile +
                "': unknown model file extension (expected "
                ".json, .nn, .onnx or .mlir)");
  if (!libPrefix.empty() && emit != Emit::Lib)
    return usageError("--lib-prefix applies to --emit=lib only");
  if (profile && emit == Emit::Lib)
    return usageError("--profile applies to executables (their `bench "
                      "--profile`), not to --emit=lib");
  if (mpi && emit == Emit::Lib)
    return usageError("--mpi builds an executable for mpirun, not --emit=lib");
  // (Below a few pages the planner's cache blocking means nothing.)
  if (l2Bytes.getNumOccurrences() &&
      (l2Bytes < 4096 || l2Bytes > (int64_t(1) << 30)))
    return usageError("--l2-bytes must be between 4096 and 1073741824, not " +
                      std::to_string(l2Bytes));
  if (ext == ".mlir" && (emit == Emit::Json || emit == Emit::Dsl))
    return usageError("--emit=json and --emit=dsl print a model file: give "
                      "the .json or .nn model, not IR");

  mlir::DialectRegistry registry;
  registry.insert<mlir::nn::NNDialect, mlir::func::FuncDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();

  // The module is the only hand-off between the front end and the rest: a
  // model file becomes an nn module, and an .mlir file of any stage (as
  // --emit prints it) goes on from that stage.
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::string modelName;
  bool threaded = parallel;
  Phase done = Phase::NN;
  if (ext == ".mlir") {
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
    mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);
    module = mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
    if (!module || failed(mlir::verify(*module)))
      return 1;
    done = phaseOf(*module);
    // The model description can be read at any stage.
    if (emit != Emit::Info &&
        static_cast<int>(done) > static_cast<int>(phaseFor(emit)))
      return fail(inputFile + " is at the " + phaseName(done) +
                  " stage; --emit asks for an earlier one");
    // Threads and kernel timers are built in the loops stage: past it, the
    // file decides, and a contradicting flag is an error.
    if (static_cast<int>(done) >= static_cast<int>(Phase::Loops)) {
      threaded = usesOpenMP(*module);
      bool timed = module->getOperation()->hasAttr("nn.kernels");
      if (profile && !timed)
        return fail(inputFile + " is past the loops stage, where --profile "
                                "adds the kernel timers; compile an earlier "
                                "stage with --profile");
      if (timed && emit == Emit::Lib)
        return usageError(inputFile + " was compiled with --profile, which "
                                      "applies to executables, not to "
                                      "--emit=lib");
    }
    modelName = module->getSymName() ? module->getSymName()->str()
                                     : llvm::sys::path::stem(inputFile).str();
  } else {
    std::string text = (*buffer)->getBuffer().str();
    Diagnostic diag;
    std::optional<ParsedModel> parsed;
    if (ext == ".onnx") {
      std::string error;
      parsed = importOnnxModel(inputFile, text, error);
      if (!parsed)
        return fail(error);
    } else {
      parsed = ext == ".json" ? parseJsonModel(inputFile, text, diag)
                              : parseDslModel(inputFile, text, diag);
      if (parsed && isOnnxWrapper(*parsed))
        parsed = importOnnxWrapper(*parsed, diag);
      if (!parsed)
        return failAt(inputFile, diag);
    }
    std::optional<Model> model = analyzeModel(*parsed, diag);
    if (!model)
      return failAt(inputFile, diag);
    if (emit == Emit::Json)
      return writeOutput(outputFile, [&](llvm::raw_ostream &os) {
        os << printJsonModel(*model);
      });
    if (emit == Emit::Dsl)
      return writeOutput(outputFile, [&](llvm::raw_ostream &os) {
        os << printDslModel(*model);
      });
    module = buildNNModule(context, *model);
    if (failed(mlir::verify(*module)))
      return fail("internal error: the generated nn IR does not verify");
    modelName = model->name;
  }
  frontEndTiming.stop();
  std::string prefix = libPrefix.empty() ? modelName : libPrefix.getValue();
  if (emit == Emit::Lib) {
    if (outputFile.empty() || outputFile == "-")
      return usageError("--emit=lib writes a folder: give -o DIR");
    if (!libPrefix.empty() && !isCIdentifier(prefix))
      return usageError("--lib-prefix '" + prefix +
                        "' is not a C identifier (letters, digits, '_')");
    if (!isCIdentifier(prefix))
      return fail(inputFile + ": model name '" + prefix +
                  "' is not a C identifier; give --lib-prefix=NAME for the "
                  "library's symbols");
  }

  auto printModule = [&](llvm::raw_ostream &os) {
    module->print(os);
    os << "\n";
  };
  // Data-parallel code (collectives in the train step) is built from the
  // nn stage on; past it, the file decides.
  bool dataParallel = mlir::nn::inDataParallelModule(*module);
  if (mpi && !dataParallel) {
    if (done != Phase::NN)
      return fail(inputFile + " is past the nn stage, where --mpi adds the "
                              "collectives; compile an earlier stage with "
                              "--mpi");
    module->getOperation()->setAttr(mlir::nn::kDataParallelAttr,
                                    mlir::UnitAttr::get(&context));
    dataParallel = true;
  }
  if (dataParallel && emit == Emit::Lib)
    return usageError(inputFile + " was compiled with --mpi, which builds "
                                  "executables, not --emit=lib");
  if (emit == Emit::NN)
    return writeOutput(outputFile, printModule);

  PipelineOptions options;
  options.printIRAfterAll = printIRAfterAll;
  options.printIRAfter.assign(printIRAfter.begin(), printIRAfter.end());
  options.printIRBefore.assign(printIRBefore.begin(), printIRBefore.end());
  options.inferenceOnly = inferenceOnly;
  options.threads = parallel;
  options.fusion = fusion;
  options.profile = profile;
  options.convAlgorithm = convAlgorithm == ConvAlgorithm::Winograd ? "winograd"
                          : convAlgorithm == ConvAlgorithm::WinogradRows
                              ? "winograd-rows"
                          : convAlgorithm == ConvAlgorithm::Direct ? "direct"
                                                                   : "auto";
  if (l2Bytes.getNumOccurrences())
    options.l2BytesGiven = l2Bytes;
  {
    std::string error;
    if (failed(describeTarget(targetCpu, options, error)))
      return fail(error);
  }
  if (printPipeline) {
    llvm::outs() << options.targetNotes;
    for (Phase phase :
         {Phase::NNTrain, Phase::Linalg, Phase::Loops, Phase::LLVM})
      llvm::outs() << phaseName(phase) << ": " << pipelineFor(phase, options)
                   << "\n";
    return 0;
  }
  // Pass names are checked against the pipeline these options build, so a
  // typo is not a silent no-op.
  for (const auto &[flag, list] :
       {std::pair{"print-ir-after", &options.printIRAfter},
        std::pair{"print-ir-before", &options.printIRBefore}}) {
    if (list->empty())
      continue;
    std::vector<std::string> names = pipelinePassNames(options);
    for (const std::string &pass : *list)
      if (!llvm::is_contained(names, pass)) {
        std::string known;
        for (const std::string &n : names)
          known += (known.empty() ? "" : ", ") + n;
        return usageError(std::string("--") + flag + "=" + pass +
                          ": no pass '" + pass + "' in modelc's pipeline" +
                          didYouMean(pass, names) + " (its passes: " + known +
                          ")");
      }
  }
  // A pass's error on a layer's op reads like the front end's:
  // FILE:LINE:COL: error: layer 'x': ... (the op's NameLoc).
  mlir::ScopedDiagnosticHandler layerDiagnostics(
      &context, [](mlir::Diagnostic &d) {
        mlir::Location loc = d.getLocation();
        std::string layer;
        if (auto name = llvm::dyn_cast<mlir::NameLoc>(loc)) {
          layer = name.getName().str();
          loc = name.getChildLoc();
        }
        auto file = llvm::dyn_cast<mlir::FileLineColLoc>(loc);
        if (!file)
          return mlir::failure(); // the default handler prints it
        const char *severity =
            d.getSeverity() == mlir::DiagnosticSeverity::Error     ? "error"
            : d.getSeverity() == mlir::DiagnosticSeverity::Warning ? "warning"
                                                                   : "note";
        llvm::errs() << file.getFilename().getValue() << ":" << file.getLine()
                     << ":" << file.getColumn() << ": " << severity << ": "
                     << (layer.empty() ? "" : "layer '" + layer + "': ")
                     << d.str() << "\n";
        return mlir::success();
      });
  // Runs the pipeline up to `to` (nothing when the module is there
  // already), then prints if that is the stage asked for.
  auto advance = [&](Phase to) -> bool {
    if (static_cast<int>(done) >= static_cast<int>(to))
      return true;
    mlir::TimingScope scope = timing.nest(std::string("to ") + phaseName(to));
    PipelineOptions timed = options;
    timed.timing = &scope;
    if (failed(runPhases(*module, done, to, timed)))
      return false;
    done = to;
    return true;
  };

  if (!advance(Phase::NNTrain))
    return fail("compilation failed in the nn phase");
  mlir::FailureOr<std::string> described = buildModelInfo(*module);
  if (failed(described))
    return 1;
  std::string modelInfo = *described;
  if (emit == Emit::NNTrain)
    return writeOutput(outputFile, printModule);
  if (emit == Emit::Info)
    return writeOutput(outputFile,
                       [&](llvm::raw_ostream &os) { os << modelInfo << "\n"; });
  if (!advance(Phase::Linalg))
    return fail("compilation failed while lowering to linalg");
  if (emit == Emit::Linalg)
    return writeOutput(outputFile, printModule);
  if (!advance(Phase::Loops))
    return fail("compilation failed while bufferizing");
  if (emit == Emit::Loops)
    return writeOutput(outputFile, printModule);
  if (!advance(Phase::LLVM))
    return fail("compilation failed while lowering to the LLVM dialect");
  if (emit == Emit::LLVM)
    return writeOutput(outputFile, printModule);
  // Again, for what the later phases added (the kernels of --profile).
  described = buildModelInfo(*module);
  if (failed(described))
    return 1;
  modelInfo = *described;

  llvm::LLVMContext llvmContext;
  std::string error;
  mlir::TimingScope translateTiming = timing.nest("to LLVM IR");
  std::unique_ptr<llvm::Module> llvmModule =
      translateToLLVMIR(*module, llvmContext, modelInfo, error);
  if (!llvmModule)
    return fail(error);
  translateTiming.stop();
  if (emit == Emit::LLVMIR) {
    if (failed(optimizeModule(*llvmModule, targetCpu, error)))
      return fail(error);
    return writeOutput(outputFile, [&](llvm::raw_ostream &os) {
      llvmModule->print(os, nullptr);
    });
  }
  if (emit == Emit::Asm || emit == Emit::Obj) {
    std::string out = outputFile;
    if (out.empty())
      out = emit == Emit::Asm ? "-" : modelName + ".o";
    // Write next to the target and rename: no partial output on failure.
    std::string temp = out == "-" ? "/dev/stdout" : tempNextTo(out);
    if (failed(emitCode(*llvmModule, targetCpu,
                        emit == Emit::Asm ? CodeGenFile::Assembly
                                          : CodeGenFile::Object,
                        temp, error, &timing))) {
      if (out != "-")
        removeTempFile(temp);
      return fail(error);
    }
    if (out != "-" && commitTempFile(temp, out))
      return fail("cannot write '" + out + "'");
    return 0;
  }

  // An executable or a library: object files in temporary files, then the
  // link. A library adds its typed entry points to the module first.
  std::string exe = outputFile.empty() ? modelName : outputFile.getValue();
  sweepStaleTempFiles(emit == Emit::Lib ? llvm::StringRef(outputFile)
                                        : llvm::sys::path::parent_path(exe));
  LibrarySignature sig;
  std::vector<std::string> typed;
  if (emit == Emit::Lib) {
    sig = parseLibrarySignature(modelInfo);
    typed = addTypedLibraryEntries(*llvmModule, sig, prefix);
  }
  llvm::SmallVector<std::string> objects;
  llvm::scope_exit removeObjects([&] {
    for (const std::string &object : objects)
      removeTempFile(object);
  });
  if (failed(emitObjects(*llvmModule, targetCpu, codegenThreads, objects, error,
                         &timing)))
    return fail(error);
  mlir::TimingScope linkTiming = timing.nest("link");
  if (emit == Emit::Lib) {
    if (failed(linkLibrary(
            objects, outputFile, modelName, prefix, typed,
            {{modelName + ".h", libraryHeader(sig, prefix, threaded)},
             {modelName + ".py", libraryPythonWrapper(sig, prefix)}},
            argv[0], threaded, error)))
      return fail(error);
    return 0;
  }
  if (failed(
          linkExecutable(objects, exe, argv[0], threaded, dataParallel, error)))
    return fail(error);
  return 0;
}
