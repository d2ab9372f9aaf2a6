#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "splattrack/datasets/evaluation.hpp"
#include "io_test_util.hpp"
#include "splattrack/io/poses_csv.hpp"

using namespace splattrack;
using test::read_text;
namespace fs = std::filesystem;

namespace {

io::PoseRow row(int frame, const Eigen::Quaterniond& q, const Eigen::Vector3d& t) {
  io::PoseRow r;
  r.frame = frame;
  r.time_s = frame / 30.0;
  r.world_from_model.rotation = q;
  r.world_from_model.translation = t;
  return r;
}

// Expects reading `body` (after a valid header) to fail naming the file,
// `line` and `fragment`.
void expect_read_error(const std::string& body, int line, const std::string& fragment) {
  const fs::path path = test::scratch_dir("bad") / "poses.csv";
  std::ofstream(path) << io::kPosesCsvHeader << "\n" << body;
  SCOPED_TRACE(body);
  test::expect_input_error([&] { io::read_poses_csv(path.string()); }, path.string(),
                           {"line " + std::to_string(line) + ":", fragment});
}

}  // namespace

TEST(PosesCsv, RoundTripIsExact) {
  const fs::path path = test::scratch_dir("roundtrip") / "poses.csv";
  std::mt19937 rng(7);
  std::normal_distribution<double> n;
  std::vector<io::PoseRow> rows;
  for (int f = 0; f < 20; f += 1 + f % 3) {
    io::PoseRow r = row(f, Eigen::Quaterniond(n(rng), n(rng), n(rng), n(rng)).normalized(),
                        {n(rng), n(rng), 3 + n(rng)});
    r.status = static_cast<TrackStatus>(f % 4);
    if (f % 2 == 0) {  // measured rows; odd rows leave the measurements empty, as truth files do
      r.loss = 1e-3 * f + 0.1;
      r.iou = 0.9;
      r.iterations = 40 + f;
      r.ms = 12.5;
    }
    rows.push_back(r);
  }
  {
    io::PoseCsvWriter writer(path.string());
    for (const auto& r : rows) writer.write(r);
  }
  const auto text = read_text(path);
  EXPECT_EQ(text.substr(0, text.find('\n')), "frame,time_s,qw,qx,qy,qz,tx,ty,tz,status,loss,iou,iterations,ms");
  EXPECT_NE(text.find(",,,,\n"), std::string::npos) << "empty measurement cells";

  const auto back = io::read_poses_csv(path.string());
  ASSERT_EQ(back.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& a = rows[i];
    const auto& b = back[i];
    EXPECT_EQ(a.frame, b.frame);
    EXPECT_EQ(a.time_s, b.time_s);
    EXPECT_LT(rotation_error_deg(a.world_from_model, b.world_from_model), 1e-6);
    EXPECT_EQ(a.world_from_model.translation, b.world_from_model.translation);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.loss, b.loss);
    EXPECT_EQ(a.iou, b.iou);
    EXPECT_EQ(a.iterations, b.iterations);
    EXPECT_EQ(a.ms, b.ms);
  }
}

TEST(PosesCsv, WriterFlushesEachRowAndAppendsOnResume) {
  const fs::path path = test::scratch_dir("append") / "poses.csv";
  {
    io::PoseCsvWriter writer(path.string());
    writer.write(row(0, Eigen::Quaterniond::Identity(), {0, 0, 3}));
    // Still open: the row must already be on disk.
    EXPECT_EQ(io::read_poses_csv(path.string()).size(), 1u);
  }
  io::PoseCsvWriter resumed(path.string(), /*append=*/true);
  resumed.write(row(1, Eigen::Quaterniond::Identity(), {0, 0, 3.5}));
  const auto rows = io::read_poses_csv(path.string());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].world_from_model.translation.z(), 3.5);
  io::PoseCsvWriter fresh(path.string());
  EXPECT_TRUE(io::read_poses_csv(path.string()).empty());
}

TEST(PosesCsv, MalformedLinesNameFileAndLine) {
  const std::string good = "0,0,1,0,0,0,0,0,3,tracking,,,,\n";
  expect_read_error(good + "1,0.1,1,0,0,0,0,0,3,tracking,,,\n", 3, "expected 14 columns, found 13");
  expect_read_error(good + "1,0.1,1,0,zero,0,0,0,3,tracking,,,,\n", 3, "qy");
  expect_read_error("0,0,1,0,0,0,0,nan,3,tracking,,,,\n", 2, "ty");
  expect_read_error(good + "1,0.1,1,0,0,0,0,0,3,confused,,,,\n", 3, "status");
  expect_read_error(good + "1,0.1,1,0,0,0,0,0,3,lost,0.5,0.2,12.5,3\n", 3, "iterations");
  expect_read_error("0,0,0,0,0,0,0,0,3,tracking,,,,\n", 2, "zero");
  expect_read_error(good + good, 3, "frames must increase");
  expect_read_error("-1,0,1,0,0,0,0,0,3,tracking,,,,\n", 2, "negative");

  const fs::path path = test::scratch_dir("header") / "poses.csv";
  std::ofstream(path) << "frame,time,qw,qx,qy,qz,tx,ty,tz,status,loss,iou,iterations,ms\n";
  EXPECT_THROW(io::read_poses_csv(path.string()), io::InputError);
  EXPECT_THROW(io::read_poses_csv((path.parent_path() / "missing.csv").string()), io::InputError);
}

TEST(PosesCsv, ExtraColumnsAreAllowed) {
  const fs::path path = test::scratch_dir("extra") / "poses.csv";
  std::ofstream(path) << io::kPosesCsvHeader << ",note\r\n0,0,1,0,0,0,1,2,3,degraded,0.5,0.7,10,4.25,hello\r\n";
  const auto rows = io::read_poses_csv(path.string());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, TrackStatus::degraded);
  EXPECT_EQ(rows[0].ms, 4.25);
  EXPECT_EQ(rows[0].world_from_model.translation, Eigen::Vector3d(1, 2, 3));
}

TEST(Evaluation, KnownErrors) {
  // Truth: frames 0..4. Run: frame 0 exact, 1 rotated 3° about x, 2 rotated
  // 10°, 3 shifted 0.08 of a size-2 object (0.04 fraction) together with 4.9°,
  // 4 missing; frame 9 is not in the truth.
  const Eigen::Quaterniond base(Eigen::AngleAxisd(0.4, Eigen::Vector3d(1, -2, 0.5).normalized()));
  const Eigen::Vector3d t0(0.1, -0.2, 3.0);
  std::vector<io::PoseRow> truth;
  for (int f = 0; f < 5; ++f) truth.push_back(row(f, base, t0));
  const auto rotated = [&](double deg) {
    return Eigen::Quaterniond(Eigen::AngleAxisd(deg * M_PI / 180, Eigen::Vector3d::UnitX())) * base;
  };
  std::vector<io::PoseRow> run = {row(0, base, t0), row(1, rotated(3), t0), row(2, rotated(10), t0),
                                  row(3, rotated(4.9), t0 + Eigen::Vector3d(0, 0.08, 0)),
                                  row(9, base, t0)};
  const auto e = datasets::evaluate(run, truth, {.object_size = 2.0});
  ASSERT_EQ(e.frames.size(), 5u);
  EXPECT_NEAR(*e.frames[1].rotation_deg, 3.0, 1e-9);
  EXPECT_NEAR(*e.frames[2].rotation_deg, 10.0, 1e-9);
  EXPECT_NEAR(*e.frames[3].translation, 0.08, 1e-12);
  EXPECT_NEAR(*e.frames[3].translation_fraction, 0.04, 1e-12);
  EXPECT_FALSE(e.frames[4].rotation_deg.has_value());
  const std::vector<bool> success = {true, true, false, true, false};
  for (int f = 0; f < 5; ++f) EXPECT_EQ(e.frames[f].success, success[f]) << "frame " << f;

  const auto& s = e.summary;
  EXPECT_EQ(s.truth_frames, 5);
  EXPECT_EQ(s.matched_frames, 4);
  EXPECT_EQ(s.missing_frames, 1);
  EXPECT_EQ(s.extra_frames, 1);
  EXPECT_EQ(s.successes, 3);
  EXPECT_DOUBLE_EQ(s.success_rate, 0.6);
  EXPECT_NEAR(s.rotation_deg.mean, (0 + 3 + 10 + 4.9) / 4, 1e-9);
  EXPECT_NEAR(s.rotation_deg.median, (3 + 4.9) / 2, 1e-9);
  EXPECT_NEAR(s.rotation_deg.max, 10, 1e-9);
  EXPECT_NEAR(s.translation.max, 0.08, 1e-12);
  EXPECT_NEAR(s.translation.median, 0.0, 1e-12);
  EXPECT_NEAR(s.translation_fraction.mean, 0.01, 1e-12);

  // A 5.1 % shift fails even with a perfect rotation.
  const auto just_out = datasets::evaluate({row(0, base, t0 + Eigen::Vector3d(0.102, 0, 0))}, {truth[0]},
                                           {.object_size = 2.0});
  EXPECT_FALSE(just_out.frames[0].success);

  EXPECT_THROW(datasets::evaluate(run, truth, {.object_size = 0.0}), std::invalid_argument);
  EXPECT_THROW(datasets::evaluate({run[0], run[0]}, truth), std::invalid_argument);
}

TEST(Evaluation, MetricsJson) {
  std::vector<io::PoseRow> truth = {row(0, Eigen::Quaterniond::Identity(), {0, 0, 3}),
                                    row(1, Eigen::Quaterniond::Identity(), {0, 0, 3})};
  const auto e = datasets::evaluate({row(1, Eigen::Quaterniond::Identity(), {0, 0.01, 3})}, truth);
  const fs::path path = test::scratch_dir("json") / "metrics.json";
  datasets::write_metrics_json(path.string(), e);
  const auto j = nlohmann::json::parse(read_text(path));
  EXPECT_EQ(j["truth_frames"], 2);
  EXPECT_EQ(j["missing_frames"], 1);
  EXPECT_DOUBLE_EQ(j["success_rate"].get<double>(), 0.5);
  EXPECT_NEAR(j["translation"]["max"].get<double>(), 0.01, 1e-12);
  ASSERT_EQ(j["frames"].size(), 2u);
  EXPECT_TRUE(j["frames"][0]["rotation_deg"].is_null());
  EXPECT_EQ(j["frames"][1]["success"], true);

  const auto none = datasets::evaluate({}, truth);
  datasets::write_metrics_json(path.string(), none);
  EXPECT_TRUE(nlohmann::json::parse(read_text(path))["rotation_deg"].is_null());
}

TEST(Evaluation, ObjectSizeIgnoresFloaters) {
  GaussianModel m;
  m.resize(1000);
  std::mt19937 rng(3);
  std::normal_distribution<float> n;
  for (std::size_t i = 0; i < 995; ++i) {  // points on a sphere of radius 0.5 about the origin
    Eigen::Vector3f p(n(rng), n(rng), n(rng));
    p = 0.5f * p.normalized();
    for (int k = 0; k < 3; ++k) m.means[3 * i + k] = p[k];
  }
  for (std::size_t i = 995; i < 1000; ++i) m.means[3 * i] = 50.f;  // 0.5 % floaters
  // The median centre of random sphere points is off the origin by a few
  // per cent of the radius, and so is the size.
  EXPECT_NEAR(datasets::object_size(m), 1.0, 0.05);
  EXPECT_THROW(datasets::object_size(GaussianModel{}), std::invalid_argument);
}
