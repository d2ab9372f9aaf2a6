#include "splattrack/datasets/frame_maker.hpp"

#include <stdexcept>

#include "splattrack/datasets/background.hpp"

namespace splattrack::datasets {

FrameMaker::FrameMaker(const GaussianModel& model, const Camera& camera, std::vector<RigidPose> poses,
                       double object_size, const FrameEffects& effects, ExecutionContext& context)
    : model_(model),
      camera_(camera),
      poses_(std::move(poses)),
      object_size_(object_size),
      effects_(effects),
      renderer_(context) {
  if (poses_.empty()) throw std::invalid_argument("frame maker: no poses");
  if (!(object_size > 0)) throw std::invalid_argument("frame maker: the object size must be positive");
  // Options out of range fail here, before the first frame.
  exposure_times(0, effects.motion_blur);
  lighting_at(effects.lighting, 0);
}

void FrameMaker::set_shape(const GaussianModel& model) {
  if (model.size() != model_.size())
    throw std::invalid_argument("FrameMaker::set_shape: " + std::to_string(model.size()) + " Gaussians for a model of " +
                                std::to_string(model_.size()));
  model_ = model;
}

RenderImage FrameMaker::render_at(const RigidPose& pose) {
  const GaussianModel posed = transformed(model_, pose);
  const RenderPass pass = renderer_.forward(posed, camera_);
  return pass.image();
}

void FrameMaker::render(int frame, MadeFrame& out) {
  if (effects_.motion_blur.shutter == 0) {
    RenderImage image = render_at(poses_[static_cast<std::size_t>(frame)]);
    out.rgb = std::move(image.rgb);
    out.alpha = std::move(image.alpha);
    return;
  }
  const std::vector<double> times = exposure_times(frame, effects_.motion_blur);
  out.rgb.assign(static_cast<std::size_t>(camera_.width) * camera_.height * 3, 0.f);
  out.alpha.assign(out.rgb.size() / 3, 0.f);
  for (const double t : times) {
    const RenderImage image = render_at(pose_at(poses_, t));
    for (std::size_t i = 0; i < out.rgb.size(); ++i) out.rgb[i] += image.rgb[i];
    for (std::size_t i = 0; i < out.alpha.size(); ++i) out.alpha[i] += image.alpha[i];
  }
  const float n = static_cast<float>(times.size());
  for (float& v : out.rgb) v /= n;
  for (float& v : out.alpha) v /= n;
}

MadeFrame FrameMaker::make(int frame, const std::vector<float>& background) {
  if (frame < 0 || frame >= static_cast<int>(poses_.size()))
    throw std::invalid_argument("frame maker: frame " + std::to_string(frame) + " is not in the sequence");
  MadeFrame out;
  render(frame, out);
  out.rgb = composite(camera_.width, camera_.height, out.rgb, out.alpha, background);
  out.mask = out.alpha;
  // Aimed at the object's bounding sphere as projected at the frame's pose.
  const RigidPose& pose = poses_[static_cast<std::size_t>(frame)];
  const Eigen::Vector3d c = camera_.cam_from_world.topLeftCorner<3, 3>() * pose.translation +
                            camera_.cam_from_world.topRightCorner<3, 1>();
  if (effects_.occluder.max_cover != 0 && c.z() > 0) {
    const Eigen::Vector2d centre(camera_.fx * c.x() / c.z() + camera_.cx, camera_.fy * c.y() / c.z() + camera_.cy);
    const double radius_px = camera_.fx * 0.5 * object_size_ / c.z();
    OccluderLayer layer =
        place_occluder(effects_.occluder, frame, camera_.width, camera_.height, out.alpha, centre, radius_px);
    draw_occluder(layer, out.rgb, out.mask);
    out.occluder = std::move(layer.coverage);
  }
  if (effects_.lighting.amount > 0) apply_lighting(out.rgb, lighting_at(effects_.lighting, frame));
  return out;
}

}  // namespace splattrack::datasets
