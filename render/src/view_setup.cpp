#include "view_setup.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace splattrack {

void check_options(const RenderOptions& o) {
  if (!(o.near_plane > 0.f))
    throw std::invalid_argument("RenderOptions::near_plane must be > 0, got " +
                                std::to_string(o.near_plane));
  if (!(o.dilation >= 0.f) || !std::isfinite(o.dilation))
    throw std::invalid_argument("RenderOptions::dilation must be finite and >= 0, got " +
                                std::to_string(o.dilation));
}

void check_inputs(const GaussianModel& model, const Camera& camera, const char* who) {
  if (!model.consistent())
    throw std::invalid_argument(
        std::string(who) + ": model arrays do not match its size and sh_degree");
  if (camera.width <= 0 || camera.height <= 0)
    throw std::invalid_argument(std::string(who) + ": camera size must be positive, got " +
                                std::to_string(camera.width) + "x" +
                                std::to_string(camera.height));
  if (!(camera.fx > 0 && camera.fy > 0 && std::isfinite(camera.fx) && std::isfinite(camera.fy) &&
        std::isfinite(camera.cx) && std::isfinite(camera.cy)))
    throw std::invalid_argument(std::string(who) + ": camera intrinsics must be finite, fx, fy > 0");
  if (std::any_of(camera.distortion.begin(), camera.distortion.end(),
                  [](double k) { return k != 0.0; }))
    throw std::invalid_argument(
        std::string(who) + ": camera has lens distortion; undistort the frames and render "
        "with the pinhole camera");
  if (!camera.cam_from_world.allFinite())
    throw std::invalid_argument(std::string(who) + ": cam_from_world is not finite");
}

gs::View make_view(const Camera& camera, const RenderOptions& options, bool antialiased) {
  gs::View v;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) v.rotation.m[r][c] = static_cast<float>(camera.cam_from_world(r, c));
  v.translation = {static_cast<float>(camera.cam_from_world(0, 3)),
                   static_cast<float>(camera.cam_from_world(1, 3)),
                   static_cast<float>(camera.cam_from_world(2, 3))};
  const Eigen::Vector3d c = camera.center_in_world();
  v.center = {static_cast<float>(c.x()), static_cast<float>(c.y()), static_cast<float>(c.z())};
  v.fx = static_cast<float>(camera.fx);
  v.fy = static_cast<float>(camera.fy);
  v.cx = static_cast<float>(camera.cx);
  v.cy = static_cast<float>(camera.cy);
  v.lim_x = gs::frustum_limit(camera.width, v.fx);
  v.lim_y = gs::frustum_limit(camera.height, v.fy);
  v.near_plane = options.near_plane;
  v.dilation = options.dilation;
  v.antialiased = antialiased;
  return v;
}

}  // namespace splattrack
