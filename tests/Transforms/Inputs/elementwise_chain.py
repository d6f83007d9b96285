"""Prints a function of N chained element-wise linalg.generic ops (each adds
1.0), for the fusion size cap of nn-fuse-elementwise.
usage: elementwise_chain.py N"""
import sys

n = int(sys.argv[1])
print("#id = affine_map<(d0) -> (d0)>")
print("func.func @long_chain(%x: tensor<16xf32>) -> tensor<16xf32> {")
print("  %one = arith.constant 1.0 : f32")
prev = "%x"
for i in range(n):
    print(f"  %e{i} = tensor.empty() : tensor<16xf32>")
    print(f"  %v{i} = linalg.generic {{indexing_maps = [#id, #id], "
          f"iterator_types = [\"parallel\"]}} ins({prev} : tensor<16xf32>) "
          f"outs(%e{i} : tensor<16xf32>) {{")
    print("  ^bb0(%in: f32, %out: f32):")
    print("    %s = arith.addf %in, %one : f32")
    print("    linalg.yield %s : f32")
    print("  } -> tensor<16xf32>")
    prev = f"%v{i}"
print(f"  return {prev} : tensor<16xf32>")
print("}")
