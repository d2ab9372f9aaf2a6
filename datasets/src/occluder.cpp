#include "splattrack/datasets/occluder.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "occluder_shape.hpp"
#include "random.hpp"

namespace splattrack::datasets {

namespace {

using Eigen::Vector2d;
using detail::OccluderShape;

// Sizes relative to the object's projected radius: large enough to hide
// the allowed fraction near the silhouette's middle.
inline constexpr double kDiscRadiusMin = 0.45, kDiscRadiusMax = 0.65;
inline constexpr double kBoxWidthMin = 0.3, kBoxWidthMax = 0.45;    // half sizes
inline constexpr double kBoxLengthMin = 0.6, kBoxLengthMax = 0.9;
inline constexpr double kBoxCornerFraction = 0.3;                   // of the shorter half size
// The path passes the object's centre this far to the side at most, in radii.
inline constexpr double kPathOffsetMax = 0.3;
// Bisection steps for the sideways offset: 2^-14 of the search range.
inline constexpr int kOffsetSteps = 14;

struct Crossing {
  OccluderShape shape;
  Vector2d along{1, 0}, side{0, 1};  // unit path direction and its normal
  double offset = 0;                 // wanted sideways offset, in object radii
};

Crossing draw_crossing(std::uint64_t seed, int index, double radius_px) {
  detail::Random rng(seed + static_cast<std::uint64_t>(index) * 0x9e3779b97f4a7c15ull, detail::kOccluderStream);
  Crossing c;
  const double direction = rng.uniform(0, 2 * std::numbers::pi);
  c.along = {std::cos(direction), std::sin(direction)};
  c.side = {-c.along.y(), c.along.x()};
  c.offset = rng.uniform(-kPathOffsetMax, kPathOffsetMax);
  OccluderShape& s = c.shape;
  s.disc = rng.uniform() < 0.5;
  if (s.disc) {
    s.half = Vector2d::Constant(rng.uniform(kDiscRadiusMin, kDiscRadiusMax) * radius_px);
  } else {
    s.half = Vector2d(rng.uniform(kBoxWidthMin, kBoxWidthMax), rng.uniform(kBoxLengthMin, kBoxLengthMax)) * radius_px;
    s.corner = kBoxCornerFraction * s.half.minCoeff();
  }
  s.angle = rng.uniform(0, std::numbers::pi);
  for (float& v : s.colour) v = static_cast<float>(rng.uniform(0.1, 0.9));
  s.stripe_px = rng.uniform(6, 14);
  return c;
}

// The pixels the shape centred at `centre` can touch, clipped to the image.
struct Box {
  int x0, y0, x1, y1;  // half-open
};
Box bounds(const OccluderShape& s, const Vector2d& centre, int width, int height) {
  const double r = s.circumradius() + 1;
  return {std::max(0, static_cast<int>(std::floor(centre.x() - r))),
          std::max(0, static_cast<int>(std::floor(centre.y() - r))),
          std::min(width, static_cast<int>(std::ceil(centre.x() + r)) + 1),
          std::min(height, static_cast<int>(std::ceil(centre.y() + r)) + 1)};
}

double hidden_at(const OccluderShape& s, const Vector2d& centre, int width, int height,
                 const std::vector<float>& alpha, double total) {
  const Box b = bounds(s, centre, width, height);
  double hidden = 0;
  for (int y = b.y0; y < b.y1; ++y)
    for (int x = b.x0; x < b.x1; ++x) {
      const float a = alpha[static_cast<std::size_t>(y) * width + x];
      if (a > 0) hidden += a * s.coverage(s.local(Vector2d(x, y) - centre));
    }
  return hidden / total;
}

}  // namespace

OccluderLayer place_occluder(const OccluderOptions& o, int frame, int width, int height,
                             const std::vector<float>& alpha, const Vector2d& centre_px, double radius_px) {
  if (!(o.max_cover >= 0 && o.max_cover <= kMaxOccluderCover))
    throw std::invalid_argument("occluder: the cover must be in [0, " + std::to_string(kMaxOccluderCover) + "]");
  if (o.period_frames < 1 || o.crossing_frames < 1 || o.crossing_frames >= o.period_frames)
    throw std::invalid_argument("occluder: need 0 < crossing frames < period frames");
  if (width <= 0 || height <= 0 || alpha.size() != static_cast<std::size_t>(width) * height)
    throw std::invalid_argument("occluder: the silhouette is not " + std::to_string(width) + "x" +
                                std::to_string(height));
  OccluderLayer layer;
  const int phase = frame % o.period_frames - (o.period_frames - o.crossing_frames) / 2;
  double total = 0;
  for (const float a : alpha) total += a;
  if (o.max_cover == 0 || frame < 0 || phase < 0 || phase >= o.crossing_frames || !(radius_px > 0) || total <= 0)
    return layer;

  const Crossing c = draw_crossing(o.seed, frame / o.period_frames, radius_px);
  // From just clear of the object on one side to just clear on the other.
  const double reach = radius_px + c.shape.circumradius() + 2;
  const double progress = (phase + 0.5) / o.crossing_frames;
  const Vector2d on_path = centre_px + (2 * progress - 1) * reach * c.along;
  const double sign = c.offset < 0 ? -1 : 1;
  const auto centre_at = [&](double distance) -> Vector2d { return on_path + sign * distance * c.side; };
  const auto hidden = [&](double distance) { return hidden_at(c.shape, centre_at(distance), width, height, alpha, total); };
  double lo = std::abs(c.offset) * radius_px, hi = lo;
  if (hidden(lo) > o.max_cover) {
    // Sideways until it hides little enough, then back as close as it may.
    hi = reach;
    const double far = std::hypot(width, height) + reach;  // beyond it the shape is off the image
    while (hidden(hi) > o.max_cover && hi < far) hi *= 2;
    for (int step = 0; step < kOffsetSteps; ++step) {
      const double mid = 0.5 * (lo + hi);
      (hidden(mid) > o.max_cover ? lo : hi) = mid;
    }
  }

  const Vector2d centre = centre_at(hi);
  layer.coverage.assign(static_cast<std::size_t>(width) * height, 0.f);
  layer.rgb.assign(3 * layer.coverage.size(), 0.f);
  const Box b = bounds(c.shape, centre, width, height);
  for (int y = b.y0; y < b.y1; ++y)
    for (int x = b.x0; x < b.x1; ++x) {
      const Vector2d q = c.shape.local(Vector2d(x, y) - centre);
      const std::size_t i = static_cast<std::size_t>(y) * width + x;
      layer.coverage[i] = c.shape.coverage(q);
      const float shade = c.shape.shade(q);
      for (std::size_t k = 0; k < 3; ++k) layer.rgb[3 * i + k] = std::min(1.f, c.shape.colour[k] * shade);
    }
  return layer;
}

double hidden_fraction(const std::vector<float>& alpha, const std::vector<float>& coverage) {
  if (coverage.empty()) return 0;
  if (coverage.size() != alpha.size()) throw std::invalid_argument("hidden_fraction: sizes differ");
  double total = 0, hidden = 0;
  for (std::size_t i = 0; i < alpha.size(); ++i) {
    total += alpha[i];
    hidden += alpha[i] * coverage[i];
  }
  return total > 0 ? hidden / total : 0;
}

void draw_occluder(const OccluderLayer& layer, std::vector<float>& rgb, std::vector<float>& mask) {
  if (layer.coverage.empty()) return;
  if (mask.size() != layer.coverage.size() || rgb.size() != 3 * mask.size())
    throw std::invalid_argument("draw_occluder: the image and the occluder differ in size");
  for (std::size_t i = 0; i < mask.size(); ++i) {
    const float c = layer.coverage[i];
    if (c == 0) continue;
    for (std::size_t k = 0; k < 3; ++k) rgb[3 * i + k] = c * layer.rgb[3 * i + k] + (1 - c) * rgb[3 * i + k];
    mask[i] *= 1 - c;
  }
}

}  // namespace splattrack::datasets
