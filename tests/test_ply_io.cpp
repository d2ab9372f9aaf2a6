#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "io_test_util.hpp"
#include "splattrack/io/gaussian_io.hpp"

using namespace splattrack;
using test::Bytes;
using test::expect_input_error;
using test::write_file;

namespace {

void expect_same_bits(const std::vector<float>& a, const std::vector<float>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0) << what << " differs";
}

// Values spread over twelve decades, plus the ones a text format is most
// likely to lose: the largest float, a denormal and negative zero.
GaussianModel random_model(int degree, std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> decade(-6.f, 6.f);
  GaussianModel m;
  m.sh_degree = degree;
  m.resize(n);
  for (auto* values : {&m.means, &m.quats, &m.log_scales, &m.opacity_logits, &m.sh})
    for (float& v : *values) v = normal(rng) * std::pow(10.f, decade(rng));
  m.means[0] = FLT_MAX;
  m.means[1] = std::numeric_limits<float>::denorm_min();
  m.means[2] = -0.f;
  m.sh.back() = -FLT_MAX;
  return m;
}

const char* format_name(io::PlyFormat f) {
  return f == io::PlyFormat::Ascii ? "ascii" : f == io::PlyFormat::BinaryBigEndian ? "binary_big_endian"
                                                                                     : "binary_little_endian";
}

constexpr io::PlyFormat kFormats[] = {io::PlyFormat::BinaryLittleEndian, io::PlyFormat::BinaryBigEndian,
                                      io::PlyFormat::Ascii};

}  // namespace

TEST(PlyIo, RoundTripIsBitExactForEveryFormatAndDegree) {
  for (const io::PlyFormat format : kFormats) {
    for (int degree = 0; degree <= 3; ++degree) {
      SCOPED_TRACE(std::string(format_name(format)) + " degree " + std::to_string(degree));
      const GaussianModel m = random_model(degree, 41, 7 + degree);
      const std::string path = test::scratch_path("roundtrip.ply");
      io::write_ply(path, m, format);
      io::LoadReport report;
      const GaussianModel r = io::read_ply(path, &report);
      EXPECT_TRUE(report.warnings.empty());
      EXPECT_EQ(r.sh_degree, degree);
      EXPECT_TRUE(r.consistent());
      expect_same_bits(m.means, r.means, "means");
      expect_same_bits(m.quats, r.quats, "quats");
      expect_same_bits(m.log_scales, r.log_scales, "log_scales");
      expect_same_bits(m.opacity_logits, r.opacity_logits, "opacity_logits");
      expect_same_bits(m.sh, r.sh, "sh");
      std::remove(path.c_str());
    }
  }
}

// GaussianModel::antialiased travels as the header comment gsplat's mode
// is named by; another comment does not set it.
TEST(PlyIo, TheAntialiasedMarkRoundTripsAsAHeaderComment) {
  for (const io::PlyFormat format : kFormats) {
    SCOPED_TRACE(format_name(format));
    GaussianModel m = random_model(0, 5, 3);
    const std::string path = test::scratch_path("antialiased.ply");
    io::write_ply(path, m, format);
    EXPECT_FALSE(io::read_ply(path).antialiased);
    m.antialiased = true;
    io::write_ply(path, m, format);
    EXPECT_TRUE(io::read_ply(path).antialiased);
    EXPECT_NE(test::read_text(path).find("\ncomment rasterize_mode antialiased\n"), std::string::npos);
    std::remove(path.c_str());
  }
  const std::string other = test::write_file(
      "other_comment.ply",
      "ply\nformat ascii 1.0\ncomment rasterize_mode classic\nelement vertex 1\nproperty float x\nproperty float y\n"
      "property float z\nproperty float f_dc_0\nproperty float f_dc_1\nproperty float f_dc_2\n"
      "property float opacity\nproperty float scale_0\nproperty float scale_1\nproperty float scale_2\n"
      "property float rot_0\nproperty float rot_1\nproperty float rot_2\nproperty float rot_3\nend_header\n"
      "0 0 1 0.1 0.2 0.3 0 -3 -3 -3 1 0 0 0\n");
  EXPECT_FALSE(io::read_ply(other).antialiased);
}

TEST(PlyIo, WriterUsesTheStandardLayout) {
  const std::string path = test::scratch_path("layout.ply");
  io::write_ply(path, random_model(1, 3, 1), io::PlyFormat::Ascii);
  std::ifstream in(path);
  std::string line, properties;
  while (std::getline(in, line) && line != "end_header")
    if (line.rfind("property float ", 0) == 0) properties += line.substr(15) + " ";
  EXPECT_EQ(properties,
            "x y z nx ny nz f_dc_0 f_dc_1 f_dc_2 f_rest_0 f_rest_1 f_rest_2 f_rest_3 f_rest_4 f_rest_5 f_rest_6 "
            "f_rest_7 f_rest_8 opacity scale_0 scale_1 scale_2 rot_0 rot_1 rot_2 rot_3 ");
  std::remove(path.c_str());
}

// A hand-built SH-degree-1 file: properties shuffled, x as double, opacity as
// short, an unknown uchar, an element with fixed records and one with lists
// before `vertex` and one after it. Each value is distinct so that any
// property landing in the wrong place shows.
namespace {

struct Prop {
  const char* name;
  const char* type;
  double value;  // vertex 0; vertex 1 holds −2× this (the uchar: 2×)
};

const std::vector<Prop> kShuffled = {
    {"rot_2", "float", 2.5},      {"f_rest_8", "float", 108}, {"x", "double", 1.5},   {"scale_1", "float", -2},
    {"f_dc_2", "float", 12},      {"f_rest_0", "float", 100}, {"opacity", "short", -3}, {"extra", "uchar", 7},
    {"f_rest_4", "float", 104},   {"rot_0", "float", 0.5},    {"y", "float", 2.25},   {"f_rest_1", "float", 101},
    {"f_rest_2", "float", 102},   {"f_rest_3", "float", 103}, {"f_rest_5", "float", 105}, {"f_rest_6", "float", 106},
    {"f_rest_7", "float", 107},   {"z", "float", 3.5},        {"scale_0", "float", -1}, {"scale_2", "float", -3},
    {"f_dc_0", "float", 10},      {"f_dc_1", "float", 11},    {"rot_1", "float", 1.5},  {"rot_3", "float", 3.5},
    {"nx", "float", 9},
};

double vertex_value(const Prop& p, int vertex) {
  if (vertex == 0) return p.value;
  return std::string(p.type) == "uchar" ? 2 * p.value : -2 * p.value;
}

void put_typed(Bytes& b, const std::string& type, double v) {
  if (type == "double") b.put<double>(v);
  if (type == "float") b.put<float>(static_cast<float>(v));
  if (type == "short") b.put<std::int16_t>(static_cast<std::int16_t>(v));
  if (type == "uchar") b.put<std::uint8_t>(static_cast<std::uint8_t>(v));
}

std::string hand_built_ply(io::PlyFormat format) {
  std::ostringstream text;
  text << "ply\nformat " << format_name(format) << " 1.0\ncomment hand-built\nobj_info nothing\n"
       << "element material 1\nproperty uint8 r\nproperty float32 shine\n"
       << "element face 2\nproperty list uchar int vertex_indices\nproperty float quality\n"
       << "element vertex 2\n";
  for (const Prop& p : kShuffled) text << "property " << p.type << " " << p.name << "\n";
  text << "element edge 1\nproperty int a\nproperty int b\nend_header\n";
  if (format == io::PlyFormat::Ascii) {
    text << "7 0.5\n3 0 1 2 0.5\n4 0 1 2 3 0.25\n";
    for (int v = 0; v < 2; ++v) {
      for (const Prop& p : kShuffled) text << vertex_value(p, v) << " ";
      text << "\n";
    }
    text << "0 1\n";
    return text.str();
  }
  Bytes b(format == io::PlyFormat::BinaryBigEndian ? std::endian::big : std::endian::little);
  b.put<std::uint8_t>(7).put<float>(0.5f);
  b.put<std::uint8_t>(3).put<std::int32_t>(0).put<std::int32_t>(1).put<std::int32_t>(2).put<float>(0.5f);
  b.put<std::uint8_t>(4).put<std::int32_t>(0).put<std::int32_t>(1).put<std::int32_t>(2).put<std::int32_t>(3);
  b.put<float>(0.25f);
  for (int v = 0; v < 2; ++v)
    for (const Prop& p : kShuffled) put_typed(b, p.type, vertex_value(p, v));
  b.put<std::int32_t>(0).put<std::int32_t>(1);
  return text.str() + b.str();
}

}  // namespace

TEST(PlyIo, ReadsHandBuiltFilesByNameInEveryFormat) {
  // f_rest is channel-major: f_rest_i belongs to channel i / 3, coefficient
  // 1 + i % 3; the model stores [K, 3] coefficient-major.
  const std::vector<float> sh0 = {10, 11, 12, 100, 103, 106, 101, 104, 107, 102, 105, 108};
  for (const io::PlyFormat format : kFormats) {
    SCOPED_TRACE(format_name(format));
    const std::string path = write_file("hand.ply", hand_built_ply(format));
    const GaussianModel m = io::read_ply(path);
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m.sh_degree, 1);
    for (int v = 0; v < 2; ++v) {
      const float f = v == 0 ? 1.f : -2.f;
      EXPECT_EQ(m.means[v * 3 + 0], f * 1.5f);
      EXPECT_EQ(m.means[v * 3 + 1], f * 2.25f);
      EXPECT_EQ(m.means[v * 3 + 2], f * 3.5f);
      EXPECT_EQ(m.log_scales[v * 3 + 0], f * -1.f);
      EXPECT_EQ(m.log_scales[v * 3 + 1], f * -2.f);
      EXPECT_EQ(m.log_scales[v * 3 + 2], f * -3.f);
      for (int c = 0; c < 4; ++c) EXPECT_EQ(m.quats[v * 4 + c], f * (c + 0.5f)) << "rot_" << c;
      EXPECT_EQ(m.opacity_logits[v], f * -3.f);
      for (int k = 0; k < 12; ++k) EXPECT_EQ(m.sh[v * 12 + k], f * sh0[k]) << "sh component " << k;
    }
    std::remove(path.c_str());
  }
}

TEST(PlyIo, AcceptsCrLfAsciiAndTypeAliases) {
  const std::string text =
      "ply\r\nformat ascii 1.0\r\nelement vertex 1\r\nproperty float32 x\r\nproperty float64 y\r\n"
      "property int8 z\r\nproperty uint16 f_dc_0\r\nproperty int16 f_dc_1\r\nproperty uint32 f_dc_2\r\n"
      "property int32 opacity\r\nproperty char scale_0\r\nproperty ushort scale_1\r\nproperty uint scale_2\r\n"
      "property int rot_0\r\nproperty float rot_1\r\nproperty double rot_2\r\nproperty uchar rot_3\r\n"
      "end_header\r\n+1 -2 -3 4 -5 6 -7 -8 9 10 1 0.5 0.25 255\r\n\r\n";
  const std::string path = write_file("crlf.ply", text);
  const GaussianModel m = io::read_ply(path);
  EXPECT_EQ(m.means, (std::vector<float>{1, -2, -3}));
  EXPECT_EQ(m.sh, (std::vector<float>{4, -5, 6}));
  EXPECT_EQ(m.opacity_logits, (std::vector<float>{-7}));
  EXPECT_EQ(m.log_scales, (std::vector<float>{-8, 9, 10}));
  EXPECT_EQ(m.quats, (std::vector<float>{1, 0.5f, 0.25f, 255}));
  std::remove(path.c_str());
}

namespace {

// Path of a real model, or "" (and the test should skip) when the shared data is absent.
std::string shared_model(const std::string& name) {
  const std::string path = std::string(SPLATTRACK_SHARED_DATA) + "/models/" + name;
  return std::filesystem::exists(path) ? path : "";
}

bool all_finite(const GaussianModel& m) {
  for (const auto* values : {&m.means, &m.quats, &m.log_scales, &m.opacity_logits, &m.sh})
    for (float v : *values)
      if (!std::isfinite(v)) return false;
  return true;
}

}  // namespace

TEST(PlyIoRealModels, FoxRepairsItsInfiniteOpacities) {
  const std::string path = shared_model("fox_cc0_sh0_50k.ply");
  if (path.empty()) GTEST_SKIP() << "shared models not found under " << SPLATTRACK_SHARED_DATA;
  io::LoadReport report;
  const GaussianModel m = io::read_gaussians(path, &report);
  EXPECT_EQ(m.size(), 50000u);
  EXPECT_EQ(m.sh_degree, 0);
  EXPECT_TRUE(m.consistent());
  EXPECT_TRUE(all_finite(m));
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("repaired 37 infinite opacity"), std::string::npos) << report.warnings[0];
  std::size_t clamped = 0;
  for (float logit : m.opacity_logits) clamped += logit == io::kMaxOpacityLogit;
  EXPECT_EQ(clamped, 37u);
  // README: x, y within about [−1, 1], z within [0, 2.5].
  for (std::size_t i = 0; i < m.size(); ++i) {
    EXPECT_LE(std::abs(m.means[i * 3 + 0]), 1.2f);
    EXPECT_LE(std::abs(m.means[i * 3 + 1]), 1.2f);
    EXPECT_GE(m.means[i * 3 + 2], -0.2f);
    EXPECT_LE(m.means[i * 3 + 2], 2.7f);
  }
}

TEST(PlyIoRealModels, FruitDropsSkipsItsUnknownProperty) {
  const std::string path = shared_model("fruit_drops_minimal_sh3_4721.ply");
  if (path.empty()) GTEST_SKIP() << "shared models not found under " << SPLATTRACK_SHARED_DATA;
  io::LoadReport report;
  const GaussianModel m = io::read_ply(path, &report);
  EXPECT_EQ(m.size(), 4721u);
  EXPECT_EQ(m.sh_degree, 3);
  EXPECT_TRUE(report.warnings.empty());
  EXPECT_TRUE(all_finite(m));
  // Each record is 63 floats with `transform` last: had it been read as
  // something, the last Gaussian's rot_3 would be off by one float.
  std::ifstream in(path, std::ios::binary);
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t body = file.find("end_header\n") + 11;
  ASSERT_EQ(file.size() - body, 4721u * 63 * 4);
  float last_rot3 = 0, first_f_rest_15 = 0;
  std::memcpy(&last_rot3, file.data() + file.size() - 2 * 4, 4);
  std::memcpy(&first_f_rest_15, file.data() + body + (9 + 15) * 4, 4);
  EXPECT_EQ(m.quats.back(), last_rot3);
  // f_rest_15 is channel G (15 / 15 = 1), coefficient 1 + 15 % 15 = 1.
  EXPECT_EQ(m.sh[1 * 3 + 1], first_f_rest_15);
}

TEST(PlyIoRealModels, SplatapultKeepsItsLargeFiniteValues) {
  const std::string path = shared_model("splatapult_test_16_sh3.ply");
  if (path.empty()) GTEST_SKIP() << "shared models not found under " << SPLATTRACK_SHARED_DATA;
  io::LoadReport report;
  const GaussianModel m = io::read_ply(path, &report);
  EXPECT_EQ(m.size(), 16u);
  EXPECT_EQ(m.sh_degree, 3);
  EXPECT_TRUE(report.warnings.empty());
  for (float logit : m.opacity_logits) EXPECT_EQ(logit, 100.f);
  // The README's "log-scale −3" is rounded: the file holds log(0.05) = −2.9957.
  for (float s : m.log_scales) EXPECT_EQ(s, static_cast<float>(std::log(0.05)));
}
