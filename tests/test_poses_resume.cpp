// Reading poses.csv for --resume: a half-written last line (a run killed
// mid-write) is cut off with a warning naming the file and line; a bad line
// anywhere else stays an InputError naming the file and line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "io_test_util.hpp"
#include "splattrack/io/poses_csv.hpp"

using namespace splattrack;
using test::read_text;

namespace {

const std::string kHeader = std::string(io::kPosesCsvHeader) + "\n";
const std::string kRow0 = "0,0,1,0,0,0,0,0,3,tracking,0.5,0.9,40,12.5\n";
const std::string kRow1 = "1,0.0333,1,0,0,0,0.01,0,3,degraded,0.6,0.7,40,11.25\n";


// Appending frame 2 after the two good rows gives a file a strict read accepts.
void expect_appendable(const std::string& path) {
  {
    io::PoseCsvWriter writer(path, /*append=*/true);
    io::PoseRow row;
    row.frame = 2;
    writer.write(row);
  }
  const auto rows = io::read_poses_csv(path);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2].frame, 2);
}

// Expects `tail` after two good rows to be dropped as line 4 and the file cut
// back to the good rows.
void expect_dropped(const std::string& tail, const std::string& reason) {
  SCOPED_TRACE(tail);
  const std::string path = test::write_file("poses.csv", kHeader + kRow0 + kRow1 + tail);
  const io::ResumedPoses resumed = io::resume_poses_csv(path);
  ASSERT_EQ(resumed.rows.size(), 2u);
  EXPECT_EQ(resumed.rows[1].frame, 1);
  EXPECT_EQ(resumed.rows[1].ms, 11.25);
  for (const std::string& word : {path + ":", std::string("line 4:"), std::string("incomplete last line"), reason})
    EXPECT_NE(resumed.dropped.find(word), std::string::npos) << "'" << word << "' not in: " << resumed.dropped;
  EXPECT_EQ(read_text(path), kHeader + kRow0 + kRow1) << "the partial line must be cut off the file";

  expect_appendable(path);
}

}  // namespace

TEST(PosesResume, HalfWrittenLastLineIsCutOff) {
  expect_dropped("2,0.0667,0.99", "no newline");
  // All columns there, but the last number may be cut short.
  expect_dropped("2,0.0667,1,0,0,0,0.02,0,3,tracking,0.5,0.9,40,1", "no newline");
  expect_dropped("2,0.0667,1,0,0,0,0.02\n", "7 of 14 columns");
  expect_dropped("2,0.0667,1,0,0,0,0.02\n\n", "7 of 14 columns");
}

TEST(PosesResume, StrictReadStillRejectsAShortLastLine) {
  const std::string path = test::write_file("poses.csv", kHeader + kRow0 + "1,0.0333,1,0");
  test::expect_input_error([&] { io::read_poses_csv(path); }, path, {"line 3:", "expected 14 columns, found 4"});
}

TEST(PosesResume, CompleteFileIsLeftAlone) {
  const std::string text = kHeader + kRow0 + kRow1;
  const std::string path = test::write_file("poses.csv", text);
  const io::ResumedPoses resumed = io::resume_poses_csv(path);
  EXPECT_EQ(resumed.rows.size(), 2u);
  EXPECT_TRUE(resumed.dropped.empty()) << resumed.dropped;
  EXPECT_EQ(read_text(path), text);
}

TEST(PosesResume, BadLineBeforeTheLastStaysAnError) {
  const std::string short_row = "1,0.0333,1,0,0\n";
  const std::string bad_status = "1,0.0333,1,0,0,0,0.01,0,3,confused,,,,\n";
  const std::string row2 = "2,0.0667,1,0,0,0,0.02,0,3,tracking,,,,\n";
  for (const std::string& body : {kRow0 + short_row + row2, kRow0 + bad_status + row2,
                                  kRow0 + short_row + "2,0.0667,1", kRow0 + bad_status}) {
    SCOPED_TRACE(body);
    const std::string path = test::write_file("poses.csv", kHeader + body);
    test::expect_input_error([&] { io::resume_poses_csv(path); }, path, {"line 3:"});
    EXPECT_EQ(read_text(path), kHeader + body) << "a file with an error must not be cut";
  }
}

TEST(PosesResume, CutHeaderOrEmptyFileHasNoRows) {
  for (const std::string& text : {std::string("frame,time_s,qw"), std::string(io::kPosesCsvHeader)}) {
    const std::string path = test::write_file("poses.csv", text);
    const io::ResumedPoses resumed = io::resume_poses_csv(path);
    EXPECT_TRUE(resumed.rows.empty());
    EXPECT_NE(resumed.dropped.find("line 1:"), std::string::npos) << resumed.dropped;
    EXPECT_EQ(std::filesystem::file_size(path), 0u);
  }
  const std::string empty = test::write_file("empty.csv", "");
  const io::ResumedPoses resumed = io::resume_poses_csv(empty);
  EXPECT_TRUE(resumed.rows.empty());
  EXPECT_TRUE(resumed.dropped.empty());

  const std::string wrong = test::write_file("wrong.csv", "time,frame");
  test::expect_input_error([&] { io::resume_poses_csv(wrong); }, wrong, {"line 1:", "header"});
}

// Issue #8 D6: a last line that is a lone "\r" (or blank lines) was left in
// place, so the first appended row continued it and the file became
// unreadable. It is cut off now, silently: it held no row.
TEST(PosesResume, TrailingBlankOrCarriageReturnLinesAreCutBeforeAppending) {
  for (const std::string tail : {"\r", "\r\n", "\n\n", "\r\n\r\n"}) {
    SCOPED_TRACE(::testing::PrintToString(tail));
    const std::string path = test::write_file("poses.csv", kHeader + kRow0 + kRow1 + tail);
    const io::ResumedPoses resumed = io::resume_poses_csv(path);
    ASSERT_EQ(resumed.rows.size(), 2u);
    EXPECT_EQ(resumed.dropped, "");
    EXPECT_EQ(read_text(path), kHeader + kRow0 + kRow1);
    expect_appendable(path);
  }
}

// Issue #8 D4: a unit quaternion written and read back must be the same
// doubles, or a resumed run starts from a pose one bit off the run it
// continues (grown to 6.8° over 300 frames). Normalising twice is not exact.
TEST(PosesResume, UnitQuaternionsRoundTripBitForBit) {
  std::uint64_t state = 12345;
  const auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0 - 0.5;
  };
  const std::string path = test::scratch_path("unit.csv");
  std::vector<io::PoseRow> written(200);
  {
    io::PoseCsvWriter writer(path);
    for (std::size_t i = 0; i < written.size(); ++i) {
      written[i].frame = static_cast<int>(i);
      written[i].world_from_model.rotation = Eigen::Quaterniond(next(), next(), next(), next()).normalized();
      written[i].world_from_model.translation = {next(), next(), next()};
      writer.write(written[i]);
    }
  }
  const auto rows = io::read_poses_csv(path);
  ASSERT_EQ(rows.size(), written.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].world_from_model.rotation.coeffs(), written[i].world_from_model.rotation.coeffs()) << i;
    EXPECT_EQ(rows[i].world_from_model.translation, written[i].world_from_model.translation) << i;
  }
  std::remove(path.c_str());
}

// Found by fuzz_poses_csv: a header cut before its newline but with an extra
// column was kept, and the first appended row continued the header's line.
TEST(PosesResume, HeaderWithoutNewlineIsCutEvenWithExtraColumns) {
  const std::string path = test::write_file("poses.csv", std::string(io::kPosesCsvHeader) + ",extra");
  const io::ResumedPoses resumed = io::resume_poses_csv(path);
  EXPECT_TRUE(resumed.rows.empty());
  EXPECT_NE(resumed.dropped.find("no newline"), std::string::npos) << resumed.dropped;
  EXPECT_EQ(read_text(path), "");
  {
    io::PoseCsvWriter writer(path, /*append=*/true);
    io::PoseRow row;
    writer.write(row);
  }
  EXPECT_EQ(io::read_poses_csv(path).size(), 1u);
}

// Found by fuzz_poses_csv: (1e200, 0, 0, 0) has a squared norm that
// overflows; normalising it gave NaN instead of the identity.
TEST(PosesResume, HugeQuaternionNormalises) {
  const std::string path = test::write_file("poses.csv", kHeader + "0,0,1e200,0,0,0,0,0,0,tracking,,,,\n");
  const auto rows = io::read_poses_csv(path);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].world_from_model.rotation.coeffs(), Eigen::Quaterniond::Identity().coeffs());
}

// Found by fuzz_poses_csv: an iteration count written as a double came out
// "-2.14e+09", which the reader rejected as not an integer.
TEST(PosesResume, LargeIterationCountRoundTrips) {
  io::PoseRow row;
  for (const int iterations : {-2140000000, 2147483647, 1000000}) {
    row.iterations = iterations;
    const std::string path = test::write_file("poses.csv", kHeader + io::format_pose_row(row) + "\n");
    const auto rows = io::read_poses_csv(path);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].iterations, iterations);
  }
}
