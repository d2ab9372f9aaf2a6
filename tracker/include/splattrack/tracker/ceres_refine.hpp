// Rigid-pose refinement with Ceres (METHOD.md §6): rotation on
// ceres::EigenQuaternionManifold plus translation, residuals the weighted
// spectral-moment differences of the active bands (and the mask moments),
// with band continuation.
#pragma once

#include <ceres/ceres.h>

#include <vector>

#include "splattrack/tracker/aligner.hpp"
#include "splattrack/tracker/deadline.hpp"

namespace splattrack {

struct CeresRefineOptions {
  int first_band = 0;
  int last_band = 3;            // bands first..last are added one at a time
  int iterations_per_stage = 8; // Levenberg-Marquardt iterations per band stage
  Deadline deadline;            // no stage starts after it; a stage's solver stops at it
};

struct CeresRefineResult {
  CentredPose pose;
  double initial_cost = 0;
  double final_cost = 0;
  int iterations = 0;
  bool converged = false;
};

CeresRefineResult ceres_refine(PoseAligner& aligner, MatchTarget& target, const CentredPose& start,
                               const CeresRefineOptions& options = {});

// The residuals at one pose and, when asked, their Jacobian along the six pose
// directions (world rotation vector ω, translation t): the "tangent images"
// of METHOD.md §6, exact by forward mode through the renderer
// (PoseAligner::pose_tangent_images), mapped through the observation model
// and SpectralLoss::residual_jacobian_times. One render per evaluation point,
// shared by every residual block that reads it: Ceres calls it as the
// problem's EvaluationCallback before it evaluates the residual blocks.
class PoseEvaluation : public ceres::EvaluationCallback {
 public:
  // `quat` (x y z w, Eigen's order) and `trans` are the problem's parameter
  // blocks, read at each new evaluation point.
  PoseEvaluation(PoseAligner& aligner, MatchTarget& target, std::vector<double> band_weights, const double* quat,
                 const double* trans);

  void PrepareForEvaluation(bool evaluate_jacobians, bool new_evaluation_point) override;
  // Evaluates at (quat, trans) unless that is the point held already (with
  // the Jacobian when `jacobian` is set).
  void evaluate_at(const double* quat, const double* trans, bool jacobian);

  std::size_t residual_count() const;
  const std::vector<double>& residuals() const { return residuals_; }
  const std::vector<double>& jacobian() const { return jacobian_; }  // R × 6, row-major: ω then t

 private:
  PoseAligner& aligner_;
  MatchTarget& target_;
  std::vector<double> weights_;
  const double* quat_;
  const double* trans_;
  std::array<double, 7> point_{};  // quat, trans of the evaluation held
  bool valid_ = false;
  bool has_jacobian_ = false;
  std::vector<double> residuals_, jacobian_;
  std::vector<float> scratch_;
};

// r(q, t) = sqrt(coefficients) · (M_k(observed render(q, t)) − M_k(frame))
// over the active bands: SpectralLoss::residuals, read from a PoseEvaluation.
// The Jacobian in the ambient quaternion coordinates (x y z w) is
// J_q = 2 J_ω Pᵀ with P = ∂(δ ⊞ q)/∂δ = [(e_j, 0) ⊗ q] the manifold's
// plus-Jacobian: Ceres then forms J_q P = 2 J_ω, the Jacobian in its tangent
// δ = ω / 2 (PᵀP = I for a unit quaternion). Parameter blocks: quaternion
// (4), translation (3).
class MomentPoseCost : public ceres::CostFunction {
 public:
  static MomentPoseCost* Create(PoseEvaluation& evaluation) { return new MomentPoseCost(evaluation); }
  bool Evaluate(double const* const* parameters, double* residuals, double** jacobians) const override;

 private:
  explicit MomentPoseCost(PoseEvaluation& evaluation);
  PoseEvaluation& evaluation_;
};

}  // namespace splattrack
