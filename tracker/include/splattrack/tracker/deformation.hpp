// The model deformed by its control points (METHOD.md §3): node transforms
// in, skinned means and quaternions out, with the exact backward pass from
// the renderer's gradients to the nodes and its forward-mode twin. The
// per-Gaussian formulas are render/skinning.hpp's (shared with CUDA).
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <memory>
#include <vector>

#include "splattrack/render.hpp"
#include "splattrack/render/cuda.hpp"
#include "splattrack/render/skinning.hpp"
#include "splattrack/tracker/control_points.hpp"

namespace splattrack {

using gs::SkinMethod;

// Each node's R_k and T_k (x ↦ R_k (x − p_k) + p_k + T_k), in the rest
// model's coordinates. Rotations are kept unit.
struct NodeTransforms {
  std::vector<Eigen::Quaterniond> rotations;
  std::vector<Eigen::Vector3d> translations;

  static NodeTransforms identity(int count);
  int size() const { return static_cast<int>(rotations.size()); }
};

// Per node, a vector in the space of (r_k as a quaternion w x y z, T_k).
struct NodeVectors {
  std::vector<Eigen::Vector4d> rotations;
  std::vector<Eigen::Vector3d> translations;

  // `count` zero vectors (so also for the gradients and tangents below).
  void set_zero(int count);
  int size() const { return static_cast<int>(rotations.size()); }
};
// dL/dr_k and dL/dT_k.
struct NodeGradients : NodeVectors {};
// A direction of (r_k, T_k), for the forward mode.
struct NodeTangent : NodeVectors {};

class Deformation {
 public:
  // Binds `rest`'s Gaussians to `nodes` (bind_gaussians); keeps a copy of
  // `rest`. With `cuda`, skins on the GPU (CudaSkinning; the same math, node
  // gradients summed in double in no fixed order): throws
  // std::runtime_error without a usable device.
  Deformation(const GaussianModel& rest, ControlPoints nodes, SkinMethod method, bool cuda = false);

  const GaussianModel& rest() const { return rest_; }
  const ControlPoints& nodes() const { return nodes_; }
  const SkinBinding& binding() const { return binding_; }
  SkinMethod method() const { return method_; }
  int node_count() const { return nodes_.size(); }

  // The rest model with means and quaternions skinned by `transforms`, into
  // `out`: only means and quaternions are rewritten when `out` already holds
  // a copy of the rest model's other arrays (as apply_pose; the
  // per-iteration path allocates nothing).
  void apply(const NodeTransforms& transforms, GaussianModel& out, ExecutionContext& context) const;
  // dL/d(node transforms) from the renderer's gradients of the deformed
  // model's means and quaternions. Deterministic for any thread count.
  void backward(const NodeTransforms& transforms, const GaussianGradients& grads, NodeGradients& out,
                ExecutionContext& context) const;
  // The deformed model's derivative along `tangent` (means and quaternions).
  void jvp(const NodeTransforms& transforms, const NodeTangent& tangent, ModelTangent& out,
           ExecutionContext& context) const;

 private:
  GaussianModel rest_;
  ControlPoints nodes_;
  SkinBinding binding_;
  SkinMethod method_;
  std::shared_ptr<CudaSkinning> gpu_;  // with `cuda`; shared by copies (their calls are sequential)
};

}  // namespace splattrack
