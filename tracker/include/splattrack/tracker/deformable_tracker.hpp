// Deformation tracking (issue 11): the rigid tracker with the object's shape
// fitted on every frame it follows (DeformFit), and the motion-capture
// outputs: each control point's deformed pose in world coordinates, and the
// deformed model. Same shape as RigidTracker: initialize(frame, pose), then
// track(frame) -> FrameResult, lost tracks reported, never thrown.
#pragma once

#include <memory>
#include <vector>

#include "splattrack/tracker.hpp"
#include "splattrack/tracker/control_points.hpp"
#include "splattrack/tracker/deform_fit.hpp"

namespace splattrack {

class DeformableTracker {
 public:
  // `nodes`: the control points in the model's coordinates
  // (make_control_points of sample_node_positions, or loaded from a file).
  DeformableTracker(const GaussianModel& model, const Camera& camera, const TrackerOptions& options,
                    const ControlPoints& nodes, const DeformOptions& deform = {});

  FrameResult initialize(const FrameView& frame, const RigidPose& initial_pose);
  FrameResult track(const FrameView& frame);
  // --resume (RigidTracker::replay): a finished frame with its reported pose,
  // status and nodes' world poses as written (world_nodes()); every finished
  // frame in order, each with its own, for the resumed run to continue as
  // the uninterrupted one.
  void replay(const FrameView& frame, const RigidPose& initial_pose, const RigidPose& reported, TrackStatus status,
              const std::vector<RigidTransform>& world_nodes);

  // The control points at rest, in the model's coordinates.
  const ControlPoints& rest_nodes() const { return rest_nodes_; }
  // The last frame's node transforms (in the centred model's coordinates:
  // rotations as in the model's, translations too, since centring is a
  // translation).
  const NodeTransforms& transforms() const { return fit_->transforms(); }
  // Each node's deformed pose in world coordinates on the last frame, whose
  // reported pose is `pose`: position p_k + T_k and rotation R_k, then the pose.
  std::vector<RigidTransform> world_nodes(const RigidPose& pose) const;
  // The model in the last frame's shape at `pose`, in world coordinates: the
  // same Gaussians in the same order as the input.
  GaussianModel world_model(const RigidPose& pose) const;
  RigidTracker& rigid() { return *rigid_; }

 private:
  ControlPoints rest_nodes_;
  std::unique_ptr<RigidTracker> rigid_;
  std::unique_ptr<DeformFit> fit_;
};

}  // namespace splattrack
