// Same input, any thread count: bit-identical images and gradients.
// (Contexts of 1, 2 and all cores: more than the cores are capped.)
#include <gtest/gtest.h>

#include <filesystem>
#include <cstring>
#include <fstream>
#include <random>
#include <string>

#include "render_reference.hpp"
#include "splattrack/render.hpp"

using namespace splattrack;
using namespace splattrack::test;

namespace {

struct Result {
  RenderImage image;
  GaussianGradients grads;
};

Result render(const GaussianModel& model, const Camera& cam, const LinearLoss& loss, int threads,
              bool pose_only) {
  RenderOptions options;
  options.background = {0.1f, 0.2f, 0.3f};
  options.pose_gradients_only = pose_only;
  ExecutionContext context(threads);
  Renderer renderer(context, options);
  Result r;
  {
    RenderPass pass = renderer.forward(model, cam);
    r.image = pass.image();
    r.grads = pass.backward(loss.w_rgb.data(), loss.w_alpha.data());
  }
  // A second pass reuses the first one's buffers: same result.
  RenderPass again = renderer.forward(model, cam);
  EXPECT_EQ(again.backward(loss.w_rgb.data(), loss.w_alpha.data()).means, r.grads.means);
  return r;
}

// Vector equality, so that -0.f vs 0.f or NaN would also show up.
void expect_same_bits(const std::vector<float>& a, const std::vector<float>& b,
                      const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0) << what;
}

void expect_thread_independent(const GaussianModel& model, const Camera& cam, bool pose_only) {
  std::mt19937 rng(5);
  const LinearLoss loss = random_loss(cam.width, cam.height, rng);
  const Result one = render(model, cam, loss, 1, pose_only);
  // 2 threads, and all cores (counts above the cores are capped to them).
  for (int threads : {2, 0}) {
    const Result other = render(model, cam, loss, threads, pose_only);
    const std::string t = " with " + std::to_string(ExecutionContext(threads).size()) + " threads";
    expect_same_bits(one.image.rgb, other.image.rgb, "rgb" + t);
    expect_same_bits(one.image.alpha, other.image.alpha, "alpha" + t);
    expect_same_bits(one.image.depth, other.image.depth, "depth" + t);
    expect_same_bits(one.grads.means, other.grads.means, "means" + t);
    expect_same_bits(one.grads.quats, other.grads.quats, "quats" + t);
    expect_same_bits(one.grads.log_scales, other.grads.log_scales, "log_scales" + t);
    expect_same_bits(one.grads.opacity_logits, other.grads.opacity_logits, "opacity_logits" + t);
    expect_same_bits(one.grads.sh, other.grads.sh, "sh" + t);
  }
}

TEST(RenderDeterminism, RandomSceneAnyThreadCount) {
  std::mt19937 rng(21);
  const Camera cam = test_camera(173, 131, rng);
  SceneSpec spec;
  spec.count = 3000;
  spec.sh_degree = 3;
  spec.min_margin = 0;  // no comparison with a reference here
  const GaussianModel model = random_scene(cam, spec, rng);
  expect_thread_independent(model, cam, false);
  expect_thread_independent(model, cam, true);
}

// Minimal reader for the fox: binary little-endian, 14 float properties in
// the order of its header (x y z f_dc_0..2 opacity scale_0..2 rot_0..3).
GaussianModel read_fox(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::string line;
  int n = 0;
  while (std::getline(f, line) && line != "end_header")
    if (line.rfind("element vertex ", 0) == 0) n = std::stoi(line.substr(15));
  GaussianModel m;
  m.resize(n);
  float row[14];
  for (int i = 0; i < n && f.read(reinterpret_cast<char*>(row), sizeof row); ++i) {
    for (int k = 0; k < 3; ++k) {
      m.means[3 * i + k] = row[k];
      m.sh[3 * i + k] = row[3 + k];
      m.log_scales[3 * i + k] = row[7 + k];
    }
    m.opacity_logits[i] = std::isfinite(row[6]) ? row[6] : 20.f;  // a few are +inf
    for (int k = 0; k < 4; ++k) m.quats[4 * i + k] = row[10 + k];
  }
  return m;
}

TEST(RenderDeterminism, FoxAnyThreadCount) {
  const std::string path = std::string(SPLATTRACK_SHARED_DATA) + "/models/fox_cc0_sh0_50k.ply";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no fox model at " << path;
  const GaussianModel fox = read_fox(path);
  ASSERT_EQ(fox.size(), 50000u);
  // Side view of the fox (it spans x, y in [-1, 1], z in [0, 2.5]).
  Camera cam;
  cam.width = 160;
  cam.height = 120;
  cam.fx = cam.fy = 150;
  cam.cx = 79.5;
  cam.cy = 59.5;
  cam.cam_from_world << 0, 1, 0, 0, 0, 0, -1, 1.25, -1, 0, 0, 4, 0, 0, 0, 1;
  expect_thread_independent(fox, cam, false);
}

}  // namespace
