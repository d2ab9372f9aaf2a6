#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "io_test_util.hpp"
#include "splattrack/io/gaussian_io.hpp"

using namespace splattrack;
using test::Bytes;
using test::expect_input_error;
using test::write_file;

namespace {

struct SplatRecord {
  std::array<float, 3> position;
  std::array<float, 3> scale;
  std::array<std::uint8_t, 4> rgba;
  std::array<std::uint8_t, 4> quat;  // w x y z as q·128 + 128
};

std::string splat_bytes(const std::vector<SplatRecord>& records) {
  Bytes b(std::endian::little);
  for (const SplatRecord& r : records) {
    for (float p : r.position) b.put(p);
    for (float s : r.scale) b.put(s);
    for (std::uint8_t c : r.rgba) b.put(c);
    for (std::uint8_t q : r.quat) b.put(q);
  }
  return b.str();
}

const std::vector<SplatRecord> kRecords = {
    {{1.5f, -2.f, 3.25f}, {0.5f, 2.f, 0.01f}, {255, 0, 128, 200}, {255, 128, 0, 64}},
    {{0.f, 0.f, -1.f}, {1.f, 1.f, 1.f}, {10, 20, 30, 0}, {128, 255, 128, 128}},
    {{-7.f, 8.f, 9.f}, {3.f, 0.25f, 1e-4f}, {64, 192, 1, 255}, {0, 128, 128, 129}},
};

}  // namespace

TEST(SplatIo, ConvertsEveryFieldToTheModelsParametrisation) {
  const std::string path = write_file("known.splat", splat_bytes(kRecords));
  io::LoadReport report;
  const GaussianModel m = io::read_splat(path, &report);
  ASSERT_EQ(m.size(), kRecords.size());
  EXPECT_EQ(m.sh_degree, 0);
  EXPECT_TRUE(m.consistent());
  EXPECT_TRUE(report.warnings.empty());
  const double c0 = 0.28209479177387814;
  for (std::size_t i = 0; i < kRecords.size(); ++i) {
    const SplatRecord& r = kRecords[i];
    for (int c = 0; c < 3; ++c) {
      EXPECT_EQ(m.means[i * 3 + c], r.position[c]);
      EXPECT_FLOAT_EQ(m.log_scales[i * 3 + c], std::log(r.scale[c]));
      // The degree-0 colour C0·f_dc + 0.5 gives back the stored byte.
      EXPECT_NEAR(c0 * m.sh[i * 3 + c] + 0.5, r.rgba[c] / 255.0, 1e-6);
    }
    for (int c = 0; c < 4; ++c) EXPECT_EQ(m.quats[i * 4 + c], (r.quat[c] - 128) / 128.f);
  }
  // sigmoid(logit) gives back alpha; 0 and 255 stay finite, half a byte step inside (0, 1).
  EXPECT_NEAR(1 / (1 + std::exp(-m.opacity_logits[0])), 200 / 255.0, 1e-6);
  EXPECT_NEAR(m.opacity_logits[1], -std::log(509.0), 1e-5);
  EXPECT_NEAR(m.opacity_logits[2], std::log(509.0), 1e-5);
  std::remove(path.c_str());
}

TEST(SplatIo, DispatchIsByCaseInsensitiveExtension) {
  const std::string path = write_file("upper.SPLAT", splat_bytes(kRecords));
  EXPECT_EQ(io::read_gaussians(path).size(), kRecords.size());
  std::remove(path.c_str());
}

TEST(SplatIo, BadFiles) {
  const std::string odd = write_file("odd.splat", splat_bytes(kRecords) + "x");
  expect_input_error([&] { io::read_splat(odd); }, odd, {"97 bytes", "multiple of the 32-byte"});
  const std::string empty = write_file("empty.splat", "");
  expect_input_error([&] { io::read_splat(empty); }, empty, {"no Gaussians"});
  const std::string missing = test::scratch_path("missing.splat");
  expect_input_error([&] { io::read_gaussians(missing); }, missing, {"not found"});

  std::vector<SplatRecord> records = kRecords;
  records[1].scale[2] = 0.f;
  const std::string zero_scale = write_file("zero_scale.splat", splat_bytes(records));
  expect_input_error([&] { io::read_splat(zero_scale); }, zero_scale, {"Gaussian 1", "scale_2", "positive"});
  records = kRecords;
  records[2].scale[0] = -1.f;
  const std::string negative = write_file("negative.splat", splat_bytes(records));
  expect_input_error([&] { io::read_splat(negative); }, negative, {"Gaussian 2", "scale_0"});
  records = kRecords;
  records[1].position[1] = std::numeric_limits<float>::quiet_NaN();
  records[2].scale[1] = std::numeric_limits<float>::infinity();
  const std::string nan = write_file("nan.splat", splat_bytes(records));
  expect_input_error([&] { io::read_splat(nan); }, nan, {"2 non-finite", "Gaussian 1, property y"});
  records = kRecords;
  records[2].quat = {128, 128, 128, 128};
  const std::string zero_quat = write_file("zero_quat.splat", splat_bytes(records));
  expect_input_error([&] { io::read_splat(zero_quat); }, zero_quat, {"zero rotation", "Gaussian 2"});
  for (const std::string& p : {odd, empty, zero_scale, negative, nan, zero_quat}) std::remove(p.c_str());
}
