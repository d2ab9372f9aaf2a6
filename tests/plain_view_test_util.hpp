// The procedural object (4000 Gaussians) over a plain grey-blue background,
// without masks, in a `width` x `height` view where it spans `coverage` of
// the shorter side: the tracker must find its silhouette from colour.
#pragma once

#include <Eigen/Geometry>

#include "render_test_util.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/render/frame.hpp"
#include "splattrack/render/pose.hpp"

namespace splattrack::test {

struct PlainView {
  GaussianModel model = datasets::make_object_model([] {
    datasets::ObjectModelOptions mo;
    mo.gaussians = 4000;
    return mo;
  }());
  Camera camera;
  PlainView(int width, int height, double coverage) {
    datasets::CameraPlacement placement;
    placement.width = width;
    placement.height = height;
    placement.coverage = coverage;
    camera = datasets::place_camera(placement);
  }
  FrameImage at(const RigidPose& pose) const {
    RenderOptions over;
    over.background = {0.35f, 0.4f, 0.45f};
    FrameImage f = frame_from_render(render_image(transformed(model, pose), camera, over));
    f.mask.clear();
    return f;
  }
};

// The object at (x, y) and the placement's default distance, turned
// `angle_rad` about `axis`.
inline RigidPose pose_in_view(double x, double y, double angle_rad, const Eigen::Vector3d& axis) {
  RigidPose p;
  p.translation = {x, y, datasets::kDefaultDistance};
  p.rotation = Eigen::AngleAxisd(angle_rad, axis.normalized());
  return p;
}

}  // namespace splattrack::test
