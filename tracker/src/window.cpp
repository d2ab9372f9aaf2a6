#include "splattrack/tracker/window.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "splattrack/render/gaussian_math.hpp"

namespace splattrack {

namespace {

// A square of `side` frame pixels centred at (u, v) (edge coordinates),
// shifted into the frame where it fits, centred on the frame where it does
// not. Never finer than the frame: a square smaller than `size` pixels grows
// to it and sits on whole pixels, so that its pixels are the frame's own
// (interpolating the frame would blur it where the render is sharp).
ObservationWindow square(const Camera& camera, double u, double v, double side, int size, bool wide) {
  side = std::max(side, static_cast<double>(size));
  const bool native = side == size;
  const auto place = [side, native](double centre, int extent) {
    const double at = side >= extent ? (extent - side) / 2 : std::clamp(centre - side / 2, 0.0, extent - side);
    return native ? std::round(at) : at;
  };
  ObservationWindow w;
  w.left = place(u, camera.width);
  w.top = place(v, camera.height);
  w.scale = side / size;
  w.width = w.height = size;
  w.wide = wide;
  return w;
}

double frame_side(const Camera& camera) { return std::max(camera.width, camera.height); }

// Separable resampling weights along one axis: window pixel i takes
// Σ weight · frame pixel index.
struct Tap {
  int index;
  float weight;
};
struct AxisWeights {
  std::vector<std::vector<Tap>> taps;  // [window pixels]
  std::vector<bool> valid;             // [window pixels]: footprint centre inside the frame
};

// Window pixel i's footprint: centred at origin + (i + 0.5)·scale (edge
// coordinates), max(scale, 1) wide, so that shrinking averages the area and
// enlarging interpolates linearly. Weights are the footprint's overlap with
// each frame pixel [k, k + 1) inside the frame, renormalised; a footprint
// wholly outside takes the nearest pixel.
AxisWeights axis_weights(double origin, double scale, int count, int extent) {
  AxisWeights a;
  a.taps.resize(static_cast<std::size_t>(count));
  a.valid.resize(static_cast<std::size_t>(count));
  const double width = std::max(scale, 1.0);
  for (int i = 0; i < count; ++i) {
    const double centre = origin + (i + 0.5) * scale;
    a.valid[static_cast<std::size_t>(i)] = centre >= 0 && centre < extent;
    const double lo = centre - width / 2, hi = centre + width / 2;
    std::vector<Tap>& taps = a.taps[static_cast<std::size_t>(i)];
    double total = 0;
    for (int k = std::max(0, static_cast<int>(std::floor(lo))); k < std::min(extent, static_cast<int>(std::ceil(hi)));
         ++k) {
      const double overlap = std::min(hi, k + 1.0) - std::max(lo, static_cast<double>(k));
      if (overlap <= 0) continue;
      taps.push_back({k, static_cast<float>(overlap)});
      total += overlap;
    }
    if (taps.empty()) {
      taps.push_back({std::clamp(static_cast<int>(std::floor(centre)), 0, extent - 1), 1.f});
      continue;
    }
    for (Tap& t : taps) t.weight = static_cast<float>(t.weight / total);
  }
  return a;
}

// Resamples one [H, W, C] image with the axis weights: rows first, then columns.
std::vector<float> resample_channels(const float* src, int src_width, int src_height, int channels,
                                     const AxisWeights& xs, const AxisWeights& ys) {
  const std::size_t out_w = xs.taps.size(), out_h = ys.taps.size(), c = static_cast<std::size_t>(channels);
  // Only the frame rows some window row reads are resampled horizontally.
  std::vector<float> rows(static_cast<std::size_t>(src_height) * out_w * c, 0.f);
  std::vector<bool> needed(static_cast<std::size_t>(src_height), false);
  for (const auto& taps : ys.taps)
    for (const Tap& t : taps) needed[static_cast<std::size_t>(t.index)] = true;
  for (std::size_t y = 0; y < static_cast<std::size_t>(src_height); ++y) {
    if (!needed[y]) continue;
    const float* row = src + y * static_cast<std::size_t>(src_width) * c;
    float* out = rows.data() + y * out_w * c;
    for (std::size_t x = 0; x < out_w; ++x)
      for (const Tap& t : xs.taps[x])
        for (std::size_t k = 0; k < c; ++k) out[x * c + k] += t.weight * row[static_cast<std::size_t>(t.index) * c + k];
  }
  std::vector<float> out(out_w * out_h * c, 0.f);
  for (std::size_t y = 0; y < out_h; ++y)
    for (const Tap& t : ys.taps[y]) {
      const float* row = rows.data() + static_cast<std::size_t>(t.index) * out_w * c;
      float* o = out.data() + y * out_w * c;
      for (std::size_t i = 0; i < out_w * c; ++i) o[i] += t.weight * row[i];
    }
  return out;
}

}  // namespace

ObservationWindow native_window(const Camera& camera) {
  ObservationWindow w;
  w.width = camera.width;
  w.height = camera.height;
  return w;
}

Eigen::Vector3d centre_in_camera(const Camera& camera, const CentredPose& pose) {
  return camera.cam_from_world.topLeftCorner<3, 3>() * pose.translation + camera.cam_from_world.topRightCorner<3, 1>();
}

ObservationWindow window_around(const Camera& camera, const CentredPose& pose, double radius, double motion_px,
                                const WindowOptions& options) {
  if (options.size <= 0) return native_window(camera);
  const Eigen::Vector3d p = centre_in_camera(camera, pose);
  const double whole = frame_side(camera);
  if (!(p.z() > radius)) return square(camera, camera.width / 2.0, camera.height / 2.0, whole, options.size, true);
  // The bounding sphere's outline subtends asin(r / z) about its centre.
  const double r_px = std::max(camera.fx, camera.fy) * radius / std::sqrt(p.z() * p.z() - radius * radius);
  const double u = camera.fx * p.x() / p.z() + camera.cx + 0.5;
  const double v = camera.fy * p.y() / p.z() + camera.cy + 0.5;
  const double side =
      std::clamp(2 * (r_px * options.object_margin + std::max(0.0, motion_px)), options.min_side_px, whole);
  return square(camera, u, v, side, options.size, side >= whole);
}

ObservationWindow widened(const Camera& camera, const ObservationWindow& w, double factor) {
  const double u = w.left + w.width * w.scale / 2, v = w.top + w.height * w.scale / 2;
  const double side = std::min(w.width * w.scale * factor, frame_side(camera));
  return square(camera, u, v, side, w.width, true);
}

float window_dilation(double scale) { return static_cast<float>(gs::kDilation / (scale * scale)); }

WindowedFrame resample(const FrameView& frame, const ObservationWindow& window) {
  const AxisWeights xs = axis_weights(window.left, window.scale, window.width, frame.width);
  const AxisWeights ys = axis_weights(window.top, window.scale, window.height, frame.height);
  WindowedFrame out;
  out.image.width = window.width;
  out.image.height = window.height;
  out.image.rgb = resample_channels(frame.rgb.data(), frame.width, frame.height, 3, xs, ys);
  if (frame.has_mask()) out.image.mask = resample_channels(frame.mask.data(), frame.width, frame.height, 1, xs, ys);
  out.valid.resize(static_cast<std::size_t>(window.width) * static_cast<std::size_t>(window.height));
  for (std::size_t y = 0; y < static_cast<std::size_t>(window.height); ++y)
    for (std::size_t x = 0; x < static_cast<std::size_t>(window.width); ++x) {
      const bool v = xs.valid[x] && ys.valid[y];
      out.valid[y * static_cast<std::size_t>(window.width) + x] = v ? 1.f : 0.f;
      out.all_valid = out.all_valid && v;
    }
  return out;
}

std::vector<float> resample_plane(const float* plane, int frame_width, int frame_height,
                                  const ObservationWindow& window) {
  const AxisWeights xs = axis_weights(window.left, window.scale, window.width, frame_width);
  const AxisWeights ys = axis_weights(window.top, window.scale, window.height, frame_height);
  return resample_channels(plane, frame_width, frame_height, 1, xs, ys);
}

std::vector<unsigned char> frame_pixels_under(const ObservationWindow& window, const std::vector<float>& marks,
                                              int frame_width, int frame_height) {
  // The frame pixels [first, last) that window pixel i's footprint touches
  // along one axis starting at `start` (frame pixel edges), clipped to `limit`.
  const auto footprint = [&](double start, std::size_t i, int limit) {
    const int lo = static_cast<int>(std::floor(start + static_cast<double>(i) * window.scale));
    const int hi = static_cast<int>(std::ceil(start + static_cast<double>(i + 1) * window.scale));
    return std::pair<int, int>{std::max(lo, 0), std::min(hi, limit)};
  };
  const auto w = static_cast<std::size_t>(window.width), h = static_cast<std::size_t>(window.height);
  const auto fw = static_cast<std::size_t>(std::max(frame_width, 0));
  std::vector<unsigned char> out(fw * static_cast<std::size_t>(std::max(frame_height, 0)), 0);
  if (marks.size() != w * h) return out;
  for (std::size_t y = 0; y < h; ++y)
    for (std::size_t x = 0; x < w; ++x) {
      if (marks[y * w + x] == 0.f) continue;
      const auto [x0, x1] = footprint(window.left, x, frame_width);
      const auto [y0, y1] = footprint(window.top, y, frame_height);
      for (int fy = y0; fy < y1; ++fy)
        for (int fx = x0; fx < x1; ++fx) out[static_cast<std::size_t>(fy) * fw + static_cast<std::size_t>(fx)] = 1;
    }
  return out;
}

}  // namespace splattrack
