#include "splattrack/tracker/init_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "splattrack/tracker/quality.hpp"

namespace splattrack {

namespace {
// The two irrational step constants of the super-Fibonacci spiral: φ = √2 and
// ψ the real root of ψ⁴ = ψ + 4.
inline constexpr double kPhi = 1.4142135623730951;
inline constexpr double kPsi = 1.533751168755204288118041;

// PoseScores::in_view of `pose`, whose render is `img`: some of the object on
// the frame, and the camera not within reach of it (a render filling the
// window explains any foreground).
bool in_view(const PoseAligner& aligner, MatchTarget& target, const CentredPose& pose, const RenderImage& img) {
  return shows_object(img, target.observation()) &&
         object_depth(target.camera(), pose) >= depth_limits::kMinDepthRadii * aligner.object_radius();
}
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

PoseScores pose_scores(PoseAligner& aligner, MatchTarget& target, const CentredPose& pose) {
  Observation& observation = target.observation();
  const RenderImage& img = aligner.render(target, pose);
  const double quality =
      observation.has_mask() ? silhouette_iou(img, observation) : explained_fraction(img, observation);
  return {quality, appearance_score(img, observation), hidden_share(img, observation),
          texture_agreement(img, observation), in_view(aligner, target, pose, img)};
}

InitSearchResult init_search(PoseAligner& aligner, MatchTarget& target, const CentredPose& start,
                             const InitSearchOptions& options, const SearchSlice& slice) {
  // Candidates rank by the match alone: the verdict's other scores (the
  // texture's correlation above all) would be computed and dropped. One
  // out of view ranks last (PoseScores::in_view).
  const auto match_score = [&](const CentredPose& p) {
    const RenderImage& img = aligner.render(target, p);
    return in_view(aligner, target, p, img) ? appearance_score(img, target.observation())
                                            : -std::numeric_limits<double>::infinity();
  };
  struct Candidate {
    CentredPose pose;
    double score;
  };
  std::vector<Eigen::Quaterniond> rotations{Eigen::Quaterniond::Identity()};
  for (const auto& q : so3_samples(options.hypotheses)) rotations.push_back(q);

  AlignOptions refine = options.refine;
  refine.annealing.band_count = target.band_count();
  refine.deadline = slice.deadline;
  AlignOptions screen = refine;
  screen.iterations = options.screen_iterations;
  screen.deadline = slice.screen_until;

  std::vector<Candidate> candidates;
  int next = std::clamp(slice.first, 0, static_cast<int>(rotations.size()));
  for (; next < static_cast<int>(rotations.size()); ++next) {
    if (!candidates.empty() && slice.screen_until.passed()) break;
    const Eigen::Quaterniond& h = rotations[static_cast<std::size_t>(next)];
    CentredPose p = start;
    p.rotation = (h * start.rotation).normalized();
    p = aligner.align(target, p, screen).pose;
    candidates.push_back({p, match_score(p)});
  }
  InitSearchResult best{start, -std::numeric_limits<double>::infinity(), next};
  if (candidates.empty()) return best;
  // Stable: at equal scores the start (first) and then the spiral's order win.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  const int n = std::clamp(options.refine_best, 1, static_cast<int>(candidates.size()));
  for (int i = 0; i < n; ++i) {
    if (i > 0 && slice.deadline.passed()) break;
    const CentredPose p = aligner.align(target, candidates[static_cast<std::size_t>(i)].pose, refine).pose;
    const double score = match_score(p);
    if (score > best.score) best = {p, score, next};
  }
  CeresRefineOptions polish = options.polish;
  polish.deadline = slice.deadline;
  const CentredPose polished = ceres_refine(aligner, target, best.pose, polish).pose;
  const double score = match_score(polished);
  if (score > best.score) best = {polished, score, next};
  return best;
}

}  // namespace splattrack
