// Internal: the kernels of one instruction-set build (kernels.hpp); ST_ISA,
// the namespace, comes from the build (render/cmake/isa.cmake).
#pragma once

#include "../kernels.hpp"

namespace splattrack::losses::ST_ISA {

void fft_block_forward(const PrunedFft& fft, float* block, float* stage_scratch);
void fft_block_adjoint(const PrunedFft& fft, float* block, float* stage_scratch);
void fft_moments_forward(const MomentTables& t, const float* plane, BandSet active, int n, int npad,
                         const FftBuffers& ws, std::complex<float>* grid);
void fft_moments_adjoint(const MomentTables& t, const std::complex<float>* weights, BandSet active, int n, int npad,
                         const FftBuffers& ws, float* plane);
void dft_moments_forward(const MomentTables& t, const float* plane, const FrequencyBlock* blocks, int block_count,
                         int n, int pitch_j, const DftBuffers& ws, std::complex<float>* grid);
void dft_moments_adjoint(const MomentTables& t, const std::complex<float>* weights, const FrequencyBlock* blocks,
                         int block_count, int n, int pitch_j, const DftBuffers& ws, float* plane);
bool deinterleave(const float* src, int channels, std::size_t begin, std::size_t end, float* const* planes);
void multiply(const float* factor, std::size_t n, float* x);
void interleave(const float* const* planes, int channels, std::size_t begin, std::size_t end, float* out);
void filter_across(const float* in, int length, int stride, const float* taps, float* out);
void filter_down(const float* const* rows, int length, const float* taps, float* out);
void ssim_terms(const float* mu_r, const float* mu_t, const float* e_rr, const float* e_tt, const float* e_rt,
                int length, float dl_ds, float* ssim, float* d_mu, float* d_err, float* d_ert);
void lane_sums(const float* ssim, int length, double* sums);
void chain_products(const float* g_mu, const float* g_err, const float* g_ert, const float* r, const float* t,
                    int length, float* grad);

}  // namespace splattrack::losses::ST_ISA
