#include "splattrack/tracker/ceres_refine.hpp"

#include <ceres/ceres.h>

#include <algorithm>

namespace splattrack {

namespace {

// The R × 6 Jacobian at the aligner's last render (`img`), from its exact
// forward-mode tangent images.
std::vector<double> jacobian_at_last_render(PoseAligner& aligner, TargetLevel& level, const RenderImage& img,
                                            const std::vector<double>& band_weights, bool use_mask) {
  const std::size_t rows = level.spectral->residual_count(band_weights);
  std::vector<double> jac(rows * 6);
  const std::vector<RenderTangent>& tangents = aligner.pose_tangent_images();
  std::vector<float> d_observed;
  for (std::size_t k = 0; k < 6; ++k) {
    observed_colour_tangent(img, tangents[k], use_mask, d_observed);
    const losses::ImageView drgb{d_observed.data(), img.width, img.height, 3};
    const losses::ImageView dalpha =
        use_mask ? losses::ImageView{tangents[k].alpha.data(), img.width, img.height, 1} : losses::ImageView{};
    const std::vector<double> col = level.spectral->residual_jacobian_times(drgb, dalpha, band_weights);
    for (std::size_t r = 0; r < rows; ++r) jac[r * 6 + k] = col[r];
  }
  return jac;
}

}  // namespace

std::vector<double> pose_residual_jacobian(PoseAligner& aligner, TargetLevel& level, const RigidPose& pose,
                                           const std::vector<double>& band_weights, bool use_mask,
                                           const std::array<float, 3>& background) {
  const RenderImage& img = aligner.render(level.camera, pose, background);
  return jacobian_at_last_render(aligner, level, img, band_weights, use_mask);
}

namespace {

// r(q, t) = sqrt(coefficients) · (M_k(render(q, t)) − M_k(frame)) over the
// active bands: SpectralLoss::residuals. The Jacobian in the ambient
// quaternion coordinates (Eigen order x y z w) is J_q = 2 J_ω Pᵀ with
// P = ∂(δ ⊞ q)/∂δ = [(e_j, 0) ⊗ q] the manifold's plus-Jacobian: Ceres then
// forms J_q P = 2 J_ω, the Jacobian in its tangent δ = ω / 2 (PᵀP = I for a
// unit quaternion).
class MomentPoseCost : public ceres::CostFunction {
 public:
  MomentPoseCost(PoseAligner& aligner, TargetLevel& level, std::vector<double> weights, bool use_mask,
                 std::array<float, 3> background)
      : aligner_(aligner), level_(level), weights_(std::move(weights)), use_mask_(use_mask), background_(background) {
    set_num_residuals(static_cast<int>(level_.spectral->residual_count(weights_)));
    mutable_parameter_block_sizes()->push_back(4);
    mutable_parameter_block_sizes()->push_back(3);
  }

  bool Evaluate(double const* const* parameters, double* residuals, double** jacobians) const override {
    RigidPose pose;
    const double* q = parameters[0];
    pose.rotation = Eigen::Quaterniond(q[3], q[0], q[1], q[2]).normalized();
    pose.translation = Eigen::Vector3d(parameters[1][0], parameters[1][1], parameters[1][2]);
    const RenderImage& img = aligner_.render(level_.camera, pose, background_);
    observed_colour(img, use_mask_, observed_);
    const losses::ImageView rgb{observed_.data(), img.width, img.height, 3};
    const losses::ImageView alpha =
        use_mask_ ? losses::ImageView{img.alpha.data(), img.width, img.height, 1} : losses::ImageView{};
    const std::vector<double> r = level_.spectral->residuals(rgb, alpha, weights_);
    std::copy(r.begin(), r.end(), residuals);
    if (jacobians == nullptr || (jacobians[0] == nullptr && jacobians[1] == nullptr)) return true;

    // The renderer still holds this pose's forward pass: no second render.
    const std::vector<double> j = jacobian_at_last_render(aligner_, level_, img, weights_, use_mask_);
    // P: column c is the quaternion (e_c, 0) ⊗ q in x y z w order.
    Eigen::Matrix<double, 4, 3> plus_jacobian;
    for (int c = 0; c < 3; ++c) {
      Eigen::Quaterniond e(0, 0, 0, 0);
      e.vec()[c] = 1;
      const Eigen::Quaterniond col = e * pose.rotation;
      plus_jacobian.col(c) << col.x(), col.y(), col.z(), col.w();
    }
    for (int row = 0; row < num_residuals(); ++row) {
      const double* jr = &j[static_cast<std::size_t>(row) * 6];
      if (jacobians[0]) {
        const Eigen::Vector3d j_omega(jr[0], jr[1], jr[2]);
        Eigen::Map<Eigen::Matrix<double, 1, 4>>(jacobians[0] + 4 * row) = 2.0 * j_omega.transpose() * plus_jacobian.transpose();
      }
      if (jacobians[1])
        for (int c = 0; c < 3; ++c) jacobians[1][3 * row + c] = jr[3 + c];
    }
    return true;
  }

 private:
  PoseAligner& aligner_;
  TargetLevel& level_;
  std::vector<double> weights_;
  bool use_mask_;
  std::array<float, 3> background_;
  mutable std::vector<float> observed_;
};

}  // namespace

CeresRefineResult ceres_refine(PoseAligner& aligner, MatchTarget& target, const RigidPose& start,
                               const CeresRefineOptions& options) {
  CeresRefineResult result;
  result.pose = start;
  const int band_count = target.full().spectral->options().band_count;
  const int last = std::min(options.last_band, band_count - 1);
  bool first_stage = true;
  for (int b = options.first_band; b <= last; ++b) {
    std::vector<double> weights(static_cast<std::size_t>(band_count), 0.0);
    for (int i = 0; i <= b; ++i) weights[static_cast<std::size_t>(i)] = 1.0;
    TargetLevel& level = target.level(target.level_for_band(b));

    const Eigen::Quaterniond q0 = result.pose.rotation.normalized();
    double quat[4] = {q0.x(), q0.y(), q0.z(), q0.w()};
    double trans[3] = {result.pose.translation.x(), result.pose.translation.y(), result.pose.translation.z()};
    ceres::Problem::Options problem_options;
    problem_options.cost_function_ownership = ceres::TAKE_OWNERSHIP;
    problem_options.manifold_ownership = ceres::TAKE_OWNERSHIP;
    ceres::Problem problem(problem_options);
    problem.AddResidualBlock(new MomentPoseCost(aligner, level, weights, target.has_mask(), target.background()),
                             nullptr, quat, trans);
    problem.SetManifold(quat, new ceres::EigenQuaternionManifold);

    ceres::Solver::Options solver_options;
    solver_options.linear_solver_type = ceres::DENSE_QR;
    solver_options.max_num_iterations = options.iterations_per_stage;
    solver_options.num_threads = 1;
    solver_options.logging_type = ceres::SILENT;
    ceres::Solver::Summary summary;
    ceres::Solve(solver_options, &problem, &summary);

    if (first_stage) result.initial_cost = summary.initial_cost;
    first_stage = false;
    result.final_cost = summary.final_cost;
    result.iterations += static_cast<int>(summary.iterations.size());
    result.converged = summary.termination_type == ceres::CONVERGENCE;
    result.pose.rotation = Eigen::Quaterniond(quat[3], quat[0], quat[1], quat[2]).normalized();
    result.pose.translation = Eigen::Vector3d(trans[0], trans[1], trans[2]);
  }
  return result;
}

}  // namespace splattrack
