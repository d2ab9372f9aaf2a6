// The pruned FFT of the moments' FFT path (losses/src/fft.hpp, internal)
// against direct double-precision DFT sums written here, on lengths with
// every kind of factor it handles: powers of two and four, 3, 5, and large
// primes (the generic butterfly), and every kind of pruning.
#include <gtest/gtest.h>

#include <complex>
#include <numbers>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../losses/src/fft.hpp"

namespace sl = splattrack::losses;
using cd = std::complex<double>;

namespace {

constexpr int B = sl::kFftLanes;
constexpr int S = sl::kFftStride;
// Lanes are transformed independently by the same code: the first and last
// are checked.
constexpr int kLanes[] = {0, B - 1};

cd at(const std::vector<float>& block, int position, int lane) {
  return {block[static_cast<std::size_t>(position) * S + lane],
          block[static_cast<std::size_t>(position) * S + B + lane]};
}

// The distinct bins k mod L, |k| <= radius.
std::set<int> wanted_bins(int length, int radius) {
  std::set<int> bins;
  for (int k = -radius; k <= radius; ++k) bins.insert(((k % length) + length) % length);
  return bins;
}

struct Case {
  int length, prefix, radius;
};

// Normal values everywhere: the input, and what the plan must not read.
std::vector<float> random_block(const sl::PrunedFft& fft, std::mt19937& rng) {
  std::normal_distribution<float> normal;
  std::vector<float> block(fft.block_size());
  for (float& x : block) x = normal(rng);
  return block;
}

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const int length : {2, 4, 6, 8, 10, 18, 30, 42, 64, 74, 96, 128, 194, 200, 514, 1024})
    for (const int prefix : {1, length / 4, length / 2 - 1, length / 2})
      for (const int radius : {0, 1, 3, length / 4, length / 2, 3 * length})
        if (prefix >= 1) out.push_back({length, prefix, radius});
  return out;
}

}  // namespace

// Forward: X(k) at the wanted bins from the prefix. Adjoint: x(n) in the
// prefix from the wanted bins. Errors relative to the sums' expected size.
TEST(PrunedFft, ForwardAndAdjointMatchDirectSums) {
  std::mt19937 rng(1);
  for (const Case c : cases()) {
    const sl::PrunedFft fft(c.length, c.prefix, c.radius);
    const std::set<int> bins = wanted_bins(c.length, c.radius);
    const std::vector<float> input = random_block(fft, rng);
    std::vector<float> forward = input, adjoint = input;
    fft.forward(forward.data());
    fft.adjoint(adjoint.data());
    const auto phase = [&](int k, int n) { return std::polar(1.0, -2 * std::numbers::pi * k * n / c.length); };
    double forward_error = 0, adjoint_error = 0;
    for (const int lane : kLanes) {
      for (const int k : bins) {
        cd ref = 0;
        for (int n = 0; n < c.prefix; ++n) ref += at(input, n, lane) * phase(k, n);
        forward_error = std::max(forward_error, std::abs(at(forward, fft.position(k), lane) - ref));
      }
      for (int n = 0; n < c.prefix; ++n) {
        cd ref = 0;
        for (const int k : bins) ref += at(input, fft.position(k), lane) * std::conj(phase(k, n));
        adjoint_error = std::max(adjoint_error, std::abs(at(adjoint, n, lane) - ref));
      }
    }
    const std::string where =
        "L=" + std::to_string(c.length) + " prefix=" + std::to_string(c.prefix) + " radius=" + std::to_string(c.radius);
    EXPECT_LT(forward_error, 5e-6 * std::sqrt(c.prefix)) << where;
    EXPECT_LT(adjoint_error, 5e-6 * std::sqrt(bins.size())) << where;
  }
}

TEST(PrunedFft, PositionsArePermutationAndBadPlansThrow) {
  const sl::PrunedFft fft(120, 60, 200);
  std::set<int> positions;
  for (int k = 0; k < 120; ++k) positions.insert(fft.position(k));
  EXPECT_EQ(positions.size(), 120u);
  EXPECT_EQ(*positions.rbegin(), 119);
  EXPECT_EQ(fft.position(-1), fft.position(119));
  EXPECT_THROW(sl::PrunedFft(7, 3, 1), std::invalid_argument);   // odd length
  EXPECT_THROW(sl::PrunedFft(8, 5, 1), std::invalid_argument);   // prefix past L/2
  EXPECT_THROW(sl::PrunedFft(8, 0, 1), std::invalid_argument);   // empty prefix
  EXPECT_THROW(sl::PrunedFft(8, 4, -1), std::invalid_argument);  // negative radius
}
