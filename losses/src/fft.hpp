// Internal: a complex FFT of one length L run on kFftLanes sequences at once,
// pruned for the spectral moments (METHOD.md §4). The moments are the bins
// k ≡ −R..R (mod L) of an image zero-padded to L = 2S, so each transform
// reads only a prefix of its input and keeps only those bins.
//
// Mixed-radix decimation in frequency (radix 2 first, then 4s, a 2, odd
// primes), in place, on a block laid out [L, 2, kFftLanes]: at each position
// the real parts of the lanes, then their imaginary parts, so every butterfly
// is a loop over lanes that compiles to whole vector registers. Pruning:
//  - inputs: a stage whose sub-transforms have only their first `prefix`
//    inputs non-zero skips the zero ones; with prefix <= L/2 (zero padding)
//    the first radix-2 stage is a copy with twiddles;
//  - outputs: a sub-transform none of whose bins is wanted is not computed,
//    nor are its descendants.
// Other lengths than powers of two work (any prime factor), a large prime
// factor at O(p) per output.
#pragma once

#include <cstddef>
#include <vector>

#include "always_inline.hpp"

namespace splattrack::losses {

inline constexpr int kFftLanes = 8;               // one AVX register of floats
inline constexpr int kFftStride = 2 * kFftLanes;  // floats per block position

class PrunedFft {
 public:
  // length L even, prefix in [1, L/2], radius >= 0 (may exceed L/2: then
  // every bin is wanted). Throws std::invalid_argument otherwise.
  PrunedFft(int length, int prefix, int radius);

  int length() const { return length_; }
  int prefix() const { return prefix_; }
  std::size_t block_size() const { return static_cast<std::size_t>(length_) * kFftStride; }
  // Where bin k (any integer, taken mod L) lies in a transformed block.
  int position(int bin) const { return position_[((bin % length_) + length_) % length_]; }
  // position(k) for k = −radius..radius, at index k + radius.
  const std::vector<int>& wanted_positions() const { return wanted_positions_; }

  // In: x(n) at positions n < prefix; the rest of the block is scratch.
  // Out: X(k) = Σ_n x(n)·exp(−2πj·kn/L) at position(k) for the wanted bins;
  // every other position is scratch.
  void forward(float* block) const;
  // The conjugate transpose. In: y(k) at position(k) for the wanted bins
  // (nothing else is read). Out: x(n) = Σ_k y(k)·exp(2πj·kn/L), k over the
  // distinct wanted bins, at positions n < prefix; the rest is scratch.
  void adjoint(float* block) const;

  // What forward() (or adjoint()) does on one block, for the cost model.
  struct Work {
    double dense = 0.0;    // flops of the radix-2/4 butterflies and the zero-padding stages
    double generic = 0.0;  // complex multiply-adds of the generic butterflies (odd radices, partial inputs)
  };
  const Work& work() const { return work_; }
  // The largest radix of its stages: forward() and adjoint() need
  // [max_radix + 1, kFftStride] floats of scratch for the generic butterflies.
  int max_radix() const { return max_radix_; }

  struct Stage {
    int radix = 0;
    int span = 0;                       // its sub-transforms have length radix·span
    int groups = 0;                     // how many sub-transforms
    int prefix = 0;                     // leading inputs of each sub-transform that may be non-zero
    std::vector<unsigned char> wanted;  // [groups, radix]: outputs some wanted bin depends on
    std::vector<float> twiddles;        // [span, radix − 1, 2]: exp(−2πj·i·t/(radix·span)), t >= 1
  };
  // For the kernels (losses/src/isa/fft_stages.cpp).
  const std::vector<Stage>& stages() const { return stages_; }
  const float* roots() const { return roots_.data(); }

 private:
  int length_;
  int prefix_;
  std::vector<Stage> stages_;
  std::vector<int> position_;          // [L] bin -> position
  std::vector<int> wanted_positions_;  // [2·radius + 1]
  std::vector<float> roots_;           // [L, 2] exp(−2πj·e/L), for the generic butterflies
  int max_radix_ = 2;
  Work work_;
};

// Radix 2 to 5 with every input present take the dense butterflies.
ST_ALWAYS_INLINE bool has_dense_butterfly(int radix) { return radix >= 2 && radix <= 5; }

// Whether any output of a sub-transform is wanted (want: [radix]).
ST_ALWAYS_INLINE bool any_wanted(const unsigned char* want, int radix) {
  for (int t = 0; t < radix; ++t)
    if (want[t]) return true;
  return false;
}

}  // namespace splattrack::losses
