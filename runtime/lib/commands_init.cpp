//===- commands_init.cpp - `init`: a freshly initialized state ------------===//

#include "modelc/runtime/args.h"
#include "modelc/runtime/commands.h"
#include "modelc/runtime/state.h"

#include <cstdio>

namespace modelc::rt {

static const char *Help = R"(usage: PROG init --output STATE.npz [--seed S]

Writes a freshly initialized state (every variable per its initializer,
global_step 0) as a checkpoint. The same seed gives a byte-identical file.

  --output FILE   where to write (atomically)
  --seed S        initialization seed (default: the model's seed)
)";

int runInit(const CommandContext &Ctx, const Args &A) {
  ParsedArgs P("init", {{"output", true}, {"seed", true}}, A);
  if (P.helpRequested()) {
    printHelp(Ctx, Help);
    return 0;
  }
  std::string Out = P.required("output");
  int64_t Seed = P.integer("seed", Ctx.Info.Seed, INT64_MIN);
  State S = initialState(Ctx.Info, Seed);
  saveCheckpoint(Ctx.Info, S, Out);
  std::printf("wrote %s: %zu state variables, %lld floats, seed %lld\n",
              Out.c_str(), Ctx.Info.State.size(),
              static_cast<long long>(Ctx.Info.StateSize),
              static_cast<long long>(Seed));
  return 0;
}

} // namespace modelc::rt
