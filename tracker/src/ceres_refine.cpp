#include "splattrack/tracker/ceres_refine.hpp"

#include <algorithm>

namespace splattrack {

namespace {

CentredPose pose_from(const double* quat, const double* trans) {
  CentredPose pose;
  pose.rotation = Eigen::Quaterniond(quat[3], quat[0], quat[1], quat[2]).normalized();
  pose.translation = Eigen::Vector3d(trans[0], trans[1], trans[2]);
  return pose;
}

}  // namespace

PoseEvaluation::PoseEvaluation(PoseAligner& aligner, MatchTarget& target, std::vector<double> band_weights,
                               const double* quat, const double* trans)
    : aligner_(aligner), target_(target), weights_(std::move(band_weights)), quat_(quat), trans_(trans) {}

std::size_t PoseEvaluation::residual_count() const { return target_.spectral().residual_count(weights_); }

void PoseEvaluation::PrepareForEvaluation(bool evaluate_jacobians, bool new_evaluation_point) {
  if (new_evaluation_point) valid_ = false;
  evaluate_at(quat_, trans_, evaluate_jacobians);
}

void PoseEvaluation::evaluate_at(const double* quat, const double* trans, bool jacobian) {
  std::array<double, 7> point;
  std::copy(quat, quat + 4, point.begin());
  std::copy(trans, trans + 3, point.begin() + 4);
  if (valid_ && point == point_ && (has_jacobian_ || !jacobian)) return;
  Observation& observation = target_.observation();
  const RenderImage& img = aligner_.render(target_, pose_from(quat, trans));
  const Observed o = observation.apply(img);
  residuals_ = target_.spectral().residuals(o.rgb, o.alpha, weights_);
  point_ = point;
  valid_ = true;
  has_jacobian_ = jacobian;
  if (!jacobian) return;
  const std::size_t rows = residuals_.size();
  jacobian_.assign(rows * 6, 0.0);
  const std::vector<RenderTangent>& tangents = aligner_.pose_tangent_images();
  for (std::size_t k = 0; k < 6; ++k) {
    const Observed d = observation.jvp(img, tangents[k], scratch_);
    const std::vector<double> col = target_.spectral().residual_jacobian_times(d.rgb, d.alpha, weights_);
    for (std::size_t r = 0; r < rows; ++r) jacobian_[r * 6 + k] = col[r];
  }
}

MomentPoseCost::MomentPoseCost(PoseEvaluation& evaluation) : evaluation_(evaluation) {
  set_num_residuals(static_cast<int>(evaluation.residual_count()));
  mutable_parameter_block_sizes()->push_back(4);
  mutable_parameter_block_sizes()->push_back(3);
}

bool MomentPoseCost::Evaluate(double const* const* parameters, double* residuals, double** jacobians) const {
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
                               const CeresRefineOptions& options) {
  CeresRefineResult result;
  result.pose = start;
  const int band_count = target.band_count();
  const int last = std::min(options.last_band, band_count - 1);
  bool first_stage = true;
  for (int b = options.first_band; b <= last; ++b) {
    if (options.deadline.passed()) break;
    std::vector<double> weights(static_cast<std::size_t>(band_count), 0.0);
    for (int i = 0; i <= b; ++i) weights[static_cast<std::size_t>(i)] = 1.0;

    const Eigen::Quaterniond q0 = result.pose.rotation.normalized();
    double quat[4] = {q0.x(), q0.y(), q0.z(), q0.w()};
    double trans[3] = {result.pose.translation.x(), result.pose.translation.y(), result.pose.translation.z()};
    PoseEvaluation evaluation(aligner, target, weights, quat, trans);
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
    solver_options.max_solver_time_in_seconds = std::min(solver_options.max_solver_time_in_seconds,
                                                         options.deadline.seconds_left());
    ceres::Solver::Summary summary;
    ceres::Solve(solver_options, &problem, &summary);

    if (first_stage) result.initial_cost = summary.initial_cost;
    first_stage = false;
    result.final_cost = summary.final_cost;
    result.iterations += static_cast<int>(summary.iterations.size());
    result.converged = summary.termination_type == ceres::CONVERGENCE;
    result.pose = pose_from(quat, trans);
  }
  return result;
}

}  // namespace splattrack
