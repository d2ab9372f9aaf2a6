#include "fft.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <stdexcept>
#include <string>

#include "simd.hpp"

namespace splattrack::losses {

namespace {

constexpr int B = kFftLanes;
constexpr int S = kFftStride;

using Stage = PrunedFft::Stage;

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

ST_ALWAYS_INLINE bool any_wanted(const unsigned char* want, int radix) {
  for (int t = 0; t < radix; ++t)
    if (want[t]) return true;
  return false;
}

// The lane helpers and butterflies take their positions as restrict
// pointers (distinct positions never overlap) so that the lane loops
// vectorise without aliasing checks.

// out = a·(wr + j·wi) over the lanes.
ST_ALWAYS_INLINE void rotate(const float* __restrict a, float wr, float wi, float* __restrict out) {
  for (int c = 0; c < B; ++c) {
    out[c] = a[c] * wr - a[c + B] * wi;
    out[c + B] = a[c] * wi + a[c + B] * wr;
  }
}

// out += a·(wr + j·wi) over the lanes.
ST_ALWAYS_INLINE void rotate_add(const float* __restrict a, float wr, float wi, float* __restrict out) {
  for (int c = 0; c < B; ++c) {
    out[c] += a[c] * wr - a[c + B] * wi;
    out[c + B] += a[c] * wi + a[c + B] * wr;
  }
}

// y_0 = a_0 + a_1, y_1 = w·(a_0 − a_1); w = 1 when null.
ST_ALWAYS_INLINE void butterfly2_forward(float* __restrict p0, float* __restrict p1, const float* w) {
  const float wr = w ? w[0] : 1.0f, wi = w ? w[1] : 0.0f;
  for (int c = 0; c < B; ++c) {
    const float ar = p0[c], ai = p0[c + B], br = p1[c], bi = p1[c + B];
    const float dr = ar - br, di = ai - bi;
    p0[c] = ar + br;
    p0[c + B] = ai + bi;
    p1[c] = dr * wr - di * wi;
    p1[c + B] = dr * wi + di * wr;
  }
}

// a_0 = y_0 + conj(w)·y_1, a_1 = y_0 − conj(w)·y_1.
ST_ALWAYS_INLINE void butterfly2_adjoint(float* __restrict p0, float* __restrict p1, const float* w) {
  const float wr = w ? w[0] : 1.0f, wi = w ? w[1] : 0.0f;
  for (int c = 0; c < B; ++c) {
    // z = conj(w)·y1
    const float zr = p1[c] * wr + p1[c + B] * wi, zi = p1[c + B] * wr - p1[c] * wi;
    const float ar = p0[c], ai = p0[c + B];
    p0[c] = ar + zr;
    p0[c + B] = ai + zi;
    p1[c] = ar - zr;
    p1[c + B] = ai - zi;
  }
}

// y_t = w_t·Σ_n a_n·(−j)^(n·t): the 4-point DFT, then the twiddles w_1..3
// (all 1 when w is null).
ST_ALWAYS_INLINE void butterfly4_forward(float* __restrict p0, float* __restrict p1, float* __restrict p2,
                                         float* __restrict p3, const float* w) {
  const float w1r = w ? w[0] : 1.0f, w1i = w ? w[1] : 0.0f, w2r = w ? w[2] : 1.0f, w2i = w ? w[3] : 0.0f,
              w3r = w ? w[4] : 1.0f, w3i = w ? w[5] : 0.0f;
  for (int c = 0; c < B; ++c) {
    const float b0r = p0[c] + p2[c], b0i = p0[c + B] + p2[c + B];
    const float b1r = p0[c] - p2[c], b1i = p0[c + B] - p2[c + B];
    const float b2r = p1[c] + p3[c], b2i = p1[c + B] + p3[c + B];
    const float b3r = p1[c] - p3[c], b3i = p1[c + B] - p3[c + B];
    const float y1r = b1r + b3i, y1i = b1i - b3r;  // b1 − j·b3
    const float y2r = b0r - b2r, y2i = b0i - b2i;
    const float y3r = b1r - b3i, y3i = b1i + b3r;  // b1 + j·b3
    p0[c] = b0r + b2r;
    p0[c + B] = b0i + b2i;
    p1[c] = y1r * w1r - y1i * w1i;
    p1[c + B] = y1r * w1i + y1i * w1r;
    p2[c] = y2r * w2r - y2i * w2i;
    p2[c + B] = y2r * w2i + y2i * w2r;
    p3[c] = y3r * w3r - y3i * w3i;
    p3[c + B] = y3r * w3i + y3i * w3r;
  }
}

// a_n = Σ_t j^(n·t)·conj(w_t)·y_t: the transpose of butterfly4_forward, conjugated.
ST_ALWAYS_INLINE void butterfly4_adjoint(float* __restrict p0, float* __restrict p1, float* __restrict p2,
                                         float* __restrict p3, const float* w) {
  const float w1r = w ? w[0] : 1.0f, w1i = w ? w[1] : 0.0f, w2r = w ? w[2] : 1.0f, w2i = w ? w[3] : 0.0f,
              w3r = w ? w[4] : 1.0f, w3i = w ? w[5] : 0.0f;
  for (int c = 0; c < B; ++c) {
    const float z0r = p0[c], z0i = p0[c + B];
    const float z1r = p1[c] * w1r + p1[c + B] * w1i, z1i = p1[c + B] * w1r - p1[c] * w1i;
    const float z2r = p2[c] * w2r + p2[c + B] * w2i, z2i = p2[c + B] * w2r - p2[c] * w2i;
    const float z3r = p3[c] * w3r + p3[c + B] * w3i, z3i = p3[c + B] * w3r - p3[c] * w3i;
    const float c0r = z0r + z2r, c0i = z0i + z2i, c1r = z0r - z2r, c1i = z0i - z2i;
    const float c2r = z1r + z3r, c2i = z1i + z3i, c3r = z1r - z3r, c3i = z1i - z3i;
    p0[c] = c0r + c2r;
    p0[c + B] = c0i + c2i;
    p1[c] = c1r - c3i;  // c1 + j·c3
    p1[c + B] = c1i + c3r;
    p2[c] = c0r - c2r;
    p2[c + B] = c0i - c2i;
    p3[c] = c1r + c3i;  // c1 − j·c3
    p3[c + B] = c1i - c3r;
  }
}

// Every butterfly of one radix-2 or radix-4 sub-transform; span 1 (i = 0)
// has no twiddles.
template <int Radix, bool Adjoint>
ST_ALWAYS_INLINE void dense(float* base, int span, const float* twiddles) {
  const std::size_t step = static_cast<std::size_t>(span) * S;
  for (int i = 0; i < span; ++i) {
    float* p = base + static_cast<std::size_t>(i) * S;
    const float* w = span == 1 ? nullptr : twiddles + static_cast<std::size_t>(i) * (Radix - 1) * 2;
    if constexpr (Radix == 4 && Adjoint) butterfly4_adjoint(p, p + step, p + 2 * step, p + 3 * step, w);
    if constexpr (Radix == 4 && !Adjoint) butterfly4_forward(p, p + step, p + 2 * step, p + 3 * step, w);
    if constexpr (Radix == 2 && Adjoint) butterfly2_adjoint(p, p + step, w);
    if constexpr (Radix == 2 && !Adjoint) butterfly2_forward(p, p + step, w);
  }
}

template <bool Adjoint>
ST_ALWAYS_INLINE void dense(float* base, int radix, int span, const float* twiddles) {
  if (radix == 4)
    dense<4, Adjoint>(base, span, twiddles);
  else
    dense<2, Adjoint>(base, span, twiddles);
}

// A sub-transform whose inputs past the first are all zero (prefix <=
// span): y_t = w^t·a_0, with y_0 = a_0 already in place.
ST_ALWAYS_INLINE void spread_forward(float* base, const Stage& st, const unsigned char* want) {
  const std::size_t step = static_cast<std::size_t>(st.span) * S;
  for (int i = 0; i < st.prefix; ++i) {
    const float* w = st.twiddles.data() + static_cast<std::size_t>(i) * (st.radix - 1) * 2;
    float* at = base + static_cast<std::size_t>(i) * S;
    for (int t = 1; t < st.radix; ++t)
      if (want[t]) rotate(at, w[2 * t - 2], w[2 * t - 1], at + t * step);
  }
}

// Its transpose: a_0 = Σ_t conj(w^t)·y_t over the wanted t.
ST_ALWAYS_INLINE void spread_adjoint(float* base, const Stage& st, const unsigned char* want) {
  const std::size_t step = static_cast<std::size_t>(st.span) * S;
  for (int i = 0; i < st.prefix; ++i) {
    const float* w = st.twiddles.data() + static_cast<std::size_t>(i) * (st.radix - 1) * 2;
    float* at = base + static_cast<std::size_t>(i) * S;
    if (!want[0]) std::fill_n(at, S, 0.0f);
    for (int t = 1; t < st.radix; ++t)
      if (want[t]) rotate_add(at + t * step, w[2 * t - 2], -w[2 * t - 1], at);
  }
}

// Inputs n·span + i that lie in the prefix: all n < prefix/span, and one
// more for i < prefix mod span (prefix > span here).
ST_ALWAYS_INLINE int inputs_at(int i, const Stage& st) {
  return std::min(st.radix, st.prefix / st.span + (i < st.prefix % st.span ? 1 : 0));
}

// Any radix, any pruning: y_t = w^t·Σ_{n < inputs} ω^(n·t)·a_n for the
// wanted t, ω = exp(−2πj/radix) = roots[root_step]. scratch: [radix, S].
ST_ALWAYS_INLINE void generic_forward(float* base, const Stage& st, const unsigned char* want, const float* roots,
                                      int root_step, float* scratch) {
  const std::size_t step = static_cast<std::size_t>(st.span) * S;
  for (int i = 0; i < st.span; ++i) {
    const int inputs = inputs_at(i, st);
    const float* w = st.twiddles.data() + static_cast<std::size_t>(i) * (st.radix - 1) * 2;
    float* at = base + static_cast<std::size_t>(i) * S;
    for (int n = 0; n < inputs; ++n) std::copy_n(at + n * step, S, scratch + n * S);
    for (int t = 0; t < st.radix; ++t) {
      if (!want[t]) continue;
      float* sum = scratch + static_cast<std::size_t>(st.radix) * S;
      std::fill_n(sum, S, 0.0f);
      for (int n = 0; n < inputs; ++n) {
        const int e = (n * t) % st.radix * root_step;
        rotate_add(scratch + n * S, roots[2 * e], roots[2 * e + 1], sum);
      }
      if (t == 0)
        std::copy_n(sum, S, at);
      else
        rotate(sum, w[2 * t - 2], w[2 * t - 1], at + t * step);
    }
  }
}

// Its conjugate transpose: a_n = Σ_t conj(ω^(n·t)·w^t)·y_t over the wanted
// t, for n < inputs. scratch: [radix + 1, S].
ST_ALWAYS_INLINE void generic_adjoint(float* base, const Stage& st, const unsigned char* want, const float* roots,
                                      int root_step, float* scratch) {
  const std::size_t step = static_cast<std::size_t>(st.span) * S;
  for (int i = 0; i < st.span; ++i) {
    const int inputs = inputs_at(i, st);
    const float* w = st.twiddles.data() + static_cast<std::size_t>(i) * (st.radix - 1) * 2;
    float* at = base + static_cast<std::size_t>(i) * S;
    for (int t = 0; t < st.radix; ++t) {
      if (!want[t]) continue;
      if (t == 0)
        std::copy_n(at, S, scratch);
      else
        rotate(at + t * step, w[2 * t - 2], -w[2 * t - 1], scratch + t * S);
    }
    for (int n = 0; n < inputs; ++n) {
      float* out = at + n * step;
      std::fill_n(out, S, 0.0f);
      for (int t = 0; t < st.radix; ++t) {
        if (!want[t]) continue;
        const int e = (n * t) % st.radix * root_step;
        rotate_add(scratch + t * S, roots[2 * e], -roots[2 * e + 1], out);
      }
    }
  }
}

// One stage over all its wanted sub-transforms. Radix 2 and 4 with every
// input in the prefix take the dense butterflies and compute the unwanted
// outputs too (cheaper than pruning inside a butterfly); the adjoint zeroes
// its unwanted inputs first, as nothing else guarantees what they hold.
ST_MULTIVERSION void forward_stage(float* block, const Stage& st, const float* roots, int root_step, float* scratch) {
  const int length = st.radix * st.span;
  const bool dense_input = st.prefix >= length && (st.radix == 2 || st.radix == 4);
  for (int g = 0; g < st.groups; ++g) {
    const unsigned char* want = st.wanted.data() + static_cast<std::size_t>(g) * st.radix;
    if (!any_wanted(want, st.radix)) continue;
    float* base = block + static_cast<std::size_t>(g) * length * S;
    if (st.prefix <= st.span)
      spread_forward(base, st, want);
    else if (dense_input)
      dense<false>(base, st.radix, st.span, st.twiddles.data());
    else
      generic_forward(base, st, want, roots, root_step, scratch);
  }
}

ST_MULTIVERSION void adjoint_stage(float* block, const Stage& st, const float* roots, int root_step, float* scratch) {
  const int length = st.radix * st.span;
  const bool dense_input = st.prefix >= length && (st.radix == 2 || st.radix == 4);
  const std::size_t step = static_cast<std::size_t>(st.span) * S;
  for (int g = 0; g < st.groups; ++g) {
    const unsigned char* want = st.wanted.data() + static_cast<std::size_t>(g) * st.radix;
    if (!any_wanted(want, st.radix)) continue;
    float* base = block + static_cast<std::size_t>(g) * length * S;
    if (st.prefix <= st.span) {
      spread_adjoint(base, st, want);
      continue;
    }
    if (!dense_input) {
      generic_adjoint(base, st, want, roots, root_step, scratch);
      continue;
    }
    for (int t = 0; t < st.radix; ++t)
      if (!want[t]) std::fill_n(base + t * step, step, 0.0f);
    dense<true>(base, st.radix, st.span, st.twiddles.data());
  }
}

// [radix + 1, S] floats for the generic butterflies; kept per thread.
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
  for (Stage& st : stages_) {
    st.wanted.resize(static_cast<std::size_t>(st.groups) * st.radix);
    for (std::size_t c = 0; c < st.wanted.size(); ++c)
      st.wanted[c] = wanted_before[(c + 1) * st.span] > wanted_before[c * st.span];
  }
}

void PrunedFft::forward(float* block) const {
  // The stages keep zeros beyond each sub-transform's prefix as they go;
  // the input's zero padding is written here, in both halves the first
  // (radix-2) stage writes.
  const std::size_t half = block_size() / 2;
  std::fill(block + static_cast<std::size_t>(prefix_) * S, block + half, 0.0f);
  std::fill(block + half + static_cast<std::size_t>(prefix_) * S, block + block_size(), 0.0f);
  for (const Stage& st : stages_) forward_stage(block, st, roots_.data(), length_ / st.radix, stage_scratch(st.radix));
}

void PrunedFft::adjoint(float* block) const {
  for (auto st = stages_.rbegin(); st != stages_.rend(); ++st)
    adjoint_stage(block, *st, roots_.data(), length_ / st->radix, stage_scratch(st->radix));
}

}  // namespace splattrack::losses
