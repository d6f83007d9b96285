// The code generator's tile plan (#nn.tile_plan, see codegen-plan-tiles)
// prints and parses back, its fields in their canonical order whatever the
// order they were written in, defaults left out.
// RUN: modelc-opt %s | modelc-opt | FileCheck %s

// CHECK: p = #nn.tile_plan<tiles = [1, 1, 1, 0], interchange = [3, 0, 1, 2], vector_dim = 3, lanes = 16, parallel>
// CHECK: q = #nn.tile_plan<tiles = [8, 0, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, epilogue, store_accumulators>
// CHECK: r = #nn.tile_plan<tiles = [4, 0, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16, parallel, pack_input = 1, pack_perm = [1, 0], outer_dim = 2, outer_block = 32>
// CHECK: s = #nn.tile_plan<tiles = [6, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, pack_panels, outer_dim = 2, outer_block = 64>
// CHECK: t = #nn.tile_plan<tiles = [1, 1, 6, 0, 0, 0, 0], interchange = [0, 1, 2, 3, 4, 5, 6], contraction, vector_dim = 3, m_dim = 2, lanes = 8, parallel, tail_rows = 4, tail_tiles = 2>
func.func @plans() attributes {
  p = #nn.tile_plan<tiles = [1, 1, 1, 0], interchange = [3, 0, 1, 2], vector_dim = 3, lanes = 16, parallel>,
  q = #nn.tile_plan<store_accumulators, epilogue, lanes = 8, m_dim = 0, vector_dim = 1, contraction, interchange = [0, 1, 2], tiles = [8, 0, 0]>,
  r = #nn.tile_plan<tiles = [4, 0, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16, parallel, pack_input = 1, pack_perm = [1, 0], outer_dim = 2, outer_block = 32>,
  s = #nn.tile_plan<outer_block = 64, pack_panels, outer_dim = 2, tiles = [6, 16, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8>,
  t = #nn.tile_plan<tail_tiles = 2, tail_rows = 4, tiles = [1, 1, 6, 0, 0, 0, 0], interchange = [0, 1, 2, 3, 4, 5, 6], contraction, vector_dim = 3, m_dim = 2, lanes = 8, parallel>} {
  return
}
