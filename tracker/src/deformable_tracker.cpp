#include "splattrack/tracker/deformable_tracker.hpp"

#include <stdexcept>
#include <string>

namespace splattrack {
namespace {

ControlPoints shifted(ControlPoints nodes, const Eigen::Vector3d& offset) {
  for (Eigen::Vector3d& p : nodes.positions) p += offset;
  return nodes;
}

}  // namespace

DeformableTracker::DeformableTracker(const GaussianModel& model, const Camera& camera, const TrackerOptions& options,
                                     const ControlPoints& nodes, const DeformOptions& deform)
    : rest_nodes_(nodes), rigid_(std::make_unique<RigidTracker>(model, camera, options)) {
  const Eigen::Vector3d centre = rigid_->model_centre();
  Deformation deformation(recentred(model, centre), shifted(nodes, -centre), deform.skinning, options.cuda);
  fit_ = std::make_unique<DeformFit>(std::move(deformation), rigid_->object_radius(), deform, rigid_->context());
  rigid_->set_shape_fit(fit_.get());
}

FrameResult DeformableTracker::initialize(const FrameView& frame, const RigidPose& initial_pose) {
  return rigid_->initialize(frame, initial_pose);
}

FrameResult DeformableTracker::track(const FrameView& frame) { return rigid_->track(frame); }

void DeformableTracker::replay(const FrameView& frame, const RigidPose& initial_pose, const RigidPose& reported,
                               TrackStatus status, const std::vector<RigidTransform>& world_nodes) {
  if (static_cast<int>(world_nodes.size()) != rest_nodes_.size())
    throw std::invalid_argument("DeformableTracker::replay: " + std::to_string(world_nodes.size()) +
                                " node poses for " + std::to_string(rest_nodes_.size()) + " nodes");
  // world_nodes()'s inverse: T_k = pose⁻¹(x_k) − p_k, R_k = R⁻¹ R_world.
  const Pose<frames::Model, frames::World> model_from_world = reported.inverse();
  NodeTransforms t = NodeTransforms::identity(rest_nodes_.size());
  for (int k = 0; k < rest_nodes_.size(); ++k) {
    t.translations[k] = model_from_world.apply(world_nodes[k].translation) - rest_nodes_.positions[k];
    t.rotations[k] = (model_from_world.rotation * world_nodes[k].rotation).normalized();
  }
  fit_->replay(t);
  rigid_->replay(frame, initial_pose, reported, status);
}

std::vector<RigidTransform> DeformableTracker::world_nodes(const RigidPose& pose) const {
  const NodeTransforms& t = fit_->transforms();
  std::vector<RigidTransform> out(static_cast<std::size_t>(rest_nodes_.size()));
  for (int k = 0; k < rest_nodes_.size(); ++k) {
    out[k].translation = pose.apply(rest_nodes_.positions[k] + t.translations[k]);
    out[k].rotation = (pose.rotation * t.rotations[k]).normalized();
  }
  return out;
}

GaussianModel DeformableTracker::world_model(const RigidPose& pose) const {
  RigidTransform world_from_centred = pose;
  world_from_centred.translation = pose.apply(rigid_->model_centre());
  return transformed(fit_->shape(), world_from_centred);
}

}  // namespace splattrack
