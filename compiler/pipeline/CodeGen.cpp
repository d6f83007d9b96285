//===- CodeGen.cpp - LLVM IR, the runtime ABI, and machine code -----------===//
#include "CodeGenImpl.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/StandardInstrumentations.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;

namespace {

/// `void modelc_entry_<name>(void **args)` calling the C interface with one
/// descriptor pointer per argument, so the runtime calls every entry point
/// the same way.
void addEntryWrapper(llvm::Module &module, llvm::StringRef entry,
                     llvm::StringRef function) {
  llvm::Function *target = module.getFunction(function);
  if (!target)
    return;
  llvm::LLVMContext &ctx = module.getContext();
  auto *ptrTy = llvm::PointerType::getUnqual(ctx);
  auto *fnTy =
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptrTy}, false);
  auto *wrapper =
      llvm::Function::Create(fnTy, llvm::GlobalValue::ExternalLinkage,
                             "modelc_entry_" + entry, module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", wrapper));
  llvm::SmallVector<llvm::Value *> args;
  for (unsigned i = 0; i < target->arg_size(); ++i) {
    llvm::Value *slot =
        b.CreateConstGEP1_64(ptrTy, wrapper->getArg(0), i, "arg.addr");
    args.push_back(b.CreateLoad(ptrTy, slot, "arg"));
  }
  b.CreateCall(target, args);
  b.CreateRetVoid();
}

} // namespace

std::unique_ptr<llvm::TargetMachine>
modelc::detail::hostMachine(const std::string &cpuName, std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::InitializeNativeTargetAsmParser();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string cpu = cpuName;
  llvm::SubtargetFeatures features;
  if (cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    for (auto &f : llvm::sys::getHostCPUFeatures())
      features.AddFeature(f.first(), f.second);
  }
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features.getString(), options, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine) {
    error = "cannot create a target machine for CPU '" + cpu + "'";
    return nullptr;
  }
  if (!machine->getMCSubtargetInfo()->isCPUStringValid(cpu)) {
    error = "unknown --target-cpu '" + cpuName + "'";
    return nullptr;
  }
  return machine;
}

void modelc::detail::optimize(llvm::Module &module,
                              llvm::TargetMachine &machine) {
  module.setDataLayout(machine.createDataLayout());
  module.setTargetTriple(machine.getTargetTriple());
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  // The hot loops arrive vectorized and register-blocked from MLIR (with
  // unrolling disabled on them): LLVM's own vectorizers only cost compile
  // time (text CNN 4.7 -> 3.9 s) and made the Fashion-MNIST step slower.
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = false;
  tuning.SLPVectorization = false;
  // LLVM's --time-passes times this pipeline's passes too.
  llvm::PassInstrumentationCallbacks callbacks;
  llvm::StandardInstrumentations instrumentations(module.getContext(),
                                                  /*DebugLogging=*/false);
  if (llvm::TimePassesIsEnabled)
    instrumentations.registerCallbacks(callbacks, &mam);
  llvm::PassBuilder pb(&machine, tuning, std::nullopt, &callbacks);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm =
      pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  mpm.run(module, mam);
}

/// Machine code for an already optimized module, written to `path`.
static LogicalResult writeMachineCode(llvm::Module &module,
                                      llvm::TargetMachine &machine,
                                      modelc::CodeGenFile kind,
                                      const std::string &path,
                                      std::string &error) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + path + "': " + ec.message();
    return failure();
  }
  llvm::legacy::PassManager pm;
  if (machine.addPassesToEmitFile(pm, os, nullptr,
                                  kind == modelc::CodeGenFile::Object
                                      ? llvm::CodeGenFileType::ObjectFile
                                      : llvm::CodeGenFileType::AssemblyFile)) {
    error = "the target cannot emit this file type";
    return failure();
  }
  pm.run(module);
  os.flush();
  if (os.has_error()) {
    error = "cannot write '" + path + "': " + os.error().message();
    os.clear_error();
    return failure();
  }
  return success();
}

std::unique_ptr<llvm::Module>
modelc::translateToLLVMIR(ModuleOp module, llvm::LLVMContext &context,
                          const std::string &modelInfo, std::string &error) {
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  registerOpenMPDialectTranslation(*module.getContext());
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context, "modelc");
  if (!llvmModule) {
    error = "translation to LLVM IR failed";
    return nullptr;
  }
  // Entry wrappers for every C-interface function the pipeline produced.
  llvm::SmallVector<std::pair<std::string, std::string>> entries;
  for (llvm::Function &f : *llvmModule) {
    llvm::StringRef name = f.getName();
    if (name.consume_front("_mlir_ciface_modelc_") && !f.isDeclaration())
      entries.push_back({name.str(), f.getName().str()});
  }
  for (auto &[entry, function] : entries)
    addEntryWrapper(*llvmModule, entry, function);

  llvm::Constant *text =
      llvm::ConstantDataArray::getString(context, modelInfo, true);
  auto *global = new llvm::GlobalVariable(
      *llvmModule, text->getType(), /*isConstant=*/true,
      llvm::GlobalValue::ExternalLinkage, text, "modelc_model_info");
  global->setAlignment(llvm::Align(1));

  // The ONNX inference graph for `export` (its state comes from a
  // checkpoint at run time).
  if (auto graph = module->getAttrOfType<StringAttr>("nn.onnx_graph")) {
    llvm::Constant *bytes = llvm::ConstantDataArray::getString(
        context, graph.getValue(), /*AddNull=*/false);
    auto *blob = new llvm::GlobalVariable(
        *llvmModule, bytes->getType(), /*isConstant=*/true,
        llvm::GlobalValue::ExternalLinkage, bytes, "modelc_onnx_graph");
    blob->setAlignment(llvm::Align(1));
  }

  // Imported initial state; the runtime's weak reference is null without.
  FailureOr<std::vector<float>> collected = collectInitialValues(module, error);
  if (failed(collected))
    return nullptr;
  const std::vector<float> &values = *collected;
  if (!values.empty()) {
    llvm::Constant *data = llvm::ConstantDataArray::get(
        context, llvm::ArrayRef<float>(values.data(), values.size()));
    auto *blob = new llvm::GlobalVariable(
        *llvmModule, data->getType(), /*isConstant=*/true,
        llvm::GlobalValue::ExternalLinkage, data, "modelc_initial_values");
    blob->setAlignment(llvm::Align(64));
  }
  return llvmModule;
}

LogicalResult modelc::optimizeModule(llvm::Module &module,
                                     const std::string &cpu,
                                     std::string &error) {
  auto machine = detail::hostMachine(cpu, error);
  if (!machine)
    return failure();
  detail::optimize(module, *machine);
  return success();
}

LogicalResult modelc::emitCode(llvm::Module &module, const std::string &cpu,
                               CodeGenFile kind, const std::string &path,
                               std::string &error, TimingScope *timing) {
  auto machine = detail::hostMachine(cpu, error);
  if (!machine)
    return failure();
  TimingScope none;
  return detail::compileModule(module, *machine, kind, path, error,
                               timing ? *timing : none);
}

LogicalResult modelc::detail::compileModule(
    llvm::Module &module, llvm::TargetMachine &machine, CodeGenFile kind,
    const std::string &path, std::string &error, TimingScope &timing) {
  {
    TimingScope scope = timing.nest("LLVM O3");
    optimize(module, machine);
  }
  TimingScope scope = timing.nest("LLVM machine code");
  return writeMachineCode(module, machine, kind, path, error);
}
