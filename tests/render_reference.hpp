// Test helpers for the renderer: random scenes and an independent brute-force
// renderer in double precision (every Gaussian against every pixel), written
// from METHOD.md §2 without the renderer's code.
//
// The brute force applies the same listing rule as the tiles (render.hpp): a
// Gaussian counts at a pixel only if the pixel's 16x16 tile holds a pixel
// centre within mean2d +- radius. Decisions the float renderer may take the
// other way from a double reference are avoided or flagged: scenes are drawn
// so that no Gaussian is near the near plane, near a radius or tile-span
// boundary, or near the colour clamp; a pixel is flagged `ambiguous` when a
// Gaussian's alpha there is within 0.01% of 1/255 or the stopping test within
// 0.01% of 1e-4 (float error is ~1e-6), and tests compare only unflagged pixels.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include <Eigen/Geometry>

#include "splattrack/render.hpp"

namespace splattrack::test {

inline constexpr double kShC0 = 0.28209479177387814;
inline constexpr double kShC1 = 0.4886025119029199;
inline constexpr double kShC2[5] = {1.0925484305920792, -1.0925484305920792, 0.31539156525252005,
                                    -1.0925484305920792, 0.5462742152960396};
inline constexpr double kShC3[7] = {-0.5900435899266435, 2.890611442640554, -0.4570457994644658,
                                    0.3731763325901154,  -0.4570457994644658, 1.445305721320277,
                                    -0.5900435899266435};
inline constexpr int kTile = 16;

// Raw SH value (before +0.5 and the clamp) of one channel; c[k] = coeff k.
inline double sh_value(int degree, const double* c, const Eigen::Vector3d& d) {
  const double x = d.x(), y = d.y(), z = d.z();
  double v = kShC0 * c[0];
  if (degree >= 1) v += -kShC1 * y * c[1] + kShC1 * z * c[2] - kShC1 * x * c[3];
  if (degree >= 2)
    v += kShC2[0] * x * y * c[4] + kShC2[1] * y * z * c[5] +
         kShC2[2] * (2 * z * z - x * x - y * y) * c[6] + kShC2[3] * x * z * c[7] +
         kShC2[4] * (x * x - y * y) * c[8];
  if (degree >= 3)
    v += kShC3[0] * y * (3 * x * x - y * y) * c[9] + kShC3[1] * x * y * z * c[10] +
         kShC3[2] * y * (4 * z * z - x * x - y * y) * c[11] +
         kShC3[3] * z * (2 * z * z - 3 * x * x - 3 * y * y) * c[12] +
         kShC3[4] * x * (4 * z * z - x * x - y * y) * c[13] + kShC3[5] * z * (x * x - y * y) * c[14] +
         kShC3[6] * x * (x * x - 3 * y * y) * c[15];
  return v;
}

// One Gaussian projected in double, with the listing rule's tile span.
struct RefSplat {
  bool visible = false;
  int index = 0;
  double depth = 0;
  Eigen::Vector2d mean2d;
  double conic_a = 0, conic_b = 0, conic_c = 0;
  double opacity = 0;
  Eigen::Vector3d color, raw_color;
  double sigma_px = 0;  // sqrt of the larger eigenvalue of the screen covariance
  int tx0 = 0, tx1 = -1, ty0 = 0, ty1 = -1;  // tiles it is listed in
  double margin = 1e9;  // distance of its discrete decisions from a flip
};

inline double distance_to_integer(double v) { return std::abs(v - std::round(v)); }

inline RefSplat project_reference(const GaussianModel& m, std::size_t i, const Camera& cam,
                                  double near_plane) {
  RefSplat s;
  s.index = static_cast<int>(i);
  const Eigen::Matrix3d w = cam.cam_from_world.topLeftCorner<3, 3>();
  const Eigen::Vector3d mean(m.means[3 * i], m.means[3 * i + 1], m.means[3 * i + 2]);
  const Eigen::Vector3d p = w * mean + cam.cam_from_world.topRightCorner<3, 1>();
  s.margin = std::abs(p.z() - near_plane);
  if (p.z() <= near_plane) return s;
  const Eigen::Quaterniond q(m.quats[4 * i], m.quats[4 * i + 1], m.quats[4 * i + 2],
                             m.quats[4 * i + 3]);
  const Eigen::Matrix3d r = q.normalized().toRotationMatrix();
  const Eigen::Vector3d scale(std::exp(m.log_scales[3 * i]), std::exp(m.log_scales[3 * i + 1]),
                              std::exp(m.log_scales[3 * i + 2]));
  const Eigen::Matrix3d sigma = r * scale.asDiagonal() * scale.asDiagonal() * r.transpose();
  const double lim_x = 1.3 * cam.width / (2 * cam.fx), lim_y = 1.3 * cam.height / (2 * cam.fy);
  const double tx = std::clamp(p.x() / p.z(), -lim_x, lim_x) * p.z();
  const double ty = std::clamp(p.y() / p.z(), -lim_y, lim_y) * p.z();
  Eigen::Matrix<double, 2, 3> j;
  j << cam.fx / p.z(), 0, -cam.fx * tx / (p.z() * p.z()), 0, cam.fy / p.z(),
      -cam.fy * ty / (p.z() * p.z());
  const Eigen::Matrix2d undilated = j * w * sigma * w.transpose() * j.transpose();
  const Eigen::Matrix2d cov = undilated + 0.3 * Eigen::Matrix2d::Identity();
  const Eigen::Matrix2d conic = cov.inverse();
  s.conic_a = conic(0, 0);
  s.conic_b = conic(0, 1);
  s.conic_c = conic(1, 1);
  const double mid = 0.5 * (cov(0, 0) + cov(1, 1));
  const double lambda = mid + std::sqrt(std::max(0.1, mid * mid - cov.determinant()));
  s.sigma_px = std::sqrt(lambda);
  const double radius_f = 3 * std::sqrt(lambda);
  const double radius = std::ceil(radius_f);
  s.margin = std::min(s.margin, distance_to_integer(radius_f));
  s.mean2d = {cam.fx * p.x() / p.z() + cam.cx, cam.fy * p.y() / p.z() + cam.cy};
  s.depth = p.z();
  s.opacity = 1 / (1 + std::exp(-static_cast<double>(m.opacity_logits[i])));
  // Antialiased models: the opacity keeps the undilated Gaussian's integral.
  if (m.antialiased) s.opacity *= std::sqrt(std::max(0.0, undilated.determinant()) / cov.determinant());

  // Listing rule: tiles that hold a pixel centre within mean2d +- radius.
  const auto span = [&](double c, int size, int& t0, int& t1) {
    const double lo = c - radius, hi = c + radius;
    s.margin = std::min({s.margin, distance_to_integer(lo), distance_to_integer(hi)});
    const int p0 = std::max(0, static_cast<int>(std::ceil(lo)));
    const int p1 = std::min(size - 1, static_cast<int>(std::floor(hi)));
    if (p0 > p1) return false;
    t0 = p0 / kTile;
    t1 = p1 / kTile;
    return true;
  };
  if (!span(s.mean2d.x(), cam.width, s.tx0, s.tx1) || !span(s.mean2d.y(), cam.height, s.ty0, s.ty1))
    return s;

  const int k_count = m.sh_coeffs();
  const Eigen::Vector3d dir = (mean - cam.center_in_world()).normalized();
  for (int ch = 0; ch < 3; ++ch) {
    std::vector<double> c(k_count);
    for (int k = 0; k < k_count; ++k) c[k] = m.sh[(i * k_count + k) * 3 + ch];
    s.raw_color[ch] = sh_value(m.sh_degree, c.data(), dir) + 0.5;
    s.color[ch] = std::max(s.raw_color[ch], 0.0);
    s.margin = std::min(s.margin, std::abs(s.raw_color[ch]));
  }
  s.visible = true;
  return s;
}

struct RefImage {
  int width = 0, height = 0;
  std::vector<double> rgb, alpha, depth;  // [H, W, 3], [H, W], [H, W]
  std::vector<char> ambiguous;            // [H, W]
  // [H, W] per pixel: min over blended Gaussians of how far (in log) alpha is
  // from 1/255 and from 0.99, and the stopping test from 1e-4; FD tests give
  // no weight to pixels where a small step could cross one of them.
  std::vector<double> risk_distance;
};

inline std::vector<RefSplat> project_all_reference(const GaussianModel& m, const Camera& cam,
                                                   double near_plane) {
  std::vector<RefSplat> splats;
  for (std::size_t i = 0; i < m.size(); ++i) {
    RefSplat s = project_reference(m, i, cam, near_plane);
    if (s.visible) splats.push_back(s);
  }
  std::stable_sort(splats.begin(), splats.end(),
                   [](const RefSplat& a, const RefSplat& b) { return a.depth < b.depth; });
  return splats;
}

inline RefImage render_reference(const GaussianModel& m, const Camera& cam,
                                 const std::array<float, 3>& background, double near_plane) {
  const std::vector<RefSplat> splats = project_all_reference(m, cam, near_plane);
  RefImage img;
  img.width = cam.width;
  img.height = cam.height;
  const std::size_t n = static_cast<std::size_t>(cam.width) * cam.height;
  img.rgb.assign(3 * n, 0);
  img.alpha.assign(n, 0);
  img.depth.assign(n, 0);
  img.ambiguous.assign(n, 0);
  img.risk_distance.assign(n, 1e9);
  for (int v = 0; v < cam.height; ++v)
    for (int u = 0; u < cam.width; ++u) {
      const std::size_t pix = static_cast<std::size_t>(v) * cam.width + u;
      double t = 1, depth = 0;
      Eigen::Vector3d c = Eigen::Vector3d::Zero();
      double risk = 1e9;
      for (const RefSplat& s : splats) {
        if (u / kTile < s.tx0 || u / kTile > s.tx1 || v / kTile < s.ty0 || v / kTile > s.ty1)
          continue;
        const double dx = s.mean2d.x() - u, dy = s.mean2d.y() - v;
        const double power =
            -0.5 * (s.conic_a * dx * dx + s.conic_c * dy * dy) - s.conic_b * dx * dy;
        if (power > 0) continue;
        const double raw = s.opacity * std::exp(power);
        const double alpha = std::min(0.99, raw);
        const double from_cut = std::abs(std::log(alpha * 255));
        risk = std::min(risk, from_cut);
        if (from_cut < 1e-4) img.ambiguous[pix] = 1;
        if (alpha < 1.0 / 255) continue;
        risk = std::min(risk, std::abs(std::log(raw / 0.99)));
        const double next_t = t * (1 - alpha);
        const double from_stop = std::abs(std::log(next_t / 1e-4));
        risk = std::min(risk, from_stop);
        if (from_stop < 1e-4) img.ambiguous[pix] = 1;
        if (next_t < 1e-4) break;
        c += s.color * alpha * t;
        depth += s.depth * alpha * t;
        t = next_t;
      }
      for (int ch = 0; ch < 3; ++ch) img.rgb[3 * pix + ch] = c[ch] + t * background[ch];
      img.alpha[pix] = 1 - t;
      img.depth[pix] = depth;
      img.risk_distance[pix] = risk;
    }
  return img;
}

// How a render differs from the reference over the pixels the reference does
// not flag ambiguous (the comparison every forward test makes).
struct ReferenceDiff {
  int compared = 0;
  int ambiguous = 0;
  int stopped = 0;   // compared pixels the reference made nearly opaque (alpha > 1 - 1e-3)
  int covered = 0;   // compared pixels with reference alpha > 0.5
  double max_rgb = 0;
  double max_alpha = 0;
  double max_depth = 0;  // relative to a depth of 10
};

inline ReferenceDiff compare_to_reference(const RenderImage& img, const RefImage& ref) {
  if (img.width != ref.width || img.height != ref.height)
    throw std::invalid_argument("compare_to_reference: the render and the reference differ in size");
  ReferenceDiff d;
  const std::size_t n = static_cast<std::size_t>(ref.width) * ref.height;
  for (std::size_t p = 0; p < n; ++p) {
    if (ref.ambiguous[p]) {
      ++d.ambiguous;
      continue;
    }
    ++d.compared;
    d.stopped += ref.alpha[p] > 1 - 1e-3;
    d.covered += ref.alpha[p] > 0.5;
    for (std::size_t ch = 0; ch < 3; ++ch)
      d.max_rgb = std::max(d.max_rgb, std::abs(img.rgb[3 * p + ch] - ref.rgb[3 * p + ch]));
    d.max_alpha = std::max(d.max_alpha, std::abs(img.alpha[p] - ref.alpha[p]));
    d.max_depth = std::max(d.max_depth, std::abs(img.depth[p] - ref.depth[p]) / 10);
  }
  return d;
}

// Random draws for one scene are made one statement at a time, never two in
// the arguments of one call: their order would be unspecified (GCC goes
// right to left, clang left to right), and one seed would give each compiler
// a different scene. The statement order below is GCC's, so that the scenes
// the thresholds were chosen on stay the same.

// A camera looking down +z of a slightly rotated and shifted frame, with an
// off-centre principal point.
inline Camera test_camera(int width, int height, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(-1, 1);
  Camera cam;
  cam.width = width;
  cam.height = height;
  cam.fx = 0.9 * width;
  cam.fy = 0.95 * width;
  cam.cx = 0.5 * width + 1.3 * u(rng);
  cam.cy = 0.5 * height + 1.1 * u(rng);
  const double axis_y = u(rng);
  const double axis_x = u(rng);
  const double angle = 0.3 * u(rng);
  cam.cam_from_world.topLeftCorner<3, 3>() =
      Eigen::AngleAxisd(angle, Eigen::Vector3d(axis_x, axis_y, 1).normalized()).toRotationMatrix();
  const double ty = 0.2 * u(rng);
  const double tx = 0.2 * u(rng);
  cam.cam_from_world.topRightCorner<3, 1>() = Eigen::Vector3d(tx, ty, 0.1);
  return cam;
}

struct SceneSpec {
  int count = 200;
  int sh_degree = 0;
  double sigma_px_min = 1.0, sigma_px_max = 6.0;  // rough screen-space size
  double logit_min = -2.0, logit_max = 3.5;
  double near_plane = 0.2;
  double min_margin = 2e-3;  // resample Gaussians whose decisions are closer to a flip
};

// Sets Gaussian i to sit at pixel (u, v), camera depth z, with a screen size
// of about sigma_px pixels.
inline void place_gaussian(GaussianModel& m, std::size_t i, const Camera& cam, double u, double v,
                           double z, double sigma_px, std::mt19937& rng) {
  std::normal_distribution<double> n01;
  const Eigen::Vector3d p_cam((u - cam.cx) * z / cam.fx, (v - cam.cy) * z / cam.fy, z);
  const Eigen::Matrix3d w = cam.cam_from_world.topLeftCorner<3, 3>();
  const Eigen::Vector3d mean = w.transpose() * (p_cam - cam.cam_from_world.topRightCorner<3, 1>());
  for (int k = 0; k < 3; ++k) m.means[3 * i + k] = static_cast<float>(mean[k]);
  Eigen::Vector4d q;
  for (int k = 3; k >= 0; --k) q[k] = n01(rng);
  q = q.normalized() * (0.5 + std::uniform_real_distribution<double>(0, 1)(rng));  // not unit
  for (int k = 0; k < 4; ++k) m.quats[4 * i + k] = static_cast<float>(q[k]);
  const double base = std::log(sigma_px * z / cam.fx);
  for (int k = 0; k < 3; ++k)
    m.log_scales[3 * i + k] = static_cast<float>(base + 0.4 * n01(rng));
}

// place_gaussian, jittered by up to 0.3 px, with random shapes until no
// decision is near a flip.
inline void place_clear_of_flips(GaussianModel& m, std::size_t i, const Camera& cam, double u,
                                 double v, double z, double sigma_px, std::mt19937& rng,
                                 double near_plane = 0.2, double min_margin = 2e-3) {
  std::uniform_real_distribution<double> jitter(-0.3, 0.3);
  do {
    const double dv = jitter(rng);
    const double du = jitter(rng);
    place_gaussian(m, i, cam, u + du, v + dv, z, sigma_px, rng);
  } while (project_reference(m, i, cam, near_plane).margin < min_margin);
}

// Random scene in front of cam; Gaussians whose discrete decisions are within
// spec.min_margin of flipping are drawn again (see the file comment).
inline GaussianModel random_scene(const Camera& cam, const SceneSpec& spec, std::mt19937& rng) {
  std::uniform_real_distribution<double> u01(0, 1);
  std::normal_distribution<double> n01;
  GaussianModel m;
  m.sh_degree = spec.sh_degree;
  m.resize(spec.count);
  const int k_count = m.sh_coeffs();
  for (int i = 0; i < spec.count; ++i) {
    do {
      const double sigma =
          spec.sigma_px_min * std::pow(spec.sigma_px_max / spec.sigma_px_min, u01(rng));
      const double z = 1.0 + 5.0 * u01(rng);
      const double v = (1.3 * u01(rng) - 0.15) * cam.height;
      const double u = (1.3 * u01(rng) - 0.15) * cam.width;
      place_gaussian(m, i, cam, u, v, z, sigma, rng);
      m.opacity_logits[i] =
          static_cast<float>(spec.logit_min + (spec.logit_max - spec.logit_min) * u01(rng));
      for (int k = 0; k < k_count; ++k)
        for (int ch = 0; ch < 3; ++ch)
          m.sh[(i * k_count + k) * 3 + ch] =
              static_cast<float>(k == 0 ? (u01(rng) * 0.8 - 0.4) / kShC0 : 0.25 * n01(rng));
    } while (project_reference(m, i, cam, spec.near_plane).margin < spec.min_margin);
  }
  return m;
}

// A random linear loss of rgb and alpha: L = sum w_rgb rgb + sum w_alpha alpha.
struct LinearLoss {
  std::vector<float> w_rgb, w_alpha;
  double operator()(const RenderImage& img) const {
    double l = 0;
    for (std::size_t k = 0; k < w_rgb.size(); ++k) l += static_cast<double>(w_rgb[k]) * img.rgb[k];
    for (std::size_t k = 0; k < w_alpha.size(); ++k)
      l += static_cast<double>(w_alpha[k]) * img.alpha[k];
    return l;
  }
};

inline LinearLoss random_loss(int width, int height, std::mt19937& rng) {
  std::normal_distribution<float> n01;
  LinearLoss loss;
  loss.w_rgb.resize(static_cast<std::size_t>(width) * height * 3);
  loss.w_alpha.resize(static_cast<std::size_t>(width) * height);
  for (float& w : loss.w_rgb) w = n01(rng);
  for (float& w : loss.w_alpha) w = n01(rng);
  return loss;
}

}  // namespace splattrack::test
