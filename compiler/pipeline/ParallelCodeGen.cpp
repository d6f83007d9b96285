//===- ParallelCodeGen.cpp - O3 and machine code on several threads -------===//
//
// LLVM's optimizer and code generator run on one module at a time, on one
// thread, and take most of a model's compile time. For an executable the
// module is split into parts that share no definitions, each part becomes an
// object file on a thread of its own, and the linker joins them. Part 0 is
// what remains of the module itself (no copy, no bitcode round trip on the
// critical path); the others are copied out first.
//
// A part holds whole clusters: a definition together with every definition
// it refers to (an entry point with its C interface and entry wrapper). The
// optimizer thus sees each function, and everything it could inline or
// propagate into, as in the whole module, and the code computes the same
// results as with one thread.
//
// Kernels (`noinline` functions: those of codegen-outline-kernels and the
// OpenMP bodies LLVM outlines from them, which inherit the attribute) are
// the exception: calls to them are never inlined, so each kernel is a
// cluster of its own, and one called from another part gets hidden
// external linkage. The parts then balance (the text CNN's train step alone was
// 60% of the code), and a kernel that several entry points share
// (codegen-outline-kernels merges repeated loop nests) is compiled once.
// Measured on the text, Fashion and digits CNNs: no slower code.
//
//===----------------------------------------------------------------------===//
#include "CodeGenImpl.h"
#include "modelc/Pipeline/TempFiles.h"

#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/Utils/Cloning.h"

#include <thread>

using namespace mlir;

namespace {

/// Calls `visit` on each global value that the definition `value` refers to
/// (through constant expressions and aggregates too).
void forEachReference(
    const llvm::GlobalValue &value,
    llvm::function_ref<void(const llvm::GlobalValue &)> visit) {
  llvm::SmallVector<const llvm::Constant *> worklist;
  llvm::SmallPtrSet<const llvm::Constant *, 16> seen;
  auto push = [&](const llvm::Value *operand) {
    if (auto *c = llvm::dyn_cast_or_null<llvm::Constant>(operand))
      if (seen.insert(c).second)
        worklist.push_back(c);
  };
  if (auto *function = llvm::dyn_cast<llvm::Function>(&value)) {
    for (const llvm::Instruction &inst : llvm::instructions(function))
      for (const llvm::Value *operand : inst.operands())
        push(operand);
    if (function->hasPersonalityFn())
      push(function->getPersonalityFn());
  } else if (auto *variable = llvm::dyn_cast<llvm::GlobalVariable>(&value)) {
    push(variable->getInitializer());
  } else if (auto *alias = llvm::dyn_cast<llvm::GlobalAlias>(&value)) {
    push(alias->getAliasee());
  } else if (auto *ifunc = llvm::dyn_cast<llvm::GlobalIFunc>(&value)) {
    push(ifunc->getResolver());
  }
  while (!worklist.empty()) {
    const llvm::Constant *c = worklist.pop_back_val();
    // A global's operand is its own initializer, not referred to by `value`.
    if (auto *global = llvm::dyn_cast<llvm::GlobalValue>(c)) {
      visit(*global);
      continue;
    }
    for (const llvm::Value *operand : c->operands())
      push(operand);
  }
}

/// Splits a module into parts that can be optimized and compiled apart.
class ModuleSplitter {
public:
  explicit ModuleSplitter(llvm::Module &module) : module(module) {}

  /// Up to `count` parts balanced by instruction count: parts 1.. as new
  /// modules, and the module itself becomes part 0 (no copy of it). Returns
  /// nothing, and leaves the module as it was, if it has fewer than two
  /// clusters with code (nothing to run in parallel).
  llvm::SmallVector<std::unique_ptr<llvm::Module>> split(unsigned count);

private:
  /// A local constant that refers only to other such constants (the OpenMP
  /// source locations): copied into every part rather than tying together
  /// all the code that uses it.
  bool isCopyable(const llvm::GlobalValue &value);
  void buildClusters();
  /// Assigns clusters, heaviest first, to the lightest part so far.
  unsigned assignParts(unsigned count);
  /// Gives hidden external linkage to the local kernels that a function in
  /// another part calls.
  void exportSharedKernels();
  std::unique_ptr<llvm::Module> extractPart(unsigned part);
  /// Drops the definitions of the other parts from the module itself.
  void keepPartZero();
  bool inPart(const llvm::GlobalValue &value, unsigned part) {
    return partOf.lookup(clusters.getLeaderValue(&value)) == part;
  }

  llvm::Module &module;
  /// Who refers to each kernel.
  llvm::MapVector<const llvm::GlobalValue *,
                  llvm::SmallVector<const llvm::GlobalValue *>>
      kernelUsers;
  llvm::DenseMap<const llvm::GlobalValue *, bool> copyable;
  llvm::EquivalenceClasses<const llvm::GlobalValue *> clusters;
  /// The part of each cluster, by its leader.
  llvm::DenseMap<const llvm::GlobalValue *, unsigned> partOf;
};

bool ModuleSplitter::isCopyable(const llvm::GlobalValue &value) {
  auto [it, inserted] = copyable.try_emplace(&value, false);
  if (!inserted)
    return it->second; // Also breaks cycles, conservatively.
  auto *variable = llvm::dyn_cast<llvm::GlobalVariable>(&value);
  if (!variable || !variable->hasLocalLinkage() || !variable->isConstant() ||
      !variable->hasInitializer())
    return false;
  bool result = true;
  forEachReference(*variable, [&](const llvm::GlobalValue &target) {
    result = result && isCopyable(target);
  });
  copyable[&value] = result;
  return result;
}

void ModuleSplitter::buildClusters() {
  llvm::DenseMap<const llvm::Comdat *, const llvm::GlobalValue *> comdats;
  for (const llvm::GlobalValue &value : module.global_values()) {
    if (value.isDeclaration() || isCopyable(value))
      continue;
    clusters.insert(&value);
    // Comdat members are kept or dropped together by the linker.
    if (const llvm::Comdat *comdat = value.getComdat())
      clusters.unionSets(comdats.try_emplace(comdat, &value).first->second,
                         &value);
    forEachReference(value, [&](const llvm::GlobalValue &target) {
      if (target.isDeclaration() || isCopyable(target))
        return;
      auto *function = llvm::dyn_cast<llvm::Function>(&target);
      if (function && function->hasFnAttribute(llvm::Attribute::NoInline))
        kernelUsers[&target].push_back(&value);
      else
        clusters.unionSets(&value, &target);
    });
  }
}

void ModuleSplitter::exportSharedKernels() {
  for (auto &[kernel, users] : kernelUsers) {
    unsigned part = partOf.lookup(clusters.getLeaderValue(kernel));
    // (A discardable definition would be dropped where nothing calls it.)
    if ((!kernel->hasLocalLinkage() && !kernel->isDiscardableIfUnused()) ||
        llvm::all_of(users, [&](const llvm::GlobalValue *user) {
          return partOf.lookup(clusters.getLeaderValue(user)) == part;
        }))
      continue;
    auto *shared = const_cast<llvm::GlobalValue *>(kernel);
    shared->setLinkage(llvm::GlobalValue::ExternalLinkage);
    shared->setVisibility(llvm::GlobalValue::HiddenVisibility);
  }
}

unsigned ModuleSplitter::assignParts(unsigned count) {
  struct Cluster {
    const llvm::GlobalValue *leader;
    unsigned order;
    uint64_t weight = 0;
    bool hasCode = false;
  };
  // Ordered by first member in the module (not by pointer), so that the
  // split is the same on every run.
  llvm::SmallVector<Cluster> list;
  llvm::DenseMap<const llvm::GlobalValue *, unsigned> index;
  for (const auto *member : clusters) {
    const llvm::GlobalValue *leader =
        clusters.getLeaderValue(member->getData());
    auto [it, inserted] = index.try_emplace(leader, list.size());
    if (inserted)
      list.push_back({leader, it->second});
    Cluster &cluster = list[it->second];
    auto *function = llvm::dyn_cast<llvm::Function>(member->getData());
    cluster.weight += 1 + (function ? function->getInstructionCount() : 0);
    cluster.hasCode |= function != nullptr;
  }
  unsigned withCode =
      llvm::count_if(list, [](const Cluster &c) { return c.hasCode; });
  count = std::min(count, withCode);
  if (count < 2)
    return count;
  // Each part starts with one of the heaviest clusters, which have code.
  llvm::sort(list, [](const Cluster &a, const Cluster &b) {
    return std::make_pair(b.weight, a.order) <
           std::make_pair(a.weight, b.order);
  });
  llvm::SmallVector<uint64_t> load(count, 0);
  for (const Cluster &cluster : list) {
    unsigned lightest =
        std::min_element(load.begin(), load.end()) - load.begin();
    partOf[cluster.leader] = lightest;
    load[lightest] += cluster.weight;
  }
  return count;
}

std::unique_ptr<llvm::Module> ModuleSplitter::extractPart(unsigned part) {
  llvm::ValueToValueMapTy map;
  std::unique_ptr<llvm::Module> result =
      llvm::CloneModule(module, map, [&](const llvm::GlobalValue *value) {
        return isCopyable(*value) || inPart(*value, part);
      });
  // CloneModule declares the other parts' definitions; those nothing here
  // uses go (as in part 0, keepPartZero).
  for (const llvm::GlobalValue &value : module.global_values()) {
    if (value.isDeclaration() || isCopyable(value) || inPart(value, part))
      continue;
    llvm::Value *mapped = map.lookup(&value);
    auto *copy = llvm::cast<llvm::GlobalValue>(mapped);
    copy->removeDeadConstantUsers();
    if (copy->use_empty())
      copy->eraseFromParent();
  }
  return result;
}

void ModuleSplitter::keepPartZero() {
  llvm::SmallVector<llvm::GlobalValue *> others;
  for (llvm::GlobalValue &value : module.global_values())
    if (!value.isDeclaration() && !isCopyable(value) && !inPart(value, 0))
      others.push_back(&value);
  // First every body (one may refer to another), then what nothing uses.
  for (llvm::GlobalValue *value : others) {
    if (auto *function = llvm::dyn_cast<llvm::Function>(value))
      function->deleteBody();
    else if (auto *variable = llvm::dyn_cast<llvm::GlobalVariable>(value))
      variable->setInitializer(nullptr);
    if (auto *object = llvm::dyn_cast<llvm::GlobalObject>(value))
      object->setComdat(nullptr);
    value->setLinkage(llvm::GlobalValue::ExternalLinkage);
  }
  for (llvm::GlobalValue *value : others) {
    value->removeDeadConstantUsers();
    if (value->isDeclaration() && value->use_empty())
      value->eraseFromParent();
  }
}

llvm::SmallVector<std::unique_ptr<llvm::Module>>
ModuleSplitter::split(unsigned count) {
  llvm::SmallVector<std::unique_ptr<llvm::Module>> parts;
  // (Compiled code has none; part 0 could not keep one as a declaration.)
  if (!module.alias_empty() || !module.ifunc_empty())
    return parts;
  buildClusters();
  count = assignParts(count);
  if (count < 2)
    return parts;
  exportSharedKernels();
  for (unsigned part = 1; part < count; ++part)
    parts.push_back(extractPart(part));
  keepPartZero();
  return parts;
}

LogicalResult verifyPart(const llvm::Module &part, std::string &error) {
  std::string message;
  llvm::raw_string_ostream os(message);
  if (!llvm::verifyModule(part, &os))
    return success();
  error = "internal error: a part of the split LLVM module does not verify: " +
          message;
  return failure();
}

/// Each part as bitcode, the only way to hand it to another LLVMContext (a
/// context, and all IR in it, is used by one thread at a time).
LogicalResult
serializeParts(llvm::ArrayRef<std::unique_ptr<llvm::Module>> parts,
               llvm::SmallVectorImpl<llvm::SmallVector<char, 0>> &bitcode,
               std::string &error) {
  for (const auto &part : parts) {
    if (failed(verifyPart(*part, error)))
      return failure();
    llvm::raw_svector_ostream out(bitcode.emplace_back());
    llvm::WriteBitcodeToFile(*part, out);
  }
  return success();
}

/// Optimizes and compiles one part, on the calling thread.
LogicalResult compilePart(llvm::ArrayRef<char> bitcode,
                          llvm::TargetMachine &machine, const std::string &path,
                          std::string &error, TimingScope &timing) {
  llvm::LLVMContext context;
  llvm::Expected<std::unique_ptr<llvm::Module>> module = llvm::parseBitcodeFile(
      llvm::MemoryBufferRef(llvm::StringRef(bitcode.data(), bitcode.size()),
                            "modelc-part"),
      context);
  if (!module) {
    error = "internal error: " + llvm::toString(module.takeError());
    return failure();
  }
  return modelc::detail::compileModule(
      **module, machine, modelc::CodeGenFile::Object, path, error, timing);
}

LogicalResult addTemporaryObject(llvm::SmallVectorImpl<std::string> &objects,
                                 std::string &error) {
  std::string path;
  if (failed(modelc::createTempFile("o", path, error)))
    return failure();
  objects.push_back(path);
  return success();
}

/// Runs `compile(i)` for each part, part 0 on the calling thread.
bool runInParallel(unsigned count, llvm::function_ref<bool(unsigned)> compile) {
  llvm::SmallVector<char> ok(count, false);
  std::vector<std::thread> workers;
  for (unsigned i = 1; i < count; ++i)
    workers.emplace_back([&, i] { ok[i] = compile(i); });
  ok[0] = compile(0);
  for (std::thread &worker : workers)
    worker.join();
  return llvm::all_of(ok, [](char b) { return b; });
}

} // namespace

LogicalResult modelc::emitObjects(llvm::Module &module, const std::string &cpu,
                                  unsigned threads,
                                  llvm::SmallVectorImpl<std::string> &objects,
                                  std::string &error, TimingScope *timing) {
  TimingScope none, &parent = timing ? *timing : none;
  // Part 0 is the module itself, compiled on this thread; the others go
  // to their threads as bitcode (entry 0 stays empty).
  llvm::SmallVector<llvm::SmallVector<char, 0>> bitcode(1);
  {
    TimingScope scope = parent.nest("LLVM module split");
    llvm::SmallVector<std::unique_ptr<llvm::Module>> parts =
        ModuleSplitter(module).split(threads);
    if (parts.empty()) {
      scope.stop();
      if (failed(addTemporaryObject(objects, error)))
        return failure();
      return emitCode(module, cpu, CodeGenFile::Object, objects.back(), error,
                      timing);
    }
    if (failed(serializeParts(parts, bitcode, error)))
      return failure();
  }

  // Target machines are made on this thread: registering the targets is not
  // thread-safe, and a bad --target-cpu is then reported before any thread
  // starts.
  llvm::SmallVector<std::unique_ptr<llvm::TargetMachine>> machines;
  size_t first = objects.size();
  for (size_t i = 0; i < bitcode.size(); ++i) {
    machines.push_back(detail::hostMachine(cpu, error));
    if (!machines.back() || failed(addTemporaryObject(objects, error)))
      return failure();
  }
  llvm::SmallVector<std::string> errors(bitcode.size());
  bool ok = runInParallel(bitcode.size(), [&](unsigned i) {
    // Each thread's scope: the report shows the parts side by side.
    TimingScope scope = parent.nest("LLVM part " + std::to_string(i));
    // (Part 0 is verified here, while the others parse their bitcode.)
    if (i == 0)
      return succeeded(verifyPart(module, errors[0])) &&
             succeeded(detail::compileModule(module, *machines[0],
                                             CodeGenFile::Object,
                                             objects[first], errors[0], scope));
    return succeeded(compilePart(bitcode[i], *machines[i], objects[first + i],
                                 errors[i], scope));
  });
  if (ok)
    return success();
  const std::string *message =
      llvm::find_if(errors, [](const std::string &e) { return !e.empty(); });
  error = message != errors.end() ? *message : "code generation failed";
  return failure();
}
