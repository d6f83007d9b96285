//===- commands_export.cpp - `export`: the trained model as ONNX ----------===//
//
// The compiler recorded the inference graph as a serialized ONNX ModelProto
// whose state initializers have no data (`modelc_onnx_graph`). Protobuf
// merges a message's fields when one appears twice, so appending one
// `graph { initializer { ... } }` per state variable to those bytes gives
// the complete model: the runtime needs only protobuf's wire format (tags,
// varints, lengths), not a protobuf library.
//
//===----------------------------------------------------------------------===//
#include "modelc/runtime/args.h"
#include "modelc/runtime/atomic_file.h"
#include "modelc/runtime/commands.h"
#include "modelc/runtime/error.h"
#include "modelc/runtime/state.h"

#include <cstdio>
#include <cstring>

// Weak: executables of models the compiler could not express in ONNX have
// none.
extern "C" __attribute__((weak)) const char modelc_onnx_graph[];

namespace modelc::rt {

static const char *Help =
    R"(usage: PROG export --checkpoint CKPT.npz --output MODEL.onnx

Writes the model's inference graph (moving statistics, no dropout) with the
checkpoint's state as an ONNX model (opset 13), loadable by onnxruntime and
ONNX's checker. Inputs and outputs are the executable's, by name and in its
layout; convolutions are wrapped in the NHWC<->NCHW transposes ONNX needs.
A model imported from ONNX without --checkpoint exports its initial state.

  --checkpoint FILE  the state to export (a checkpoint or a state file)
  --output FILE      where to write (atomically)
)";

namespace {

void varint(std::string &Out, uint64_t V) {
  while (V >= 0x80) {
    Out += static_cast<char>((V & 0x7f) | 0x80);
    V >>= 7;
  }
  Out += static_cast<char>(V);
}

/// A length-delimited field (wire type 2).
void bytesField(std::string &Out, int Field, const std::string &Bytes) {
  varint(Out, (uint64_t(Field) << 3) | 2);
  varint(Out, Bytes.size());
  Out += Bytes;
}

void varintField(std::string &Out, int Field, uint64_t V) {
  varint(Out, uint64_t(Field) << 3);
  varint(Out, V);
}

} // namespace

int runExport(const CommandContext &Ctx, const Args &A) {
  ParsedArgs P("export", {{"checkpoint", true}, {"output", true}}, A);
  if (P.helpRequested()) {
    printHelp(Ctx, Help);
    return 0;
  }
  const ModelInfo &M = Ctx.Info;
  std::string Ckpt = forwardCheckpoint(M, P);
  std::string Out = P.required("output");
  if (M.Onnx.GraphBytes < 0 || !modelc_onnx_graph)
    throw Error("export: this model has no ONNX form" +
                (M.Onnx.Unsupported.empty()
                     ? std::string(" (compiled from IR past the nn stage)")
                     : ": " + M.Onnx.Unsupported + " cannot be expressed"));
  if (!Ckpt.empty() && sameFile(Out, Ckpt))
    throw Error("export: --output " + Out + " is the checkpoint");
  State S = loadForwardState(M, Ckpt);
  checkWritable(Out);

  std::string Model(modelc_onnx_graph, M.Onnx.GraphBytes);
  for (const OnnxExport::StateUse &U : M.Onnx.State) {
    const StateVar &V = M.State[U.Var];
    const float *Values = S.arena() + V.Offset;
    std::vector<int64_t> Dims = V.Shape;
    std::vector<float> Data(Values, Values + V.Size);
    if (!U.Perm.empty()) {
      for (size_t D = 0; D < Dims.size(); ++D)
        Dims[D] = V.Shape[U.Perm[D]];
      permuteElements(reinterpret_cast<const uint8_t *>(Values), V.Shape,
                      U.Perm, sizeof(float),
                      reinterpret_cast<uint8_t *>(Data.data()));
    }
    // TensorProto: dims = 1, data_type = 2 (FLOAT = 1), name = 8,
    // raw_data = 9 (little-endian float32).
    std::string Tensor;
    for (int64_t D : Dims)
      varintField(Tensor, 1, uint64_t(D));
    varintField(Tensor, 2, 1);
    bytesField(Tensor, 8, U.Name);
    bytesField(Tensor, 9,
               std::string(reinterpret_cast<const char *>(Data.data()),
                           Data.size() * sizeof(float)));
    // ModelProto.graph = 7 { GraphProto.initializer = 5 }.
    std::string Graph;
    bytesField(Graph, 5, Tensor);
    bytesField(Model, 7, Graph);
  }
  writeFileAtomically(Out, [&](std::FILE *F) {
    writeBytes(F, Model.data(), Model.size(), Out);
  });
  std::printf("wrote %s: ONNX opset 13, %zu initializers from %s\n",
              Out.c_str(), M.Onnx.State.size(),
              Ckpt.empty() ? "the imported state" : Ckpt.c_str());
  return 0;
}

} // namespace modelc::rt
