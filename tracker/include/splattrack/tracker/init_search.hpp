// Multi-start pose search for starts beyond the basin of the moments
// (METHOD.md §6): rotation hypotheses spread over SO(3), each given a short
// full-pose alignment, ranked on how well the aligned render explains the
// frame (colour and silhouette), the best few refined fully.
#pragma once

#include <limits>
#include <vector>

#include "splattrack/tracker/aligner.hpp"
#include "splattrack/tracker/ceres_refine.hpp"
#include "splattrack/tracker/verdict.hpp"

namespace splattrack {

// Measured on the fox (6,000 Gaussians, 128², object 32 px, 90° starts):
// ranking hypotheses after a translation-only alignment on the silhouette put
// near-flips (130–175° off) first in every start, since at that size the
// statue's silhouette barely changes when it turns round; after a 150-
// iteration full-pose alignment, the colour-and-silhouette score ranked a
// hypothesis within ~40° of the truth first in 5 of 6 starts, and the full
// alignment converges from there.
struct InitSearchOptions {
  int hypotheses = 24;           // rotations spread over SO(3), plus the start itself
  int screen_iterations = 150;   // the short alignment every hypothesis gets
  int refine_best = 3;           // hypotheses refined fully after the screening
  AlignOptions refine;           // the full alignment of the best ones (bands: the target's)
  // Ceres on the chosen pose through every band, kept when it scores higher:
  // from inside the basin Levenberg–Marquardt with exact Jacobians settles in
  // a few iterations what Adam's decayed steps leave (fox, 90° starts: 0.01°
  // → 0.000°, 0.5–4 s).
  CeresRefineOptions polish{0, std::numeric_limits<int>::max(), 5};
};

// Rotations spread near-uniformly over SO(3) (super-Fibonacci spiral,
// Alexa 2022), deterministic.
std::vector<Eigen::Quaterniond> so3_samples(int n);

// A part of the search, for recovery under a time budget: hypotheses from
// `first` on (0 is the start itself, then the spiral's) are screened until
// `screen_until`, the best of them refined until `deadline`.
struct SearchSlice {
  int first = 0;
  Deadline screen_until;
  Deadline deadline;
};

struct InitSearchResult {
  CentredPose pose;
  double score = 0;  // match_score of the chosen pose (higher is better)
  int next = 0;      // the first hypothesis not screened; hypotheses + 1 when all were
};

InitSearchResult init_search(PoseAligner& aligner, MatchTarget& target, const CentredPose& start,
                             const InitSearchOptions& options, const SearchSlice& slice = {});

// Both scores of a pose (verdict.hpp) from one render.
PoseScores pose_scores(PoseAligner& aligner, MatchTarget& target, const CentredPose& pose);

}  // namespace splattrack
