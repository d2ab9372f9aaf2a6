// The basin property of the spectral-moment loss, end to end through the
// renderer (issue: spectral loss): with zero overlap the photometric
// gradient vanishes while the spectral one points at the target, annealed
// spectral descent converges, and high frequencies alone do not.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "splattrack/losses.hpp"
#include "splattrack/render.hpp"
#include "render_test_util.hpp"

using namespace splattrack;

namespace {

constexpr int kSize = 96;
constexpr double kFocal = 120.0;
constexpr double kDepth = 4.0;

// A small asymmetric blob object: a few dozen coloured Gaussians within
// ~0.3 units of the origin (about 9 pixels across at kDepth).
GaussianModel blob_object() {
  std::mt19937 rng(3);
  std::normal_distribution<float> n(0.f, 0.1f);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  GaussianModel m;
  m.resize(40);
  for (std::size_t i = 0; i < m.size(); ++i) {
    m.means[3 * i] = n(rng) + (i % 3 == 0 ? 0.1f : 0.f);
    m.means[3 * i + 1] = n(rng);
    m.means[3 * i + 2] = n(rng);
    m.quats[4 * i] = 1.f;
    for (int k = 0; k < 3; ++k) m.log_scales[3 * i + k] = std::log(0.05f);
    m.opacity_logits[i] = 3.f;
    for (int c = 0; c < 3; ++c) m.sh[3 * i + c] = (u(rng) - 0.2f) / 0.28209479f;
  }
  return m;
}

Camera camera() {
  Camera c;
  c.width = c.height = kSize;
  c.fx = c.fy = kFocal;
  c.cx = c.cy = 0.5 * (kSize - 1);
  return c;
}

GaussianModel shifted(const GaussianModel& m, const Eigen::Vector3d& t) {
  GaussianModel out = m;
  for (std::size_t i = 0; i < m.size(); ++i)
    for (int k = 0; k < 3; ++k) out.means[3 * i + k] += static_cast<float>(t[k]);
  return out;
}

// dL/dt for a translation of the whole object: the sum of the mean gradients.
Eigen::Vector3d translation_gradient(const GaussianGradients& g) {
  Eigen::Vector3d s = Eigen::Vector3d::Zero();
  for (std::size_t i = 0; i < g.means.size(); ++i) s[static_cast<int>(i % 3)] += g.means[i];
  return s;
}

struct Fixture {
  GaussianModel object = blob_object();
  Camera cam = camera();
  Eigen::Vector3d target_t{0.0, 0.0, kDepth};
  RenderImage target;
  Fixture() {
    target = test::render_image(shifted(object, target_t), cam);
  }
  losses::ImageView rgb(const RenderImage& i) const { return {i.rgb.data(), i.width, i.height, 3}; }
  losses::ImageView alpha(const RenderImage& i) const { return {i.alpha.data(), i.width, i.height, 1}; }

  // Spectral loss gradient w.r.t. translation at `t` with band weights w.
  Eigen::Vector3d spectral_gradient(Renderer& r, losses::SpectralLoss& loss, const Eigen::Vector3d& t,
                                    const std::vector<double>& w) const {
    const GaussianModel moved = shifted(object, t);  // backward() reads it again
    RenderPass pass = r.forward(moved, cam);
    const RenderImage& img = pass.image();
    std::vector<float> d_rgb(img.rgb.size()), d_alpha(img.alpha.size());
    loss.evaluate(rgb(img), alpha(img), w, d_rgb.data(), d_alpha.data());
    return translation_gradient(pass.backward(d_rgb.data(), d_alpha.data()));
  }

  // Gradient descent on the lateral translation (x, y) with Adam-like
  // normalised steps; `weights_at(i)` gives the band weights of iteration i.
  template <class W>
  Eigen::Vector3d descend(Eigen::Vector3d t, int iterations, W weights_at) const {
    Renderer r(test::test_context());
    losses::SpectralLoss loss(kSize, kSize, {}, test::test_context());
    loss.set_target(rgb(target), alpha(target));
    Eigen::Vector2d m = Eigen::Vector2d::Zero(), v = Eigen::Vector2d::Zero();
    for (int i = 0; i < iterations; ++i) {
      const Eigen::Vector3d g = spectral_gradient(r, loss, t, weights_at(i));
      const double lr = 0.03 * std::pow(0.05, i / double(iterations - 1));
      for (int k = 0; k < 2; ++k) {
        m[k] = 0.9 * m[k] + 0.1 * g[k];
        v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k];
        const double mh = m[k] / (1 - std::pow(0.9, i + 1));
        const double vh = v[k] / (1 - std::pow(0.999, i + 1));
        t[k] -= lr * mh / (std::sqrt(vh) + 1e-20);
      }
    }
    return t;
  }

  double pixel_error(const Eigen::Vector3d& t) const {
    return (t - target_t).head<2>().norm() * kFocal / kDepth;
  }
};

}  // namespace

TEST(Basin, ZeroOverlapPhotometricBlindSpectralPointsToTarget) {
  Fixture f;
  const Eigen::Vector3d start = f.target_t + Eigen::Vector3d(0.9, -0.6, 0.0);  // ~32 px away
  Renderer r(test::test_context());
  const GaussianModel moved = shifted(f.object, start);
  RenderPass pass = r.forward(moved, f.cam);
  const RenderImage& img = pass.image();
  double overlap = 0;
  for (std::size_t p = 0; p < img.alpha.size(); ++p) overlap += img.alpha[p] * f.target.alpha[p];
  ASSERT_EQ(overlap, 0.0) << "the start must not overlap the target";

  // Photometric L1 (+ alpha L1): without overlap its gradient does not depend
  // on the target at all (the cross term vanishes): it is bit-identical to
  // the gradient against an empty frame, so it cannot point anywhere useful.
  const auto photometric = [&](const RenderImage& target) {
    std::vector<float> d_rgb(img.rgb.size()), d_alpha(img.alpha.size());
    losses::l1_loss(f.rgb(img), f.rgb(target), d_rgb.data());
    losses::l1_loss(f.alpha(img), f.alpha(target), d_alpha.data());
    return translation_gradient(pass.backward(d_rgb.data(), d_alpha.data()));
  };
  RenderImage empty = f.target;
  std::fill(empty.rgb.begin(), empty.rgb.end(), 0.f);
  std::fill(empty.alpha.begin(), empty.alpha.end(), 0.f);
  const Eigen::Vector3d g_photo = photometric(f.target);
  EXPECT_EQ(g_photo, photometric(empty));

  // Spectral, band 0: points toward the target.
  losses::SpectralLoss loss(kSize, kSize, {}, test::test_context());
  loss.set_target(f.rgb(f.target), f.alpha(f.target));
  std::vector<double> w(losses::kDefaultBandCount, 0.0);
  w[0] = 1.0;
  const Eigen::Vector3d g = f.spectral_gradient(r, loss, start, w);
  const Eigen::Vector2d descent = -g.head<2>();
  const Eigen::Vector2d truth = (f.target_t - start).head<2>();
  EXPECT_GT(descent.normalized().dot(truth.normalized()), 0.9);

  // Annealed descent converges to below a pixel.
  const losses::AnnealingSchedule schedule(160, {losses::kDefaultBandCount, 0.2, 1.0});
  const Eigen::Vector3d end = f.descend(start, 160, [&](int i) {
    auto s = schedule.at(i);
    // Translation only here, so band 0 is simply the first stage.
    return s.band_weights;
  });
  EXPECT_LT(f.pixel_error(end), 1.0) << "annealed spectral descent ended " << f.pixel_error(end) << " px away";
}

TEST(Basin, HighFrequenciesAloneFailWhereAnnealingConverges) {
  Fixture f;
  const Eigen::Vector3d start = f.target_t + Eigen::Vector3d(0.45, 0.3, 0.0);  // ~16 px away
  const std::vector<double> high = {0, 0, 0, 0, 1, 1, 1, 1};
  const Eigen::Vector3d static_end = f.descend(start, 160, [&](int) { return high; });
  const losses::AnnealingSchedule schedule(160, {losses::kDefaultBandCount, 0.2, 1.0});
  const Eigen::Vector3d annealed_end = f.descend(start, 160, [&](int i) { return schedule.at(i).band_weights; });
  EXPECT_GT(f.pixel_error(static_end), 3.0) << "static high bands should stall in a wrong minimum";
  EXPECT_LT(f.pixel_error(annealed_end), 1.0);
}
