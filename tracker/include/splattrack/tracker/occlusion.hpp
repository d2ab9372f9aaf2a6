// Where something in front hides the object, carried from one frame to the
// next. The silhouette moments compare whole silhouettes, so an occluder (a
// hand, a mug, the synthetic disc) that takes a bite out of the observed
// silhouette pulls the pose away from it, with given masks of the visible
// part as much as with estimated ones (measured: the synthetic disc turned
// the pose 11° within two frames of reaching the object, true masks given).
// After a frame followed from the last one (tracking or degraded, not a
// recovery's), the pixels well inside the rendered silhouette that
// the target calls background *and that it called object at the last
// record* are recorded as hidden (and stay hidden while it still calls them
// background): it is the change that marks an occluder. Parts of the object
// whose colours the model never told from the surroundings (the real cube's
// white faces on a white desk) were background all along and are not
// recorded: excluding them measured a pose pulled 130 mm toward the camera
// on the cube clip, as only "render says object, frame says not" pixels
// were dropped. In the next frame, pixels near the hidden ones that the
// target still calls background take no part in the loss or the score
// (Observation marks them invalid) and teach the colour model nothing.
// Nothing is recorded when most of the silhouette would be hidden (a misfit).
#pragma once

#include <vector>

#include "splattrack/tracker/window.hpp"

namespace splattrack {

namespace occlusion_defaults {
// Pixels within this many window pixels of the rendered silhouette's edge
// are never recorded: the tracked pose and the estimated edge may disagree
// by that much (the colour model's own edge margin).
inline constexpr int kEdgeMarginPx = 3;
// Hidden or not is read from the target's silhouette averaged over
// (2 k + 1)² window pixels: an occluder's texture gives a speckle of colours
// the colour model has seen on the object, or not at all (0.5), among
// colours it calls background.
inline constexpr int kSmoothingPx = 2;
// A change from confidently object to confidently not: colours the colour
// model can hardly tell apart (a white face on a white desk) flip around
// 0.5 from frame to frame as it learns.
inline constexpr float kObjectAt = 0.7f, kHiddenBelow = 0.3f;
// How far, in projected object radii, an occluder may move in one frame:
// the synthetic one crosses the object in ~40 frames (~0.05 radii per
// frame); a hand moves faster.
inline constexpr double kReachRadii = 0.15;
// More of the silhouette than this "hidden" is a misfit, not an occluder
// (the realistic data hides at most 30 %).
inline constexpr double kMaxHiddenShare = 0.5;
}  // namespace occlusion_defaults

class OcclusionMap {
 public:
  // Records one tracked window: of the rendered silhouette `alpha` [H, W]
  // at least kEdgeMarginPx inside its edge, the pixels where the target
  // silhouette `target` [H, W] (averaged, kSmoothingPx) is below 0.5 and was
  // object or hidden at the last record are hidden; these, grown by
  // `reach_px` window pixels, are kept in frame pixels (frame_width x
  // frame_height), with what was object. Nothing is hidden when the hidden
  // share exceeds kMaxHiddenShare.
  void record(const ObservationWindow& window, const std::vector<float>& alpha, const float* target, int reach_px,
              int frame_width, int frame_height);
  void clear() {
    hidden_.clear();
    object_.clear();
  }
  bool empty() const { return hidden_.empty(); }

  // [H, W] of `window`: 1 where the last record saw an occluder (window
  // pixel centres looked up in frame pixels), 0 elsewhere; empty when there
  // is no record.
  std::vector<float> in(const ObservationWindow& window) const;

 private:
  int width_ = 0, height_ = 0;
  std::vector<unsigned char> hidden_;  // [frame H, W] 1 where an occluder may be; empty: none
  std::vector<unsigned char> object_;  // [frame H, W] 1 where the last record saw the object or hid it
};

}  // namespace splattrack
