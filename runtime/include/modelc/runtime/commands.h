//===- commands.h - The executable's commands (SPEC 4) ----------*- C++ -*-===//

#ifndef MODELC_RUNTIME_COMMANDS_H
#define MODELC_RUNTIME_COMMANDS_H

#include "modelc/runtime/dataset.h"
#include "modelc/runtime/metrics.h"
#include "modelc/runtime/model_info.h"

#include <string>
#include <vector>

namespace modelc::rt {

/// What every command gets: the program name (for messages) and the model.
struct CommandContext {
  std::string Prog;
  const ModelInfo &Info;
};

using Args = std::vector<std::string>;

// Each returns the exit code; errors are thrown (Error/UsageError).
int runInit(const CommandContext &Ctx, const Args &A);
int runInfo(const CommandContext &Ctx, const Args &A);
int runPredict(const CommandContext &Ctx, const Args &A);
int runEval(const CommandContext &Ctx, const Args &A);
int runTrain(const CommandContext &Ctx, const Args &A);
int runBench(const CommandContext &Ctx, const Args &A);
int runExport(const CommandContext &Ctx, const Args &A);

/// Runs the `eval` entry over a dataset in batches of at most `Batch`;
/// losses are weighted by batch size, metrics summed over examples.
MetricSums evaluateDataset(const ModelInfo &M, const EntrySpec &Entry,
                           float *Arena, const Dataset &D, int64_t Batch,
                           bool Confusion = false);

class ParsedArgs;
struct State;
/// predict's, eval's and export's --checkpoint, or "" when it is not given and
/// the model's forward state all comes with it (an imported model's
/// initializers): the initial state is then the trained one.
std::string forwardCheckpoint(const ModelInfo &M, const ParsedArgs &P);
/// The state at `Ckpt` for a forward pass, or the initial state for "".
State loadForwardState(const ModelInfo &M, const std::string &Ckpt);

/// Two files are the same if they have the same device and inode.
bool sameFile(const std::string &A, const std::string &B);

/// Prints a command's --help text (with PROG substituted) to stdout.
void printHelp(const CommandContext &Ctx, const char *Text);

} // namespace modelc::rt

#endif // MODELC_RUNTIME_COMMANDS_H
