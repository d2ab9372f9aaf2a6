// The butterflies of PrunedFft (fft.hpp), built once per instruction set:
// ST_ISA names the build (render/cmake/isa.cmake).
#include <algorithm>

#include "isa_kernels.hpp"

namespace splattrack::losses::ST_ISA {

namespace {

constexpr int B = kFftLanes;
constexpr int S = kFftStride;

using Stage = PrunedFft::Stage;

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

// Y_t = Σ_n X_n·exp(σ·2πj·n·t/p) for p = 3 or 5 on lane c of x [p, B], in
// place; σ = −1 is the forward DFT, +1 its conjugate.
template <int Radix, int Sign>
ST_ALWAYS_INLINE void odd_dft(float (*xr)[B], float (*xi)[B], int c) {
  if constexpr (Radix == 3) {
    constexpr float h = 0.866025403784438647f;  // sin(2π/3)
    const float sr = xr[1][c] + xr[2][c], si = xi[1][c] + xi[2][c];
    const float dr = xr[1][c] - xr[2][c], di = xi[1][c] - xi[2][c];
    const float mr = xr[0][c] - 0.5f * sr, mi = xi[0][c] - 0.5f * si;
    xr[0][c] += sr;
    xi[0][c] += si;
    xr[1][c] = mr - Sign * h * di;  // m + σ·j·h·d
    xi[1][c] = mi + Sign * h * dr;
    xr[2][c] = mr + Sign * h * di;
    xi[2][c] = mi - Sign * h * dr;
  } else {
    static_assert(Radix == 5);
    constexpr float c1 = 0.309016994374947424f, c2 = -0.809016994374947424f;  // cos(2π/5), cos(4π/5)
    constexpr float s1 = 0.951056516295153572f, s2 = 0.587785252292473129f;   // sin(2π/5), sin(4π/5)
    const float t1r = xr[1][c] + xr[4][c], t1i = xi[1][c] + xi[4][c];
    const float d1r = xr[1][c] - xr[4][c], d1i = xi[1][c] - xi[4][c];
    const float t2r = xr[2][c] + xr[3][c], t2i = xi[2][c] + xi[3][c];
    const float d2r = xr[2][c] - xr[3][c], d2i = xi[2][c] - xi[3][c];
    const float ar = xr[0][c] + c1 * t1r + c2 * t2r, ai = xi[0][c] + c1 * t1i + c2 * t2i;  // Y1, Y4 = a ± σ·j·b
    const float br = s1 * d1r + s2 * d2r, bi = s1 * d1i + s2 * d2i;
    const float er = xr[0][c] + c2 * t1r + c1 * t2r, ei = xi[0][c] + c2 * t1i + c1 * t2i;  // Y2, Y3 = e ± σ·j·f
    const float fr = s2 * d1r - s1 * d2r, fi = s2 * d1i - s1 * d2i;
    xr[0][c] += t1r + t2r;
    xi[0][c] += t1i + t2i;
    xr[1][c] = ar - Sign * bi;
    xi[1][c] = ai + Sign * br;
    xr[4][c] = ar + Sign * bi;
    xi[4][c] = ai - Sign * br;
    xr[2][c] = er - Sign * fi;
    xi[2][c] = ei + Sign * fr;
    xr[3][c] = er + Sign * fi;
    xi[3][c] = ei - Sign * fr;
  }
}

// Radix 3 or 5: forward y_t = w_t·DFT(a)_t, adjoint a = conj-DFT(conj(w_t)·y_t)
// (w_t = 1 when w is null). All lanes are loaded before any is stored, so
// the lane loops vectorise whatever the step.
template <int Radix, bool Adjoint>
ST_ALWAYS_INLINE void butterfly_odd(float* p, std::size_t step, const float* w) {
  float xr[Radix][B], xi[Radix][B];
  for (int t = 0; t < Radix; ++t)
    for (int c = 0; c < B; ++c) {
      xr[t][c] = p[t * step + c];
      xi[t][c] = p[t * step + B + c];
    }
  if (Adjoint && w != nullptr)
    for (int t = 1; t < Radix; ++t)  // conj(w_t)·y_t
      for (int c = 0; c < B; ++c) {
        const float re = xr[t][c], im = xi[t][c];
        xr[t][c] = re * w[2 * t - 2] + im * w[2 * t - 1];
        xi[t][c] = im * w[2 * t - 2] - re * w[2 * t - 1];
      }
  for (int c = 0; c < B; ++c) odd_dft<Radix, Adjoint ? 1 : -1>(xr, xi, c);
  if (!Adjoint && w != nullptr)
    for (int t = 1; t < Radix; ++t)  // w_t·y_t
      for (int c = 0; c < B; ++c) {
        const float re = xr[t][c], im = xi[t][c];
        xr[t][c] = re * w[2 * t - 2] - im * w[2 * t - 1];
        xi[t][c] = re * w[2 * t - 1] + im * w[2 * t - 2];
      }
  for (int t = 0; t < Radix; ++t)
    for (int c = 0; c < B; ++c) {
      p[t * step + c] = xr[t][c];
      p[t * step + B + c] = xi[t][c];
    }
}

// Every butterfly of one sub-transform of radix 2, 3, 4 or 5; span 1 (i = 0)
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
    if constexpr (Radix == 3 || Radix == 5) butterfly_odd<Radix, Adjoint>(p, step, w);
  }
}

template <bool Adjoint>
ST_ALWAYS_INLINE void dense(float* base, int radix, int span, const float* twiddles) {
  switch (radix) {
    case 2: dense<2, Adjoint>(base, span, twiddles); break;
    case 3: dense<3, Adjoint>(base, span, twiddles); break;
    case 4: dense<4, Adjoint>(base, span, twiddles); break;
    default: dense<5, Adjoint>(base, span, twiddles); break;
  }
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
// wanted t, ω = exp(−2πj/radix) = roots[root_step]. scratch: [radix + 1, S].
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
      for (int n = 0, e = 0; n < inputs; ++n, e = e + t < st.radix ? e + t : e + t - st.radix)  // e = n·t mod radix
        rotate_add(scratch + n * S, roots[2 * e * root_step], roots[2 * e * root_step + 1], sum);
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
      for (int t = 0, e = 0; t < st.radix; ++t, e = e + n < st.radix ? e + n : e + n - st.radix)  // e = n·t mod radix
        if (want[t]) rotate_add(scratch + t * S, roots[2 * e * root_step], -roots[2 * e * root_step + 1], out);
    }
  }
}

// One stage over all its wanted sub-transforms. Radix 2 to 5 with every
// input in the prefix take the dense butterflies and compute the unwanted
// outputs too (cheaper than pruning inside a butterfly); the adjoint zeroes
// its unwanted inputs first, as nothing else guarantees what they hold.
void forward_stage(float* block, const Stage& st, const float* roots, int root_step, float* scratch) {
  const int length = st.radix * st.span;
  const bool dense_input = st.prefix >= length && has_dense_butterfly(st.radix);
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

void adjoint_stage(float* block, const Stage& st, const float* roots, int root_step, float* scratch) {
  const int length = st.radix * st.span;
  const bool dense_input = st.prefix >= length && has_dense_butterfly(st.radix);
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

}  // namespace

void fft_block_forward(const PrunedFft& fft, float* block, float* stage_scratch) {
  // The stages keep zeros beyond each sub-transform's prefix as they go;
  // the input's zero padding is written here, in both halves the first
  // (radix-2) stage writes.
  const std::size_t half = fft.block_size() / 2;
  std::fill(block + static_cast<std::size_t>(fft.prefix()) * S, block + half, 0.0f);
  std::fill(block + half + static_cast<std::size_t>(fft.prefix()) * S, block + fft.block_size(), 0.0f);
  for (const Stage& st : fft.stages()) forward_stage(block, st, fft.roots(), fft.length() / st.radix, stage_scratch);
}

void fft_block_adjoint(const PrunedFft& fft, float* block, float* stage_scratch) {
  for (auto st = fft.stages().rbegin(); st != fft.stages().rend(); ++st)
    adjoint_stage(block, *st, fft.roots(), fft.length() / st->radix, stage_scratch);
}

}  // namespace splattrack::losses::ST_ISA
