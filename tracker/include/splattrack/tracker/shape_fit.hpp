// The rigid tracker's hook for the object's shape (deformation tracking,
// deform_fit.hpp): on a frame it followed, after the rigid pose, the shape is
// fitted jointly with the pose in the frame's own target (its window,
// foreground and colour correction); at the frame's end the fit learns how
// the frame ended.
#pragma once

#include "splattrack/render/pose.hpp"
#include "splattrack/render/track_status.hpp"
#include "splattrack/tracker/aligner.hpp"
#include "splattrack/tracker/target.hpp"

namespace splattrack {

class ShapeFit {
 public:
  virtual ~ShapeFit() = default;
  // The pose after fitting the shape with it on `target` from `pose`; leaves
  // `aligner` rendering the fitted shape (PoseAligner::set_shape).
  // `optimiser_ms`: time spent, added to the frame's.
  virtual CentredPose fit(PoseAligner& aligner, MatchTarget& target, const CentredPose& pose, double& optimiser_ms) = 0;
  // How the frame ended: a frame followed keeps its shape; after a lost or
  // recovered one the shape goes back to the last one followed, in
  // `aligner` too.
  virtual void finish(PoseAligner& aligner, TrackStatus status) = 0;
};

}  // namespace splattrack
