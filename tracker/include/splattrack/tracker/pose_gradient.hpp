// Chain rule from per-Gaussian gradients to the object's rigid pose, and
// its forward-mode twin.
//
// The pose is perturbed on the left, in world coordinates:
//   R <- exp([ω]×) R,  t <- t + δ,   so   x'_i = R x_i + t  moves by  ω × (x'_i − t) + δ
// and every Gaussian quaternion q'_i = r ⊗ q_i becomes exp(ω) ⊗ q'_i, whose
// derivative at ω = 0 is ½ (0, ω) ⊗ q'_i. With g = dL/dx'_i and h = dL/dq'_i
// (h = (h_w, h_v), q'_i = (w, u)):
//   dL/dδ = Σ_i g_i
//   dL/dω = Σ_i (x'_i − t) × g_i + ½ (−h_w u + w h_v + u × h_v)
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>

#include "splattrack/render.hpp"
#include "splattrack/render/pose.hpp"

namespace splattrack {

struct PoseGradient {
  Eigen::Vector3d rotation = Eigen::Vector3d::Zero();     // dL/dω (world-frame rotation vector)
  Eigen::Vector3d translation = Eigen::Vector3d::Zero();  // dL/dδ
};

// `world` is the model already moved to its pose (the one that was rendered),
// `translation` the pose's translation t, `grads` the renderer's gradients.
PoseGradient pose_gradient(const GaussianModel& world, const Eigen::Vector3d& translation,
                           const GaussianGradients& grads);

// The six pose directions as tangents of the posed model, for RenderPass::jvp:
// ω = e_0, e_1, e_2 (d x'_i = ω × (x'_i − t), d q'_i = ½ (0, ω) ⊗ q'_i), then
// δ = e_0, e_1, e_2 (d x'_i = δ, d q'_i = 0). pose_gradient is its transpose.
void pose_tangents(const GaussianModel& world, const Eigen::Vector3d& translation,
                   std::vector<ModelTangent>& out);  // [6]

// The renderer's gradients of the posed model (x'' = R x' + t, q'' = r ⊗ q')
// as gradients of the model before the pose (a deformed shape's):
// dL/dx' = Rᵀ dL/dx'', dL/dq' = r* ⊗ dL/dq''. Means and quaternions only.
void unposed_gradients(const RigidTransform& pose, const GaussianGradients& posed, GaussianGradients& out);

// The pose moved along those directions by (ω, δ), finitely: R ← exp([ω]×) R,
// t ← t + δ (the steps of every optimiser on the pose).
CentredPose perturbed(const CentredPose& pose, const Eigen::Vector3d& omega, const Eigen::Vector3d& delta);

}  // namespace splattrack
