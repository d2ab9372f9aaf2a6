#include "isa_kernels.hpp"

namespace splattrack::cpu::ST_ISA {

extern const Kernels kKernels;
const Kernels kKernels{build_batch_lists, rasterize_tile_forward, rasterize_tile_backward,
                       project_gaussians, backpropagate_gaussians, rasterize_tile_tangent,
                       project_tangents};

}  // namespace splattrack::cpu::ST_ISA
