#include <algorithm>
#include <cmath>
#include <complex>
#include <random>
#include <string>
#include <vector>

#include "splattrack/losses/cuda_moments.hpp"
#include "splattrack/losses/moments.hpp"
#include "splattrack/render/cuda.hpp"

namespace splattrack::losses {
namespace {

constexpr int kWidth = 64, kHeight = 48, kBands = 6, kPlanes = 4;
constexpr double kTolerance = 1e-3;

CudaCheck run_check() {
  if (!cuda_device().available) return {false, cuda_device().reason};
  std::mt19937 rng(11);
  std::normal_distribution<float> n01;
  const MomentTransform cpu(kWidth, kHeight, kBands);
  const std::size_t pixels = kWidth * kHeight;
  const std::size_t grid = static_cast<std::size_t>(cpu.radius() + 1) * (2 * cpu.radius() + 1);
  std::vector<float> planes(kPlanes * pixels);
  for (float& v : planes) v = n01(rng);
  const BandSet all = BandSet::all(kBands);
  // Every entry of the grid is in some band: the CPU's writes them all too.
  std::vector<std::complex<float>> expected(kPlanes * grid), got(kPlanes * grid);
  std::vector<float> adjoint_expected(kPlanes * pixels), adjoint_got(kPlanes * pixels);
  for (int p = 0; p < kPlanes; ++p) {
    cpu.forward(planes.data() + p * pixels, all, MomentPath::kFft, expected.data() + p * grid);
    cpu.adjoint(expected.data() + p * grid, all, MomentPath::kFft, adjoint_expected.data() + p * pixels);
  }
  try {
    CudaMomentTransform gpu(kWidth, kHeight, kBands);
    gpu.forward(planes.data(), kPlanes, all, got.data());
    gpu.adjoint(expected.data(), kPlanes, all, adjoint_got.data());
  } catch (const std::exception& e) {
    return {false, cuda_device().name + ": " + e.what()};
  }
  if (const double d = relative_max_difference(got, expected); !(d <= kTolerance))
    return {false,
            cuda_device().name + ": the moments differ from the CPU's by " + std::to_string(d) + " of their scale"};
  if (const double d = relative_max_difference(adjoint_got, adjoint_expected); !(d <= kTolerance))
    return {false, cuda_device().name + ": the moments' adjoint differs from the CPU's by " + std::to_string(d) +
                       " of its scale"};
  return {true, cuda_device().name + " takes the moments as the CPU does"};
}

}  // namespace

const CudaCheck& cuda_moments_check() {
  static const CudaCheck check = run_check();
  return check;
}

}  // namespace splattrack::losses
