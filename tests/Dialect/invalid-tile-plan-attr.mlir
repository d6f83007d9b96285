// The code generator's tile plan (#nn.tile_plan, see codegen-plan-tiles):
// its fields must fit together.
// RUN: modelc-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{interchange must be a permutation of the 2 loops}}
func.func @bad_interchange() attributes {p = #nn.tile_plan<tiles = [1, 0], interchange = [0, 0], vector_dim = 1, lanes = 16>} { return }

// -----

// expected-error @+1 {{m_dim goes with contraction, and only with it}}
func.func @m_dim_without_contraction() attributes {p = #nn.tile_plan<tiles = [1, 0], interchange = [0, 1], vector_dim = 1, m_dim = 0, lanes = 16>} { return }

// -----

// expected-error @+1 {{an epilogue needs a contraction without outer_dim}}
func.func @epilogue_with_cache_block() attributes {p = #nn.tile_plan<tiles = [8, 0, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16, outer_dim = 2, outer_block = 4, epilogue>} { return }

// -----

// expected-error @+1 {{pack_panels needs a contraction whose vector_dim is tiled}}
func.func @panels_of_whole_lanes() attributes {p = #nn.tile_plan<tiles = [8, 0, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 16, pack_panels>} { return }

// -----

// expected-error @+1 {{unknown tile plan field 'rows'}}
func.func @unknown_field() attributes {p = #nn.tile_plan<tiles = [1, 0], rows = 3>} { return }

// -----

// expected-error @+1 {{tile plan needs 'lanes'}}
func.func @missing_field() attributes {p = #nn.tile_plan<tiles = [1, 0], interchange = [0, 1], vector_dim = 1>} { return }

// -----

// An absent index is -1 and is not printed: any other negative value would
// not print as it parses.
// expected-error @+1 {{m_dim, pack_input and outer_dim are >= 0, or absent}}
func.func @negative_index() attributes {p = #nn.tile_plan<tiles = [1, 0], interchange = [0, 1], vector_dim = 1, lanes = 16, pack_input = -5>} { return }

// -----

// expected-error @+1 {{tail_rows and tail_tiles are both >= 1, or absent}}
func.func @tail_rows_alone() attributes {p = #nn.tile_plan<tiles = [6, 0, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, tail_rows = 4>} { return }

// -----

// The tail's rows are the contraction's tiled m_dim.
// expected-error @+1 {{a tail needs a contraction whose m_dim is tiled}}
func.func @tail_untiled_rows() attributes {p = #nn.tile_plan<tiles = [0, 0, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, tail_rows = 4, tail_tiles = 2>} { return }

// -----

// expected-error @+1 {{a tail needs a contraction whose m_dim is tiled}}
func.func @tail_no_contraction() attributes {p = #nn.tile_plan<tiles = [6, 0], interchange = [0, 1], vector_dim = 1, lanes = 8, tail_rows = 4, tail_tiles = 2>} { return }

// -----

// expected-error @+1 {{tail_rows must be fewer than the row block, 6}}
func.func @tail_rows_too_many() attributes {p = #nn.tile_plan<tiles = [6, 0, 0], interchange = [0, 1, 2], contraction, vector_dim = 1, m_dim = 0, lanes = 8, tail_rows = 6, tail_tiles = 2>} { return }
