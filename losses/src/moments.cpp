#include "splattrack/losses/moments.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "moment_tables.hpp"

namespace splattrack::losses {

const char* to_string(MomentPath path) {
  switch (path) {
    case MomentPath::kFft: return "fft";
    case MomentPath::kDft: return "dft";
    default: return "auto";
  }
}

MomentTables::MomentTables(int w, int h, int band_count)
    : width(w),
      height(h),
      side(std::max(w, h)),
      radius(band_radius(band_count - 1)),
      fold_x{w, (w + 1) / 2},
      fold_y{h, (h + 1) / 2},
      pitch_x(round_up(fold_x.pairs, kDftGroup * kDftLanes)) {
  const int r = radius;
  const double step = std::numbers::pi / side;  // phase per pixel per unit of k
  const double inv_n = 1.0 / (static_cast<double>(w) * h);
  const std::size_t row_table = static_cast<std::size_t>(round_up(r + 1, kDftGroup)) * pitch_x;
  cos_x.assign(row_table, 0.0f);
  sin_x.assign(row_table, 0.0f);
  cos_y.resize(static_cast<std::size_t>(r + 1) * fold_y.pairs);
  sin_y.resize(cos_y.size());
  for (int k = 0; k <= r; ++k) {
    for (int i = 0; i < fold_x.pairs; ++i) {
      cos_x[k * pitch_x + i] = static_cast<float>(std::cos(step * k * fold_x.offset(i)));
      sin_x[k * pitch_x + i] = static_cast<float>(std::sin(step * k * fold_x.offset(i)));
    }
    for (int i = 0; i < fold_y.pairs; ++i) {
      cos_y[k * fold_y.pairs + i] = static_cast<float>(inv_n * std::cos(step * k * fold_y.offset(i)));
      sin_y[k * fold_y.pairs + i] = static_cast<float>(inv_n * std::sin(step * k * fold_y.offset(i)));
    }
  }
  const auto phase = [&](int k, double c) { return std::polar(1.0, step * k * c); };
  for (int k = 0; k <= r; ++k) centre_phase_x.emplace_back(inv_n * phase(k, (w - 1) / 2.0));
  for (int k = -r; k <= r; ++k) centre_phase_y.emplace_back(phase(k, (h - 1) / 2.0));
  for (int k = 0; k <= r; ++k) band_at.push_back(band_of(k, 0));
  for (int b = 0; b < band_count; ++b) {
    row_fft.emplace_back(2 * side, w, band_radius(b));
    column_fft.emplace_back(2 * side, h, band_radius(b));
  }
}

FrequencyBlocks frequency_blocks(BandSet active) {
  FrequencyBlocks blocks;
  for (int b = 0; b <= active.highest();) {
    if (!active.contains(b)) {
      ++b;
      continue;
    }
    int last = b;
    while (active.contains(last + 1)) ++last;
    // Bands b..last form the ring inner < max(|kx|,|ky|) <= outer: the strip
    // inner < |ky| plus, for |ky| <= inner, the columns kx > inner.
    const int inner = band_inner_radius(b);
    const int outer = band_radius(last);
    blocks.block[blocks.count++] = {0, outer, inner + 1, outer};
    if (inner >= 0) blocks.block[blocks.count++] = {inner + 1, outer, 0, inner};
    b = last + 1;
  }
  return blocks;
}

void check_moment_size(int width, int height, int band_count, const char* who) {
  if (width <= 0 || height <= 0)
    throw std::invalid_argument(std::string(who) + ": image size must be positive, got " + std::to_string(width) +
                                "x" + std::to_string(height));
  if (band_count < 1 || band_count > kMaxBandCount)
    throw std::invalid_argument(std::string(who) + ": band count must be in [1, " + std::to_string(kMaxBandCount) +
                                "], got " + std::to_string(band_count));
}

MomentTransform::MomentTransform(int width, int height, int band_count)
    : width_(width), height_(height), band_count_(band_count) {
  check_moment_size(width, height, band_count, "MomentTransform");
  tables_ = std::make_shared<const MomentTables>(width, height, band_count);
}

int MomentTransform::radius() const { return tables_->radius; }

namespace {

void require_bands(const MomentTransform& t, BandSet active, const char* what) {
  if (active.highest() >= t.band_count())
    throw std::invalid_argument(std::string(what) + ": band " + std::to_string(active.highest()) +
                                " is active but the transform has " + std::to_string(t.band_count()) + " bands");
}

}  // namespace

MomentBuffers::MomentBuffers() : scratch_(std::make_unique<MomentScratch>()) {}
MomentBuffers::~MomentBuffers() = default;
MomentBuffers::MomentBuffers(MomentBuffers&&) noexcept = default;
MomentBuffers& MomentBuffers::operator=(MomentBuffers&&) noexcept = default;

namespace {

// The buffers of callers that keep none.
MomentBuffers& thread_buffers() {
  static thread_local MomentBuffers buffers;
  return buffers;
}

}  // namespace

void MomentTransform::forward(const float* plane, BandSet active, MomentPath path, std::complex<float>* grid) const {
  forward(plane, active, path, grid, thread_buffers());
}

void MomentTransform::forward(const float* plane, BandSet active, MomentPath path, std::complex<float>* grid,
                              MomentBuffers& buffers) const {
  require_bands(*this, active, "MomentTransform::forward");
  if (resolve(path, active) == MomentPath::kFft)
    fft_forward(*tables_, plane, active, grid, *buffers.scratch_);
  else
    dft_forward(*tables_, plane, active, grid, *buffers.scratch_);
}

void MomentTransform::adjoint(const std::complex<float>* weights, BandSet active, MomentPath path,
                              float* plane) const {
  adjoint(weights, active, path, plane, thread_buffers());
}

void MomentTransform::adjoint(const std::complex<float>* weights, BandSet active, MomentPath path, float* plane,
                              MomentBuffers& buffers) const {
  require_bands(*this, active, "MomentTransform::adjoint");
  if (resolve(path, active) == MomentPath::kFft)
    fft_adjoint(*tables_, weights, active, plane, *buffers.scratch_);
  else
    dft_adjoint(*tables_, weights, active, plane, *buffers.scratch_);
}

void MomentTransform::reserve(MomentBuffers& buffers) const { reserve_scratch(*tables_, *buffers.scratch_); }

}  // namespace splattrack::losses
