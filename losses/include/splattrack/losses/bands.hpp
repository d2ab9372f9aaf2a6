// Frequency bands of the spectral moments (METHOD.md §4) and the half-plane
// grid the moments of one image plane are stored in.
//
// Band 0 = {max(|kx|,|ky|) <= 1}; band b >= 1 = {2^(b-1) < max(|kx|,|ky|) <= 2^b}.
// A real image has M(-k) = conj M(k), so only the half set
//   H = {k : kx > 0, or kx == 0 and ky >= 0}
// is independent; a sum over a full band equals the sum over its half set with
// every k != 0 counted twice (half_set_multiplicity).
#pragma once

#include <complex>
#include <cstdint>
#include <span>
#include <vector>

#include "splattrack/render/hd.hpp"

namespace splattrack::losses {

inline constexpr int kDefaultBandCount = 8;
// Band 11 reaches |k| = 2048, i.e. the finest detail of a 2048-pixel image;
// the DFT tables grow linearly with the top band's radius.
inline constexpr int kMaxBandCount = 12;

// max(|kx|,|ky|) of the outermost frequency of band b.
ST_HDI int band_radius(int band) { return band == 0 ? 1 : 1 << band; }
// max(|kx|,|ky|) of the frequencies just inside band b (-1 for band 0).
ST_HDI int band_inner_radius(int band) { return band == 0 ? -1 : band_radius(band - 1); }
// The band of frequency k.
ST_HDI int band_of(int kx, int ky) {
  const int ax = kx < 0 ? -kx : kx, ay = ky < 0 ? -ky : ky;
  const int r = ax > ay ? ax : ay;
  int band = 0;
  while (band_radius(band) < r) ++band;
  return band;
}
// 1 for k = 0, else 2: how many members of the full band set k stands for.
inline int half_set_multiplicity(int kx, int ky) { return kx == 0 && ky == 0 ? 1 : 2; }
inline bool in_half_set(int kx, int ky) { return kx > 0 || (kx == 0 && ky >= 0); }

// Which bands take part in an evaluation: bit b set = band b active.
struct BandSet {
  std::uint32_t bits = 0;

  static BandSet all(int band_count) { return {(1u << band_count) - 1u}; }
  // Bands whose weight is > 0. Throws std::invalid_argument on a negative or
  // non-finite weight or on more than kMaxBandCount weights.
  static BandSet from_weights(std::span<const double> weights);

  bool contains(int band) const { return (bits >> band) & 1u; }
  bool empty() const { return bits == 0; }
  int highest() const;  // -1 when empty
  // max(|kx|,|ky|) over all active frequencies (0 when empty).
  int radius() const { return empty() ? 0 : band_radius(highest()); }
  int frequency_count() const;  // members of the half sets of the active bands
};

// Moments of several image planes on the half-plane grid kx in [0, R],
// ky in [-R, R]. Entries (0, ky < 0) are not part of the half set; entries of
// inactive bands are left as the producer wrote them.
class MomentGrid {
 public:
  MomentGrid() = default;
  MomentGrid(int radius, int planes) : radius_(radius), planes_(planes), values_(plane_size() * planes) {}

  int radius() const { return radius_; }
  int planes() const { return planes_; }
  std::size_t plane_size() const { return static_cast<std::size_t>(radius_ + 1) * (2 * radius_ + 1); }

  std::complex<float>* plane(int p) { return values_.data() + p * plane_size(); }
  const std::complex<float>* plane(int p) const { return values_.data() + p * plane_size(); }
  std::complex<float>& at(int p, int kx, int ky) { return plane(p)[index(kx, ky)]; }
  const std::complex<float>& at(int p, int kx, int ky) const { return plane(p)[index(kx, ky)]; }
  std::size_t index(int kx, int ky) const { return static_cast<std::size_t>(kx) * (2 * radius_ + 1) + ky + radius_; }
  void fill_zero() { std::fill(values_.begin(), values_.end(), std::complex<float>{}); }

 private:
  int radius_ = 0;
  int planes_ = 0;
  std::vector<std::complex<float>> values_;  // [planes, R + 1, 2R + 1]
};

// Calls f(kx, ky) for every grid entry of `band` (kx >= 0, any ky), kx
// ascending, then ky ascending.
template <class F>
void for_each_grid_frequency(int band, F&& f) {
  const int outer = band_radius(band);
  const int inner = band_inner_radius(band);
  for (int kx = 0; kx <= outer; ++kx) {
    if (kx > inner) {
      for (int ky = -outer; ky <= outer; ++ky) f(kx, ky);
    } else {
      for (int ky = -outer; ky < -inner; ++ky) f(kx, ky);
      for (int ky = inner + 1; ky <= outer; ++ky) f(kx, ky);
    }
  }
}

// Calls f(kx, ky) for every member of the half set of `band`, in the order the
// residual vectors use: kx ascending, then ky ascending.
template <class F>
void for_each_half_set_frequency(int band, F&& f) {
  for_each_grid_frequency(band, [&](int kx, int ky) {
    if (in_half_set(kx, ky)) f(kx, ky);
  });
}

}  // namespace splattrack::losses
