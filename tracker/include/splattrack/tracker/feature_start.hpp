// A first-frame start corrected by the model's texture features: keypoints
// (OpenCV's SIFT) of a render at the start, under its silhouette, matched to
// the frame in the same window, lifted onto the model by the render's depth,
// and the pose solved from those 3D-2D pairs (PnP in RANSAC). Why: the colour
// model and colour correction learnt at a start 2 cm / 15° off hold the
// alignment there (real cube, BENCHMARKS.md), and the features' descriptors
// do not depend on anything learnt at the start, nor on a gain and offset.
// Coarse: from the real cube's right start the solved pose is 3-4° and
// 5-8 mm off (a blurred mesh2gs model, ~20 pairs on one face), so a start
// that the features confirm stays where it is.
#pragma once

#include <Eigen/Core>
#include <optional>
#include <vector>

#include "splattrack/render.hpp"
#include "splattrack/tracker/window.hpp"

namespace splattrack {

namespace feature_start_defaults {
// Features are found in a window of this many frame pixels per window pixel
// (the real cube spans ~100 frame pixels; SIFT on it at 1:1 found too few
// keypoints on the render's soft texture) ...
inline constexpr double kWindowScale = 0.5;
// ... and at most this many window pixels across.
inline constexpr int kMaxWindowSide = 768;
// The frame is blurred by this much (frame pixels, Gaussian sigma) toward
// the render's softness: on the real cube 10-22 of 18-32 pairs were right
// at 1.5, 10-13 of 14-21 unblurred, 2-4 of 7-10 at 3.
inline constexpr double kFrameBlurPx = 1.5;
// Lowe's ratio test between the best and second best frame keypoint.
inline constexpr float kRatio = 0.8f;
// A render keypoint counts where the render is at least this opaque, away
// from the silhouette's soft rim.
inline constexpr float kMinAlpha = 0.8f;
// A pair agrees with a pose when the pose reprojects it this close (frame
// pixels).
inline constexpr double kInlierPx = 3;
// A solved pose needs this many pairs that agree with it.
inline constexpr int kMinInliers = 8;
// A start is confirmed, and kept, when at least kMinInliers pairs and this
// share of them agree with it: the real cube's given poses 12 of 23 and 26
// of 37; the starts 2 cm / 15° off 0-3 of 18-40.
inline constexpr double kConfirmShare = 0.3;
// Render, match and solve again from the pose solved, at most this often.
inline constexpr int kRounds = 4;
}  // namespace feature_start_defaults

// 3D-2D pairs: points of the model (centred coordinates) and where the frame
// shows them (frame pixels, centres at integers).
struct FeaturePairs {
  std::vector<Eigen::Vector3d> centred;
  std::vector<Eigen::Vector2d> frame_px;
  std::size_t size() const { return centred.size(); }
};

// The window the features are found in around the object at the start:
// `tracking_window` (the object's own) resampled at kWindowScale.
ObservationWindow feature_window(const ObservationWindow& tracking_window);

// Keypoints of `render` (the model at `pose` in `window`, black background)
// matched to `frame_rgb` ([H, W, 3] in 0..1, the same window).
FeaturePairs match_features(const std::vector<float>& frame_rgb, const RenderImage& render,
                            const ObservationWindow& window, const Camera& camera, const CentredPose& pose);

// How many pairs `pose` reprojects within kInlierPx.
int agreeing_pairs(const FeaturePairs& pairs, const Camera& camera, const CentredPose& pose);

// Whether `agreeing` of the pairs (agreeing_pairs at a pose) confirm that
// pose (kMinInliers and kConfirmShare).
bool confirms(const FeaturePairs& pairs, int agreeing);

// The pose that the most pairs agree with (RANSAC over SQPnP), refined by
// Levenberg-Marquardt on its inliers from the RANSAC pose and from `near`;
// the one from `near` is taken when as many pairs agree with it (a face
// seen nearly head-on has two poses that project it alike, and the start
// tells which). None with fewer than kMinInliers agreeing.
struct SolvedPose {
  CentredPose pose;
  int agreeing = 0;
};

// A pose after the features' rounds (RigidTracker::feature_start), and
// whether the last round's pairs confirmed it.
struct FeatureCheckedPose {
  CentredPose pose;
  bool confirmed = false;
};
std::optional<SolvedPose> pose_from_pairs(const FeaturePairs& pairs, const Camera& camera, const CentredPose& near);

}  // namespace splattrack
