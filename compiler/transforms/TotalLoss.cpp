//===- TotalLoss.cpp - data loss plus regularizer penalties ---------------===//
#include "TotalLoss.h"

using namespace mlir;

Value nn::buildTotalLoss(OpBuilder &b, Location loc, ModuleOp module,
                         Value dataLoss,
                         llvm::function_ref<Value(VariableOp)> read,
                         llvm::function_ref<void(VariableOp, Value)> gradient) {
  auto scalar = RankedTensorType::get({}, b.getF32Type());
  Value total = dataLoss;
  for (auto var : module.getOps<VariableOp>()) {
    DictionaryAttr reg = var.getRegularizerAttr();
    if (!reg)
      continue;
    for (NamedAttribute entry : reg) {
      auto kind = symbolizeRegularizerKind(entry.getName().getValue());
      auto scale = dyn_cast<FloatAttr>(entry.getValue());
      if (!kind || !scale)
        continue;
      Value w = read(var);
      auto kindAttr = RegularizerKindAttr::get(b.getContext(), *kind);
      FloatAttr s = b.getF32FloatAttr(scale.getValueAsDouble());
      Value penalty = RegularizerOp::create(b, loc, scalar, w, kindAttr, s);
      total = AddOp::create(b, loc, scalar, ValueRange{total, penalty});
      if (gradient && var.getTrainable())
        gradient(var, RegularizerGradOp::create(b, loc, w, kindAttr, s));
    }
  }
  return total;
}
