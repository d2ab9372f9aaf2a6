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
// A pose's agreeing pairs lie on one plane (planar_twin) when at least this
// share of them is within kPlaneTolerance of it: the real cube's pairs are on
// its front face but for one or two mismatched ones (a pair on a side face
// agreed with the wrong twin by chance).
inline constexpr double kPlanarShare = 0.8;
// ... in units of the pairs' RMS distance from their centroid: the render's
// depth puts the real cube's face points 0.7 mm (median) and 1.2 mm (90th
// percentile) off the face, whose pairs spread ~30 mm (5 %: ~1.4 mm).
inline constexpr double kPlaneTolerance = 0.05;
// The twin is a rival when at least this share of the pairs that agree with
// the pose agree with it too: on the real cube's frame 0, from a start 2 cm /
// 15° off, the pose 34° off agreed with 22 pairs, its twin 2° off with 21
// (the model's texture is ~3 px off the real cube's, so the count decides
// nothing between them).
inline constexpr double kTwinShare = 0.8;
// ... and when it is turned at least this far from the pose (IPPE's second
// solution of a plane seen straight on is the first one again).
inline constexpr double kTwinMinTurnDeg = 3;
// At most this many agreeing pairs span the planes tried (every triple of
// them: ~20 000 for 50).
inline constexpr int kMaxPlanePairs = 50;
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

// A pose after the features' rounds (RigidTracker::feature_start): whether
// the last round's pairs confirmed it, whether it was solved from pairs (not
// the given pose kept), and those pairs.
struct FeatureCheckedPose {
  CentredPose pose;
  bool confirmed = false;
  bool solved = false;
  FeaturePairs pairs;
};
std::optional<SolvedPose> pose_from_pairs(const FeaturePairs& pairs, const Camera& camera, const CentredPose& near);

// The other pose that projects the same plane alike. Pairs on one plane fit
// two poses, mirror images in the plane's tilt to the line of sight (the
// planar pose ambiguity: IPPE, Collins & Bartoli 2014), alike in the image
// where the plane is small against its distance (a face 8 cm across at
// 0.6 m, tilted 20°: twins 36° apart, 1.4 px apart in the image); reprojection
// cannot tell them apart, the rest of the object's image can. Seen straight
// on, the twins are one pose. The twin of `pose`:
// when most of the pairs that agree with it lie on one plane
// (kPlanarShare), IPPE's other solution from that plane's pairs, refined on
// them, if it agrees with nearly as many pairs (kTwinShare) and is turned
// from `pose` (kTwinMinTurnDeg). None otherwise.
std::optional<CentredPose> planar_twin(const FeaturePairs& pairs, const Camera& camera, const CentredPose& pose);

}  // namespace splattrack
