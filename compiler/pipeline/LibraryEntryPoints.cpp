//===- LibraryEntryPoints.cpp - typed C entry points of the library -------===//
//
// The runtime's C API takes arrays of buffers; a user's program wants one
// typed pointer per input, label and output. These wrappers are the only
// model-specific code of the library ABI, so they are generated here in
// LLVM IR rather than compiled from C.
//
//===----------------------------------------------------------------------===//
#include "modelc/Pipeline/Library.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

#include <nlohmann/json.hpp>

using namespace modelc;
using json = nlohmann::json;

namespace {

std::vector<LibraryTensor> tensors(const json &list) {
  std::vector<LibraryTensor> out;
  for (const json &t : list)
    out.push_back({t.at("name").get<std::string>(),
                   t.at("dtype").get<std::string>(),
                   t.at("shape").get<std::vector<int64_t>>()});
  return out;
}

/// Stores `values` into a stack array of pointers; null when empty.
llvm::Value *pointerArray(llvm::IRBuilder<> &b,
                          llvm::ArrayRef<llvm::Value *> values) {
  auto *ptrTy = b.getPtrTy();
  if (values.empty())
    return llvm::ConstantPointerNull::get(ptrTy);
  llvm::Value *array = b.CreateAlloca(
      llvm::ArrayType::get(ptrTy, values.size()), nullptr, "buffers");
  for (size_t i = 0; i < values.size(); ++i)
    b.CreateStore(values[i],
                  b.CreateConstGEP2_64(
                      llvm::ArrayType::get(ptrTy, values.size()), array, 0, i));
  return array;
}

/// Parameter groups of a typed entry, in order.
enum class Param { Model, Mode, Inputs, Labels, Batch, Outputs, Ptr };

/// The tensors whose buffers `p` stands for, one parameter each; null for a
/// single parameter (model, mode, batch, a result pointer).
const std::vector<LibraryTensor> *tensorsOf(Param p,
                                            const LibrarySignature &sig) {
  return p == Param::Inputs    ? &sig.inputs
         : p == Param::Labels  ? &sig.labels
         : p == Param::Outputs ? &sig.outputs
                               : nullptr;
}

/// Defines `name(params...)` calling `target(model, [mode], inputs[],
/// [labels[]], batch, [outputs[]], trailing pointers...)`.
void defineWrapper(llvm::Module &module, const std::string &name,
                   const std::string &target, llvm::ArrayRef<Param> layout,
                   const LibrarySignature &sig) {
  llvm::LLVMContext &ctx = module.getContext();
  auto *ptrTy = llvm::PointerType::getUnqual(ctx);
  auto *i32 = llvm::Type::getInt32Ty(ctx);
  auto *i64 = llvm::Type::getInt64Ty(ctx);
  llvm::SmallVector<llvm::Type *> params, targetParams;
  for (Param p : layout) {
    const std::vector<LibraryTensor> *group = tensorsOf(p, sig);
    llvm::Type *t = p == Param::Mode    ? (llvm::Type *)i32
                    : p == Param::Batch ? (llvm::Type *)i64
                                        : (llvm::Type *)ptrTy;
    params.append(group ? group->size() : 1, t);
    targetParams.push_back(t);
  }
  auto *fnTy = llvm::FunctionType::get(i32, params, false);
  auto *targetTy = llvm::FunctionType::get(i32, targetParams, false);
  llvm::FunctionCallee callee = module.getOrInsertFunction(target, targetTy);
  auto *fn = llvm::Function::Create(fnTy, llvm::GlobalValue::ExternalLinkage,
                                    name, module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
  llvm::SmallVector<llvm::Value *> args;
  unsigned next = 0;
  for (Param p : layout) {
    const std::vector<LibraryTensor> *group = tensorsOf(p, sig);
    if (!group) {
      args.push_back(fn->getArg(next++));
      continue;
    }
    llvm::SmallVector<llvm::Value *> buffers;
    for (size_t i = 0; i < group->size(); ++i)
      buffers.push_back(fn->getArg(next++));
    args.push_back(pointerArray(b, buffers));
  }
  b.CreateRet(b.CreateCall(callee, args));
}

} // namespace

LibrarySignature modelc::parseLibrarySignature(const std::string &modelInfo) {
  json info = json::parse(modelInfo);
  LibrarySignature sig;
  sig.name = info.at("name").get<std::string>();
  sig.fingerprint = info.at("fingerprint").get<std::string>();
  sig.seed = info.at("seed").get<int64_t>();
  sig.stateSize = info.at("state_size").get<int64_t>();
  sig.stateCount = static_cast<int64_t>(info.at("state").size());
  sig.inputs = tensors(info.at("inputs"));
  sig.labels = tensors(info.at("labels"));
  sig.outputs = tensors(info.at("outputs"));
  const json &entries = info.at("entries");
  sig.hasTrainStep = entries.contains("train_step");
  sig.hasEval = entries.contains("eval");
  sig.hasForwardTrain = entries.contains("forward_train");
  return sig;
}

bool modelc::isCIdentifier(const std::string &s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])))
    return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      return false;
  return true;
}

std::vector<std::string>
modelc::addTypedLibraryEntries(llvm::Module &module,
                               const LibrarySignature &sig,
                               const std::string &prefix) {
  defineWrapper(
      module, prefix + "_train_step", "modelc_api_train_step_arrays",
      {Param::Model, Param::Inputs, Param::Labels, Param::Batch, Param::Ptr},
      sig);
  defineWrapper(
      module, prefix + "_predict", "modelc_api_predict_arrays",
      {Param::Model, Param::Mode, Param::Inputs, Param::Batch, Param::Outputs},
      sig);
  defineWrapper(module, prefix + "_eval", "modelc_api_eval_arrays",
                {Param::Model, Param::Inputs, Param::Labels, Param::Batch,
                 Param::Ptr, Param::Ptr},
                sig);
  return {prefix + "_train_step", prefix + "_predict", prefix + "_eval"};
}
