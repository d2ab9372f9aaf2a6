// The shared skinning math (skinning.hpp) compiled for the GPU gives what it
// gives on the host: forward, backward and forward mode, both methods.
#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "splattrack/render/skinning.hpp"

namespace gs = splattrack::gs;

namespace {

constexpr int kCases = 8;
constexpr int K = gs::kNodesPerGaussian;

struct Case {
  gs::SkinNode<float> nodes[K];
  gs::SkinNodeGrad<float> tangent[K];
  gs::Vec3f x;
  gs::Quatf q;
  gs::SkinnedGaussian<float> d_out;
  gs::SkinMethod method;
};

struct Result {
  gs::SkinnedGaussian<float> skinned, jvp;
  gs::SkinNodeGrad<float> grad[K];
};

__host__ __device__ void evaluate(const Case& c, Result& r) {
  r.skinned = gs::skin(c.method, c.nodes, c.x, c.q);
  r.jvp = gs::skin_jvp(c.method, c.nodes, c.tangent, c.x, c.q);
  gs::skin_vjp(c.method, c.nodes, c.x, c.q, c.d_out, r.grad);
}

__global__ void evaluate_kernel(const Case* cases, Result* results) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < kCases) evaluate(cases[i], results[i]);
}

std::vector<Case> test_cases() {
  std::vector<Case> cases(kCases);
  for (int i = 0; i < kCases; ++i) {
    Case& c = cases[i];
    for (int k = 0; k < K; ++k) {
      const float a = 0.1f * (i + 1) * (k % 2 == 0 ? 1.f : -1.f);
      c.nodes[k] = {{0.3f * k - 0.4f, 0.1f * i, -0.2f * k},
                    gs::normalize_quat(gs::Quatf{1.f, a, 0.5f * a, -0.3f * a}),
                    {0.02f * k, -0.01f * i, 0.03f},
                    0.25f};
      c.tangent[k] = {{0.1f, -0.2f, 0.3f * k, 0.05f}, {0.2f, 0.1f * i, -0.1f}};
    }
    c.x = {0.2f * i - 0.7f, 0.1f, 0.3f};
    c.q = {0.9f, 0.1f * i, -0.2f, 0.3f};
    c.d_out = {{0.3f, -0.5f, 0.2f}, {0.1f, 0.2f, -0.3f, 0.4f}};
    c.method = i % 2 == 0 ? gs::SkinMethod::lbs : gs::SkinMethod::dqs;
  }
  return cases;
}

void expect_close(float device, float host, const char* what, int i) {
  EXPECT_NEAR(device, host, 1e-5f * (1.f + std::abs(host))) << what << " of case " << i;
}

TEST(CudaSkinning, DeviceMatchesHost) {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) GTEST_SKIP() << "no CUDA device";
  const std::vector<Case> cases = test_cases();
  std::vector<Result> host(kCases), device(kCases);
  for (int i = 0; i < kCases; ++i) evaluate(cases[i], host[i]);

  Case* d_cases = nullptr;
  Result* d_results = nullptr;
  ASSERT_EQ(cudaMalloc(&d_cases, sizeof(Case) * kCases), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&d_results, sizeof(Result) * kCases), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(d_cases, cases.data(), sizeof(Case) * kCases, cudaMemcpyHostToDevice), cudaSuccess);
  evaluate_kernel<<<1, 32>>>(d_cases, d_results);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(device.data(), d_results, sizeof(Result) * kCases, cudaMemcpyDeviceToHost), cudaSuccess);
  cudaFree(d_cases);
  cudaFree(d_results);

  for (int i = 0; i < kCases; ++i) {
    const Result &d = device[i], &h = host[i];
    expect_close(d.skinned.mean.x, h.skinned.mean.x, "mean.x", i);
    expect_close(d.skinned.mean.z, h.skinned.mean.z, "mean.z", i);
    expect_close(d.skinned.quat.w, h.skinned.quat.w, "quat.w", i);
    expect_close(d.skinned.quat.y, h.skinned.quat.y, "quat.y", i);
    expect_close(d.jvp.mean.y, h.jvp.mean.y, "d mean.y", i);
    expect_close(d.jvp.quat.z, h.jvp.quat.z, "d quat.z", i);
    for (int k = 0; k < K; ++k) {
      expect_close(d.grad[k].rotation.x, h.grad[k].rotation.x, "dL/dr.x", i);
      expect_close(d.grad[k].translation.z, h.grad[k].translation.z, "dL/dT.z", i);
    }
  }
}

}  // namespace
