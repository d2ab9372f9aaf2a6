// A tracker's per-iteration and per-frame calls allocate nothing once warm:
// the renderer recycles its passes' buffers, a SpectralLoss and a DssimLoss
// keep theirs (one per image size, set_target per frame), and the execution
// context runs loops without the heap. Every operator new of this program
// is counted, on every thread.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <random>
#include <vector>

#include "render_reference.hpp"
#include "splattrack/losses.hpp"
#include "splattrack/render.hpp"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace splattrack;
using namespace splattrack::test;
namespace sl = splattrack::losses;

namespace {

// Allocations made by f().
template <class F>
long allocations_of(F&& f) {
  const long before = g_allocations.load();
  f();
  return g_allocations.load() - before;
}

std::vector<float> random_image(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

TEST(SteadyState, RenderPassLoopAllocatesNothing) {
  std::mt19937 rng(3);
  const Camera cam = test_camera(96, 64, rng);
  SceneSpec spec;
  spec.count = 2000;
  spec.min_margin = 0;
  const GaussianModel model = random_scene(cam, spec, rng);
  const LinearLoss loss = random_loss(cam.width, cam.height, rng);
  std::vector<ModelTangent> directions(6);
  for (ModelTangent& t : directions) {
    t.means.assign(model.means.size(), 0.01f);
    t.quats.assign(model.quats.size(), 0.02f);
  }
  ExecutionContext context(0);
  Renderer renderer(context, {});
  const auto iteration = [&] {
    RenderPass pass = renderer.forward(model, cam);
    pass.backward(loss.w_rgb.data(), loss.w_alpha.data());
    pass.jvp(directions);
  };
  iteration();  // the first pass sizes the buffers
  EXPECT_EQ(allocations_of([&] {
              for (int i = 0; i < 5; ++i) iteration();
            }),
            0);
}

TEST(SteadyState, SpectralLossPerFrameAllocatesNothing) {
  constexpr int kW = 80, kH = 60;
  const std::size_t n = static_cast<std::size_t>(kW) * kH;
  std::vector<std::vector<float>> frames, masks;
  for (unsigned f = 0; f < 3; ++f) {
    frames.push_back(random_image(3 * n, 10 + f));
    masks.push_back(random_image(n, 20 + f));
  }
  frames[2][5] = NAN;  // a frame with a pixel to ignore
  const std::vector<float> rgb = random_image(3 * n, 1), alpha = random_image(n, 2);
  std::vector<float> g_rgb(3 * n), g_alpha(n);
  ExecutionContext context(0);
  for (const sl::MomentPath path : {sl::MomentPath::kFft, sl::MomentPath::kDft}) {
    sl::SpectralLoss loss(kW, kH, {.path = path}, context);
    const std::vector<double> weights(sl::kDefaultBandCount, 1.0), low{1, 1, 0, 0, 0, 0, 0, 0};
    const auto frame = [&](int f) {
      loss.set_target({frames[f].data(), kW, kH, 3}, {masks[f].data(), kW, kH, 1});
      for (const std::vector<double>* w : {&weights, &low})
        loss.evaluate({rgb.data(), kW, kH, 3}, {alpha.data(), kW, kH, 1}, *w, g_rgb.data(), g_alpha.data());
    };
    for (int f = 0; f < 3; ++f) frame(f);  // the first calls: the NaN frame adds its validity plane
    EXPECT_EQ(allocations_of([&] {
                for (int f = 0; f < 3; ++f) frame(f);
              }),
              0)
        << sl::to_string(path);
  }
}

TEST(SteadyState, DssimLossPerFrameAllocatesNothing) {
  constexpr int kW = 64, kH = 48, kC = 3;
  const std::size_t n = static_cast<std::size_t>(kW) * kH * kC;
  const std::vector<float> a = random_image(n, 1), b = random_image(n, 2), r = random_image(n, 3);
  std::vector<float> grad(n);
  ExecutionContext context(0);
  sl::DssimLoss loss(kW, kH, kC, context);
  loss.set_target({a.data(), kW, kH, kC});
  loss.evaluate({r.data(), kW, kH, kC}, grad.data());
  EXPECT_EQ(allocations_of([&] {
              for (const auto* target : {&a, &b}) {
                loss.set_target({target->data(), kW, kH, kC});
                loss.evaluate({r.data(), kW, kH, kC}, grad.data());
              }
            }),
            0);
}

}  // namespace
