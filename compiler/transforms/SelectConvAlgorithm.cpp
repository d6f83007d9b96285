//===- SelectConvAlgorithm.cpp - which convolutions run as Winograd -------===//
//
// `nn-select-conv-algorithm`: sets `winograd` on the `nn.conv2d`s and
// `nn.conv2d_grad_input`s the option picks; `convert-nn-to-linalg` lowers
// those as Winograd F(2x2, 3x3).
// The choice is in the IR (`--print-ir-after=nn-select-conv-algorithm`), not
// inside the lowering.
//
//===----------------------------------------------------------------------===//
#include "modelc/Transforms/Passes.h"

#include "modelc/Dialect/NN/NNOps.h"

namespace mlir::nn {
#define GEN_PASS_DEF_NNSELECTCONVALGORITHM
#include "modelc/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

/// What Winograd F(2x2, 3x3) computes: a 3x3 kernel, stride 1, no dilation,
/// one group (of nn.conv2d or of the transposed convolution of its input
/// gradient).
template <typename ConvOp> bool fitsWinograd(ConvOp conv) {
  auto kernel = cast<RankedTensorType>(conv.getKernel().getType());
  return kernel.getDimSize(0) == 3 && kernel.getDimSize(1) == 3 &&
         conv.getGroups() == 1 &&
         llvm::all_of(conv.getStrides(), [](int64_t s) { return s == 1; }) &&
         llvm::all_of(conv.getDilations(), [](int64_t d) { return d == 1; });
}

struct NNSelectConvAlgorithmPass
    : nn::impl::NNSelectConvAlgorithmBase<NNSelectConvAlgorithmPass> {
  using Base::Base;

  void runOnOperation() override {
    if (algorithm != "auto" && algorithm != "winograd" &&
        algorithm != "direct") {
      getOperation()->emitError()
          << "nn-select-conv-algorithm: algorithm must be auto, winograd or "
             "direct, got '"
          << algorithm << "'";
      return signalPassFailure();
    }
    // Per output pixel, a direct convolution does 9 C F multiply-adds;
    // Winograd 4 C F in its products, 32 C in the input transform and
    // 16 F in the output transform: with 32 channels each way 1.6x fewer.
    auto pick = [&](auto conv) {
      auto kernel = cast<RankedTensorType>(conv.getKernel().getType());
      bool wide = kernel.getDimSize(2) >= 32 && kernel.getDimSize(3) >= 32;
      conv.setWinograd(fitsWinograd(conv) && (algorithm == "winograd" ||
                                              (algorithm == "auto" && wide)));
    };
    getOperation()->walk([&](Operation *op) {
      if (auto conv = dyn_cast<nn::Conv2DOp>(op))
        pick(conv);
      else if (auto grad = dyn_cast<nn::Conv2DGradInputOp>(op))
        pick(grad);
    });
  }
};

} // namespace
