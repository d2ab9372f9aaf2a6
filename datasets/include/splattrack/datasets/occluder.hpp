// A moving occluder: an opaque, textured shape (a disc, or a rounded box
// like a mug or a hand) that crosses in front of the object once per period
// and hides at most a given fraction of its silhouette. The frame's truth
// mask is what stays visible of the object.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace splattrack::datasets {

// The most of the silhouette an occluder may hide: beyond it a frame says
// too little about the pose for a tracker to be held to it.
inline constexpr double kMaxOccluderCover = 0.3;
// One crossing per period, in the middle of it, so that the first frame (the
// one a tracker starts on) is never occluded.
inline constexpr int kOccluderPeriodFrames = 100;
inline constexpr int kOccluderCrossingFrames = 40;

struct OccluderOptions {
  double max_cover = 0.0;  // (0, kMaxOccluderCover]; 0: no occluder
  int period_frames = kOccluderPeriodFrames;
  int crossing_frames = kOccluderCrossingFrames;  // < period_frames
  std::uint64_t seed = 0;
};

// What the occluder adds to a frame.
struct OccluderLayer {
  std::vector<float> coverage;  // [H, W] 0..1 (anti-aliased edge); empty: no occluder in this frame
  std::vector<float> rgb;       // [H, W, 3] its colour, where coverage > 0
};

// The occluder of `frame`, for an object whose rendered silhouette is `alpha`
// ([H, W], 0..1) and whose bounding sphere projects about `centre_px` with
// radius `radius_px`. Each crossing draws its shape, colour, direction and
// offset from the seed; it moves along a straight line relative to the
// object, and is moved sideways, away from the object, where it would hide
// more than max_cover of the silhouette (measured as hidden_fraction).
// Throws std::invalid_argument for options out of range or sizes that
// disagree.
OccluderLayer place_occluder(const OccluderOptions& options, int frame, int width, int height,
                             const std::vector<float>& alpha, const Eigen::Vector2d& centre_px, double radius_px);

// The fraction of the silhouette that `coverage` hides: Σ alpha · coverage / Σ alpha (0 for an empty
// silhouette or no occluder).
double hidden_fraction(const std::vector<float>& alpha, const std::vector<float>& coverage);

// Paints the occluder over `rgb` ([H, W, 3]) and takes it out of `mask`
// ([H, W]): both become what is seen through it. No-op for an empty layer.
void draw_occluder(const OccluderLayer& layer, std::vector<float>& rgb, std::vector<float>& mask);

}  // namespace splattrack::datasets
