// Backward pass against central finite differences of the float renderer.
//
// The renderer is piecewise smooth: alpha jumps at the 1/255 cut, pixels stop
// at T = 1e-4, alpha has a kink at 0.99 and tile listing changes at pixel
// centres. Scenes keep Gaussians clear of the listing and colour-clamp flips
// (render_reference.hpp), and the loss gives no weight to pixels where a
// Gaussian's alpha is within 5% of 1/255 or 0.99, or the stopping test within
// 5% of 1e-4. Steps are small enough to move any alpha by well under 5%, and
// large enough that float noise stays small against the difference; the step
// is measured as the difference of the two float parameter values.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "render_reference.hpp"
#include "render_test_util.hpp"
#include "splattrack/render.hpp"

using namespace splattrack;
using namespace splattrack::test;

namespace {

constexpr std::array<float, 3> kBackground{0.6f, 0.4f, 0.2f};
constexpr double kRiskMargin = 0.05;

struct Scene {
  Camera cam;
  GaussianModel model;
  LinearLoss loss;
};

// Random Gaussians plus the cases the backward must get right: splats across
// a tile edge and a tile corner, one whose centre is clamped at alpha 0.99,
// one with a clamped (negative) colour channel, one beyond the 1.3 frustum
// clamp of the EWA Jacobian.
Scene make_scene(int sh_degree, unsigned seed, bool antialiased = false) {
  std::mt19937 rng(seed);
  Scene s;
  s.cam = test_camera(64, 40, rng);
  SceneSpec spec;
  spec.count = 24;
  spec.sh_degree = sh_degree;
  spec.sigma_px_min = 2.0;
  spec.sigma_px_max = 6.0;
  spec.logit_min = -1.0;
  spec.logit_max = 3.0;
  s.model = random_scene(s.cam, spec, rng);
  const std::size_t n = s.model.size();
  s.model.resize(n + 5);
  const std::size_t edge = n, corner = n + 1, clamped = n + 2, dark = n + 3, beyond = n + 4;
  for (std::size_t i = n; i < n + 5; ++i) s.model.opacity_logits[i] = 1.5f;
  s.model.opacity_logits[clamped] = std::log(0.995f / 0.005f);
  // SH layout [N, K, 3]: coefficient 0 of channel 1 gives a raw colour of -0.3.
  s.model.sh[dark * s.model.sh_coeffs() * 3 + 1] = static_cast<float>(-0.8 / kShC0);
  place_clear_of_flips(s.model, edge, s.cam, 16.0, 22.0, 2.5, 3.0, rng);
  place_clear_of_flips(s.model, corner, s.cam, 32.0, 16.0, 3.5, 3.0, rng);
  place_clear_of_flips(s.model, clamped, s.cam, 45.0, 25.0, 2.2, 3.0, rng);
  place_clear_of_flips(s.model, dark, s.cam, 10.0, 10.0, 1.8, 4.0, rng);
  place_clear_of_flips(s.model, beyond, s.cam, s.cam.cx + 1.4 * s.cam.width / 2, 20.0, 4.2,
                       0.3 * s.cam.width, rng);
  s.model.antialiased = antialiased;

  s.loss = random_loss(s.cam.width, s.cam.height, rng);
  const RefImage ref = render_reference(s.model, s.cam, kBackground, 0.2);
  for (std::size_t p = 0; p < ref.risk_distance.size(); ++p)
    if (ref.risk_distance[p] < kRiskMargin) {
      s.loss.w_alpha[p] = 0;
      for (int ch = 0; ch < 3; ++ch) s.loss.w_rgb[3 * p + ch] = 0;
    }
  return s;
}

Renderer make_renderer() {
  RenderOptions options;
  options.background = kBackground;
  return Renderer(test_context(), options);
}

struct ParameterKind {
  std::string name;
  std::vector<float> GaussianModel::*values;
  std::vector<float> GaussianGradients::*grads;
  float step;
  // Scale the step with the Gaussian's screen size: a large splat sums float
  // noise over many pixels, and moves its alpha cut less for the same step.
  bool per_size = false;
};

// Compares every parameter of one kind with central differences.
void check_kind(const Scene& scene, const GaussianGradients& analytic, const ParameterKind& kind) {
  Renderer renderer = make_renderer();
  GaussianModel model = scene.model;
  std::vector<float>& values = model.*kind.values;
  const std::vector<float>& grads = analytic.*kind.grads;
  ASSERT_EQ(values.size(), grads.size()) << kind.name;
  double scale = 0;
  for (float g : grads) scale = std::max(scale, static_cast<double>(std::abs(g)));
  ASSERT_GT(scale, 0) << kind.name << ": all gradients are zero";
  const std::size_t per_gaussian = values.size() / model.size();
  int checked = 0;
  for (std::size_t k = 0; k < values.size(); ++k) {
    float step = kind.step;
    if (kind.per_size) {
      const RefSplat ref = project_reference(scene.model, k / per_gaussian, scene.cam, 0.2);
      step *= static_cast<float>(std::max(1.0, ref.sigma_px / 3));
    }
    const float original = values[k];
    values[k] = original + step;
    const double up = values[k];
    const double l_up = scene.loss(renderer.forward(model, scene.cam).image());
    values[k] = original - step;
    const double down = values[k];
    const double l_down = scene.loss(renderer.forward(model, scene.cam).image());
    values[k] = original;
    const double fd = (l_up - l_down) / (up - down);
    const double tolerance = 2e-3 * std::abs(fd) + 1e-3 * scale;
    EXPECT_NEAR(grads[k], fd, tolerance) << kind.name << "[" << k << "] of Gaussian "
                                         << k / per_gaussian;
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(values.size()));
}

std::vector<ParameterKind> all_kinds() {
  return {{"means", &GaussianModel::means, &GaussianGradients::means, 1e-4f, true},
          {"quats", &GaussianModel::quats, &GaussianGradients::quats, 1e-3f},
          {"log_scales", &GaussianModel::log_scales, &GaussianGradients::log_scales, 1e-3f},
          // 1e-3 moved an opacity of 0.995 by 5e-6: float noise of the
          // renders then made 3 % of the difference (antialiased scenes).
          {"opacity_logits", &GaussianModel::opacity_logits, &GaussianGradients::opacity_logits,
           1e-2f},
          {"sh", &GaussianModel::sh, &GaussianGradients::sh, 1e-2f}};
}

GaussianGradients analytic_gradients(const Scene& scene, bool rgb, bool alpha) {
  Renderer renderer = make_renderer();
  RenderPass pass = renderer.forward(scene.model, scene.cam);
  return pass.backward(rgb ? scene.loss.w_rgb.data() : nullptr, alpha ? scene.loss.w_alpha.data() : nullptr);
}

TEST(RenderBackward, MatchesFiniteDifferencesSh3) {
  for (unsigned seed : {11u, 15u}) {
    const Scene scene = make_scene(3, seed);
    const GaussianGradients grads = analytic_gradients(scene, true, true);
    for (const ParameterKind& kind : all_kinds()) check_kind(scene, grads, kind);
  }
}

TEST(RenderBackward, MatchesFiniteDifferencesSh0RgbOnly) {
  Scene scene = make_scene(0, 12);
  std::fill(scene.loss.w_alpha.begin(), scene.loss.w_alpha.end(), 0.f);
  const GaussianGradients grads = analytic_gradients(scene, true, false);
  for (const ParameterKind& kind : all_kinds()) check_kind(scene, grads, kind);
}

TEST(RenderBackward, MatchesFiniteDifferencesSh1AlphaOnly) {
  Scene scene = make_scene(1, 13);
  std::fill(scene.loss.w_rgb.begin(), scene.loss.w_rgb.end(), 0.f);
  const GaussianGradients grads = analytic_gradients(scene, false, true);
  for (const ParameterKind& kind : all_kinds()) {
    if (kind.name == "sh") continue;  // alpha does not depend on colour
    check_kind(scene, grads, kind);
  }
  for (float g : grads.sh) EXPECT_EQ(g, 0.f);
}

// The opacities compensated for the dilation (GaussianModel::antialiased):
// the compensation depends on the screen covariance, so on every parameter
// of the Gaussian's shape and place.
TEST(RenderBackward, MatchesFiniteDifferencesAntialiased) {
  for (const auto& [degree, seed] : {std::pair{2, 18u}, {0, 17u}, {3, 22u}}) {
    const Scene scene = make_scene(degree, seed, true);
    const GaussianGradients grads = analytic_gradients(scene, true, true);
    for (const ParameterKind& kind : all_kinds()) check_kind(scene, grads, kind);
  }
}

// Pose-only mode gives the same mean and quaternion gradients, bit for bit,
// and zeros elsewhere (antialiased too, whose opacity depends on them).
TEST(RenderBackward, PoseGradientsOnly) {
  for (const auto& [degree, antialiased] : {std::pair{0, false}, {2, false}, {0, true}}) {
    const Scene scene = make_scene(degree, 14, antialiased);
    const GaussianGradients full = analytic_gradients(scene, true, true);
    RenderOptions options;
    options.background = kBackground;
    options.pose_gradients_only = true;
    Renderer renderer(test_context(), options);
    RenderPass pass = renderer.forward(scene.model, scene.cam);
    const GaussianGradients& pose = pass.backward(scene.loss.w_rgb.data(), scene.loss.w_alpha.data());
    EXPECT_EQ(pose.means, full.means) << "degree " << degree;
    EXPECT_EQ(pose.quats, full.quats) << "degree " << degree;
    ASSERT_EQ(pose.sh.size(), full.sh.size());
    for (float g : pose.log_scales) EXPECT_EQ(g, 0.f);
    for (float g : pose.opacity_logits) EXPECT_EQ(g, 0.f);
    for (float g : pose.sh) EXPECT_EQ(g, 0.f);
  }
}

}  // namespace
