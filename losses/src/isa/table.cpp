#include "isa_kernels.hpp"

namespace splattrack::losses::ST_ISA {

extern const LossKernels kKernels;
const LossKernels kKernels{fft_block_forward, fft_block_adjoint, fft_moments_forward, fft_moments_adjoint,
                           dft_moments_forward, dft_moments_adjoint, deinterleave, multiply, interleave,
                           filter_across, filter_down, ssim_terms, lane_sums, chain_products};

}  // namespace splattrack::losses::ST_ISA
