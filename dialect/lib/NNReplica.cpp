//===- NNReplica.cpp - nn.replica_reduce: verifier and bufferization ------===//
//
// The op is a collective of the runtime (runtime/lib/replicas.cpp), so it
// stays an nn op until bufferization and then becomes a call of
// `modelc_replica_<kind>` on the buffers' addresses, in place: the runtime
// reads and overwrites them. Every other nn op is lowered to linalg first.
//
//===----------------------------------------------------------------------===//
#include "modelc/Dialect/NN/NNOps.h"
#include "modelc/Dialect/NN/Replicas.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace mlir::nn;
using namespace mlir::bufferization;

LogicalResult ReplicaReduceOp::verify() {
  unsigned want = getKind() == ReplicaReduction::mean ? 1 : 2;
  if (getInputs().size() != want)
    return emitOpError() << "'" << stringifyReplicaReduction(getKind())
                         << "' takes " << want << " tensor(s), got "
                         << getInputs().size();
  if (getResults().getTypes() != getInputs().getTypes())
    return emitOpError("results must have the types of the inputs");
  bool counted = getKind() != ReplicaReduction::mean;
  if (counted != static_cast<bool>(getCount()))
    return emitOpError() << "'" << stringifyReplicaReduction(getKind())
                         << (counted ? "' needs a count of values per channel"
                                     : "' takes no count");
  if (counted) {
    auto type = cast<RankedTensorType>(getInputs()[0].getType());
    if (type.getRank() != 1 || getInputs()[1].getType() != type)
      return emitOpError("expects two per-channel vectors of the same type");
  }
  return success();
}

bool ReplicaReduceOp::bufferizesToMemoryRead(OpOperand &,
                                             const AnalysisState &) {
  return true;
}

bool ReplicaReduceOp::bufferizesToMemoryWrite(OpOperand &operand,
                                              const AnalysisState &) {
  return isa<TensorType>(operand.get().getType());
}

AliasingValueList ReplicaReduceOp::getAliasingValues(OpOperand &operand,
                                                     const AnalysisState &) {
  if (!isa<TensorType>(operand.get().getType()))
    return {};
  return {{getResult(operand.getOperandNumber()), BufferRelation::Equivalent}};
}

bool nn::inDataParallelModule(Operation *op) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    module = op->getParentOfType<ModuleOp>();
  return module && module->hasAttr(kDataParallelAttr);
}

ValueRange nn::callRuntime(OpBuilder &b, Location loc, Operation *from,
                           StringRef name, ValueRange args, TypeRange results) {
  auto module = from->getParentOfType<ModuleOp>();
  auto fn = module.lookupSymbol<func::FuncOp>(name);
  if (!fn) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    fn = func::FuncOp::create(b, module.getLoc(), name,
                              b.getFunctionType(args.getTypes(), results));
    fn.setPrivate();
  }
  return func::CallOp::create(b, loc, fn, args).getResults();
}

LogicalResult ReplicaReduceOp::bufferize(RewriterBase &rewriter,
                                         const BufferizationOptions &options,
                                         BufferizationState &state) {
  Location loc = getLoc();
  SmallVector<Value> buffers, addresses;
  for (Value input : getInputs()) {
    FailureOr<Value> buffer = getBuffer(rewriter, input, options, state);
    if (failed(buffer))
      return failure();
    buffers.push_back(*buffer);
  }
  // The runtime sees plain arrays: a strided view goes through a dense
  // copy, written back after the call (the deallocation pipeline frees it).
  SmallVector<Value> dense(buffers);
  for (Value &buffer : dense) {
    auto type = cast<MemRefType>(buffer.getType());
    if (type.getLayout().isIdentity())
      continue;
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.isDynamicDim(d))
        sizes.push_back(memref::DimOp::create(rewriter, loc, buffer, d));
    auto denseType = MemRefType::get(type.getShape(), type.getElementType());
    Value copy = memref::AllocOp::create(rewriter, loc, denseType, sizes);
    memref::CopyOp::create(rewriter, loc, buffer, copy);
    buffer = copy;
  }
  for (Value buffer : dense)
    addresses.push_back(
        memref::ExtractAlignedPointerAsIndexOp::create(rewriter, loc, buffer));
  // Elements of the first buffer (one per channel for the counted kinds).
  Value elements = arith::ConstantIndexOp::create(rewriter, loc, 1);
  auto type = cast<MemRefType>(dense[0].getType());
  for (int64_t d = 0; d < type.getRank(); ++d)
    elements = arith::MulIOp::create(
        rewriter, loc, elements,
        memref::DimOp::create(rewriter, loc, dense[0], d));
  SmallVector<Value> args(addresses);
  args.push_back(elements);
  if (getCount())
    args.push_back(getCount());
  std::string name =
      ("modelc_replica_" + stringifyReplicaReduction(getKind())).str();
  callRuntime(rewriter, loc, *this, name, args, {});
  for (auto [copy, original] : llvm::zip(dense, buffers))
    if (copy != original)
      memref::CopyOp::create(rewriter, loc, copy, original);
  SmallVector<Value> results(buffers);
  replaceOpWithBufferizedValues(rewriter, *this, results);
  return success();
}
