// The per-frame verdict (METHOD.md §6) as pure functions of a pose's scores,
// so that the rules are tested without running an alignment.
#pragma once

#include <optional>

#include "splattrack/render/track_status.hpp"

namespace splattrack {

// The scores of a pose from one render: `quality`, what the status
// thresholds use (silhouette IoU with a mask, the explained fraction
// without), `match` (appearance_score: colour and silhouette together),
// `hidden`, `texture` and `in_view`.
struct PoseScores {
  double quality = 0;
  double match = 0;
  double hidden = 0;  // the share of the rendered silhouette an occluder hides (Observation::occluded)
  std::optional<double> texture;  // texture_agreement; empty: too little texture to tell
  // Some of the object's silhouette lies on the frame, in front of the
  // camera and not around it (shows_object, kMinDepthRadii). A pose
  // without is lost and ranks below every pose with (better()): an empty
  // render scores a match of 0, more than a wrong pose in view (below 0),
  // and lost frames were reported out of view or behind the camera, where
  // the next frame's prediction has no gradient (real cube, 877-888).
  bool in_view = true;
};

struct VerdictRules {
  double tracking_quality = 0.75;  // quality >= this: tracking
  double lost_quality = 0.5;       // quality < this: lost (recovery is attempted)
  // With a mask, the first frame counts as tracking only if its match score
  // reaches this too; below it, it is degraded and recovery is attempted as
  // for a lost frame. 0 turns it off. On the first frame, whose start may be
  // far off, a plausible silhouette is not enough: a wrong pose can cover the
  // mask (bench track, fox, 30° starts: IoU 0.90–0.96 at 14–47° off) without
  // explaining the colours (match 0.81–0.90, against ≥ 0.99 when right).
  // Without a mask the match is the explained fraction of the whole frame,
  // which noise and clutter keep far below 1 at the right pose: not used.
  double first_frame_acceptance = 0.95;
  // More of the silhouette hidden than this: at most degraded, however well
  // the rest fits. The pose then rests on what is left, and the excluded
  // pixels no longer lower the IoU (measured: the mug covering half the real
  // cube, IoU 0.81-0.87 while 20-50 mm off).
  double max_hidden_tracking = 0.2;
  // The same for a pose the occlusion hold placed (occlusion_hold.hpp): it
  // rests on the frames that saw the object whole, not on what is left
  // visible, so more may be hidden before it is only degraded. Real cube
  // 500-600, the mug over up to a third of it: held poses within 9 mm and
  // 2° where the visible part fits (quality 0.91-0.97) were degraded on 43
  // of 101 frames.
  double max_hidden_held = 0.5;
  // A texture agreement below this: at most degraded. The silhouette and
  // colour scores are measured against a colour model learnt from the
  // tracked poses, which a wrong pose teaches to agree with it (the real
  // cube from a start 2 cm and 15° off: IoU 0.93, "tracking" on every frame
  // at 20 mm and 15-28° off, texture about 0). Right poses score 0.6-0.8 on
  // the real cube, 0.26-0.50 with the mug over half of it, 0.95-0.99 on the
  // synthetic renders, 0.45 five degrees off.
  double min_texture_tracking = 0.2;
  // A texture agreement at least this: never lost, whatever the quality
  // (at most degraded then). The quality is measured against the estimated
  // foreground, which clutter sharing the object's colours spoils: under
  // the realistic benchmark's occluder, before a patterned mug, the IoU slid
  // to 0.52 at a pose 5 % off and below 0.5 the next frame, and the
  // recovery that followed lost the object for good (om300, frame 52).
  // Right poses agree 0.95-0.99 on textured synthetic models, 0.45 five
  // degrees off; the real cube never reaches it (0.6-0.8 when right).
  double texture_keeps_found = 0.75;
};

struct Verdict {
  TrackStatus status = TrackStatus::tracking;
  PoseScores scores;
};

// What the rules need to know about the frame besides the pose's scores.
struct JudgedFrame {
  bool first = false;  // a first frame (or one re-acquiring after a lost one)
  // The frame came with a mask (the first-frame acceptance applies only
  // then: an estimated silhouette and a corrected colour explain a real
  // frame far less than 0.95 even at the right pose).
  bool given_mask = false;
  bool held = false;  // the pose is the occlusion hold's (max_hidden_held)
};

Verdict judge(const PoseScores& scores, const JudgedFrame& frame, const VerdictRules& rules);

// Whether recovery should run: a lost frame, or a first frame not accepted.
bool needs_recovery(const Verdict& verdict, bool first_frame);

// Candidates compare by being in view first (PoseScores::in_view), then by
// status (tracking or recovered over degraded over lost), then by the match
// score, which `a`'s must exceed `b`'s by more than `match_margin`.
bool better(const Verdict& a, const Verdict& b, double match_margin = 0);

}  // namespace splattrack
