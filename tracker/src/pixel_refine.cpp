#include "splattrack/tracker/pixel_refine.hpp"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>

#include "splattrack/tracker/pose_gradient.hpp"

namespace splattrack {

namespace {

using Matrix6 = Eigen::Matrix<double, 6, 6>;
using Vector6 = Eigen::Matrix<double, 6, 1>;

// r_p, or (target null: o is a tangent) dr_p = (d(g ⊙ C + b·α) − dα·I, dα),
// by one rule: the colour term's frame part is the frame under the render's
// (or its tangent's) alpha; the target has no tangent.
void write_residuals(const Observation& observation, const Observed& o, const Observed* target,
                     PixelResiduals& out) {
  const std::size_t pixels = o.rgb.pixels();
  const bool mask = !o.alpha.empty();
  out.channels = mask ? 4 : 3;
  const auto channels = static_cast<std::size_t>(out.channels);
  out.values.resize(pixels * channels);
  const float* frame = observation.frame_rgb().data();
  for (std::size_t p = 0; p < pixels; ++p) {
    float* r = &out.values[p * channels];
    if (!mask) {
      for (std::size_t c = 0; c < 3; ++c) r[c] = o.rgb.data[3 * p + c] - (target ? target->rgb.data[3 * p + c] : 0.f);
      continue;
    }
    // Outside the frame or occluded, apply() has set the render's side to the
    // target (its tangent to zero): nothing to compare.
    const bool valid = observation.valid(p);
    for (std::size_t c = 0; c < 3; ++c) r[c] = valid ? o.rgb.data[3 * p + c] - o.alpha.data[p] * frame[3 * p + c] : 0.f;
    r[3] = o.alpha.data[p] - (target ? target->alpha.data[p] : 0.f);
  }
}

double huber_weight(double e, double k) { return e <= k ? 1.0 : k / e; }

// |r_p|² of the pixel whose residuals start at r.
double squared_norm(const float* r, std::size_t channels) {
  double e2 = 0;
  for (std::size_t c = 0; c < channels; ++c) e2 += double(r[c]) * r[c];
  return e2;
}

}  // namespace

void pixel_residuals(const Observation& observation, const Observed& observed, PixelResiduals& out) {
  const Observed target = observation.target();
  write_residuals(observation, observed, &target, out);
}

void pixel_residual_tangent(const Observation& observation, const Observed& observed_tangent, PixelResiduals& out) {
  write_residuals(observation, observed_tangent, nullptr, out);
}

double pixel_cost(const PixelResiduals& residuals, double huber) {
  const auto channels = static_cast<std::size_t>(residuals.channels);
  double cost = 0;
  for (std::size_t i = 0; i < residuals.values.size(); i += channels) {
    const double e2 = squared_norm(&residuals.values[i], channels);
    const double e = std::sqrt(e2);
    cost += e <= huber ? 0.5 * e2 : huber * (e - 0.5 * huber);
  }
  return cost;
}

PixelRefineResult pixel_refine(PoseAligner& aligner, MatchTarget& target, const CentredPose& start,
                               const PixelRefineOptions& options) {
  namespace d = pixel_refine_defaults;
  PixelRefineResult result;
  result.pose = start;
  Observation& observation = target.observation();
  PixelResiduals residuals, trial;
  const auto evaluate = [&](const CentredPose& pose, PixelResiduals& into) {
    const RenderImage& img = aligner.render(target, pose);
    ++result.renders;
    pixel_residuals(observation, observation.apply(img), into);
    return pixel_cost(into, options.huber);
  };
  double cost = evaluate(start, residuals);
  result.initial_cost = cost;
  std::vector<float> scratch;
  std::array<PixelResiduals, 6> columns;  // [6] of [H, W, C]: dr along each pose direction
  double lambda = d::kInitialLambda;
  for (int it = 0; it < options.iterations && !options.deadline.passed(); ++it) {
    // Rendered again when a rejected or expanded trial came after it.
    const RenderImage& img = aligner.render(target, result.pose);
    const std::vector<RenderTangent>& tangents = aligner.pose_tangent_images();
    for (std::size_t k = 0; k < 6; ++k)
      pixel_residual_tangent(observation, observation.jvp(img, tangents[k], scratch), columns[k]);
    ++result.iterations;

    Matrix6 normal = Matrix6::Zero();
    Vector6 gradient = Vector6::Zero();
    const auto channels = static_cast<std::size_t>(residuals.channels);
    for (std::size_t i = 0; i < residuals.values.size(); i += channels) {
      const double w = huber_weight(std::sqrt(squared_norm(&residuals.values[i], channels)), options.huber);
      for (std::size_t c = 0; c < channels; ++c) {
        Vector6 j;
        for (std::size_t k = 0; k < 6; ++k) j[static_cast<Eigen::Index>(k)] = columns[k].values[i + c];
        if (j.isZero()) continue;  // the background, mostly
        normal.selfadjointView<Eigen::Lower>().rankUpdate(j, w);
        gradient.noalias() += (w * residuals.values[i + c]) * j;
      }
    }
    normal = normal.selfadjointView<Eigen::Lower>();

    bool accepted = false;
    const double before = cost;
    for (int attempt = 0; attempt < d::kTries && !accepted; ++attempt) {
      Matrix6 damped = normal;
      damped.diagonal() += lambda * normal.diagonal().cwiseMax(1e-12 * normal.diagonal().maxCoeff());
      const Vector6 step = -damped.ldlt().solve(gradient);
      if (!step.allFinite()) break;
      // Never through the near plane (aligner.hpp), however far expanded.
      const auto candidate_at = [&](double scale) {
        CentredPose c = perturbed(result.pose, scale * step.head<3>(), scale * step.tail<3>());
        limit_approach(target.camera(), result.pose, aligner.object_radius(), c);
        return c;
      };
      CentredPose candidate = candidate_at(1);
      double c = evaluate(candidate, trial);
      if (!(c < cost)) {
        lambda *= d::kLambdaUp;
        continue;
      }
      std::swap(residuals, trial);
      for (int e = 1; e <= d::kExpansions; ++e) {
        const CentredPose further = candidate_at(double(1 << e));
        const double cf = evaluate(further, trial);
        if (!(cf < c)) break;
        c = cf;
        candidate = further;
        std::swap(residuals, trial);
      }
      cost = c;
      result.pose = candidate;
      lambda = std::max(lambda / d::kLambdaDown, d::kMinLambda);
      accepted = true;
    }
    if (!accepted || before - cost < d::kMinRelativeDecrease * before) break;
  }
  result.final_cost = cost;
  return result;
}

}  // namespace splattrack
