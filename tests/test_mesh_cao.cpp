// ViSP's .cao CAD models (io/mesh_io.hpp read_cao_mesh): the faces become
// triangles that cover the same surface, facing out as the file's faces do;
// what cannot be read is an InputError naming the file and the line.
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <filesystem>
#include <string>

#include "io_test_util.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/mesh_io.hpp"

namespace splattrack {
namespace {

// Surface area and signed volume (divergence theorem: positive when every
// triangle is counter-clockwise seen from outside), computed here from the
// triangles alone.
struct Measures {
  double area = 0;
  double volume = 0;
};
Measures measure(const io::TriangleMesh& mesh) {
  Measures m;
  for (std::size_t t = 0; t < mesh.triangle_count(); ++t) {
    Eigen::Vector3d p[3];
    for (int c = 0; c < 3; ++c)
      p[c] = Eigen::Vector3d::Map(&mesh.positions[3 * mesh.triangles[3 * t + static_cast<std::size_t>(c)]]);
    m.area += 0.5 * (p[1] - p[0]).cross(p[2] - p[0]).norm();
    m.volume += p[0].dot(p[1].cross(p[2])) / 6.0;
  }
  return m;
}

// A 20 x 5 x 10 cm box in ViSP's layout (a corner at the origin, z down).
const std::string kBoxPoints =
    "V1\n# 3D Points\n8 # Number of points\n0 0 0\n0 0 -0.1\n0.2 0 -0.1\n0.2 0 0\n"
    "0.2 0.05 0\n0.2 0.05 -0.1\n0 0.05 -0.1\n0 0.05 0\n";
constexpr double kBoxArea = 2 * (0.2 * 0.05 + 0.2 * 0.1 + 0.05 * 0.1);
constexpr double kBoxVolume = 0.2 * 0.05 * 0.1;
// The sample teabox, for the test that reads it.
constexpr double kTeaboxArea = 2 * (0.165 * 0.068 + 0.165 * 0.08 + 0.068 * 0.08);
constexpr double kTeaboxVolume = 0.165 * 0.068 * 0.08;

TEST(CaoMesh, FacesFromPointsCoverTheBoxFacingOut) {
  const std::string path = test::write_file(
      "box.cao", kBoxPoints +
                     "# 3D Lines\n0\n# Faces from 3D lines\n0\n# Faces from 3D points\n6\n4 0 1 2 3\n4 1 6 5 2\n"
                     "4 4 5 6 7\n4 0 3 4 7\n4 5 4 3 2 name=front\n4 0 7 6 1\n# 3D cylinders\n0\n# 3D circles\n0\n");
  io::LoadReport report;
  const io::TriangleMesh mesh = io::read_mesh(path, &report);
  EXPECT_EQ(mesh.vertex_count(), 8u);
  EXPECT_EQ(mesh.triangle_count(), 12u);
  const Measures m = measure(mesh);
  EXPECT_NEAR(m.area, kBoxArea, 1e-12);
  EXPECT_NEAR(m.volume, kBoxVolume, 1e-12);
  EXPECT_TRUE(mesh.corner_uvs.empty());
  EXPECT_TRUE(mesh.vertex_colors.empty());
  EXPECT_TRUE(report.warnings.empty());
}

// The same faces given by their edges, each listed in either direction; the
// trailing sections may be left out; cylinders are a warning.
TEST(CaoMesh, FacesFromLinesChainTheirEdges) {
  const std::string path = test::write_file(
      "lines.cao", kBoxPoints +
                       "12\n0 1\n1 2\n2 3\n3 0\n6 1\n5 6\n2 5\n4 5\n6 7\n7 4\n3 4\n7 0\n"
                       "6\n4 0 1 2 3\n4 4 5 6 1\n4 7 5 8 9\n4 3 10 9 11\n4 7 10 2 6\n4 11 8 4 0\n"
                       "0\n1\n0 3 0.01\n");
  io::LoadReport report;
  const io::TriangleMesh mesh = io::read_cao_mesh(path, &report);
  const Measures m = measure(mesh);
  EXPECT_NEAR(m.area, kBoxArea, 1e-12);
  EXPECT_NEAR(m.volume, kBoxVolume, 1e-12);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("1 cylinders left out"), std::string::npos) << report.warnings[0];
}

void expect_refused(const std::string& name, const std::string& text, const std::string& words) {
  const std::string path = test::write_file(name, text);
  try {
    io::read_mesh(path);
    ADD_FAILURE() << name << " was read";
  } catch (const io::InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find(words), std::string::npos) << message;
  }
}

TEST(CaoMesh, BadFilesNameTheFileAndTheLine) {
  expect_refused("v2.cao", "V2\n0\n", "expected the version 'V1'");
  expect_refused("short.cao", kBoxPoints, "ends before the line count");
  expect_refused("index.cao", kBoxPoints + "0\n0\n1\n3 0 1 8\n", "line 15: '8' is not one of the 8 points");
  expect_refused("nan.cao", "V1\n1\n0 nan 0\n", "line 3: 'nan' is not a finite number");
  expect_refused("open.cao", kBoxPoints + "3\n0 1\n1 2\n2 3\n1\n3 0 1 2\n", "the face's lines do not close");
  expect_refused("two.cao", kBoxPoints + "0\n0\n1\n2 0 1\n", "line 15: '2' is not a face's point count (3 or more)");
  expect_refused("none.cao", kBoxPoints + "0\n0\n0\n", "the mesh has no faces");
  expect_refused("count.cao", "V1\n-1\n", "line 2: '-1' is not the point count");
  expect_refused("load.cao", "V1\nload(\"parts.cao\")\n", "line 2: load(...) includes another file");
  expect_refused("control.cao", "V1\n1\n0 0\x1b[2J 0\n", "line 3 holds a control character");
  // A long token is echoed cut short.
  expect_refused("long.cao", "V1\n1\n0 " + std::string(100000, '7') + "x 0\n", "line 3: '7777");
  const std::string long_path = test::write_file("long2.cao", "V1\n1\n0 " + std::string(100000, '7') + "x 0\n");
  try {
    io::read_mesh(long_path);
  } catch (const io::InputError& e) {
    EXPECT_LT(std::string(e.what()).size(), long_path.size() + 200);
  }
}

TEST(CaoMesh, TheSampleTeaboxIsItsBox) {
  const std::filesystem::path path = std::filesystem::path(SPLATTRACK_SHARED_DATA) / "video/teabox/teabox.cao";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no sample data at " << path;
  const io::TriangleMesh mesh = io::read_mesh(path.string());
  EXPECT_EQ(mesh.triangle_count(), 12u);
  const Measures m = measure(mesh);
  EXPECT_NEAR(m.area, kTeaboxArea, 1e-9);
  EXPECT_NEAR(m.volume, kTeaboxVolume, 1e-9);
}

}  // namespace
}  // namespace splattrack
