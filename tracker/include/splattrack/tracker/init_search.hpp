// Multi-start pose search for starts beyond the basin of the moments
// (METHOD.md §6): rotation hypotheses spread over SO(3), each aligned in
// translation only, scored on the aligned silhouette/appearance, the best few
// refined.
#pragma once

#include <vector>

#include "splattrack/tracker/aligner.hpp"

namespace splattrack {

struct InitSearchOptions {
  int hypotheses = 72;           // rotations spread over SO(3), plus the start itself
  int translation_iterations = 24;
  int refine_best = 3;           // hypotheses refined fully, besides the start itself
  AlignOptions refine;           // the full alignment of the best ones
};

// Rotations spread near-uniformly over SO(3) (super-Fibonacci spiral,
// Alexa 2022), deterministic.
std::vector<Eigen::Quaterniond> so3_samples(int n);

struct InitSearchResult {
  RigidPose pose;
  double score = 0;  // the quality of the chosen pose (higher is better)
};

InitSearchResult init_search(PoseAligner& aligner, MatchTarget& target, const RigidPose& start,
                             const InitSearchOptions& options);

// The score the search ranks by: silhouette IoU with a mask, the explained
// fraction without, at the given level.
double pose_score(PoseAligner& aligner, MatchTarget& target, int level, const RigidPose& pose);

}  // namespace splattrack
