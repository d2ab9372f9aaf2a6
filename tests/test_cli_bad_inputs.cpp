// Issue #8's bar, through the command line: every hostile or careless input
// it lists ends in exit 1 with one message that names the file, no signal,
// no hang (ctest's timeout would catch one), and no output written.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli_test_util.hpp"
#include "io_test_util.hpp"

using namespace splattrack;
using test::read_text;
using test::run_cli;
namespace fs = std::filesystem;

namespace {

inline constexpr const char* kCamera = R"({"width": 32, "height": 24, "fx": 30, "fy": 30, "cx": 16, "cy": 12})";

std::string ply(const std::vector<std::string>& extra_names) {
  std::vector<std::string> names = {"x",       "y",       "z",       "f_dc_0", "f_dc_1", "f_dc_2", "opacity",
                                    "scale_0", "scale_1", "scale_2", "rot_0",  "rot_1",  "rot_2",  "rot_3"};
  names.insert(names.end(), extra_names.begin(), extra_names.end());
  std::string text = "ply\nformat ascii 1.0\nelement vertex 1\n";
  for (const std::string& n : names) text += "property float " + n + "\n";
  text += "end_header\n0 0 2 1 1 1 5 -3 -3 -3 1 0 0 0";
  for (std::size_t i = 0; i < extra_names.size(); ++i) text += " 0";
  return text + "\n";
}

std::string nested(const std::string& open, const std::string& close, int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += open;
  for (int i = 0; i < depth; ++i) text += close;
  return text;
}

class CliBadInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::scratch_dir("bad");
    camera_ = (dir_ / "camera.json").string();
    model_ = (dir_ / "model.ply").string();
    std::ofstream(camera_) << kCamera;
    std::ofstream(model_) << ply({});
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Renders with `model` and `camera`; expects exit 1, one line naming `named`.
  void expect_refused(const std::string& model, const std::string& camera, const std::string& named) {
    const fs::path out = dir_ / "out.png";
    const fs::path log = dir_ / "log.txt";
    const int rc = run_cli("render --model " + model + " --camera " + camera + " --out " + out.string(), log);
    const std::string text = read_text(log);
    EXPECT_EQ(rc, 1) << text;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
    EXPECT_NE(text.find(named + ": "), std::string::npos) << text;
    EXPECT_FALSE(fs::exists(out));
  }
  std::string write(const std::string& name, const std::string& bytes) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  fs::path dir_;
  std::string camera_;
  std::string model_;
};

}  // namespace

TEST_F(CliBadInputs, TheFixtureItselfRenders) {
  const fs::path log = dir_ / "log.txt";
  EXPECT_EQ(run_cli("render --model " + model_ + " --camera " + camera_ + " --out " + (dir_ / "ok.png").string(), log),
            0)
      << read_text(log);
}

TEST_F(CliBadInputs, M1NegativeRestIndex) {
  std::vector<std::string> rest;
  for (int i = 0; i < 9; ++i) rest.push_back("f_rest_" + std::to_string(i));
  rest[8] = "f_rest_-8";
  const std::string m = write("m1.ply", ply(rest));
  expect_refused(m, camera_, m);
}

TEST_F(CliBadInputs, H1FifoModel) {
  const std::string m = (dir_ / "fifo.ply").string();
  ASSERT_EQ(::mkfifo(m.c_str(), 0600), 0);
  expect_refused(m, camera_, m);
}

TEST_F(CliBadInputs, H2ManyPropertyNames) {
  std::vector<std::string> extra;
  for (int i = 0; i < 80000; ++i) extra.push_back("p" + std::to_string(i));
  const std::string m = write("h2.ply", ply(extra));
  expect_refused(m, camera_, m);
}

TEST_F(CliBadInputs, C1DeepJsonCamera) {
  const std::string c = write("c1.json", R"({"width":)" + nested("[", "]", 100000) + "}");
  expect_refused(model_, c, c);
}

TEST_F(CliBadInputs, C2BrokenXmlDeclaration) {
  const std::string c = write("c2.yml", "<?xml i=");
  expect_refused(model_, c, c);
}

TEST_F(CliBadInputs, C3NulBytesInYaml) {
  using namespace std::string_literals;
  const std::string c = write("c3.yml", "%YAML:1.0\nimage_width: 64\n\0\0image_height: \0 48\n"s);
  expect_refused(model_, c, c);
}

TEST_F(CliBadInputs, C4DeepYamlAndXml) {
  const std::string y = write("c4.yml", "%YAML:1.0\nimage_width: " + nested("[", "]", 40000) + "\n");
  expect_refused(model_, y, y);
  const std::string x =
      write("c4.xml", "<?xml version=\"1.0\"?>\n<opencv_storage>" + nested("<a>", "</a>", 40000) + "</opencv_storage>\n");
  expect_refused(model_, x, x);
}

TEST_F(CliBadInputs, C5HugeDeclaredMatrix) {
  const std::string c = write("c5.yml",
                              "%YAML:1.0\n---\nimage_width: 640\nimage_height: 480\n"
                              "camera_matrix: !!opencv-matrix {rows: 100000, cols: 100000, dt: d, data: [1]}\n");
  expect_refused(model_, c, c);
}
