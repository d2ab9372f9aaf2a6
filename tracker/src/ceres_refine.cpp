#include "splattrack/tracker/ceres_refine.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace splattrack {

namespace {

CentredPose pose_from(const double* quat, const double* trans) {
  CentredPose pose;
  pose.rotation = Eigen::Quaterniond(quat[3], quat[0], quat[1], quat[2]).normalized();
  pose.translation = Eigen::Vector3d(trans[0], trans[1], trans[2]);
  return pose;
}

// The compressed form of (r, J) (ResidualForm): same ½‖r‖², Jᵀr and JᵀJ,
// from J's six columns (dot products: no R × 6 matrix is formed).
void compress(const std::vector<double>& r, const std::array<std::vector<double>, 6>& columns,
              std::vector<double>& out_r, std::vector<double>& out_j) {
  using Matrix6 = Eigen::Matrix<double, 6, 6>;
  using Vector6 = Eigen::Matrix<double, 6, 1>;
  const auto rows = std::ssize(r);
  const Eigen::Map<const Eigen::VectorXd> rv(r.data(), rows);
  Matrix6 normal;
  Vector6 gradient;
  const auto column = [&](int c) {
    return Eigen::Map<const Eigen::VectorXd>(columns[static_cast<std::size_t>(c)].data(), rows);
  };
  // In blocks of rows that stay in cache while the 27 products read them
  // (each a pass over 2 MB columns otherwise).
  constexpr std::ptrdiff_t kBlockRows = 2048;
  normal.setZero();
  gradient.setZero();
  for (std::ptrdiff_t first = 0; first < rows; first += kBlockRows) {
    const std::ptrdiff_t n = std::min(kBlockRows, rows - first);
    for (int a = 0; a < 6; ++a) {
      gradient[a] += column(a).segment(first, n).dot(rv.segment(first, n));
      for (int b = 0; b <= a; ++b) normal(a, b) += column(a).segment(first, n).dot(column(b).segment(first, n));
    }
  }
  normal = normal.selfadjointView<Eigen::Lower>();
  const Eigen::SelfAdjointEigenSolver<Matrix6> eigen(normal);
  // No division by (almost) zero: directions this far below the largest
  // eigenvalue carry no step and no gradient worth keeping.
  constexpr double kRelativeFloor = 1e-14;
  const double floor = kRelativeFloor * std::max(eigen.eigenvalues().maxCoeff(), 0.0);
  out_r.assign(PoseEvaluation::kCompressedResiduals, 0.0);
  out_j.assign(PoseEvaluation::kCompressedResiduals * 6, 0.0);
  double explained = 0;
  for (int i = 0; i < 6; ++i) {
    const double lambda = eigen.eigenvalues()[i];
    if (!(lambda > floor)) continue;
    const Vector6 v = eigen.eigenvectors().col(i);
    const double root = std::sqrt(lambda);
    out_r[static_cast<std::size_t>(i)] = v.dot(gradient) / root;
    explained += out_r[static_cast<std::size_t>(i)] * out_r[static_cast<std::size_t>(i)];
    for (int c = 0; c < 6; ++c) out_j[static_cast<std::size_t>(6 * i + c)] = root * v[c];
  }
  out_r[6] = std::sqrt(std::max(rv.squaredNorm() - explained, 0.0));
}

// Tells the evaluation where Ceres stands after each accepted step: the
// parameter blocks hold the new point then (update_state_every_iteration).
// After a rejected step they hold Ceres' current point too from 2.1 on, the
// rejected candidate in older versions: those are skipped.
class StandingPoint : public ceres::IterationCallback {
 public:
  explicit StandingPoint(PoseEvaluation& evaluation) : evaluation_(evaluation) {}
  ceres::CallbackReturnType operator()(const ceres::IterationSummary& summary) override {
    if (summary.step_is_successful) evaluation_.stand_at_current();
    return ceres::SOLVER_CONTINUE;
  }

 private:
  PoseEvaluation& evaluation_;
};

}  // namespace

PoseEvaluation::PoseEvaluation(PoseAligner& aligner, MatchTarget& target, std::vector<double> band_weights,
                               const double* quat, const double* trans, ResidualForm form,
                               PoseEvaluationBuffers* buffers)
    : aligner_(aligner),
      target_(target),
      weights_(std::move(band_weights)),
      quat_(quat),
      trans_(trans),
      form_(form),
      b_(buffers ? buffers : &own_) {}

void PoseEvaluation::hold_next_jacobian(std::vector<double> widest_band_weights) {
  widest_weights_ = std::move(widest_band_weights);
  held_ = false;
  has_jacobian_ = false;
}

std::size_t PoseEvaluation::residual_count() const {
  return form_ == ResidualForm::full ? target_.spectral().residual_count(weights_) : kCompressedResiduals;
}

void PoseEvaluation::stand_at_current() {
  depth_floor_ = approach_floor(target_.camera(), pose_from(quat_, trans_), aligner_.object_radius());
}

bool PoseEvaluation::within_reach(const double* quat, const double* trans) const {
  return object_depth(target_.camera(), pose_from(quat, trans)) >= depth_floor_;
}

void PoseEvaluation::PrepareForEvaluation(bool evaluate_jacobians, bool new_evaluation_point) {
  if (!evaluate_jacobians && new_evaluation_point) ++candidates_;
  // Out of reach: not rendered, its cost function fails.
  if (!within_reach(quat_, trans_)) return;
  if (evaluate_jacobians && final_stage_iterations_ > 0 && candidates_ >= final_stage_iterations_) {
    // After the last stage's last step (set_band_weights): costed, not derived.
    evaluate_at(quat_, trans_, false);
    if (form_ == ResidualForm::full) b_->jacobian.assign(b_->residuals.size() * 6, 0.0);
    else compressed_j_.assign(kCompressedResiduals * 6, 0.0);
    has_jacobian_ = true;
    return;
  }
  // A "new" point may be the one held (a stage's first evaluation): compared
  // by value in evaluate_at.
  evaluate_at(quat_, trans_, evaluate_jacobians);
}

void PoseEvaluation::set_band_weights(std::vector<double> band_weights, int final_stage_iterations) {
  if (!widest_weights_.empty()) {
    // A prefix 0..b of the widest bands, with their weights.
    bool prefix = band_weights.size() == widest_weights_.size(), ended = false;
    for (std::size_t i = 0; i < band_weights.size(); ++i) {
      if (band_weights[i] == 0) {
        ended = true;
        continue;
      }
      prefix = prefix && !ended && band_weights[i] == widest_weights_[i];
    }
    if (!prefix) throw std::logic_error("PoseEvaluation: a held Jacobian serves only a prefix of its bands");
  }
  weights_ = std::move(band_weights);
  final_stage_iterations_ = final_stage_iterations;
  candidates_ = 0;
  has_residuals_ = has_jacobian_ = false;
}

void PoseEvaluation::evaluate_at(const double* quat, const double* trans, bool jacobian) {
  std::array<double, 7> point;
  std::copy(quat, quat + 4, point.begin());
  std::copy(trans, trans + 3, point.begin() + 4);
  Observation& observation = target_.observation();
  if (point != point_) has_residuals_ = has_jacobian_ = false;
  point_ = point;
  if (has_residuals_ && (has_jacobian_ || !jacobian)) return;
  // The aligner's last render when it is this point's.
  const RenderImage& image = aligner_.render(target_, pose_from(quat, trans));
  if (!has_residuals_) {
    const Observed o = observation.apply(image);
    target_.spectral().residuals(o.rgb, o.alpha, weights_, b_->residuals);
    has_residuals_ = true;
    if (form_ == ResidualForm::compressed) {
      compressed_r_.assign(kCompressedResiduals, 0.0);
      const std::vector<double>& r = b_->residuals;
      compressed_r_.back() = Eigen::Map<const Eigen::VectorXd>(r.data(), std::ssize(r)).norm();
    }
  }
  if (!jacobian || has_jacobian_) return;
  const std::size_t rows = b_->residuals.size();
  // The six columns over `bands`, from this point's tangent images.
  const auto derive = [&](const std::vector<double>& bands, std::array<std::vector<double>, 6>& columns) {
    const std::vector<RenderTangent>& tangents = aligner_.pose_tangent_images();
    for (std::size_t k = 0; k < 6; ++k) {
      const Observed d = observation.jvp(image, tangents[k], b_->jvp);
      target_.spectral().residual_jacobian_times(d.rgb, d.alpha, bands, columns[k]);
    }
  };
  if (widest_weights_.empty()) {
    derive(weights_, b_->columns);
  } else {
    if (!held_) {
      derive(widest_weights_, b_->held_columns);
      held_ = true;
    }
    // Plane p's rows: the first `stage` of its `widest` in the held columns.
    const auto planes = static_cast<std::size_t>(target_.spectral().plane_count());
    const std::size_t stage = rows / planes, widest = b_->held_columns[0].size() / planes;
    for (std::size_t k = 0; k < 6; ++k) {
      b_->columns[k].resize(rows);
      for (std::size_t p = 0; p < planes; ++p)
        std::copy_n(b_->held_columns[k].begin() + static_cast<std::ptrdiff_t>(p * widest), stage,
                    b_->columns[k].begin() + static_cast<std::ptrdiff_t>(p * stage));
    }
  }
  has_jacobian_ = true;
  if (form_ == ResidualForm::compressed) {
    compress(b_->residuals, b_->columns, compressed_r_, compressed_j_);
    return;
  }
  b_->jacobian.assign(rows * 6, 0.0);
  for (std::size_t k = 0; k < 6; ++k)
    for (std::size_t r = 0; r < rows; ++r) b_->jacobian[r * 6 + k] = b_->columns[k][r];
}

MomentPoseCost::MomentPoseCost(PoseEvaluation& evaluation) : evaluation_(evaluation) {
  set_num_residuals(static_cast<int>(evaluation.residual_count()));
  mutable_parameter_block_sizes()->push_back(4);
  mutable_parameter_block_sizes()->push_back(3);
}

bool MomentPoseCost::Evaluate(double const* const* parameters, double* residuals, double** jacobians) const {
  if (!evaluation_.within_reach(parameters[0], parameters[1])) return false;
  const bool want_jacobian = jacobians != nullptr && (jacobians[0] != nullptr || jacobians[1] != nullptr);
  // Ceres has prepared this point through the callback; a standalone caller
  // (GradientChecker, a perturbed point) gets it evaluated here.
  evaluation_.evaluate_at(parameters[0], parameters[1], want_jacobian);
  const std::vector<double>& r = evaluation_.residuals();
  std::copy(r.begin(), r.end(), residuals);
  if (!want_jacobian) return true;

  const double* q = parameters[0];
  const Eigen::Quaterniond rotation = Eigen::Quaterniond(q[3], q[0], q[1], q[2]).normalized();
  // P: column c is the quaternion (e_c, 0) ⊗ q in x y z w order.
  Eigen::Matrix<double, 4, 3> plus_jacobian;
  for (int c = 0; c < 3; ++c) {
    Eigen::Quaterniond e(0, 0, 0, 0);
    e.vec()[c] = 1;
    const Eigen::Quaterniond col = e * rotation;
    plus_jacobian.col(c) << col.x(), col.y(), col.z(), col.w();
  }
  const std::vector<double>& j = evaluation_.jacobian();
  for (int row = 0; row < num_residuals(); ++row) {
    const double* jr = &j[static_cast<std::size_t>(row) * 6];
    if (jacobians[0]) {
      const Eigen::Vector3d j_omega(jr[0], jr[1], jr[2]);
      Eigen::Map<Eigen::Matrix<double, 1, 4>>(jacobians[0] + 4 * row) =
          2.0 * j_omega.transpose() * plus_jacobian.transpose();
    }
    if (jacobians[1])
      for (int c = 0; c < 3; ++c) jacobians[1][3 * row + c] = jr[3 + c];
  }
  return true;
}

CeresRefineResult ceres_refine(PoseAligner& aligner, MatchTarget& target, const CentredPose& start,
                               const CeresRefineOptions& options, PoseEvaluationBuffers* buffers) {
  CeresRefineResult result;
  result.pose = start;
  const int band_count = target.band_count();
  const int last = std::min(options.last_band, band_count - 1);
  bool first_stage = true;
  // The parameter blocks and the evaluation live across the stages: each
  // stage starts where the last ended, on its render and tangent images.
  const Eigen::Quaterniond q0 = start.rotation.normalized();
  double quat[4] = {q0.x(), q0.y(), q0.z(), q0.w()};
  double trans[3] = {start.translation.x(), start.translation.y(), start.translation.z()};
  PoseEvaluation evaluation(aligner, target, {}, quat, trans, options.residual_form, buffers);
  StandingPoint standing(evaluation);
  const bool chord = options.stage_jacobians == StageJacobians::first_and_last;
  // Weight 1 on bands 0..b: stage b's bands.
  const auto bands_up_to = [&](int b) {
    std::vector<double> weights(static_cast<std::size_t>(band_count), 0.0);
    std::fill(weights.begin(), weights.begin() + std::max(b + 1, 0), 1.0);
    return weights;
  };
  const int renders_before = aligner.renders_made(), tangent_passes_before = aligner.tangent_passes_made();
  for (int b = options.first_band; b <= last; ++b) {
    if (options.deadline.passed()) break;
    // The first stage's Jacobian for the stages before the last; the last
    // stage's own for it.
    if (chord && (b == options.first_band || b == last)) evaluation.hold_next_jacobian(bands_up_to(last));
    evaluation.set_band_weights(bands_up_to(b), b == last ? options.iterations_per_stage : 0);
    ceres::Problem::Options problem_options;
    problem_options.cost_function_ownership = ceres::TAKE_OWNERSHIP;
    problem_options.manifold_ownership = ceres::TAKE_OWNERSHIP;
    problem_options.evaluation_callback = &evaluation;
    ceres::Problem problem(problem_options);
    problem.AddResidualBlock(MomentPoseCost::Create(evaluation), nullptr, quat, trans);
    problem.SetManifold(quat, new ceres::EigenQuaternionManifold);

    ceres::Solver::Options solver_options;
    solver_options.linear_solver_type = ceres::DENSE_QR;
    solver_options.max_num_iterations = options.iterations_per_stage;
    solver_options.num_threads = 1;
    solver_options.logging_type = ceres::SILENT;
    solver_options.update_state_every_iteration = true;
    solver_options.callbacks.push_back(&standing);
    solver_options.max_solver_time_in_seconds = std::min(solver_options.max_solver_time_in_seconds,
                                                         options.deadline.seconds_left());
    ceres::Solver::Summary summary;
    evaluation.stand_at_current();  // where the last stage ended
    ceres::Solve(solver_options, &problem, &summary);

    if (first_stage) result.initial_cost = summary.initial_cost;
    first_stage = false;
    result.final_cost = summary.final_cost;
    result.iterations += static_cast<int>(summary.iterations.size());
    result.converged = summary.termination_type == ceres::CONVERGENCE;
    result.pose = pose_from(quat, trans);
  }
  result.renders = aligner.renders_made() - renders_before;
  result.tangent_passes = aligner.tangent_passes_made() - tangent_passes_before;
  return result;
}

}  // namespace splattrack
