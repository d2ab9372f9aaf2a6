#include "splattrack/datasets/colour_from_view.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <stdexcept>
#include <vector>

#include "splattrack/render.hpp"
#include "splattrack/render/sh.hpp"

namespace splattrack::datasets {

namespace {

namespace d = colour_from_view_defaults;

// [H, W, C] `image`'s bilinear sample at (u, v), pixel centres at integers,
// clamped to the edge.
template <std::size_t C>
std::array<float, C> bilinear_channels(std::span<const float> image, int width, int height, double u, double v) {
  const double x = std::clamp(u, 0.0, width - 1.0), y = std::clamp(v, 0.0, height - 1.0);
  const int x0 = static_cast<int>(x), y0 = static_cast<int>(y);
  const int x1 = std::min(x0 + 1, width - 1), y1 = std::min(y0 + 1, height - 1);
  const auto fx = static_cast<float>(x - x0), fy = static_cast<float>(y - y0);
  const auto at = [&](int px, int py, std::size_t c) {
    const auto p = static_cast<std::size_t>(py) * static_cast<std::size_t>(width) + static_cast<std::size_t>(px);
    return image[C * p + c];
  };
  std::array<float, C> out{};
  for (std::size_t c = 0; c < C; ++c)
    out[c] = (1 - fy) * ((1 - fx) * at(x0, y0, c) + fx * at(x1, y0, c)) +
             fy * ((1 - fx) * at(x0, y1, c) + fx * at(x1, y1, c));
  return out;
}

// A one-channel image's bilinear sample at (u, v), pixel centres at integers.
double sample(const std::vector<float>& image, int width, int height, double u, double v) {
  return bilinear_channels<1>(image, width, height, u, v)[0];
}

}  // namespace

ViewColouring colour_from_view(GaussianModel& model, const Camera& camera, const RigidPose& world_from_model,
                               const FrameView& frame, UnseenColour unseen, ExecutionContext& context) {
  if (frame.width != camera.width || frame.height != camera.height)
    throw std::invalid_argument("the frame is " + std::to_string(frame.width) + "x" + std::to_string(frame.height) +
                                ", the camera " + std::to_string(camera.width) + "x" +
                                std::to_string(camera.height));
  if (model.sh_degree != 0) throw std::invalid_argument("only a model of SH degree 0 can take a frame's colours");
  const GaussianModel posed = transformed(model, world_from_model);
  const Eigen::Matrix3d cam_r = camera.cam_from_world.topLeftCorner<3, 3>();
  const Eigen::Vector3d cam_t = camera.cam_from_world.topRightCorner<3, 1>();
  const std::size_t n = model.size();
  std::vector<Eigen::Vector3d> in_camera(n);
  double nearest = std::numeric_limits<double>::max();
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Vector3d world(posed.means[3 * i], posed.means[3 * i + 1], posed.means[3 * i + 2]);
    in_camera[i] = cam_r * world + cam_t;
    if (in_camera[i].z() > 0) nearest = std::min(nearest, in_camera[i].z());
  }
  ViewColouring result{0, n};
  if (nearest == std::numeric_limits<double>::max()) throw std::invalid_argument("the model is behind the camera");
  RenderOptions options;
  options.near_plane = static_cast<float>(std::min<double>(options.near_plane, 0.5 * nearest));
  Renderer renderer(context, options);
  const RenderPass pass = renderer.forward(posed, camera);
  const RenderImage& img = pass.image();

  std::array<double, 3> sum{};
  std::vector<bool> seen(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Vector3d& x = in_camera[i];
    if (x.z() <= 0) continue;
    const double u = camera.fx * x.x() / x.z() + camera.cx, v = camera.fy * x.y() / x.z() + camera.cy;
    const long px = std::lround(u), py = std::lround(v);
    if (px < 0 || py < 0 || px >= camera.width || py >= camera.height) continue;
    const auto p = static_cast<std::size_t>(py) * static_cast<std::size_t>(camera.width) + static_cast<std::size_t>(px);
    if (img.alpha[p] < d::kOpaqueAt) continue;
    // The flat Gaussian's normal: its shortest axis, in the camera's frame.
    const float* ls = &posed.log_scales[3 * i];
    const int thin = static_cast<int>(std::min_element(ls, ls + 3) - ls);
    const float* q = &posed.quats[4 * i];
    const Eigen::Vector3d normal =
        cam_r * (Eigen::Quaterniond(q[0], q[1], q[2], q[3]).normalized() * Eigen::Vector3d::Unit(thin));
    const double facing = std::abs(normal.dot(x.normalized()));
    if (facing < d::kMinFacing) continue;
    // The render's depth there is mostly that of the front one of the
    // Gaussians overlapping the pixel: on a flat lattice seen at an angle,
    // measured 0.45 sigma / facing in front of this one's centre.
    const double sigma = std::exp(*std::max_element(ls, ls + 3));
    const double surface = sample(img.depth, img.width, img.height, u, v) /
                           std::max(sample(img.alpha, img.width, img.height, u, v), 1e-6);
    if (x.z() > surface + d::kDepthSigmas * sigma / facing) continue;
    const std::array<float, 3> rgb = bilinear_channels<3>(frame.rgb, frame.width, frame.height, u, v);
    for (std::size_t c = 0; c < 3; ++c) {
      model.sh[3 * i + c] = gs::sh_dc_from_colour(rgb[c]);
      sum[c] += rgb[c];
    }
    seen[i] = true;
    ++result.seen;
  }
  if (result.seen == 0) throw std::invalid_argument("the frame shows none of the model at this pose");
  if (unseen == UnseenColour::mean) {
    std::array<float, 3> mean{};
    for (std::size_t c = 0; c < 3; ++c) mean[c] = static_cast<float>(sum[c] / static_cast<double>(result.seen));
    for (std::size_t i = 0; i < n; ++i)
      if (!seen[i])
        for (std::size_t c = 0; c < 3; ++c) model.sh[3 * i + c] = gs::sh_dc_from_colour(mean[c]);
  }
  return result;
}

}  // namespace splattrack::datasets
