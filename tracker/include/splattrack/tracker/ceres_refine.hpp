// Rigid-pose refinement with Ceres (METHOD.md §6): rotation on
// ceres::EigenQuaternionManifold plus translation, residuals the weighted
// spectral-moment differences of the active bands (and the mask moments),
// with band continuation.
#pragma once

#include <ceres/ceres.h>

#include <array>
#include <limits>
#include <vector>

#include "splattrack/tracker/aligner.hpp"
#include "splattrack/tracker/deadline.hpp"

namespace splattrack {

// How PoseEvaluation hands the residuals to Ceres (below).
enum class ResidualForm { full, compressed };

// Where each band stage's Jacobian comes from. per_point: tangent images
// rendered at every point whose Jacobian Ceres asks for (exact
// Levenberg-Marquardt). first_and_last: the stages before the last step
// along the first stage's Jacobian (a chord method: residuals exact,
// derivatives of the start), the last stage derives its own, so the final
// step is an exact Gauss-Newton one: two tangent passes and transforms of
// their images instead of one per stage. For tracking's one-step stages
// from a good prediction, where the Jacobian was about half of a frame's
// time; the chord all the way (one pass) was 0.75 times the time but
// tracked a clean synthetic sequence 8 times less tightly (BENCHMARKS.md).
enum class StageJacobians { per_point, first_and_last };

struct CeresRefineOptions {
  int first_band = 0;
  int last_band = 3;            // bands first..last are added one at a time
  int iterations_per_stage = 8; // Levenberg-Marquardt iterations per band stage
  Deadline deadline;            // no stage starts after it; a stage's solver stops at it
  ResidualForm residual_form = ResidualForm::compressed;  // full: the same steps, slower (for tests)
  StageJacobians stage_jacobians = StageJacobians::per_point;
};

struct CeresRefineResult {
  CentredPose pose;
  double initial_cost = 0;
  double final_cost = 0;
  int iterations = 0;
  int renders = 0;         // renders and tangent passes it made (PoseAligner's counts)
  int tangent_passes = 0;
  bool converged = false;
};

// A PoseEvaluation's large buffers (a 256² window's eight bands: six
// columns of 264,000 values, twice with a held Jacobian), kept by the caller
// across refinements: fresh ones cost every tracked frame ~6,000 page faults
// and their zeroing.
struct PoseEvaluationBuffers {
  std::vector<double> residuals, jacobian;            // [R], [R × 6] row-major: ω then t (full form only)
  std::array<std::vector<double>, 6> columns;         // [6][R] the Jacobian's columns
  std::array<std::vector<double>, 6> held_columns;    // [6][R widest] a held Jacobian's columns
  std::vector<float> jvp;                             // [H, W, 4] the observation's tangent map
};

// `buffers` (may be null): kept across calls, they save each call's fresh
// pages.
CeresRefineResult ceres_refine(PoseAligner& aligner, MatchTarget& target, const CentredPose& start,
                               const CeresRefineOptions& options = {}, PoseEvaluationBuffers* buffers = nullptr);

// The residuals at one pose and, when asked, their Jacobian along the six pose
// directions (world rotation vector ω, translation t): the "tangent images"
// of METHOD.md §6, exact by forward mode through the renderer
// (PoseAligner::pose_tangent_images), mapped through the observation model
// and SpectralLoss::residual_jacobian_times. One render per evaluation point,
// shared by every residual block that reads it: Ceres calls it as the
// problem's EvaluationCallback before it evaluates the residual blocks.
// Points are compared by value: the render and tangent images of the point
// held (the aligner keeps its last ones) are reused when the bands change
// (band continuation's next stage starts where the last one ended) and when
// Ceres asks for the Jacobian at the candidate it has just costed (a
// successful step).
//
// Compressed, it hands Ceres 7 residuals instead of the bands' R (over 250,000
// with all eight bands of a 256² window), with the same cost ½‖r‖², gradient
// Jᵀr and Gauss-Newton matrix JᵀJ: Levenberg-Marquardt's steps on 6 unknowns
// depend on nothing else. With JᵀJ = V Λ Vᵀ: J̃ = [Λ^½ Vᵀ; 0],
// r̃ = [Λ^-½ Vᵀ Jᵀr; (‖r‖² − ‖Λ^-½ Vᵀ Jᵀr‖²)^½] (directions with λ = 0 carry
// no gradient), and where no Jacobian is asked, r̃ = [0; ‖r‖]. Ceres then
// no longer copies, checks and factors an R × 7 matrix per evaluation (a
// fifth of a tracked frame's time). Not a smooth function of the pose
// (V turns with it): derivative checks use the full form.
class PoseEvaluation : public ceres::EvaluationCallback {
 public:
  static constexpr std::size_t kCompressedResiduals = 7;
  // `quat` (x y z w, Eigen's order) and `trans` are the problem's parameter
  // blocks, read at each new evaluation point.
  // `buffers` (may be null: its own) must outlive it.
  PoseEvaluation(PoseAligner& aligner, MatchTarget& target, std::vector<double> band_weights, const double* quat,
                 const double* trans, ResidualForm form = ResidualForm::full,
                 PoseEvaluationBuffers* buffers = nullptr);
  PoseEvaluation(const PoseEvaluation&) = delete;
  PoseEvaluation& operator=(const PoseEvaluation&) = delete;
  // The Jacobian of the next point it is asked at, over the bands of
  // `widest_band_weights`, serves every later point until the next call
  // (StageJacobians::first_and_last). The stages' bands (set_band_weights)
  // must then be a prefix 0..b of those, with the same weights: their
  // residuals are a per-plane prefix of the widest ones (SpectralLoss's
  // order), so each stage reads its rows of the held columns and no image is
  // transformed again. std::logic_error on other bands.
  void hold_next_jacobian(std::vector<double> widest_band_weights);

  void PrepareForEvaluation(bool evaluate_jacobians, bool new_evaluation_point) override;
  // Evaluates at (quat, trans) unless that is the point held already (with
  // the Jacobian when `jacobian` is set).
  void evaluate_at(const double* quat, const double* trans, bool jacobian);
  // The next stage's bands; the point's render and tangent images stay.
  // `final_stage_iterations` > 0 marks the last stage, of that many
  // iterations: the Jacobian Ceres asks for after a successful last step only
  // reports the gradient at termination, no later stage reads it, and a
  // tangent pass is a quarter of a tracked frame's LM; it is left zero. The
  // count relies on Ceres' trust-region loop (no line search, no inner
  // iterations): one costing of a new point per iteration, the iteration
  // limit checked before the gradient.
  void set_band_weights(std::vector<double> band_weights, int final_stage_iterations = 0);

  // Ceres stands at the point now in the parameter blocks (each stage's
  // start, and each accepted step: ceres_refine's iteration callback). A
  // later point that brings the object closer than depth_limits allow from
  // there is out of reach: it is not rendered, and its cost function fails,
  // so that Ceres shrinks its trust region and tries a shorter step (no
  // step through the near plane: recovery's Ceres took the real cube from
  // 0.54 m to 0.13 m behind the camera, where every render is empty).
  void stand_at_current();
  bool within_reach(const double* quat, const double* trans) const;

  std::size_t residual_count() const;
  // In the chosen form (compressed: 7 and 7 × 6).
  const std::vector<double>& residuals() const { return form_ == ResidualForm::full ? b_->residuals : compressed_r_; }
  const std::vector<double>& jacobian() const { return form_ == ResidualForm::full ? b_->jacobian : compressed_j_; }

 private:
  PoseAligner& aligner_;
  MatchTarget& target_;
  std::vector<double> weights_;
  const double* quat_;
  const double* trans_;
  ResidualForm form_;
  std::vector<double> widest_weights_;  // hold_next_jacobian's; empty: a Jacobian per point
  bool held_ = false;  // b_->held_columns are the held Jacobian's
  std::array<double, 7> point_{};  // quat, trans of the residuals held
  bool has_residuals_ = false;     // the residuals are point_'s with weights_
  bool has_jacobian_ = false;      // the Jacobian is point_'s with weights_ (zero after the last step)
  int final_stage_iterations_ = 0;  // of the last stage; 0: not the last
  int candidates_ = 0;       // points costed without a Jacobian in this stage: its iterations
  // The least object depth within reach of where Ceres stands; none until
  // stand_at_current().
  double depth_floor_ = -std::numeric_limits<double>::infinity();
  PoseEvaluationBuffers own_;
  PoseEvaluationBuffers* b_;  // own_ or the caller's
  std::vector<double> compressed_r_, compressed_j_;
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
