// CudaMomentTransform (cuda_moments.hpp): pad / gather / scatter / crop
// kernels around batched cuFFT transforms. Moments, METHOD.md §4:
//   M(k) = (1/N) sum_p I(p) exp(-j (pi/S) k.(p - c)),  c = ((W-1)/2, (H-1)/2),
// so with X(k) = sum_p I(p) exp(-2 pi j k.p / 2S) (the FFT of the plane
// zero-padded to 2S x 2S): M(k) = X(k) exp(+j (pi/S) k.c) / N; and the
// adjoint plane(p) = (1/N) Re sum_k g_k exp(+j (pi/S) k.(p - c)).
#include <cufft.h>

#include <complex>
#include <map>
#include <stdexcept>
#include <string>

#include "cuda/device.hpp"
#include "cuda/kernel_util.cuh"
#include "splattrack/losses/cuda_moments.hpp"
#include "splattrack/losses/moments.hpp"

namespace splattrack::losses {
namespace {

using cuda::blocks_for;
using cuda::kThreads;

void check_fft(cufftResult r, const char* what) {
  if (r != CUFFT_SUCCESS) throw std::runtime_error(std::string(what) + ": cuFFT error " + std::to_string(r));
}

struct Geometry {
  int width, height, side;  // side = 2S
  int radius;               // R
  float inv_n;              // 1 / (W H)
  unsigned active;          // BandSet bits
  int planes;

  // Entries of all planes: of the image, of the 2S x 2S grid, of the moment grid.
  __host__ __device__ long long pixels() const { return static_cast<long long>(width) * height * planes; }
  __host__ __device__ long long padded() const { return static_cast<long long>(side) * side * planes; }
  __host__ __device__ long long moments() const {
    return static_cast<long long>(radius + 1) * (2 * radius + 1) * planes;
  }
};

// exp(+j (pi/S) k.c) as (cos, sin), c = ((W-1)/2, (H-1)/2): the angle is
// pi m / 2S with the integer m = kx (W-1) + ky (H-1), reduced mod 4S exactly
// (a float angle lost ~4e-4 rad at 12 bands of a 1920-pixel image; the CPU's
// tables are double).
__device__ void centre_phase(const Geometry& g, int kx, int ky, float& c, float& s) {
  const int period = 2 * g.side;
  const int m = ((kx * (g.width - 1) + ky * (g.height - 1)) % period + period) % period;
  sincospif(static_cast<float>(m) / static_cast<float>(g.side), &s, &c);
}

__device__ bool active_entry(const Geometry& g, int kx, int ky) { return (g.active >> band_of(kx, ky)) & 1u; }

// Entry i of the moment grids [P, R + 1, 2R + 1]: plane p, frequency (kx, ky).
struct GridEntry {
  int p, kx, ky;
};
__device__ GridEntry grid_entry(const Geometry& g, long long i) {
  const long long row = 2 * g.radius + 1, per = (g.radius + 1) * row;
  return {static_cast<int>(i / per), static_cast<int>(i % per / row), static_cast<int>(i % row) - g.radius};
}

// planes [P, H, W] -> padded [P, 2S, 2S] (zeros outside the image).
__global__ void pad_kernel(Geometry g, const float* planes, float* padded) {
  const long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (i >= g.padded()) return;
  const long long per = static_cast<long long>(g.side) * g.side;
  const int p = static_cast<int>(i / per);
  const int y = static_cast<int>(i % per / g.side), x = static_cast<int>(i % g.side);
  padded[i] = x < g.width && y < g.height ? planes[(static_cast<long long>(p) * g.height + y) * g.width + x] : 0.f;
}

// spectrum [P, 2S, S + 1] (R2C) -> grids [P, R + 1, 2R + 1].
__global__ void gather_kernel(Geometry g, const cufftComplex* spectrum, cufftComplex* grids) {
  const long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (i >= g.moments()) return;
  const auto [p, kx, ky] = grid_entry(g, i);
  cufftComplex out{0.f, 0.f};
  if (active_entry(g, kx, ky)) {
    // The pixel phase is 2S-periodic in k: bins wrap (bands finer than the
    // image), and the real FFT's missing half is the conjugate of the other.
    int bx = kx % g.side, by = (ky % g.side + g.side) % g.side;
    const bool mirrored = bx > g.side / 2;
    if (mirrored) {
      bx = g.side - bx;
      by = (g.side - by) % g.side;
    }
    cufftComplex x = spectrum[(static_cast<long long>(p) * g.side + by) * (g.side / 2 + 1) + bx];
    if (mirrored) x.y = -x.y;
    float c, s;
    centre_phase(g, kx, ky, c, s);
    out = {(x.x * c - x.y * s) * g.inv_n, (x.x * s + x.y * c) * g.inv_n};
  }
  grids[i] = out;
}

// weights [P, R + 1, 2R + 1] -> full [P, 2S, 2S] complex (zeroed before).
__global__ void scatter_kernel(Geometry g, const cufftComplex* weights, cufftComplex* full) {
  const long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (i >= g.moments()) return;
  const auto [p, kx, ky] = grid_entry(g, i);
  if (!active_entry(g, kx, ky)) return;
  const cufftComplex w = weights[i];
  float c, s;
  centre_phase(g, kx, ky, c, s);  // times its conjugate, exp(-j (pi/S) k.c)
  // Bins wrap where the bands are finer than the image: several k may share one.
  const int bx = kx % g.side, by = (ky % g.side + g.side) % g.side;
  cufftComplex& bin = full[(static_cast<long long>(p) * g.side + by) * g.side + bx];
  atomicAdd(&bin.x, w.x * c + w.y * s);
  atomicAdd(&bin.y, w.y * c - w.x * s);
}

// full [P, 2S, 2S] after the inverse FFT -> planes [P, H, W]: Re / N.
__global__ void crop_kernel(Geometry g, const cufftComplex* full, float* planes) {
  const long long per = static_cast<long long>(g.width) * g.height;
  const long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (i >= g.pixels()) return;
  const int p = static_cast<int>(i / per);
  const int y = static_cast<int>(i % per / g.width), x = static_cast<int>(i % g.width);
  planes[i] = full[(static_cast<long long>(p) * g.side + y) * g.side + x].x * g.inv_n;
}

}  // namespace

struct CudaMomentTransform::Impl {
  int width, height, band_count, side;
  cuda::Stream stream;
  cuda::DeviceBuffer planes, padded, spectrum, grids, full;
  std::map<int, cufftHandle> forward_plans, inverse_plans;  // by plane count

  ~Impl() {
    for (auto& [count, plan] : forward_plans) cufftDestroy(plan);
    for (auto& [count, plan] : inverse_plans) cufftDestroy(plan);
  }

  cufftHandle plan(std::map<int, cufftHandle>& plans, int count, cufftType type) {
    if (const auto it = plans.find(count); it != plans.end()) return it->second;
    cufftHandle h;
    int n[2] = {side, side};
    check_fft(cufftPlanMany(&h, 2, n, nullptr, 1, 0, nullptr, 1, 0, type, count), "cufftPlanMany");
    plans.emplace(count, h);  // destroyed with the others, whatever follows
    check_fft(cufftSetStream(h, cuda::as_stream(stream.handle())), "cufftSetStream");
    return h;
  }

  // Throws as MomentTransform does for bands it does not have.
  Geometry geometry(BandSet active, int count, const char* what) const {
    if (active.highest() >= band_count)
      throw std::invalid_argument(std::string(what) + ": band " + std::to_string(active.highest()) + " of a " +
                                  std::to_string(band_count) + "-band transform");
    return {width, height, side, band_radius(band_count - 1), 1.f / (static_cast<float>(width) * height),
            active.bits, count};
  }
};

CudaMomentTransform::CudaMomentTransform(int width, int height, int band_count) {
  check_moment_size(width, height, band_count, "CudaMomentTransform");
  const int s = std::max(width, height);
  // render's query (cached), not cuda_device(): its header brings Eigen, which nvcc warns about.
  if (const cuda::DeviceQuery& device = cuda::query_device(); !device.available)
    throw std::runtime_error(device.reason);
  impl_ = std::make_unique<Impl>();
  impl_->width = width;
  impl_->height = height;
  impl_->band_count = band_count;
  impl_->side = 2 * s;
}

CudaMomentTransform::~CudaMomentTransform() = default;

int CudaMomentTransform::radius() const { return band_radius(impl_->band_count - 1); }

void CudaMomentTransform::forward(const float* planes, int count, BandSet active, std::complex<float>* grids) {
  Impl& m = *impl_;
  const Geometry g = m.geometry(active, count, "CudaMomentTransform::forward");
  if (count <= 0) return;
  const cudaStream_t stream = cuda::as_stream(m.stream.handle());
  const long long pixels = g.pixels(), padded = g.padded(), grid = g.moments();
  float* d_planes = m.planes.reserve_as<float>(pixels);
  float* d_padded = m.padded.reserve_as<float>(padded);
  auto* d_spectrum = m.spectrum.reserve_as<cufftComplex>(static_cast<long long>(m.side) * (m.side / 2 + 1) * count);
  auto* d_grids = m.grids.reserve_as<cufftComplex>(grid);
  m.stream.upload(d_planes, planes, pixels * sizeof(float));
  pad_kernel<<<blocks_for(padded), kThreads, 0, stream>>>(g, d_planes, d_padded);
  cuda::check_last("moments: pad");
  check_fft(cufftExecR2C(m.plan(m.forward_plans, count, CUFFT_R2C), d_padded, d_spectrum), "cufftExecR2C");
  gather_kernel<<<blocks_for(grid), kThreads, 0, stream>>>(g, d_spectrum, d_grids);
  cuda::check_last("moments: gather");
  static_assert(sizeof(std::complex<float>) == sizeof(cufftComplex));
  m.stream.download(grids, d_grids, grid * sizeof(cufftComplex));
  m.stream.synchronize();
}

void CudaMomentTransform::adjoint(const std::complex<float>* weights, int count, BandSet active, float* planes) {
  Impl& m = *impl_;
  const Geometry g = m.geometry(active, count, "CudaMomentTransform::adjoint");
  if (count <= 0) return;
  const cudaStream_t stream = cuda::as_stream(m.stream.handle());
  const long long pixels = g.pixels(), full = g.padded(), grid = g.moments();
  auto* d_weights = m.grids.reserve_as<cufftComplex>(grid);
  auto* d_full = m.full.reserve_as<cufftComplex>(full);
  float* d_planes = m.planes.reserve_as<float>(pixels);
  m.stream.upload(d_weights, weights, grid * sizeof(cufftComplex));
  m.stream.zero(d_full, full * sizeof(cufftComplex));
  scatter_kernel<<<blocks_for(grid), kThreads, 0, stream>>>(g, d_weights, d_full);
  cuda::check_last("moments: scatter");
  check_fft(cufftExecC2C(m.plan(m.inverse_plans, count, CUFFT_C2C), d_full, d_full, CUFFT_INVERSE), "cufftExecC2C");
  crop_kernel<<<blocks_for(pixels), kThreads, 0, stream>>>(g, d_full, d_planes);
  cuda::check_last("moments: crop");
  m.stream.download(planes, d_planes, pixels * sizeof(float));
  m.stream.synchronize();
}

}  // namespace splattrack::losses
