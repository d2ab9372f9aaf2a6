// The frames of a synthetic sequence as a camera records them: the object
// rendered at its pose (averaged over the exposure with motion blur),
// composited over a background, behind an occluder, under changing lighting.
// `splattrack synth` and `bench track --realistic` make their frames here.
#pragma once

#include <vector>

#include "splattrack/datasets/lighting.hpp"
#include "splattrack/datasets/motion_blur.hpp"
#include "splattrack/datasets/occluder.hpp"
#include "splattrack/render.hpp"
#include "splattrack/render/pose.hpp"

namespace splattrack::datasets {

// Each off by default: then a frame is the render over the background.
struct FrameEffects {
  LightingOptions lighting;
  OccluderOptions occluder;
  MotionBlurOptions motion_blur;
};

struct MadeFrame {
  std::vector<float> rgb;       // [H, W, 3] 0..1: what the camera records (before sensor noise)
  std::vector<float> mask;      // [H, W]: the visible object, the truth mask
  std::vector<float> alpha;     // [H, W]: the object's silhouette, hidden or not
  std::vector<float> occluder;  // [H, W]: the occluder's coverage; empty when none crosses this frame
};

class FrameMaker {
 public:
  // `poses`: world_from_model per frame, the truth at mid-exposure.
  // `object_size`: the diameter of a sphere about the model's origin that
  // holds it (where the occluder aims). Renders on `context`, which must
  // outlive the maker. Throws std::invalid_argument for no poses or a
  // non-positive object size.
  FrameMaker(const GaussianModel& model, const Camera& camera, std::vector<RigidPose> poses, double object_size,
             const FrameEffects& effects, ExecutionContext& context);

  // Frame `frame` (0 .. poses - 1) over `background` ([H, W, 3]).
  MadeFrame make(int frame, const std::vector<float>& background);

  const Camera& camera() const { return camera_; }
  // The model the next frames show: the same Gaussians in another shape (a
  // deforming scene's, deformation_field.hpp). Throws std::invalid_argument
  // for another number of Gaussians.
  void set_shape(const GaussianModel& model);

 private:
  RenderImage render_at(const RigidPose& pose);
  // The object alone, on black: rgb (weighted by alpha) and alpha.
  void render(int frame, MadeFrame& out);

  GaussianModel model_;
  Camera camera_;
  std::vector<RigidPose> poses_;
  double object_size_;
  FrameEffects effects_;
  Renderer renderer_;
};

}  // namespace splattrack::datasets
