// The shared render math (gaussian_math.hpp, sh.hpp, blend.hpp) compiled for
// the GPU gives what it gives on the host.
#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "splattrack/render/blend.hpp"
#include "splattrack/render/gaussian_math.hpp"

namespace gs = splattrack::gs;

namespace {

constexpr int kCases = 6;
constexpr int kShDegree = 3;
constexpr int kShFloats = 16 * 3;
constexpr int kPixels = 4;  // pixel offsets evaluated per case

struct Case {
  gs::Vec3f mean;
  gs::Quatf quat;
  gs::Vec3f log_scale;
  float opacity_logit;
  float sh[kShFloats];
  gs::ProjectedGaussianGrad<float> d_projected;
  float d_power;
};

struct Result {
  int visible;
  gs::ProjectedGaussian<float> projected;
  gs::PixelRect<int> rect;
  gs::GaussianGrad<float> grad;
  float d_sh[kShFloats];
  float power[kPixels], alpha[kPixels], next_t[kPixels], d_alpha[kPixels];
  gs::PowerGrad<float> power_grad[kPixels];
};

__host__ __device__ void evaluate(const Case& c, const gs::View& view, Result& r) {
  const gs::GaussianIn<float> g{c.mean, c.quat, c.log_scale, c.opacity_logit, c.sh, kShDegree};
  r.visible = gs::project_gaussian(g, view, r.projected) ? 1 : 0;
  if (!r.visible) return;
  r.rect = gs::splat_pixel_rect(r.projected, 64, 48);
  r.grad = gs::project_gaussian_vjp(g, view, c.d_projected, r.d_sh);
  for (int k = 0; k < kPixels; ++k) {
    const float dx = 0.7f * k - 1.1f, dy = 0.4f - 0.3f * k;
    r.power[k] = gs::gaussian_power(r.projected.conic, dx, dy);
    r.alpha[k] = gs::clamp_alpha(gs::splat_alpha_raw(r.projected.opacity, expf(r.power[k])));
    r.next_t[k] = gs::next_transmittance(0.8f, r.alpha[k]);
    r.d_alpha[k] = gs::blend_alpha_grad(0.8f, r.alpha[k], 0.3f, 0.25f);
    r.power_grad[k] = gs::gaussian_power_vjp(r.projected.conic, dx, dy, c.d_power);
  }
}

__global__ void evaluate_kernel(const Case* cases, gs::View view, Result* results) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < kCases) evaluate(cases[i], view, results[i]);
}

gs::View test_view() {
  gs::View v{};
  const float r[3][3] = {{0.98f, -0.1f, 0.17f}, {0.12f, 0.99f, -0.08f}, {-0.16f, 0.1f, 0.98f}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) v.rotation.m[i][j] = r[i][j];
  v.translation = {0.1f, -0.2f, 0.3f};
  v.center = {-0.05f, 0.2f, -0.3f};
  v.fx = 60.f;
  v.fy = 62.f;
  v.cx = 31.7f;
  v.cy = 24.2f;
  v.lim_x = gs::frustum_limit(64, v.fx);
  v.lim_y = gs::frustum_limit(48, v.fy);
  v.near_plane = 0.2f;
  return v;
}

std::vector<Case> test_cases() {
  std::vector<Case> cases(kCases);
  for (int i = 0; i < kCases; ++i) {
    Case& c = cases[i];
    c.mean = {0.3f * i - 0.8f, 0.2f - 0.1f * i, 1.5f + 0.4f * i};
    c.quat = {0.9f - 0.1f * i, 0.2f, -0.3f + 0.05f * i, 0.1f};
    c.log_scale = {-3.f + 0.2f * i, -2.5f, -2.8f + 0.1f * i};
    c.opacity_logit = 0.7f * i - 1.f;
    for (int k = 0; k < kShFloats; ++k) c.sh[k] = 0.05f * ((k * 7 + i * 3) % 11) - 0.25f;
    c.d_projected = {{0.3f, -0.2f}, {0.1f, -0.05f, 0.2f}, 0.4f, {0.2f, -0.1f, 0.3f}};
    c.d_power = 0.5f - 0.1f * i;
  }
  cases[kCases - 1].mean.x = 4.f;  // beyond the frustum clamp
  return cases;
}

void expect_close(float device, float host, const char* what, int i) {
  EXPECT_NEAR(device, host, 1e-4f * (1.f + std::abs(host))) << what << " of case " << i;
}

TEST(CudaRenderMath, DeviceMatchesHost) {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0)
    GTEST_SKIP() << "no CUDA device";
  const gs::View view = test_view();
  const std::vector<Case> cases = test_cases();
  std::vector<Result> host(kCases), device(kCases);
  for (int i = 0; i < kCases; ++i) evaluate(cases[i], view, host[i]);

  Case* d_cases = nullptr;
  Result* d_results = nullptr;
  ASSERT_EQ(cudaMalloc(&d_cases, sizeof(Case) * kCases), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&d_results, sizeof(Result) * kCases), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(d_cases, cases.data(), sizeof(Case) * kCases, cudaMemcpyHostToDevice),
            cudaSuccess);
  evaluate_kernel<<<1, 32>>>(d_cases, view, d_results);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(device.data(), d_results, sizeof(Result) * kCases, cudaMemcpyDeviceToHost),
            cudaSuccess);
  cudaFree(d_cases);
  cudaFree(d_results);

  int visible = 0;
  for (int i = 0; i < kCases; ++i) {
    const Result &d = device[i], &h = host[i];
    ASSERT_EQ(d.visible, h.visible) << "case " << i;
    if (!h.visible) continue;
    ++visible;
    expect_close(d.projected.mean2d.x, h.projected.mean2d.x, "mean2d.x", i);
    expect_close(d.projected.mean2d.y, h.projected.mean2d.y, "mean2d.y", i);
    expect_close(d.projected.conic.a, h.projected.conic.a, "conic.a", i);
    expect_close(d.projected.conic.b, h.projected.conic.b, "conic.b", i);
    expect_close(d.projected.conic.c, h.projected.conic.c, "conic.c", i);
    expect_close(d.projected.opacity, h.projected.opacity, "opacity", i);
    expect_close(d.projected.color.x, h.projected.color.x, "color.r", i);
    expect_close(d.projected.color.z, h.projected.color.z, "color.b", i);
    EXPECT_EQ(d.projected.radius, h.projected.radius) << "case " << i;
    EXPECT_EQ(d.rect.x0, h.rect.x0) << "case " << i;
    EXPECT_EQ(d.rect.y1, h.rect.y1) << "case " << i;
    expect_close(d.grad.mean.x, h.grad.mean.x, "d mean.x", i);
    expect_close(d.grad.mean.z, h.grad.mean.z, "d mean.z", i);
    expect_close(d.grad.quat.w, h.grad.quat.w, "d quat.w", i);
    expect_close(d.grad.quat.y, h.grad.quat.y, "d quat.y", i);
    expect_close(d.grad.log_scale.x, h.grad.log_scale.x, "d log_scale.x", i);
    expect_close(d.grad.opacity_logit, h.grad.opacity_logit, "d opacity_logit", i);
    for (int k = 0; k < kShFloats; ++k) expect_close(d.d_sh[k], h.d_sh[k], "d sh", i);
    for (int k = 0; k < kPixels; ++k) {
      expect_close(d.power[k], h.power[k], "power", i);
      expect_close(d.alpha[k], h.alpha[k], "alpha", i);
      expect_close(d.next_t[k], h.next_t[k], "next T", i);
      expect_close(d.d_alpha[k], h.d_alpha[k], "d alpha", i);
      expect_close(d.power_grad[k].mean_x, h.power_grad[k].mean_x, "d power / d mean.x", i);
      expect_close(d.power_grad[k].conic_b, h.power_grad[k].conic_b, "d power / d conic.b", i);
    }
  }
  EXPECT_GE(visible, kCases - 1);
}

}  // namespace
