//===- SelectConvAlgorithm.cpp - which convolutions run as Winograd -------===//
//
// `nn-select-conv-algorithm`: sets `winograd` on the `nn.conv2d`s and
// `nn.conv2d_grad_input`s the option picks, and `winograd_rows = m` on
// `nn.conv2d`s and both their gradients; `convert-nn-to-linalg` lowers those
// as Winograd F(2x2, 3x3) and as Winograd along the rows.
// The choice is in the IR (`--print-ir-after=nn-select-conv-algorithm`), not
// inside the lowering.
//
//===----------------------------------------------------------------------===//
#include "modelc/Transforms/Passes.h"

#include "modelc/Codegen/TargetModel.h"

#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Dialect/NN/ShapeRules.h"

namespace mlir::nn {
#define GEN_PASS_DEF_NNSELECTCONVALGORITHM
#include "modelc/Transforms/Passes.h.inc"
} // namespace mlir::nn

using namespace mlir;

namespace {

struct NNSelectConvAlgorithmPass
    : nn::impl::NNSelectConvAlgorithmBase<NNSelectConvAlgorithmPass> {
  using Base::Base;

  void runOnOperation() override {
    if (algorithm != "auto" && algorithm != "winograd" &&
        algorithm != "winograd-rows" && algorithm != "direct") {
      getOperation()->emitError()
          << "nn-select-conv-algorithm: algorithm must be auto, winograd, "
             "winograd-rows or direct, got '"
          << algorithm << "'";
      return signalPassFailure();
    }
    // Per output pixel, a direct convolution does 9 C F multiply-adds;
    // Winograd 4 C F in its products, 32 C in the input transform and 16 F
    // in the output transform, and it writes and reads its transformed
    // tiles, 4x the input and the output: from 32 channels each way the
    // products dominate (1.6x fewer multiply-adds), at 16 the traffic does.
    // Its transformed tiles stay in the L2 only in blocks of images, and
    // codegen-block-images takes the products into a block only when their
    // filter is at most a quarter of the L2 (else the products run outside
    // the blocks and their tiles go through memory).
    auto pick = [&](auto conv, bool fits) {
      auto kernel = cast<RankedTensorType>(conv.getKernel().getType());
      int64_t in = kernel.getDimSize(2), out = kernel.getDimSize(3);
      bool wide = in >= 32 && out >= 32;
      // (Static when wide: a dynamic size is negative.)
      bool blocked =
          wide && int64_t(64) * in * out <= nn::maxBlockedFilterBytes(l2Bytes);
      conv.setWinograd(fits && (algorithm == "winograd" ||
                                (algorithm == "auto" && wide && blocked)));
    };
    auto fits = [](auto conv) {
      return nn::fitsWinograd(conv.getKernel().getType().getShape(),
                              conv.getStrides(), conv.getDilations(),
                              conv.getGroups());
    };
    // Winograd along the rows, for a convolution not taken by F(2x2, 3x3):
    // the tile of at most 8 rows (m + kh - 1) that does the fewest
    // multiplications for the output's `rows`, whole tiles of m counted.
    // Its products sum `terms` terms (kernel or dy columns x the channels
    // summed over) into `outputs` per output row and column set.
    // `k` is the kernel's shape; `twoD`: the op is marked for F(2x2, 3x3).
    auto pickRows = [&](auto conv, bool twoD, ArrayRef<int64_t> k, int64_t rows,
                        int64_t terms, int64_t outputs) {
      conv.removeWinogradRowsAttr();
      // (Static sizes only: a dynamic one is negative.)
      if (twoD || ShapedType::isDynamic(rows) ||
          llvm::any_of(k, ShapedType::isDynamic) || k[0] < 2)
        return;
      int64_t best = 0, bestCost = 0;
      for (int64_t m = 2; m <= nn::kMaxWinogradRowsTile + 1 - k[0]; ++m) {
        int64_t cost = (m + k[0] - 1) * llvm::divideCeil(rows, m);
        if (!best || cost < bestCost)
          best = m, bestCost = cost;
      }
      if (!best ||
          !nn::fitsWinogradRows(k, conv.getStrides(), conv.getDilations(),
                                conv.getGroups(), best))
        return;
      // With fewer than 32 terms the products are short loops bound by
      // their accumulators' loads and stores (the Fashion CNN's conv1,
      // kw C = 3: inference 3.60 -> 4.68 ms), as with fewer than 16 outputs.
      // And the tiles must do fewer multiplications than the kh per output
      // row of the direct sum (not so for a single output row).
      bool wide =
          terms >= 32 && outputs >= 16 && k[0] >= 3 && bestCost < k[0] * rows;
      if (algorithm == "winograd-rows" || (algorithm == "auto" && wide))
        conv.setWinogradRows(best);
    };
    // (Products of static sizes only; a dynamic one is negative and makes
    // any product non-positive.)
    auto times = [](int64_t x, int64_t y) {
      return ShapedType::isDynamic(x) || ShapedType::isDynamic(y) ? 0 : x * y;
    };
    getOperation()->walk([&](Operation *op) {
      if (auto conv = dyn_cast<nn::Conv2DOp>(op)) {
        pick(conv, fits(conv) && algorithm != "winograd-rows");
        ArrayRef<int64_t> k = conv.getKernel().getType().getShape();
        // Over the kernel's columns and input channels, into its filters.
        pickRows(conv, conv.getWinograd(), k, conv.getType().getDimSize(1),
                 times(k[1], k[2]), k[3]);
      }
      // The transposed convolution sums over the taps only where dy is at
      // least as long as the kernel (a shorter dy is summed over directly).
      else if (auto grad = dyn_cast<nn::Conv2DGradInputOp>(op)) {
        ArrayRef<int64_t> dy = grad.getGradOutput().getType().getShape();
        ArrayRef<int64_t> dx = grad.getType().getShape();
        ArrayRef<int64_t> k = grad.getKernel().getType().getShape();
        pick(grad, fits(grad) && dy[1] >= 3 && dy[2] >= 3 &&
                       algorithm != "winograd-rows");
        // Along the rows it needs dy at least as tall as the kernel. Its
        // products sum over the kernel's columns and dy's channels into
        // dx's channels, or, where dy is narrower than the kernel (a
        // text CNN's full-width kernels), over dy's columns and channels
        // into dx's columns and channels.
        bool overDy = dy[2] < k[1];
        if (dy[1] < k[0]) {
          grad.removeWinogradRowsAttr();
          return;
        }
        pickRows(grad, grad.getWinograd(), k, dx[1],
                 times(overDy ? dy[2] : k[1], k[3]),
                 overDy ? times(dx[2], k[2]) : k[2]);
      } else if (auto grad = dyn_cast<nn::Conv2DGradKernelOp>(op)) {
        // Tiles of dy's rows; its products sum over the batch, the tiles
        // and dy's columns, into the kernel's columns x input channels by
        // its filters: those must be at least 32 and 16, as the terms and
        // outputs of the others (the sums are long).
        ArrayRef<int64_t> dy = grad.getGradOutput().getType().getShape();
        ArrayRef<int64_t> k = grad.getType().getShape();
        // (Never F(2x2, 3x3).)
        pickRows(grad, false, k, dy[1], times(k[1], k[2]), k[3]);
      }
    });
  }
};

} // namespace
