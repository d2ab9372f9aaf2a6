// The model's texture features seen from all round, for finding a lost
// object again anywhere in the frame and turned any way (recover()): SIFT
// keypoints of renders of the model turned to face the camera along each of
// 26 directions (a cube's faces, edges and corners: every direction within
// 28° of one), lifted onto the model by the render's depth. Matched to the
// whole frame, each frame keypoint paired with the model point it shows
// best; pose_from_pairs (feature_start.hpp) solves the pose from the pairs.
// Why: once the real cube is lost (the hand lifts and turns it fast, frame
// ~860), recovery's candidates, judged in a wide window where the hand and
// the mug count as object, stayed lost to the end of the clip (117 frames);
// with the features it is found again at ~890 and followed to the end (1
// lost frame), and nothing is found with the cube painted out (BENCHMARKS.md,
// 2026-12-06 seventh and eighth).
#pragma once

#include <Eigen/Core>
#include <vector>

#include "splattrack/render.hpp"
#include "splattrack/render/execution.hpp"
#include "splattrack/tracker/feature_start.hpp"
#include "splattrack/tracker/window.hpp"

namespace splattrack {

namespace feature_atlas_defaults {
// SIFT keypoints kept per view, and in the whole frame.
inline constexpr int kViewKeypoints = 300;
inline constexpr int kFrameKeypoints = 3000;
// The whole frame is matched at these multiples of the scale of the
// object's own feature window (feature_window), in turn until one finds
// it: twice (about the frame's own resolution: SIFT doubles it first;
// 0.25 s at 640x480), then once (0.5 s). On the real cube each found the
// cube on frames where the other found nothing (frame 504 after a cut; the
// cube under the hand at 850-900).
inline constexpr double kFrameScaleFactors[] = {2.0, 1.0};
// ... with at most this many window pixels.
inline constexpr double kMaxFramePixels = 4e6;
// A view's window half side over the object's projected radius (the
// tracking window's 1.6 rendered 2.3 times the pixels for no keypoint).
inline constexpr double kViewMargin = 1.1;
}  // namespace feature_atlas_defaults

// One view of the model: its render over black, the window it fills and
// the pose it shows.
struct AtlasView {
  RenderImage render;
  ObservationWindow window;
  CentredPose pose;
};

class FeatureAtlas {
 public:
  FeatureAtlas() = default;
  // The keypoints of every view, found on `context`'s threads (OpenCV's
  // own pool is held to one thread meanwhile), in the views' order.
  FeatureAtlas(const std::vector<AtlasView>& views, const Camera& camera, ExecutionContext& context);
  std::size_t size() const { return centred_.size(); }
  bool empty() const { return centred_.empty(); }
  // The model's keypoints matched to `frame_rgb` ([H, W, 3] in 0..1, the
  // frame in `window`): Lowe's ratio test among the frame's keypoints, then
  // each frame keypoint kept once, with the model keypoint closest to it.
  FeaturePairs match(const std::vector<float>& frame_rgb, const ObservationWindow& window) const;

 private:
  std::vector<float> descriptors_;  // [n, 128] SIFT descriptors
  std::vector<Eigen::Vector3d> centred_;  // [n] the model points they show, centred coordinates
};

// The poses the atlas is rendered at: the object at `pose`, turned about its
// centre so that each of the 26 directions faces the camera in turn.
std::vector<CentredPose> atlas_views(const Camera& camera, const CentredPose& pose);

// The window a view is rendered in: the object's bounding sphere of
// `radius` at `pose` and little else, at the features' scale
// (feature_window).
ObservationWindow atlas_window(const Camera& camera, const CentredPose& pose, double radius);

// The whole frame, at `feature_scale` frame pixels per window pixel (or
// coarser, within kMaxFramePixels).
ObservationWindow whole_frame_window(const Camera& camera, double feature_scale);

}  // namespace splattrack
