// Forward-mode tangent images (Renderer::jvp) against the backward pass by
// the dot-product test <u, J v> = <J^T u, v>, which ties them to the
// finite-difference-tested reverse mode for any scene (both differentiate the
// same function, decisions included); against central differences of
// forward() where the image is smooth; and for batching and determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>

#include "render_reference.hpp"
#include "render_test_util.hpp"
#include "splattrack/render.hpp"

using namespace splattrack;
using namespace splattrack::test;

namespace {

constexpr std::array<float, 3> kBackground{0.6f, 0.4f, 0.2f};
// Not multiples of the 16-pixel tile.
constexpr int kWidth = 70, kHeight = 45;

struct Scene {
  Camera cam;
  GaussianModel model;
};

// Random Gaussians plus one clamped at alpha 0.99, one with a clamped colour
// channel and one beyond the 1.3 frustum clamp. dense: enough overlap that
// pixels reach the T < 1e-4 stop. Listing decisions are kMargin px clear of
// flipping, so that a whole-model step of central differences flips none.
constexpr double kMargin = 0.02;

Scene make_scene(int sh_degree, unsigned seed, bool dense = false, bool antialiased = false) {
  std::mt19937 rng(seed);
  Scene s;
  s.cam = test_camera(kWidth, kHeight, rng);
  SceneSpec spec;
  spec.count = dense ? 400 : 40;
  spec.sh_degree = sh_degree;
  spec.sigma_px_min = 2.0;
  spec.sigma_px_max = 7.0;
  spec.logit_min = dense ? 1.0 : -1.0;
  spec.logit_max = dense ? 5.0 : 3.0;
  spec.min_margin = kMargin;
  s.model = random_scene(s.cam, spec, rng);
  const std::size_t n = s.model.size();
  s.model.resize(n + 3);
  const std::size_t clamped = n, dark = n + 1, beyond = n + 2;
  for (std::size_t i = n; i < n + 3; ++i) s.model.opacity_logits[i] = 1.5f;
  s.model.opacity_logits[clamped] = std::log(0.995f / 0.005f);
  s.model.sh[dark * s.model.sh_coeffs() * 3 + 1] = static_cast<float>(-0.8 / kShC0);
  place_clear_of_flips(s.model, clamped, s.cam, 45.0, 25.0, 2.2, 3.0, rng, 0.2, kMargin);
  place_clear_of_flips(s.model, dark, s.cam, 10.0, 10.0, 1.8, 4.0, rng, 0.2, kMargin);
  place_clear_of_flips(s.model, beyond, s.cam, s.cam.cx + 1.4 * s.cam.width / 2, 20.0, 4.2,
                       0.3 * s.cam.width, rng, 0.2, kMargin);
  s.model.antialiased = antialiased;
  return s;
}

Renderer make_renderer() {
  RenderOptions options;
  options.background = kBackground;
  return Renderer(test_context(), options);
}

// mean_scale: world units per unit step (about a pixel at these depths for
// 0.05); quat_scale likewise for the raw quaternion.
ModelTangent random_tangent(const GaussianModel& m, double mean_scale, double quat_scale,
                            std::mt19937& rng) {
  std::normal_distribution<double> n01;
  ModelTangent t;
  t.means.resize(m.means.size());
  t.quats.resize(m.quats.size());
  for (float& v : t.means) v = static_cast<float>(mean_scale * n01(rng));
  for (float& v : t.quats) v = static_cast<float>(quat_scale * n01(rng));
  return t;
}

double inner(const RenderTangent& t, const LinearLoss& u) {
  double s = 0;
  for (std::size_t k = 0; k < t.rgb.size(); ++k) s += static_cast<double>(u.w_rgb[k]) * t.rgb[k];
  for (std::size_t k = 0; k < t.alpha.size(); ++k)
    s += static_cast<double>(u.w_alpha[k]) * t.alpha[k];
  return s;
}

double inner(const GaussianGradients& g, const ModelTangent& v) {
  double s = 0;
  for (std::size_t k = 0; k < v.means.size(); ++k) s += static_cast<double>(g.means[k]) * v.means[k];
  for (std::size_t k = 0; k < v.quats.size(); ++k) s += static_cast<double>(g.quats[k]) * v.quats[k];
  return s;
}

struct JvpCase {
  int degree;
  bool dense, antialiased;
};

// Antialiased: the opacity has a tangent too (the compensation depends on the screen covariance).
TEST(RenderJvp, DotProductWithBackward) {
  for (const JvpCase c : {JvpCase{0, false, false}, {3, false, false}, {0, true, false}, {2, true, false},
                          {1, false, true}, {0, true, true}}) {
    const auto [degree, dense, antialiased] = c;
    std::mt19937 rng(100 + degree + 10 * dense + 20 * antialiased);
    const Scene scene = make_scene(degree, 21 + degree, dense, antialiased);
    Renderer renderer = make_renderer();
    RenderPass pass = renderer.forward(scene.model, scene.cam);
    const RenderImage& img = pass.image();
    if (dense) {
      const bool stops = std::any_of(img.alpha.begin(), img.alpha.end(),
                                     [](float a) { return a > 0.999f; });
      ASSERT_TRUE(stops) << "the dense scene should reach the transmittance stop";
    }
    std::vector<ModelTangent> v;
    for (int k = 0; k < 3; ++k) v.push_back(random_tangent(scene.model, 0.05, 0.3, rng));
    const std::vector<RenderTangent> jv = pass.jvp(v);
    for (int trial = 0; trial < 3; ++trial) {
      const LinearLoss u = random_loss(kWidth, kHeight, rng);
      const GaussianGradients& jtu = pass.backward(u.w_rgb.data(), u.w_alpha.data());
      for (std::size_t k = 0; k < v.size(); ++k) {
        const double forward_mode = inner(jv[k], u), reverse_mode = inner(jtu, v[k]);
        EXPECT_NEAR(forward_mode, reverse_mode, 1e-4 * std::abs(reverse_mode))
            << "degree " << degree << (dense ? " dense" : "") << (antialiased ? " antialiased" : "") << " direction "
            << k;
      }
    }
  }
}

// Central differences along v of forward(), on pixels where no Gaussian is
// near the 1/255 cut, the 0.99 clamp or the stop (render_reference's risk
// distance, in log alpha, above 5%). The step moves no splat by more than
// ~0.005 px (tangents of up to ~10 px per unit), below the listing margin and
// too little to change a splat's alpha by 5% (sigma >= 0.55 px with the
// dilation). Float noise of the two renders, ~1e-6, over the step 2 * 5e-4
// gives the absolute part of the tolerance. The direction compared is the one
// the float steps actually took, so that parameter rounding is no error.
TEST(RenderJvp, MatchesCentralDifferences) {
  constexpr double kStep = 5e-4, kRiskMargin = 0.05;
  for (const auto& [degree, antialiased] : {std::pair{0, false}, {3, false}, {1, true}}) {
    std::mt19937 rng(200 + degree);
    const Scene scene = make_scene(degree, 31 + degree, false, antialiased);
    const RefImage ref = render_reference(scene.model, scene.cam, kBackground, 0.2);
    const ModelTangent drawn[] = {random_tangent(scene.model, 0.05, 0.0, rng),
                                  random_tangent(scene.model, 0.0, 0.3, rng),
                                  random_tangent(scene.model, 0.05, 0.3, rng)};
    for (const ModelTangent& direction : drawn) {
      GaussianModel plus = scene.model, minus = scene.model;
      ModelTangent taken = direction;
      const auto step = [&](std::vector<float> GaussianModel::*values,
                            std::vector<float> ModelTangent::*tangent) {
        const std::vector<float>& base = scene.model.*values;
        for (std::size_t k = 0; k < base.size(); ++k) {
          (plus.*values)[k] = static_cast<float>(base[k] + kStep * (direction.*tangent)[k]);
          (minus.*values)[k] = static_cast<float>(base[k] - kStep * (direction.*tangent)[k]);
          (taken.*tangent)[k] = static_cast<float>(
              (static_cast<double>((plus.*values)[k]) - (minus.*values)[k]) / (2 * kStep));
        }
      };
      step(&GaussianModel::means, &ModelTangent::means);
      step(&GaussianModel::quats, &ModelTangent::quats);

      Renderer renderer = make_renderer();
      const RenderImage up = renderer.forward(plus, scene.cam).image();
      const RenderImage down = renderer.forward(minus, scene.cam).image();
      RenderPass pass = renderer.forward(scene.model, scene.cam);
      const RenderTangent t = pass.jvp({taken})[0];

      double scale = 0;
      for (float d : t.rgb) scale = std::max(scale, static_cast<double>(std::abs(d)));
      ASSERT_GT(scale, 0.1) << "degree " << degree << ": the tangent image is (nearly) zero";
      int compared = 0;
      for (std::size_t p = 0; p < t.alpha.size(); ++p) {
        if (ref.risk_distance[p] < kRiskMargin) continue;
        ++compared;
        for (int ch = 0; ch < 4; ++ch) {
          const double fd = ch < 3 ? (up.rgb[3 * p + ch] - down.rgb[3 * p + ch]) / (2 * kStep)
                                   : (up.alpha[p] - down.alpha[p]) / (2 * kStep);
          const double exact = ch < 3 ? t.rgb[3 * p + ch] : t.alpha[p];
          ASSERT_NEAR(exact, fd, 5e-3 * scale + 1e-2 * std::abs(fd))
              << "degree " << degree << " pixel " << p % kWidth << "," << p / kWidth
              << " channel " << ch;
        }
      }
      EXPECT_GT(compared, static_cast<int>(t.alpha.size()) / 2);
    }
  }
}

// Eight directions (two walks of up to six) in one call give the images of
// eight single calls, bit for bit: directions never mix.
TEST(RenderJvp, BatchedEqualsSingle) {
  std::mt19937 rng(300);
  const Scene scene = make_scene(3, 41);
  Renderer renderer = make_renderer();
  RenderPass pass = renderer.forward(scene.model, scene.cam);
  std::vector<ModelTangent> v;
  for (int k = 0; k < 8; ++k) v.push_back(random_tangent(scene.model, 0.05, 0.3, rng));
  const std::vector<RenderTangent> batched = pass.jvp(v);
  ASSERT_EQ(batched.size(), v.size());
  for (std::size_t k = 0; k < v.size(); ++k) {
    const RenderTangent single = pass.jvp({v[k]})[0];
    EXPECT_EQ(batched[k].rgb, single.rgb) << "direction " << k;
    EXPECT_EQ(batched[k].alpha, single.alpha) << "direction " << k;
  }
  EXPECT_TRUE(pass.jvp({}).empty());
}

TEST(RenderJvp, SameForAnyThreadCount) {
  std::mt19937 rng(400);
  const Scene scene = make_scene(2, 51, true);
  std::vector<ModelTangent> v;
  for (int k = 0; k < 6; ++k) v.push_back(random_tangent(scene.model, 0.05, 0.3, rng));
  ExecutionContext serial(1), all(0);
  Renderer one(serial, {.background = kBackground}), many(all, {.background = kBackground});
  RenderPass one_pass = one.forward(scene.model, scene.cam), many_pass = many.forward(scene.model, scene.cam);
  const std::vector<RenderTangent>& a = one_pass.jvp(v);
  const std::vector<RenderTangent>& b = many_pass.jvp(v);
  for (std::size_t k = 0; k < v.size(); ++k) {
    EXPECT_EQ(a[k].rgb, b[k].rgb) << "direction " << k;
    EXPECT_EQ(a[k].alpha, b[k].alpha) << "direction " << k;
  }
}

TEST(RenderJvp, RejectsMisuse) {
  std::mt19937 rng(500);
  const Scene scene = make_scene(0, 61);
  Renderer renderer = make_renderer();
  const ModelTangent v = random_tangent(scene.model, 0.05, 0.3, rng);
  RenderPass pass = renderer.forward(scene.model, scene.cam);
  ModelTangent short_means = v;
  short_means.means.pop_back();
  EXPECT_THROW(pass.jvp({short_means}), std::invalid_argument);
  ModelTangent no_quats = v;
  no_quats.quats.clear();
  EXPECT_THROW(pass.jvp({no_quats}), std::invalid_argument);
}

}  // namespace
