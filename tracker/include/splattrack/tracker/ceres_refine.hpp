// Rigid-pose refinement with Ceres (METHOD.md §6): rotation on
// ceres::EigenQuaternionManifold plus translation, residuals the weighted
// spectral-moment differences of the active bands (and the mask moments),
// with band continuation.
#pragma once

#include "splattrack/tracker/aligner.hpp"

namespace splattrack {

struct CeresRefineOptions {
  int first_band = 0;
  int last_band = 3;            // bands first..last are added one at a time
  int iterations_per_stage = 8; // Levenberg-Marquardt iterations per band stage
};

struct CeresRefineResult {
  RigidPose pose;
  double initial_cost = 0;
  double final_cost = 0;
  int iterations = 0;
  bool converged = false;
};

CeresRefineResult ceres_refine(PoseAligner& aligner, MatchTarget& target, const RigidPose& start,
                               const CeresRefineOptions& options = {});

// The residual Jacobian's action on the 6 pose directions (world rotation
// vector ω, translation t): the "tangent images" of METHOD.md §6, exact by
// forward mode through the renderer (PoseAligner::pose_tangent_images),
// mapped through SpectralLoss::residual_jacobian_times. Exposed for the test
// against the exact backward pass. Returns R × 6, row-major.
std::vector<double> pose_residual_jacobian(PoseAligner& aligner, TargetLevel& level, const RigidPose& pose,
                                           const std::vector<double>& band_weights, bool use_mask,
                                           const std::array<float, 3>& background);

}  // namespace splattrack
