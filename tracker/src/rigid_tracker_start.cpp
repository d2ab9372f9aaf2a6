#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "rigid_tracker_impl.hpp"
#include "splattrack/tracker/feature_start.hpp"
#include "splattrack/tracker/shift_match.hpp"

namespace splattrack {

using rigid_tracker_detail::with_centre_at;

// A first-frame start is moved to the texture's best match only when the
// match correlates at least this well (shift_match.hpp); the real cube's
// photographed-elsewhere texture reaches 0.65-0.8 at the right place.
inline constexpr double kMinStartMatch = 0.3;
// ... and beats the given pose's own by this much: a right start (the real
// cube's given poses, from hand-picked corners) gains 0.01-0.02 from a
// pixel's shift, which moved frames 500-600 (median drift 3.9 -> 5.6 mm); the
// starts 2 cm off gained 0.3-0.8.
inline constexpr double kMinStartMatchGain = 0.1;
// The shift is searched on a grid of range / kShiftGridSteps pixels first.
inline constexpr int kShiftGridSteps = 8;
// A solved first-frame start's planar twin (planar_twin) is taken only when
// the alignments from the two end at least this far apart, and the twin's
// is judged better. Closer, the scores cannot tell them: on the real cube's
// frame 0, from starts 2 cm / 15° off, alignments ending 11-13° off (the
// left face's grazing strip left out) outscored those ending 1-6° off by
// 0.016-0.028 in match, their ends 7-13° apart; a twin across the plane
// ended 20-31° from the other (the one taken: 32.5° off -> 3.3°).
inline constexpr double kTwinDistinctDeg = 15;
// A later frame's start is matched within this many times its predicted
// motion (an object that turns back is twice its motion from the
// prediction) and at least this share of its projected radius.
inline constexpr double kPredictedShiftMotions = 2;
inline constexpr double kMinPredictedShiftRadii = 0.3;

RigidTracker::FirstFrameStart RigidTracker::first_frame_start(const FrameView& frame, const CentredPose& given) {
  if (!options_.first_frame_refines || options_.init_search || !estimates_foreground(frame)) return {given, {}};
  // Turned by the features, then moved by the shift: the order measured
  // best (BENCHMARKS.md, 2026-12-06 seventh).
  const auto shifted = [&](const CentredPose& p) {
    return options_.first_frame_shift_match ? match_start(frame, p, first_frame_shift_px(p)) : p;
  };
  if (!options_.first_frame_features) return {shifted(given), {}};
  const FeatureCheckedPose featured = feature_start(frame, given, true);
  const CentredPose start = shifted(featured.pose);
  // A pose the features solved for may be the wrong one of a plane's twins
  // (planar_twin): the one the first frame's alignment from it explains
  // better is taken. Not for a given pose they confirmed: that one the user
  // chose. replay() (--resume) decides again, the same way bit for bit on
  // the CPU; on the GPU the backward pass's atomic sums are not repeatable,
  // and a close call could go the other way.
  const std::optional<CentredPose> twin =
      featured.solved ? planar_twin(featured.pairs, camera_, featured.pose) : std::nullopt;
  if (!twin) return {start, {}};
  const CentredPose twin_start = shifted(*twin);
  FirstFrameTrial from_twin = first_frame_trial(frame, twin_start);
  FirstFrameTrial from_start = first_frame_trial(frame, start);
  const bool distinct = rotation_error_deg(from_twin.pose, from_start.pose) >= kTwinDistinctDeg;
  if (distinct && better(from_twin.verdict, from_start.verdict)) return {twin_start, std::move(from_twin)};
  return {start, std::move(from_start)};
}

RigidTracker::FirstFrameTrial RigidTracker::first_frame_trial(const FrameView& frame, const CentredPose& start) {
  const double expected_px = first_frame_shift_px(start);
  const ObservationWindow window = window_at(start, expected_px);
  start_appearance(frame, start, window);
  FrameTarget observed;
  observe(frame, window, start, expected_px, observed);
  bool searched = false;
  FrameResult aligned;
  const CentredPose pose = align(*observed.target, start, true, expected_px, searched, aligned);
  return {pose, judge_aligned(*observed.target, pose, true), aligned};
}

CentredPose RigidTracker::moved_start(const FrameView& frame, const CentredPose& predicted) {
  if (!estimates_foreground(frame)) return predicted;
  if (unknown_motion()) {
    if (!options_.unknown_motion_shift_match) return predicted;
    return match_start(frame, predicted, options_.unknown_motion_radii * projected_radius_px(predicted));
  }
  // Not after a lost frame (recovery's re-acquisition starts there), nor where
  // the texture is not trusted: the real cube's, photographed elsewhere,
  // correlated best at wrong places while the hand turned it fast (every 2nd
  // frame of 88-415: 135 -> 103 of 164 within 5° / 10 mm of the full-rate track).
  if (!options_.predicted_shift_match || impl_->acquiring || !impl_->pixels_trusted) return predicted;
  return match_start(frame, predicted,
                     std::max(kPredictedShiftMotions * predicted_motion_px(),
                              kMinPredictedShiftRadii * projected_radius_px(predicted)));
}

FeaturePairs RigidTracker::pairs_at(const FrameView& frame, const CentredPose& pose) {
  const ObservationWindow window = feature_window(window_at(pose, 0));
  const Observation plain(checked(frame, camera_), window);
  const RenderImage& img = render_in(window, kMaskedBackground, pose);
  return match_features(plain.frame_rgb(), img, window, camera_, pose);
}

FeatureCheckedPose RigidTracker::feature_start(const FrameView& frame, const CentredPose& given,
                                               bool keep_confirmed) {
  FeatureCheckedPose out{given, false};
  for (int round = 0; round < feature_start_defaults::kRounds; ++round) {
    out.pairs = pairs_at(frame, out.pose);
    const int held = agreeing_pairs(out.pairs, camera_, out.pose);
    out.confirmed = confirms(out.pairs, held);
    if (out.confirmed && keep_confirmed) break;
    const std::optional<SolvedPose> solved = pose_from_pairs(out.pairs, camera_, out.pose);
    if (!solved || solved->agreeing <= held) break;
    out.pose = solved->pose;
    out.confirmed = confirms(out.pairs, solved->agreeing);
    out.solved = true;
  }
  return out;
}

CentredPose RigidTracker::match_start(const FrameView& frame, const CentredPose& given, double expected_px) {
  const ObservationWindow window = window_at(given, expected_px);
  const Observation plain(checked(frame, camera_), window);
  const RenderImage& img = render_in(window, kMaskedBackground, given);
  const int range = static_cast<int>(std::ceil(expected_px / window.scale));
  const ShiftMatch m = best_shift(plain.frame_rgb().data(), img.rgb.data(), img.alpha.data(), window.width,
                                  window.height, range, std::max(1, range / kShiftGridSteps));
  const ShiftMatch here = best_shift(plain.frame_rgb().data(), img.rgb.data(), img.alpha.data(), window.width,
                                     window.height, 0, 1);
  if (m.score < kMinStartMatch || m.score - here.score < kMinStartMatchGain) return given;
  // The object's centre moved across the image at its depth. Its rotation
  // stays: the correlation over the texture preferred poses turned 10-20°
  // off on the real cube (its front face then fills more of the template),
  // and the plane's turn is left to the alignment.
  Eigen::Vector3d centre = centre_in_camera(camera_, given);
  centre.x() += m.dx * window.scale * centre.z() / camera_.fx;
  centre.y() += m.dy * window.scale * centre.z() / camera_.fy;
  return with_centre_at(camera_, given, centre);
}

}  // namespace splattrack
