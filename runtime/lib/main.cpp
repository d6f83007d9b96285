//===- main.cpp - Entry point of every compiled model executable ----------===//
//
// Dispatches to the commands of SPEC 4. Every error ends here as
// `PROG: error: MESSAGE` on stderr: exit 2 for usage errors, 1 otherwise.
//
//===----------------------------------------------------------------------===//

#include "modelc/runtime/atomic_file.h"
#include "modelc/runtime/commands.h"
#include "modelc/runtime/error.h"
#include "modelc/runtime/replicas.h"

#include <cstdio>
#include <cstring>
#include <malloc.h>
#include <new>
#include <sys/stat.h>

using namespace modelc::rt;

namespace modelc::rt {

bool sameFile(const std::string &A, const std::string &B) {
  struct stat SA, SB;
  if (::stat(A.c_str(), &SA) != 0 || ::stat(B.c_str(), &SB) != 0)
    return false;
  return SA.st_dev == SB.st_dev && SA.st_ino == SB.st_ino;
}

void printHelp(const CommandContext &Ctx, const char *Text) {
  std::string S = Text;
  for (size_t P; (P = S.find("PROG")) != std::string::npos;)
    S.replace(P, 4, Ctx.Prog);
  std::fputs(S.c_str(), stdout);
}

} // namespace modelc::rt

static const char *TopHelp =
    R"(usage: PROG <command> [options]

commands:
  train    train the model on an .npz data file, writing checkpoints
  eval     loss and accuracy of a checkpoint on labeled data
  predict  run the model on inputs and write its outputs to an .npz
  init     write a freshly initialized state
  export   write the model with a checkpoint's state as ONNX
  info     show inputs, outputs, layers and state sizes
  bench    time train steps and inference on random data

Run 'PROG <command> --help' for the options of a command.
)";

static std::string baseName(const char *Argv0) {
  if (!Argv0 || !*Argv0)
    return "model";
  const char *Slash = std::strrchr(Argv0, '/');
  return Slash ? Slash + 1 : Argv0;
}

static int dispatch(const std::string &Prog, int Argc, char **Argv) {
  const ModelInfo &Info = linkedModel();
  CommandContext Ctx{Prog, Info};
  if (Argc < 2)
    throw UsageError("no command given (train, eval, predict, init, info, "
                     "bench, export)");
  std::string Cmd = Argv[1];
  Args Rest(Argv + 2, Argv + Argc);
  if (replicas().size() > 1 && Cmd != "train" && Cmd != "eval")
    throw UsageError("'" + Cmd +
                     "' runs as one process; under mpirun only "
                     "train and eval run (SPEC 8)");
  if (Cmd == "--help" || Cmd == "-h" || Cmd == "help") {
    std::printf("Model '%s' (fingerprint %s), compiled by modelc.\n\n",
                Info.Name.c_str(), Info.Fingerprint.c_str());
    printHelp(Ctx, TopHelp);
    return 0;
  }
  if (Cmd == "train")
    return runTrain(Ctx, Rest);
  if (Cmd == "eval")
    return runEval(Ctx, Rest);
  if (Cmd == "predict")
    return runPredict(Ctx, Rest);
  if (Cmd == "init")
    return runInit(Ctx, Rest);
  if (Cmd == "info")
    return runInfo(Ctx, Rest);
  if (Cmd == "bench")
    return runBench(Ctx, Rest);
  if (Cmd == "export")
    return runExport(Ctx, Rest);
  throw UsageError("unknown command '" + Cmd +
                   "' (train, eval, predict, init, info, bench, export)");
}

int main(int Argc, char **Argv) {
  // Compiled steps allocate and free large temporaries every call: keep
  // them on the heap instead of fresh mmaps, whose page faults cost about
  // half of a Fashion-MNIST train step.
  mallopt(M_MMAP_THRESHOLD, 512 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  std::string Prog = baseName(Argc > 0 ? Argv[0] : nullptr);
  ProgramName = Prog.c_str();
  // Under mpirun, errors name their rank and end every rank.
  std::string Where = Prog;
  auto Fail = [&](int Code) {
    // SPEC 8: an error on any rank ends all of them with exit 1.
    if (replicas().size() > 1)
      replicas().abortAll(1);
    replicas().finish();
    return Code;
  };
  int Code;
  try {
    installTempFileCleanup();
    if (createMpiReplicas) {
      installReplicas(createMpiReplicas(Argc, Argv));
      if (replicas().size() > 1)
        Where +=
            format(" (rank %d of %d)", replicas().rank(), replicas().size());
      // Rank 0 speaks for the run.
      if (replicas().rank() != 0 && !std::freopen("/dev/null", "w", stdout))
        throw Error("cannot silence stdout of rank " +
                    std::to_string(replicas().rank()));
    } else if (int N = launchedProcesses();
               N > 1 && Argc > 1 && std::strcmp(Argv[1], "train") == 0) {
      throw Error(format("started as %d processes (mpirun), but this "
                         "executable was built without MPI; rebuild it "
                         "with `modelc --mpi` (SPEC 8)",
                         N));
    }
    Code = dispatch(Prog, Argc, Argv);
  } catch (const UsageError &E) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s: error: %s\nRun '%s --help' for usage.\n",
                 Where.c_str(), E.what(), Prog.c_str());
    return Fail(2);
  } catch (const Error &E) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s: error: %s\n", Where.c_str(), E.what());
    return Fail(1);
  } catch (const std::bad_alloc &) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s: error: out of memory\n", Where.c_str());
    return Fail(1);
  } catch (const std::exception &E) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s: error: internal error: %s\n", Where.c_str(),
                 E.what());
    return Fail(1);
  } catch (...) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s: error: internal error\n", Where.c_str());
    return Fail(1);
  }
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "%s: error: cannot write to stdout\n", Where.c_str());
    return Fail(1);
  }
  replicas().finish();
  return Code;
}
