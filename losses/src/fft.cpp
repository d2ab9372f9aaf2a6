#include "fft.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <stdexcept>
#include <string>

#include "kernels.hpp"

namespace splattrack::losses {

namespace {

constexpr int S = kFftStride;

using Stage = PrunedFft::Stage;

// Flops per element of a lane of the dense butterflies, by radix.
inline constexpr double kDenseFlopsPerElement[] = {0.0, 0.0, 10.0 / 2, 24.0 / 3, 34.0 / 4, 68.0 / 5};

// Radix 2 first (the zero padding makes it trivial), then as many 4s as
// possible, a last 2, and the odd primes.
std::vector<int> radices(int length) {
  std::vector<int> out{2};
  int rest = length / 2;
  for (; rest % 4 == 0; rest /= 4) out.push_back(4);
  if (rest % 2 == 0) {
    out.push_back(2);
    rest /= 2;
  }
  for (int p = 3; rest > 1; p += 2)
    for (; rest % p == 0; rest /= p) out.push_back(p);
  return out;
}

// [radix + 1, S] floats for the generic butterflies; kept per thread, for
// callers outside the moment paths (which keep their own).
float* stage_scratch(int radix) {
  static thread_local std::vector<float> scratch;
  const std::size_t size = static_cast<std::size_t>(radix + 1) * S;
  if (scratch.size() < size) scratch.resize(size);
  return scratch.data();
}

}  // namespace

PrunedFft::PrunedFft(int length, int prefix, int radius) : length_(length), prefix_(prefix) {
  if (length < 2 || length % 2 != 0 || prefix < 1 || prefix > length / 2 || radius < 0)
    throw std::invalid_argument("PrunedFft: need an even length, a prefix in [1, length/2] and radius >= 0; got " +
                                std::to_string(length) + ", " + std::to_string(prefix) + ", " + std::to_string(radius));
  const auto root = [&](long e, double denominator) {
    return std::polar(1.0, -2.0 * std::numbers::pi * static_cast<double>(e) / denominator);
  };
  roots_.resize(2 * static_cast<std::size_t>(length));
  for (int e = 0; e < length; ++e) {
    roots_[2 * e] = static_cast<float>(root(e, length).real());
    roots_[2 * e + 1] = static_cast<float>(root(e, length).imag());
  }

  // The bin each position ends up holding: child t of a sub-transform that
  // holds the bins r + stride·k holds r + stride·t + (stride·radix)·k.
  std::vector<int> residue{0};
  int stride = 1, sub_length = length, sub_prefix = prefix;
  for (const int radix : radices(length)) {
    Stage st;
    st.radix = radix;
    st.span = sub_length / radix;
    st.groups = static_cast<int>(residue.size());
    st.prefix = sub_prefix;
    st.twiddles.resize(static_cast<std::size_t>(st.span) * (radix - 1) * 2);
    for (int i = 0; i < st.span; ++i)
      for (int t = 1; t < radix; ++t) {
        const std::complex<double> w = root(static_cast<long>(i) * t, sub_length);
        st.twiddles[(static_cast<std::size_t>(i) * (radix - 1) + t - 1) * 2] = static_cast<float>(w.real());
        st.twiddles[(static_cast<std::size_t>(i) * (radix - 1) + t - 1) * 2 + 1] = static_cast<float>(w.imag());
      }
    std::vector<int> children;
    for (const int r : residue)
      for (int t = 0; t < radix; ++t) children.push_back(r + stride * t);
    residue = std::move(children);
    stride *= radix;
    max_radix_ = std::max(max_radix_, radix);
    sub_length = st.span;
    sub_prefix = std::min(sub_prefix, st.span);
    stages_.push_back(std::move(st));
  }

  // Wanted leaves, then upwards: stage s's child c covers positions
  // [c·span, (c + 1)·span).
  position_.resize(length);
  std::vector<int> wanted_before(length + 1, 0);  // prefix sums over positions
  for (int p = 0; p < length; ++p) {
    const int bin = residue[p];
    position_[bin] = p;
    wanted_before[p + 1] = wanted_before[p] + (std::min(bin, length - bin) <= radius ? 1 : 0);
  }
  for (int k = -radius; k <= radius; ++k) wanted_positions_.push_back(position(k));
  for (Stage& st : stages_) {
    st.wanted.resize(static_cast<std::size_t>(st.groups) * st.radix);
    for (std::size_t c = 0; c < st.wanted.size(); ++c)
      st.wanted[c] = wanted_before[(c + 1) * st.span] > wanted_before[c * st.span];
  }

  // The work of forward() (the same as adjoint()'s) per butterfly kind, for
  // the cost model: flops of a lane of the spread and dense butterflies,
  // complex multiply-adds of the generic ones.
  for (const Stage& st : stages_) {
    int groups = 0;
    for (int g = 0; g < st.groups; ++g) groups += any_wanted(st.wanted.data() + g * st.radix, st.radix) ? 1 : 0;
    const double elements = static_cast<double>(groups) * st.radix * st.span;
    if (st.prefix <= st.span)
      work_.dense += 6.0 * groups * st.prefix * (st.radix - 1);  // a rotation per extra output
    else if (st.prefix >= st.radix * st.span && has_dense_butterfly(st.radix))
      work_.dense += kDenseFlopsPerElement[st.radix] * elements;
    else
      work_.generic += elements * st.radix;
  }
}

void PrunedFft::forward(float* block) const { kernels().fft_block_forward(*this, block, stage_scratch(max_radix_)); }

void PrunedFft::adjoint(float* block) const { kernels().fft_block_adjoint(*this, block, stage_scratch(max_radix_)); }

}  // namespace splattrack::losses
