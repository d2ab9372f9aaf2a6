// Every way a PLY file can be wrong ends in one io::InputError that names the
// file and the problem; none may crash or allocate what the file cannot hold.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sys/stat.h>
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

const std::vector<std::string> kSh0 = {"x",       "y",       "z",       "f_dc_0", "f_dc_1", "f_dc_2", "opacity",
                                       "scale_0", "scale_1", "scale_2", "rot_0",  "rot_1",  "rot_2",  "rot_3"};
// A valid SH-0 Gaussian: identity rotation, everything else zero.
const std::string kAsciiGaussian = "0 0 0 0 0 0 0 0 0 0 1 0 0 0\n";
// The same written long, so that a short file passes the size bound and
// reaches the line-by-line checks.
const std::string kAsciiGaussianLong = "0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 1.0 0.0 0.0 0.0\n";

std::string header(const std::string& format, const std::string& count, const std::vector<std::string>& names = kSh0,
                   const std::string& before_vertex = "") {
  std::string h = "ply\nformat " + format + " 1.0\n" + before_vertex + "element vertex " + count + "\n";
  for (const std::string& n : names) h += "property float " + n + "\n";
  return h + "end_header\n";
}

std::string binary_gaussians(int n) {
  Bytes b(std::endian::little);
  for (int i = 0; i < n; ++i)
    for (std::size_t k = 0; k < kSh0.size(); ++k) b.put<float>(kSh0[k] == "rot_0" ? 1.f : 0.f);
  return b.str();
}

void expect_ply_error(const std::string& name, const std::string& bytes, std::initializer_list<std::string> words) {
  const std::string path = write_file(name, bytes);
  expect_input_error([&] { io::read_ply(path); }, path, words);
  std::remove(path.c_str());
}

GaussianModel valid_model(int degree, std::size_t n) {
  GaussianModel m;
  m.sh_degree = degree;
  m.resize(n);
  for (std::size_t i = 0; i < n; ++i) m.quats[i * 4] = 1.f;
  return m;
}

// Writes `m` (any values) and reads it back, to put non-finite values in a file.
GaussianModel through_file(const GaussianModel& m, const std::string& path, io::LoadReport* report = nullptr) {
  io::write_ply(path, m);
  return io::read_ply(path, report);
}

}  // namespace

TEST(PlyErrors, FileLevel) {
  const std::string missing = test::scratch_path("missing.ply");
  expect_input_error([&] { io::read_ply(missing); }, missing, {"not found"});
  const std::string dir = std::filesystem::temp_directory_path().string();
  expect_input_error([&] { io::read_ply(dir); }, dir, {"directory"});
  expect_ply_error("magic.ply", "hello world\n", {"not a PLY"});
  expect_ply_error("empty.ply", "", {"not a PLY"});
  expect_ply_error("truncated.ply", "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\n", {"end_header"});
  const std::string obj = write_file("model.obj", "v 0 0 0\n");
  expect_input_error([&] { io::read_gaussians(obj); }, obj, {"'.obj'"});
  std::remove(obj.c_str());
}

TEST(PlyErrors, HeaderLines) {
  expect_ply_error("fmt.ply", header("binary_middle_endian", "1"), {"line 2", "unknown format"});
  expect_ply_error("version.ply", "ply\nformat ascii 2.0\nend_header\n", {"version"});
  expect_ply_error("noformat.ply", "ply\nelement vertex 1\nproperty float x\nend_header\n", {"format"});
  expect_ply_error("keyword.ply", "ply\nformat ascii 1.0\nfoo bar\nend_header\n", {"line 3", "'foo'"});
  expect_ply_error("type.ply", "ply\nformat ascii 1.0\nelement vertex 1\nproperty vec3 x\nend_header\n",
                   {"'vec3'"});
  expect_ply_error("orphan.ply", "ply\nformat ascii 1.0\nproperty float x\nend_header\n", {"before any 'element'"});
  expect_ply_error("count.ply", header("ascii", "-1"), {"invalid count '-1'"});
  expect_ply_error("bigcount.ply", header("ascii", "99999999999999999999999"), {"invalid count"});
  expect_ply_error("listcount.ply",
                   header("ascii", "1", kSh0, "element face 1\nproperty list float int idx\n") + "0\n" +
                       kAsciiGaussian,
                   {"list count type"});
  expect_ply_error("novertex.ply", "ply\nformat ascii 1.0\nelement face 0\nproperty float a\nend_header\n",
                   {"no 'vertex' element"});
}

TEST(PlyErrors, VertexProperties) {
  std::vector<std::string> names = kSh0;
  names.erase(names.begin() + 6);   // opacity
  names.erase(names.begin() + 11);  // rot_2
  expect_ply_error("missing.ply", header("ascii", "1", names), {"missing", "opacity", "rot_2"});

  names = kSh0;
  names.push_back("x");
  expect_ply_error("duplicate.ply", header("ascii", "1", names), {"duplicate", "'x'"});

  std::string list_x = header("ascii", "1");
  list_x.replace(list_x.find("property float x"), 16, "property list uchar float x");
  expect_ply_error("listx.ply", list_x + kAsciiGaussian, {"'x'", "list"});

  names = kSh0;
  for (int i = 0; i < 10; ++i) names.push_back("f_rest_" + std::to_string(i));
  expect_ply_error("rest10.ply", header("ascii", "1", names), {"10 f_rest", "0, 9, 24 or 45"});
  names.pop_back();
  names.back() = "f_rest_9";  // nine of them, but f_rest_8 missing
  expect_ply_error("rest_gap.ply", header("ascii", "1", names), {"f_rest_9", "out of range"});
}

// Issue #8 M1: "f_rest_-8" parsed as index −8 and the reader wrote
// file-controlled floats before the SH array (heap corruption, exit 0).
TEST(PlyErrors, NegativeOrMalformedRestIndexIsRefused) {
  for (const std::string bad : {"f_rest_-8", "f_rest_-2000000000", "f_rest_+3", "f_rest_", "f_rest_1e1"}) {
    std::vector<std::string> names = kSh0;
    for (int i = 0; i < 9; ++i) names.push_back("f_rest_" + std::to_string(i));
    names.back() = bad;
    std::string body;
    for (std::size_t k = 0; k < names.size(); ++k) body += k == 10 ? "1 " : "7 ";
    expect_ply_error("bad_rest.ply", header("ascii", "1", names) + body + "\n", {"'" + bad + "'", "f_rest_"});
  }
}

TEST(PlyErrors, NegativeRestIndexInTheRealSh3Model) {
  const std::filesystem::path model = std::filesystem::path(SPLATTRACK_SHARED_DATA) / "models" /
                                      "splatapult_test_16_sh3.ply";
  if (!std::filesystem::exists(model)) GTEST_SKIP() << model << " absent";
  std::ifstream in(model, std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const std::size_t at = bytes.find("f_rest_15\n");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 9, "f_rest_-8");  // the reproducer of the issue: same length, header still valid
  expect_ply_error("splatapult_m1.ply", bytes, {"'f_rest_-8'"});
}

// Issue #8 H2: 80k property names (1.7 MB) took 26 s through a quadratic
// duplicate check. Now the element's property count is capped.
TEST(PlyErrors, HugePropertyCountIsRefused) {
  std::vector<std::string> names = kSh0;
  for (int i = 0; i < 80000; ++i) names.push_back("extra_property_" + std::to_string(i));
  expect_ply_error("many_props.ply", header("binary_little_endian", "1", names), {"more than 1024 properties"});
}

// Issue #8 H1: a FIFO as --model blocked forever in open().
TEST(PlyErrors, FifoIsRefusedWithoutBlocking) {
  const std::string path = test::scratch_path("fifo.ply");
  std::remove(path.c_str());
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  expect_input_error([&] { io::read_gaussians(path); }, path, {"not a regular file"});
  expect_input_error([&] { io::read_splat(path); }, path, {"not a regular file"});
  std::remove(path.c_str());
}

TEST(PlyErrors, CountsLargerThanTheData) {
  expect_ply_error("empty_model.ply", header("ascii", "0"), {"no Gaussians"});
  expect_ply_error("empty_binary.ply", header("binary_little_endian", "0"), {"no Gaussians"});
  expect_ply_error("short_binary.ply", header("binary_little_endian", "3") + binary_gaussians(2),
                   {"declares 3 vertices", "112 bytes"});
  expect_ply_error("short_ascii.ply", header("ascii", "3") + kAsciiGaussianLong + kAsciiGaussianLong,
                   {"2 of 3 vertices"});
  // Absurd counts in a tiny file: refused before any allocation.
  expect_ply_error("absurd_binary.ply", header("binary_little_endian", "4000000000") + std::string(20, '\0'),
                   {"declares 4000000000 vertices"});
  expect_ply_error("absurd_ascii.ply", header("ascii", "4000000000") + kAsciiGaussian,
                   {"4000000000 vertices", "at most 1"});
  const std::string faces = "element face 4000000000\nproperty list uchar int idx\n";
  expect_ply_error("absurd_list.ply", header("binary_little_endian", "1", kSh0, faces) + "\x02" + std::string(8, '\0'),
                   {"ends inside element 'face'"});
  expect_ply_error("absurd_fixed.ply",
                   header("binary_big_endian", "1", kSh0, "element face 4000000000\nproperty double a\n"),
                   {"ends inside element 'face'"});
  expect_ply_error("absurd_list_ascii.ply", header("ascii", "1", kSh0, faces) + "2 0 0\n", {"1 of 4000000000"});
  expect_ply_error("negative_list.ply",
                   header("binary_little_endian", "1", kSh0, "element face 1\nproperty list char int idx\n") +
                       "\xff" + binary_gaussians(1),
                   {"negative"});
  expect_ply_error("long_list_ascii.ply",
                   header("ascii", "1", kSh0, "element face 1\nproperty list uchar int idx\n") + "5 0 0\n" +
                       kAsciiGaussian,
                   {"line 21", "longer than its line"});
}

TEST(PlyErrors, AsciiValues) {
  expect_ply_error("malformed.ply", header("ascii", "1") + "0 0.5.3 0 0 0 0 0 0 0 0 1 0 0 0\n",
                   {"line 19", "Gaussian 0", "malformed float '0.5.3'", "'y'"});
  expect_ply_error("few.ply", header("ascii", "2") + kAsciiGaussianLong + "0 0 0\n", {"Gaussian 1", "3 values"});
  std::string uchar_x = header("ascii", "1");
  uchar_x.replace(uchar_x.find("float x"), 7, "uchar x");
  expect_ply_error("range.ply", uchar_x + "300 0 0 0 0 0 0 0 0 0 1 0 0 0\n", {"malformed uchar '300'"});
  expect_ply_error("nan.ply", header("ascii", "2") + kAsciiGaussian + "0 nan 0 0 0 0 0 0 0 0 1 0 0 0\n",
                   {"1 non-finite", "Gaussian 1", "property y"});
}

TEST(PlyErrors, NonFiniteValuesAreRefusedWithCountAndFirstIndex) {
  const std::string path = test::scratch_path("nonfinite.ply");
  GaussianModel m = valid_model(1, 8);
  m.log_scales[5 * 3 + 1] = std::numeric_limits<float>::quiet_NaN();
  // Gaussian 2, coefficient 2 of channel G: PLY's channel-major f_rest_(1·3 + 1).
  m.sh[2 * 12 + 2 * 3 + 1] = std::numeric_limits<float>::infinity();
  expect_input_error([&] { through_file(m, path); }, path,
                     {"2 non-finite", "first at Gaussian 2, property f_rest_4"});
  m = valid_model(0, 3);
  m.opacity_logits[1] = std::numeric_limits<float>::quiet_NaN();
  expect_input_error([&] { through_file(m, path); }, path, {"1 non-finite", "Gaussian 1, property opacity"});
  m = valid_model(0, 6);
  m.quats[4 * 4 + 0] = 0.f;
  m.quats[5 * 4 + 0] = 0.f;
  expect_input_error([&] { through_file(m, path); }, path, {"2 Gaussian(s)", "zero rotation", "Gaussian 4"});
  // Found by fuzz_ply: finite, but its squared norm overflows float and the
  // renderer's normalisation gave NaN.
  m = valid_model(0, 3);
  m.quats[1 * 4 + 0] = 1e20f;
  expect_input_error([&] { through_file(m, path); }, path, {"1 Gaussian(s)", "too large", "Gaussian 1"});
  std::remove(path.c_str());
}

TEST(PlyErrors, InfiniteOpacityIsClampedWithOneWarning) {
  const std::string path = test::scratch_path("opacity.ply");
  GaussianModel m = valid_model(0, 12);
  for (std::size_t i = 0; i < m.size(); ++i) m.opacity_logits[i] = 0.1f * i;
  m.opacity_logits[3] = m.opacity_logits[7] = std::numeric_limits<float>::infinity();
  m.opacity_logits[9] = -std::numeric_limits<float>::infinity();
  io::LoadReport report;
  const GaussianModel r = through_file(m, path, &report);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("3 infinite opacity"), std::string::npos) << report.warnings[0];
  EXPECT_NE(report.warnings[0].find("Gaussian 3"), std::string::npos) << report.warnings[0];
  for (std::size_t i = 0; i < m.size(); ++i) {
    const float expected = i == 3 || i == 7 ? io::kMaxOpacityLogit : i == 9 ? -io::kMaxOpacityLogit : 0.1f * i;
    EXPECT_EQ(r.opacity_logits[i], expected) << i;
  }
  std::remove(path.c_str());
}

TEST(PlyErrors, WriterRejectsMisuse) {
  const std::string path = test::scratch_path("misuse.ply");
  EXPECT_THROW(io::write_ply(path, GaussianModel{}), std::invalid_argument);
  GaussianModel m = valid_model(2, 3);
  m.sh.pop_back();
  EXPECT_THROW(io::write_ply(path, m), std::invalid_argument);
  const std::string no_dir = test::scratch_path("no_such_dir") + "/model.ply";
  expect_input_error([&] { io::write_ply(no_dir, valid_model(0, 1)); }, no_dir, {"cannot open"});
}

// Issue #8 D3: a write that fails half way (here: the file size limit, as a
// full disk would) leaves the previous file whole and no temporary behind.
TEST(PlyErrors, FailedWriteKeepsThePreviousFile) {
  const std::string path = test::scratch_path("atomic.ply");
  io::write_ply(path, valid_model(0, 2));
  const auto before = std::filesystem::file_size(path);
  test::FileSizeLimit limit(before + 100);
  expect_input_error([&] { io::write_ply(path, valid_model(3, 500)); }, path, {"failed"});
  EXPECT_EQ(std::filesystem::file_size(path), before);
  EXPECT_EQ(io::read_ply(path).size(), 2u);
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path()))
    EXPECT_EQ(entry.path().filename().string().find(".splattrack_PlyErrors_FailedWrite"), std::string::npos)
        << "temporary left behind: " << entry.path();
  std::remove(path.c_str());
}
