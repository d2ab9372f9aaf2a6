// The skinning stage's kernels (render/cuda/skinning.cu) against the shared
// per-Gaussian math run on the host: skinned means and quaternions, the
// nodes' summed gradients and the forward mode, for both methods, on 3000
// Gaussians bound to 40 nodes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "cuda/device.hpp"
#include "cuda/skinning.hpp"

namespace gs = splattrack::gs;
namespace cu = splattrack::cuda;

namespace {

constexpr int N = 3000, M = 40, K = gs::kNodesPerGaussian;

struct Scene {
  std::vector<float> rest, rotation, translation;  // nodes [M, 3 | 4 | 3]
  std::vector<int> binding;                        // [N, K]
  std::vector<float> weights, means, quats;        // [N, K], [N, 3], [N, 4]
  std::vector<float> d_means, d_quats;             // a cotangent
  std::vector<float> node_tangent;                 // [M, 7]
};

Scene make_scene(std::mt19937& rng) {
  std::normal_distribution<float> n01;
  std::uniform_int_distribution<int> node(0, M - 1);
  Scene s;
  for (int k = 0; k < M; ++k) {
    gs::Quatf q = gs::normalize_quat(gs::Quatf{1.f, 0.2f * n01(rng), 0.2f * n01(rng), 0.2f * n01(rng)});
    s.rotation.insert(s.rotation.end(), {q.w, q.x, q.y, q.z});
    for (int c = 0; c < 3; ++c) {
      s.rest.push_back(n01(rng));
      s.translation.push_back(0.1f * n01(rng));
    }
    for (int c = 0; c < 7; ++c) s.node_tangent.push_back(0.1f * n01(rng));
  }
  for (int i = 0; i < N; ++i) {
    float w[K], sum = 0;
    for (int j = 0; j < K; ++j) {
      s.binding.push_back(node(rng));
      w[j] = 0.1f + std::abs(n01(rng));
      sum += w[j];
    }
    for (int j = 0; j < K; ++j) s.weights.push_back(w[j] / sum);
    for (int c = 0; c < 3; ++c) {
      s.means.push_back(n01(rng));
      s.d_means.push_back(n01(rng));
    }
    for (int c = 0; c < 4; ++c) {
      s.quats.push_back(n01(rng));
      s.d_quats.push_back(n01(rng));
    }
  }
  return s;
}

void gather(const Scene& s, int i, gs::SkinNodes<float>& nodes) {
  for (int j = 0; j < K; ++j) {
    const int k = s.binding[i * K + j];
    nodes[j] = {{s.rest[3 * k], s.rest[3 * k + 1], s.rest[3 * k + 2]},
                {s.rotation[4 * k], s.rotation[4 * k + 1], s.rotation[4 * k + 2], s.rotation[4 * k + 3]},
                {s.translation[3 * k], s.translation[3 * k + 1], s.translation[3 * k + 2]},
                s.weights[i * K + j]};
  }
}

template <class T>
T* device_copy(cu::DeviceBuffer& b, const std::vector<T>& v, const cu::Stream& stream) {
  T* p = b.reserve_as<T>(v.size());
  stream.upload(p, v.data(), v.size() * sizeof(T));
  return p;
}

std::vector<float> host_copy(const float* device, std::size_t n, const cu::Stream& stream) {
  std::vector<float> v(n);
  stream.download(v.data(), device, n * sizeof(float));
  stream.synchronize();
  return v;
}

double relative_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, static_cast<double>(std::abs(a[i] - b[i])));
    scale = std::max(scale, static_cast<double>(std::abs(b[i])));
  }
  return diff / std::max(scale, 1e-30);
}

TEST(CudaSkinKernels, MatchTheHostMath) {
  const cu::DeviceQuery device = cu::query_device();
  if (!device.available) GTEST_SKIP() << device.reason;
  std::mt19937 rng(3);
  const Scene s = make_scene(rng);
  const cu::Stream stream;
  cu::DeviceBuffer b[16];
  for (const gs::SkinMethod method : {gs::SkinMethod::lbs, gs::SkinMethod::dqs}) {
    const cu::SkinInputs in{device_copy(b[0], s.rest, stream),     device_copy(b[1], s.rotation, stream),
                            device_copy(b[2], s.translation, stream), device_copy(b[3], s.binding, stream),
                            device_copy(b[4], s.weights, stream),  device_copy(b[5], s.means, stream),
                            device_copy(b[6], s.quats, stream),    N,
                            method};
    float* means = b[7].reserve_as<float>(3 * N);
    float* quats = b[8].reserve_as<float>(4 * N);
    cu::skin_fwd(in, means, quats, stream.handle());
    double* grads = b[9].reserve_as<double>(7 * M);
    stream.zero(grads, 7 * M * sizeof(double));
    cu::skin_bwd(in, device_copy(b[10], s.d_means, stream), device_copy(b[11], s.d_quats, stream), grads,
                 stream.handle());
    float* d_means = b[12].reserve_as<float>(3 * N);
    float* d_quats = b[13].reserve_as<float>(4 * N);
    cu::skin_jvp(in, device_copy(b[14], s.node_tangent, stream), d_means, d_quats, stream.handle());

    std::vector<float> h_means(3 * N), h_quats(4 * N), h_grads(7 * M, 0.f), h_dm(3 * N), h_dq(4 * N);
    for (int i = 0; i < N; ++i) {
      gs::SkinNodes<float> nodes;
      gather(s, i, nodes);
      const gs::Vec3f x{s.means[3 * i], s.means[3 * i + 1], s.means[3 * i + 2]};
      const gs::Quatf q{s.quats[4 * i], s.quats[4 * i + 1], s.quats[4 * i + 2], s.quats[4 * i + 3]};
      const gs::SkinnedGaussian<float> out = gs::skin(method, nodes, x, q);
      std::copy_n(&out.mean.x, 3, &h_means[3 * i]);
      std::copy_n(&out.quat.w, 4, &h_quats[4 * i]);
      gs::SkinNodeGrads<float> d;
      gs::skin_vjp(method, nodes, x, q,
                   {{s.d_means[3 * i], s.d_means[3 * i + 1], s.d_means[3 * i + 2]},
                    {s.d_quats[4 * i], s.d_quats[4 * i + 1], s.d_quats[4 * i + 2], s.d_quats[4 * i + 3]}},
                   d);
      gs::SkinNodeGrads<float> dn;
      for (int j = 0; j < K; ++j) {
        float* g = &h_grads[7 * s.binding[i * K + j]];
        const float v[7] = {d[j].rotation.w,    d[j].rotation.x,    d[j].rotation.y,   d[j].rotation.z,
                            d[j].translation.x, d[j].translation.y, d[j].translation.z};
        for (int c = 0; c < 7; ++c) g[c] += v[c];
        const float* t = &s.node_tangent[7 * s.binding[i * K + j]];
        dn[j] = {{t[0], t[1], t[2], t[3]}, {t[4], t[5], t[6]}};
      }
      const gs::SkinnedGaussian<float> tangent = gs::skin_jvp(method, nodes, dn, x, q);
      std::copy_n(&tangent.mean.x, 3, &h_dm[3 * i]);
      std::copy_n(&tangent.quat.w, 4, &h_dq[4 * i]);
    }
    const char* name = method == gs::SkinMethod::lbs ? "lbs" : "dqs";
    EXPECT_LT(relative_difference(host_copy(means, 3 * N, stream), h_means), 1e-5) << name;
    EXPECT_LT(relative_difference(host_copy(quats, 4 * N, stream), h_quats), 1e-5) << name;
    std::vector<double> device_grads(7 * M);
    stream.download(device_grads.data(), grads, device_grads.size() * sizeof(double));
    stream.synchronize();
    EXPECT_LT(relative_difference(std::vector<float>(device_grads.begin(), device_grads.end()), h_grads), 1e-4)
        << name;
    EXPECT_LT(relative_difference(host_copy(d_means, 3 * N, stream), h_dm), 1e-5) << name;
    EXPECT_LT(relative_difference(host_copy(d_quats, 4 * N, stream), h_dq), 1e-5) << name;
  }
}

}  // namespace
