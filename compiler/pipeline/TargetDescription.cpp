//===- TargetDescription.cpp - the planner's numbers from LLVM's target ---===//
//
// codegen-plan-tiles plans register blocks, cache blocking and threads from a
// few numbers about the CPU. They come from LLVM's description of --target-cpu,
// not from constants tuned on one machine:
//
// - vector width: the subtarget's features (AVX-512: 16 f32 lanes, 32
//   registers, half of them for a contraction's accumulators; AVX: 8 lanes,
//   16 registers, 12 for accumulators (with two rhs vectors and a broadcast:
//   the 6x16 block of BLAS kernels for AVX2); else SSE's 4 lanes);
// - FMA latency and FMAs per cycle: the scheduling model's latency and
//   reciprocal throughput of the kernel's FMA at that width (vfmadd231ps);
// - loads per cycle: the same for its vector load (vmovups);
// - L1 and L2 sizes: the host's, from the operating system, for
//   --target-cpu=native (the default); for a named CPU, its documented sizes
//   (a table: LLVM's cost model, TargetTransformInfo, gives every x86 CPU
//   the same), for a generic one (x86-64-v3) LLVM's, so a named target
//   builds the same code anywhere;
// - L2-to-L1 bandwidth, which no LLVM model has: 64 bytes per cycle on
//   AVX-512 cores, 32 on narrower ones (Zen 1-3, Haswell; a Zen 3 block of
//   2 rows x 5 registers, whose 160-byte rhs steps straddle 4 lines, ran
//   20-50% slower than 6 x 2).
//
//===----------------------------------------------------------------------===//
#include "CodeGenImpl.h"

#include "llvm/Analysis/TargetTransformInfo.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCSchedule.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <unistd.h>

using namespace mlir;

namespace {

struct Timing {
  int latency;
  double reciprocalThroughput;
};

/// Latency and reciprocal throughput of the instruction named `name` in
/// the subtarget's scheduling model, if it has one for it.
std::optional<Timing> timingOf(const llvm::MCSubtargetInfo &subtarget,
                               const llvm::MCInstrInfo &instructions,
                               llvm::StringRef name) {
  const llvm::MCSchedModel &model = subtarget.getSchedModel();
  if (!model.hasInstrSchedModel())
    return std::nullopt;
  for (unsigned opcode = 0; opcode < instructions.getNumOpcodes(); ++opcode) {
    if (instructions.getName(opcode) != name)
      continue;
    const llvm::MCSchedClassDesc *desc =
        model.getSchedClassDesc(instructions.get(opcode).getSchedClass());
    if (!desc || !desc->isValid() || desc->isVariant())
      return std::nullopt;
    return Timing{
        llvm::MCSchedModel::computeInstrLatency(subtarget, *desc),
        llvm::MCSchedModel::getReciprocalThroughput(subtarget, *desc)};
  }
  return std::nullopt;
}

/// Per-core L1 data and L2 sizes of the CPUs LLVM names, from AMD's and
/// Intel's optimization manuals and product documentation: LLVM's X86 cost
/// model gives every CPU 32 KB and 256 KB, which plans a Zen 4 (1 MB) as a
/// Haswell. (An E-core cluster's shared L2 aside: the P-cores' sizes.)
struct KnownCaches {
  llvm::StringLiteral cpu;
  int64_t l1Bytes, l2Bytes;
};
constexpr int64_t kKB = 1024;
constexpr KnownCaches kKnownCaches[] = {
    {"znver1", 32 * kKB, 512 * kKB},
    {"znver2", 32 * kKB, 512 * kKB},
    {"znver3", 32 * kKB, 512 * kKB},
    {"znver4", 32 * kKB, 1024 * kKB},
    {"znver5", 48 * kKB, 1024 * kKB},
    {"haswell", 32 * kKB, 256 * kKB},
    {"broadwell", 32 * kKB, 256 * kKB},
    {"skylake", 32 * kKB, 256 * kKB},
    {"skylake-avx512", 32 * kKB, 1024 * kKB},
    {"skx", 32 * kKB, 1024 * kKB},
    {"cascadelake", 32 * kKB, 1024 * kKB},
    {"cooperlake", 32 * kKB, 1024 * kKB},
    {"icelake-client", 48 * kKB, 512 * kKB},
    {"icelake-server", 48 * kKB, 1280 * kKB},
    {"rocketlake", 48 * kKB, 512 * kKB},
    {"tigerlake", 48 * kKB, 1280 * kKB},
    {"alderlake", 48 * kKB, 1280 * kKB},
    {"raptorlake", 48 * kKB, 2048 * kKB},
    {"meteorlake", 48 * kKB, 2048 * kKB},
    {"lunarlake", 48 * kKB, 2560 * kKB},
    {"arrowlake-s", 48 * kKB, 3072 * kKB},
    {"arrowlake_s", 48 * kKB, 3072 * kKB},
    {"sapphirerapids", 48 * kKB, 2048 * kKB},
    {"emeraldrapids", 48 * kKB, 2048 * kKB},
    {"graniterapids", 48 * kKB, 2048 * kKB},
    {"graniterapids-d", 48 * kKB, 2048 * kKB},
};

const KnownCaches *knownCaches(llvm::StringRef cpu) {
  for (const KnownCaches &known : kKnownCaches)
    if (known.cpu == cpu)
      return &known;
  return nullptr;
}

/// LLVM's cost model's size of the data cache `level` for `machine`'s CPU.
std::optional<unsigned>
modelCacheBytes(llvm::TargetMachine &machine,
                llvm::TargetTransformInfo::CacheLevel level) {
  llvm::LLVMContext context;
  llvm::Module module("target", context);
  auto *fn = llvm::Function::Create(
      llvm::FunctionType::get(llvm::Type::getVoidTy(context), false),
      llvm::GlobalValue::ExternalLinkage, "probe", module);
  return machine.getTargetTransformInfo(*fn).getCacheSize(level);
}

} // namespace

LogicalResult modelc::describeTarget(const std::string &cpu,
                                     PipelineOptions &options,
                                     std::string &error) {
  auto machine = detail::hostMachine(cpu, error);
  if (!machine)
    return failure();
  const llvm::MCSubtargetInfo &subtarget = *machine->getMCSubtargetInfo();
  llvm::raw_string_ostream notes(options.targetNotes);
  notes << "target " << subtarget.getCPU() << "\n";

  const char *fma = "MULPSrr", *load = "MOVUPSrm";
  if (subtarget.checkFeatures("+avx512f")) {
    options.target.lanes = 16;
    options.target.vectorRegisters = 32;
    options.target.accumulatorRegisters = 16;
    options.target.l2BytesPerCycle = 64;
    fma = "VFMADD231PSZr";
    load = "VMOVUPSZrm";
  } else if (subtarget.checkFeatures("+avx")) {
    options.target.lanes = 8;
    options.target.vectorRegisters = 16;
    // Without FMA each multiply needs a register of its own.
    options.target.accumulatorRegisters =
        subtarget.checkFeatures("+fma") ? 12 : 8;
    options.target.l2BytesPerCycle = 32;
    if (subtarget.checkFeatures("+fma"))
      fma = "VFMADD231PSYr";
    else
      fma = "VMULPSYrr";
    load = "VMOVUPSYrm";
  } else {
    options.target.lanes = 4;
    options.target.vectorRegisters = 16;
    options.target.accumulatorRegisters = 8;
    options.target.l2BytesPerCycle = 32;
  }
  notes << "  vector-lanes " << options.target.lanes << ", vector-registers "
        << options.target.vectorRegisters << ", accumulator-registers "
        << options.target.accumulatorRegisters << ", l2-bytes-per-cycle "
        << options.target.l2BytesPerCycle << " (subtarget features)\n";

  const llvm::MCInstrInfo &instructions = *machine->getMCInstrInfo();
  if (auto t = timingOf(subtarget, instructions, fma)) {
    options.target.fmaLatency = std::max(1, t->latency);
    options.target.fmasPerCycle =
        1.0 / std::max(t->reciprocalThroughput, 0.125);
    notes << "  fma-latency " << options.target.fmaLatency
          << ", fmas-per-cycle "
          << llvm::format("%g", options.target.fmasPerCycle)
          << " (scheduling model: " << fma << ")\n";
  } else {
    notes << "  fma-latency " << options.target.fmaLatency
          << ", fmas-per-cycle "
          << llvm::format("%g", options.target.fmasPerCycle)
          << " (defaults: no scheduling model for " << fma << ")\n";
  }
  if (auto t = timingOf(subtarget, instructions, load)) {
    options.target.loadsPerCycle =
        1.0 / std::max(t->reciprocalThroughput, 0.125);
    notes << "  loads-per-cycle "
          << llvm::format("%g", options.target.loadsPerCycle)
          << " (scheduling model: " << load << ")\n";
  } else {
    notes << "  loads-per-cycle "
          << llvm::format("%g", options.target.loadsPerCycle)
          << " (default: no scheduling model for " << load << ")\n";
  }

  // LLVM's X86 cost model gives every CPU the same caches; the host's own
  // are better known to the operating system. A named CPU takes its
  // documented sizes (or, for a generic one like x86-64-v3, LLVM's), so the
  // same command line builds the same code on every machine.
  const KnownCaches *known = knownCaches(subtarget.getCPU());
  auto cache = [&](const char *name, int hostName,
                   llvm::TargetTransformInfo::CacheLevel level, int64_t &bytes,
                   int64_t given, int64_t documented) {
    long host = cpu == "native" ? ::sysconf(hostName) : -1;
    if (given > 0) {
      bytes = given;
      notes << "  " << name << " " << bytes << " (--" << name << ")\n";
    } else if (host > 0) {
      bytes = host;
      notes << "  " << name << " " << bytes << " (this machine)\n";
    } else if (documented > 0) {
      bytes = documented;
      notes << "  " << name << " " << bytes << " (" << subtarget.getCPU()
            << "'s, documented)\n";
    } else if (std::optional<unsigned> model =
                   modelCacheBytes(*machine, level)) {
      bytes = *model;
      notes << "  " << name << " " << bytes << " (LLVM's cost model)\n";
    } else {
      notes << "  " << name << " " << bytes << " (default)\n";
    }
  };
  cache("l1-bytes", _SC_LEVEL1_DCACHE_SIZE,
        llvm::TargetTransformInfo::CacheLevel::L1D, options.target.l1Bytes, 0,
        known ? known->l1Bytes : 0);
  cache("l2-bytes", _SC_LEVEL2_CACHE_SIZE,
        llvm::TargetTransformInfo::CacheLevel::L2D, options.target.l2Bytes,
        options.l2BytesGiven, known ? known->l2Bytes : 0);
  return success();
}
