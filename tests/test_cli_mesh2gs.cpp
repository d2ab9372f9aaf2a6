// `splattrack mesh2gs` from the command line: usage errors exit 2, bad mesh
// files exit 1 with one message naming the file, a good run writes a model
// that loads, the same bytes every time.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli_test_util.hpp"
#include "mesh_test_util.hpp"
#include "splattrack/io/gaussian_io.hpp"

namespace splattrack {
namespace {

namespace fs = std::filesystem;

std::string box_obj(const fs::path& dir) {
  return test::write_textured_obj(dir, "box", test::box_patches({0.2, 0.1, 0.1}), 2);
}

TEST(CliMesh2gs, UsageErrorsExitTwo) {
  const fs::path dir = test::scratch_dir("usage");
  EXPECT_EQ(test::run_cli("mesh2gs", dir / "log"), 2);
  EXPECT_NE(test::read_text(dir / "log").find("give one mesh file"), std::string::npos);
  EXPECT_EQ(test::run_cli("mesh2gs " + box_obj(dir), dir / "log"), 2);  // no --out
  EXPECT_EQ(test::run_cli("mesh2gs " + box_obj(dir) + " --out m.ply --gaussians many", dir / "log"), 2);
  EXPECT_EQ(test::run_cli("mesh2gs " + box_obj(dir) + " --out m.ply --gaussians 0", dir / "log"), 2);
  EXPECT_EQ(test::run_cli("mesh2gs --help", dir / "log"), 0);
  EXPECT_NE(test::read_text(dir / "log").find("--gaussians"), std::string::npos);
}

TEST(CliMesh2gs, GoodRunWritesTheSameLoadableModelEveryTime) {
  const fs::path dir = test::scratch_dir("good");
  const std::string obj = box_obj(dir);
  ASSERT_EQ(test::run_cli("mesh2gs " + obj + " --out " + (dir / "a.ply").string() + " --gaussians 3000", dir / "log"), 0)
      << test::read_text(dir / "log");
  ASSERT_EQ(test::run_cli("mesh2gs " + obj + " --out " + (dir / "b.ply").string() + " --gaussians 3000", dir / "log"), 0);
  const GaussianModel model = io::read_gaussians((dir / "a.ply").string());
  EXPECT_NEAR(static_cast<double>(model.size()), 3000, 150);
  EXPECT_EQ(model.sh_degree, 0);
  EXPECT_EQ(test::read_text(dir / "a.ply"), test::read_text(dir / "b.ply"));
  EXPECT_FALSE(model.antialiased);
  ASSERT_EQ(test::run_cli("mesh2gs " + obj + " --out " + (dir / "c.ply").string() + " --gaussians 3000 --antialiased",
                          dir / "log"),
            0);
  EXPECT_TRUE(io::read_gaussians((dir / "c.ply").string()).antialiased);
}

// Each bad file: exit 1, the path and the problem in the message.
void expect_refused(const fs::path& dir, const std::string& mesh, const std::string& words) {
  EXPECT_EQ(test::run_cli("mesh2gs " + mesh + " --out " + (dir / "m.ply").string(), dir / "log"), 1) << mesh;
  const std::string log = test::read_text(dir / "log");
  EXPECT_NE(log.find(mesh), std::string::npos) << log;
  EXPECT_NE(log.find(words), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(dir / "m.ply"));
}

TEST(CliMesh2gs, BadMeshesExitOneNamingTheFile) {
  const fs::path dir = test::scratch_dir("bad");
  expect_refused(dir, (dir / "missing.obj").string(), "not found");
  expect_refused(dir, (dir / "mesh.stl").string(), "unknown mesh extension");
  std::ofstream(dir / "points.obj") << "v 0 0 0\nv 1 0 0\nv 0 1 0\n";
  expect_refused(dir, (dir / "points.obj").string(), "no faces");
  // tinyobjloader reads "nan" as 0, but an overflowing number as infinity.
  std::ofstream(dir / "inf.obj") << "v 0 0 0\nv 1e400 0 0\nv 0 1 0\nf 1 2 3\n";
  expect_refused(dir, (dir / "inf.obj").string(), "vertex 1 has a non-finite coordinate");
  std::ofstream(dir / "nan.ply") << "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
                                    "property float z\nelement face 1\nproperty list uchar int vertex_indices\n"
                                    "end_header\n0 0 0\n1 nan 0\n0 1 0\n3 0 1 2\n";
  expect_refused(dir, (dir / "nan.ply").string(), "vertex 1 has a non-finite coordinate");
  std::ofstream(dir / "flat.obj") << "v 0 0 0\nv 1 0 0\nv 2 0 0\nf 1 2 3\n";
  expect_refused(dir, (dir / "flat.obj").string(), "no triangle of the mesh has an area");
  std::ofstream(dir / "index.ply") << "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
                                      "property float z\nelement face 1\nproperty list uchar int vertex_indices\n"
                                      "end_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 7\n";
  expect_refused(dir, (dir / "index.ply").string(), "refers to vertex 7");
  std::ofstream(dir / "cloud.ply") << "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\n"
                                      "property float z\nend_header\n0 0 0\n";
  expect_refused(dir, (dir / "cloud.ply").string(), "no 'face' element");
}

TEST(CliMesh2gs, MissingTextureWarnsAndUsesKd) {
  const fs::path dir = test::scratch_dir("notexture");
  const std::string obj = box_obj(dir);
  fs::remove(dir / "quadrants.png");
  ASSERT_EQ(test::run_cli("mesh2gs " + obj + " --out " + (dir / "m.ply").string() + " --gaussians 500", dir / "log"), 0);
  const std::string log = test::read_text(dir / "log");
  EXPECT_NE(log.find("quadrants.png: texture file not found"), std::string::npos) << log;
  const GaussianModel model = io::read_gaussians((dir / "m.ply").string());
  for (float dc : model.sh) ASSERT_NEAR(dc * 0.28209479f + 0.5f, 0.5f, 1e-5f);  // the MTL's Kd 0.5
}

TEST(CliMesh2gs, PlyMeshWithVertexColoursAndADegenerateFace) {
  const fs::path dir = test::scratch_dir("ply");
  std::ofstream(dir / "quad.ply") << "ply\nformat ascii 1.0\nelement vertex 5\nproperty float x\nproperty float y\n"
                                     "property float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\n"
                                     "element face 2\nproperty list uchar int vertex_indices\nend_header\n"
                                     "0 0 0 255 0 0\n1 0 0 255 0 0\n1 1 0 255 0 0\n0 1 0 255 0 0\n2 2 0 0 0 0\n"
                                     "4 0 1 2 3\n3 4 4 4\n";
  ASSERT_EQ(test::run_cli("mesh2gs " + (dir / "quad.ply").string() + " --out " + (dir / "m.ply").string() +
                              " --gaussians 400",
                          dir / "log"),
            0)
      << test::read_text(dir / "log");
  EXPECT_NE(test::read_text(dir / "log").find("1 triangles without an area"), std::string::npos);
  const GaussianModel model = io::read_gaussians((dir / "m.ply").string());
  EXPECT_NEAR(static_cast<double>(model.size()), 400, 40);
  for (std::size_t i = 0; i < model.size(); ++i) {
    ASSERT_NEAR(model.sh[3 * i] * 0.28209479f + 0.5f, 1.0f, 1e-5f);  // red
    ASSERT_NEAR(model.sh[3 * i + 1] * 0.28209479f + 0.5f, 0.0f, 1e-5f);
  }
}

}  // namespace
}  // namespace splattrack
