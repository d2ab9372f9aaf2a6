#include "splattrack/tracker/verdict.hpp"

namespace splattrack {

namespace {
int rank(TrackStatus s) { return s == TrackStatus::lost ? 0 : s == TrackStatus::degraded ? 1 : 2; }
}  // namespace

Verdict judge(const PoseScores& scores, const JudgedFrame& frame, const VerdictRules& rules) {
  Verdict v{TrackStatus::tracking, scores};
  const bool unexplained = frame.first && frame.given_mask && scores.match < rules.first_frame_acceptance;
  const double max_hidden = frame.held ? rules.max_hidden_held : rules.max_hidden_tracking;
  const bool textured_right = scores.texture && *scores.texture >= rules.texture_keeps_found;
  if (!scores.in_view || (scores.quality < rules.lost_quality && !textured_right)) v.status = TrackStatus::lost;
  else if (scores.quality < rules.tracking_quality || unexplained || scores.hidden > max_hidden ||
           (scores.texture && *scores.texture < rules.min_texture_tracking))
    v.status = TrackStatus::degraded;
  return v;
}

bool needs_recovery(const Verdict& verdict, bool first_frame) {
  return verdict.status == TrackStatus::lost || (first_frame && verdict.status == TrackStatus::degraded);
}

bool better(const Verdict& a, const Verdict& b, double match_margin) {
  if (a.scores.in_view != b.scores.in_view) return a.scores.in_view;
  return rank(a.status) != rank(b.status) ? rank(a.status) > rank(b.status)
                                          : a.scores.match > b.scores.match + match_margin;
}

}  // namespace splattrack
