// Moving images between the caller's interleaved layout [H, W, C] and the
// loss's planes [C][H, W] (spectral_loss.cpp); built per instruction set.
#include <cfloat>
#include <cmath>

#include "isa_kernels.hpp"

namespace splattrack::losses::ST_ISA {

// |x| <= FLT_MAX fails exactly for NaN and infinities, and OR-ing the
// failures vectorises. The renderer's RGB has a loop of its own that
// vectorises.
bool deinterleave(const float* __restrict src, int channels, std::size_t begin, std::size_t end,
                  float* const* planes) {
  int bad = 0;
  if (channels == 3) {
    float* __restrict r = planes[0];
    float* __restrict g = planes[1];
    float* __restrict b = planes[2];
    for (std::size_t i = begin; i < end; ++i) {
      const float x = src[3 * i], y = src[3 * i + 1], z = src[3 * i + 2];
      bad |= (std::abs(x) <= FLT_MAX ? 0 : 1) | (std::abs(y) <= FLT_MAX ? 0 : 1) | (std::abs(z) <= FLT_MAX ? 0 : 1);
      r[i] = x;
      g[i] = y;
      b[i] = z;
    }
    return bad == 0;
  }
  for (int c = 0; c < channels; ++c)
    for (std::size_t i = begin; i < end; ++i) {
      const float x = src[i * channels + c];
      bad |= std::abs(x) <= FLT_MAX ? 0 : 1;
      planes[c][i] = x;
    }
  return bad == 0;
}

void multiply(const float* __restrict factor, std::size_t n, float* __restrict x) {
  for (std::size_t i = 0; i < n; ++i) x[i] *= factor[i];
}

void interleave(const float* const* planes, int channels, std::size_t begin, std::size_t end, float* __restrict out) {
  if (channels == 3) {
    const float* __restrict r = planes[0];
    const float* __restrict g = planes[1];
    const float* __restrict b = planes[2];
    for (std::size_t i = begin; i < end; ++i) {
      out[3 * i] = r[i];
      out[3 * i + 1] = g[i];
      out[3 * i + 2] = b[i];
    }
    return;
  }
  for (int c = 0; c < channels; ++c)
    for (std::size_t i = begin; i < end; ++i) out[i * channels + c] = planes[c][i];
}

}  // namespace splattrack::losses::ST_ISA
