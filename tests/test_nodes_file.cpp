// --nodes F (FORMATS.md: PLY or CSV with x y z [radius]): control points read
// from a PLY's vertices, ASCII and binary, with the properties and elements
// a point-cloud exporter adds skipped; bad files named with what is wrong.
#include <gtest/gtest.h>

#include <bit>

#include "io_test_util.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/nodes_csv.hpp"

namespace splattrack {
namespace {

std::string error_of(const std::string& path) {
  try {
    io::read_nodes(path);
  } catch (const io::InputError& e) {
    return e.what();
  }
  return "";
}

TEST(NodesFile, AnAsciiPlyGivesItsVerticesAndRadiiSkippingTheRest) {
  const std::string path = test::write_file("nodes_ascii.PLY",
                                            "ply\nformat ascii 1.0\ncomment from a point-cloud tool\n"
                                            "element camera 1\nproperty float f\n"
                                            "element vertex 2\nproperty uchar red\nproperty float x\n"
                                            "property float y\nproperty float z\nproperty list uchar int ids\n"
                                            "property double radius\nend_header\n"
                                            "3.5\n200 0.5 -1 2 2 7 8 0.25\n10 1e-3 0 -4.5 0 1.5\n");
  const io::NodeFile nodes = io::read_nodes(path);
  ASSERT_EQ(nodes.positions.size(), 2u);
  EXPECT_EQ(nodes.positions[0], Eigen::Vector3d(0.5, -1, 2));
  EXPECT_EQ(nodes.positions[1], Eigen::Vector3d(1e-3, 0, -4.5));
  ASSERT_EQ(nodes.radii.size(), 2u);
  EXPECT_DOUBLE_EQ(nodes.radii[0], 0.25);
  EXPECT_DOUBLE_EQ(nodes.radii[1], 1.5);
}

TEST(NodesFile, ABinaryPlyOfEitherByteOrderWithoutRadii) {
  for (const std::endian order : {std::endian::little, std::endian::big}) {
    const bool little = order == std::endian::little;
    test::Bytes body(order);
    body.put(1.25f).put(-2.0f).put(3.0f).put(std::int32_t{9});
    body.put(0.0f).put(0.5f).put(-0.75f).put(std::int32_t{-1});
    const std::string path = test::write_file(
        little ? "nodes_le.ply" : "nodes_be.ply",
        std::string("ply\nformat ") + (little ? "binary_little_endian" : "binary_big_endian") +
            " 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\n"
            "property int label\nend_header\n" +
            body.str());
    const io::NodeFile nodes = io::read_nodes(path);
    ASSERT_EQ(nodes.positions.size(), 2u);
    EXPECT_EQ(nodes.positions[0], Eigen::Vector3d(1.25, -2, 3));
    EXPECT_EQ(nodes.positions[1], Eigen::Vector3d(0, 0.5, -0.75));
    EXPECT_TRUE(nodes.radii.empty());
  }
}

TEST(NodesFile, ABadPlyIsNamedWithWhatIsWrong) {
  const std::string head = "ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\n";
  struct Case {
    std::string name, text, expected;
  };
  const Case cases[] = {
      {"no_z.ply", head + "end_header\n1 2\n3 4\n", "no property 'z'"},
      {"radius.ply", head + "property float z\nproperty float radius\nend_header\n1 2 3 1\n1 2 3 0\n",
       "vertex 1: radius must be > 0"},
      {"nan.ply", head + "property float z\nend_header\n1 nan 3\n1 2 3\n", "vertex 0: y is not a finite number"},
      {"short.ply", head + "property float z\nend_header\n1 2 3\n1 2\n", "file ends inside element 'vertex'"},
      {"empty.ply", "ply\nformat ascii 1.0\nelement vertex 0\nproperty float x\nproperty float y\n"
                    "property float z\nend_header\n",
       "no control points"},
      {"faces.ply", "ply\nformat ascii 1.0\nelement face 0\nproperty list uchar int vertex_indices\nend_header\n",
       "no control points"},
  };
  for (const Case& c : cases) {
    const std::string path = test::write_file(c.name, c.text);
    const std::string message = error_of(path);
    EXPECT_NE(message.find(path), std::string::npos) << c.name << ": " << message;
    EXPECT_NE(message.find(c.expected), std::string::npos) << c.name << ": " << message;
  }
}

TEST(NodesFile, AnythingButPlyIsReadAsCsv) {
  const io::NodeFile nodes = io::read_nodes(test::write_file("nodes_plain.txt", "0.1,0.2,0.3\n"));
  ASSERT_EQ(nodes.positions.size(), 1u);
  EXPECT_EQ(nodes.positions[0], Eigen::Vector3d(0.1, 0.2, 0.3));
}

// --resume's read of tracks.csv: every frame up to poses.csv's last, each
// whole; the rows after it (a half-written frame) cut off the file.
TEST(TracksResume, EveryFrameUpToTheLastIsReadAndTheRestCutOff) {
  const std::string rows = std::string(io::kTracksCsvHeader) +
                           "\n0,0,1,2,3,1,0,0,0\n0,1,4,5,6,1,0,0,0\n"
                           "1,0,1.5,2,3,0,1,0,0\n1,1,4.5,5,6,1,0,0,0\n";
  const std::string path = test::write_file("tracks_resume.csv", rows + "2,0,9,9,9,1,0,0,0\n2,1,9,9");
  const std::vector<io::TrackFrame> frames = io::resume_tracks_csv(path, 1, 2);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].frame, 0);
  EXPECT_EQ(frames[1].frame, 1);
  EXPECT_EQ(frames[1].nodes[0].translation, Eigen::Vector3d(1.5, 2, 3));
  EXPECT_EQ(frames[1].nodes[0].rotation.coeffs(), Eigen::Quaterniond(0, 1, 0, 0).coeffs());
  EXPECT_EQ(frames[1].nodes[1].translation, Eigen::Vector3d(4.5, 5, 6));
  EXPECT_EQ(test::read_text(path), rows);
}

TEST(TracksResume, AFileWithoutTheLastFramesRowsOrWithAFrameShortIsNamed) {
  const auto error_of = [](const std::string& path, int last) {
    try {
      io::resume_tracks_csv(path, last, 2);
    } catch (const io::InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const std::string header = std::string(io::kTracksCsvHeader) + "\n";
  const std::string absent = test::write_file("tracks_absent.csv", header + "0,0,1,2,3,1,0,0,0\n0,1,4,5,6,1,0,0,0\n");
  EXPECT_NE(error_of(absent, 1).find(absent), std::string::npos);
  EXPECT_NE(error_of(absent, 1).find("no rows for frame 1"), std::string::npos) << error_of(absent, 1);
  const std::string shorter = test::write_file("tracks_short.csv", header + "0,0,1,2,3,1,0,0,0\n1,0,1,2,3,1,0,0,0\n");
  EXPECT_NE(error_of(shorter, 1).find("expected frame 0 node 1"), std::string::npos) << error_of(shorter, 1);
}

}  // namespace
}  // namespace splattrack
