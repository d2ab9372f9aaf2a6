// The occluder's shape: a disc or a rounded box, turned, with a signed
// distance in pixels that gives an anti-aliased, one-pixel edge.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace splattrack::datasets::detail {

struct OccluderShape {
  bool disc = true;
  Eigen::Vector2d half{1, 1};  // disc: radius in x; box: half sizes
  double corner = 0;           // box corner radius
  double angle = 0;            // of the shape's x axis, radians
  std::array<float, 3> colour{};
  double stripe_px = 8;        // texture period along the shape's x axis

  double circumradius() const { return disc ? half.x() : half.norm(); }

  // `p` relative to the shape's centre, in its own axes.
  Eigen::Vector2d local(const Eigen::Vector2d& p) const {
    const double c = std::cos(angle), s = std::sin(angle);
    return {c * p.x() + s * p.y(), -s * p.x() + c * p.y()};
  }

  double signed_distance(const Eigen::Vector2d& q) const {
    if (disc) return q.norm() - half.x();
    const Eigen::Vector2d d = q.cwiseAbs() - half + Eigen::Vector2d::Constant(corner);
    return d.cwiseMax(0.0).norm() + std::min(std::max(d.x(), d.y()), 0.0) - corner;
  }

  // Pixel coverage of the shape: 1 inside, 0 outside, linear across the edge.
  float coverage(const Eigen::Vector2d& q) const {
    return static_cast<float>(std::clamp(0.5 - signed_distance(q), 0.0, 1.0));
  }

  // Stripes that move with the shape, so its motion is visible inside it.
  float shade(const Eigen::Vector2d& q) const {
    return static_cast<float>(1.0 + 0.2 * std::sin(2 * std::numbers::pi * q.x() / stripe_px));
  }
};

}  // namespace splattrack::datasets::detail
