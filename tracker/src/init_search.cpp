#include "splattrack/tracker/init_search.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "splattrack/tracker/ceres_refine.hpp"
#include "splattrack/tracker/quality.hpp"

namespace splattrack {

namespace {
// The two irrational step constants of the super-Fibonacci spiral: φ = √2 and
// ψ the real root of ψ⁴ = ψ + 4.
inline constexpr double kPhi = 1.4142135623730951;
inline constexpr double kPsi = 1.533751168755204288118041;
// Level used to score translation-aligned hypotheses: resolves band 4.
inline constexpr int kScoreBand = 4;
}  // namespace

std::vector<Eigen::Quaterniond> so3_samples(int n) {
  std::vector<Eigen::Quaterniond> out;
  for (int i = 0; i < n; ++i) {
    const double s = i + 0.5;
    const double r = std::sqrt(s / n);
    const double big_r = std::sqrt(1.0 - s / n);
    const double a = 2 * std::numbers::pi * s / kPhi;
    const double b = 2 * std::numbers::pi * s / kPsi;
    out.emplace_back(r * std::sin(a), r * std::cos(a), big_r * std::sin(b), big_r * std::cos(b));
    out.back().normalize();
  }
  return out;
}

double pose_score(PoseAligner& aligner, MatchTarget& target, int level_index, const RigidPose& pose) {
  TargetLevel& level = target.level(level_index);
  const RenderImage& img = aligner.render(level.camera, pose, target.background());
  return target.has_mask() ? silhouette_iou(img, level.frame) : explained_fraction(img, level.frame, target.background());
}

InitSearchResult init_search(PoseAligner& aligner, MatchTarget& target, const RigidPose& start,
                             const InitSearchOptions& options) {
  struct Candidate {
    RigidPose pose;
    double score;
  };
  std::vector<Eigen::Quaterniond> rotations{Eigen::Quaterniond::Identity()};
  for (const auto& q : so3_samples(options.hypotheses)) rotations.push_back(q);

  AlignOptions translation_only;
  translation_only.iterations = options.translation_iterations;
  translation_only.translation_only = true;
  translation_only.spatial_phase = false;
  translation_only.annealing.band_count = target.full().spectral->options().band_count;
  translation_only.annealing.warmup_fraction = 0.5;
  translation_only.annealing.handover_fraction = 1.0;

  const int score_level = target.level_for_band(kScoreBand);
  std::vector<Candidate> candidates;
  for (const auto& h : rotations) {
    RigidPose p = start;
    p.rotation = (h * start.rotation).normalized();
    p = aligner.align(target, p, translation_only).pose;
    candidates.push_back({p, pose_score(aligner, target, score_level, p)});
  }
  // The start itself (the identity hypothesis, first) is always refined: the
  // coarse score cannot tell near-symmetric rotations apart, and without it
  // the search could end worse than plain alignment from the start (bench
  // track, fox, 60°: 1/6 with the search against 4/6 without).
  std::vector<Candidate> refine{candidates.front()};
  std::stable_sort(candidates.begin() + 1, candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  const int n = std::min<int>(options.refine_best, static_cast<int>(candidates.size()) - 1);
  refine.insert(refine.end(), candidates.begin() + 1, candidates.begin() + 1 + n);

  InitSearchResult best;
  best.score = -1;
  const int full = target.level_count() - 1;
  for (const Candidate& c : refine) {
    RigidPose p = aligner.align(target, c.pose, options.refine).pose;
    const double score = pose_score(aligner, target, full, p);
    if (score > best.score) best = {p, score};
  }
  return best;
}

}  // namespace splattrack
