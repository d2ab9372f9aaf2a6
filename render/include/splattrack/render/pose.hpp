// Rigid poses that say which way they map. `Pose<To, From>` maps coordinates
// of frame From into frame To (COLMAP's `cam_from_world` naming); composition
// only type-checks when the frames meet: Pose<A, B> * Pose<B, C> is a
// Pose<A, C>. The object's pose in poses.csv and pose files is
// world_from_model (`RigidPose`); the tracker works on the model recentred at
// its bounds' centre (`CentredPose`), so that rotations turn the object about
// itself. Lives in render, the lowest library, because the tracker, io and
// the datasets all read and write poses.
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <vector>

#include "splattrack/render/camera.hpp"
#include "splattrack/render/model.hpp"

namespace splattrack {

// Coordinate frames, as tags.
namespace frames {
struct World;    // the camera's world (Camera::cam_from_world maps out of it)
struct Camera;   // the camera's own: x right, y down, z forward
struct Model;    // the model file's own coordinates
struct Centred;  // the model's coordinates moved so that its bounds' centre is the origin
}  // namespace frames

// The untyped rotation and translation: x_to = rotation · x_from + translation.
// Functions that move a model by any rigid transform take this.
struct RigidTransform {
  Eigen::Quaterniond rotation = Eigen::Quaterniond::Identity();
  Eigen::Vector3d translation = Eigen::Vector3d::Zero();

  Eigen::Matrix4d matrix() const;
  Eigen::Vector3d apply(const Eigen::Vector3d& x) const { return rotation * x + translation; }
};

template <class To, class From>
struct Pose : RigidTransform {
  Pose() = default;
  explicit Pose(const RigidTransform& t) : RigidTransform(t) {}

  Pose<From, To> inverse() const {
    Pose<From, To> inv;
    inv.rotation = rotation.normalized().conjugate();
    inv.translation = -(inv.rotation * translation);
    return inv;
  }
};

// (To ← Via) ∘ (Via ← From).
template <class To, class Via, class From>
Pose<To, From> operator*(const Pose<To, Via>& a, const Pose<Via, From>& b) {
  Pose<To, From> out;
  out.rotation = (a.rotation * b.rotation).normalized();
  out.translation = a.rotation.normalized() * b.translation + a.translation;
  return out;
}

using RigidPose = Pose<frames::World, frames::Model>;       // the object's pose, world_from_model
using CentredPose = Pose<frames::World, frames::Centred>;   // the tracker's, world_from_centred
using WorldMotion = Pose<frames::World, frames::World>;     // a motion of the world, e.g. frame to frame
using CameraPose = Pose<frames::World, frames::Camera>;     // world_from_camera
static_assert(sizeof(RigidPose) == sizeof(RigidTransform), "a pose's frames are tags only");

// The inverse of the camera's cam_from_world.
CameraPose world_from_cam(const Camera& camera);

// Moves a model by a rigid transform: means x -> R x + t, quaternions q -> r ⊗ q.
// Scales, opacities and SH coefficients are unchanged (SH is not rotated: the
// tracker's models are view-independent or nearly so, and METHOD.md §3 keeps
// appearance fixed under deformation).
GaussianModel transformed(const GaussianModel& model, const RigidTransform& transform);
// The same into `out`, reusing its storage: only means and quaternions are
// rewritten when `out` already holds a copy of `model`'s other arrays (the
// tracker's per-iteration path).
void apply_pose(const GaussianModel& model, const RigidTransform& transform, GaussianModel& out);
// What apply_pose does to a model's arrays, on any [N, 3] points and [N, 4]
// quaternions (w x y z): x -> R x + t, q -> r ⊗ q, into `means_out` and
// `quats_out` (resized; they may be the inputs). With a zero translation it
// turns the renderer's gradients and tangents of means and quaternions too.
void transform_arrays(const RigidTransform& transform, const std::vector<float>& means,
                      const std::vector<float>& quats, std::vector<float>& means_out, std::vector<float>& quats_out);
// The model moved so that `center` becomes its origin (a pure translation).
GaussianModel recentred(const GaussianModel& model, const Eigen::Vector3d& center);

// Rotation error in degrees and translation error (same units as the poses).
double rotation_error_deg(const RigidTransform& a, const RigidTransform& b);
double translation_error(const RigidTransform& a, const RigidTransform& b);

}  // namespace splattrack
