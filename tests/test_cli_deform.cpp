// `splattrack synth --scene bend` and `track --deform` end to end, through
// the built binary: the files FORMATS.md promises (nodes.csv, tracks.csv,
// frames/NNNNNN.ply, track.gltf, truth/gaussians), eval's Gaussian errors, --resume of
// tracks.csv after a run killed in the middle of a frame's rows, --nodes
// read back from a nodes.csv, and the usage errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_test_util.hpp"
#include "io_test_util.hpp"
#include "splattrack/io/gaussian_io.hpp"
#include "splattrack/io/gltf_tracks.hpp"
#include "splattrack/io/nodes_csv.hpp"
#include "splattrack/io/poses_csv.hpp"

using namespace splattrack;
using test::read_text;
using test::run_cli;
namespace fs = std::filesystem;

namespace {

constexpr int kFrames = 5;
constexpr int kNodes = 12;

struct Lines {
  std::vector<std::string> rows;  // without the header
  std::string header;
};

Lines lines_of(const fs::path& csv) {
  std::ifstream in(csv);
  Lines l;
  std::getline(in, l.header);
  for (std::string line; std::getline(in, line);) l.rows.push_back(line);
  return l;
}

// One small bend dataset for every test, made by the first that asks (a
// scratch path needs a running test).
class CliDeform : public ::testing::Test {
 protected:
  void SetUp() override {
    static const fs::path root = [] {
      const fs::path r = test::scratch_path("cli_deform");
      fs::remove_all(r);
      fs::create_directories(r);
      return r;
    }();
    root_ = root;
    static const int made =
        run_cli("synth --scene bend --period 8 --out " + data().string() + " --frames " + std::to_string(kFrames) +
                    " --size 96,96 --gaussians 1500 --misalign 0 0 --no-video --threads 1",
                root_ / "synth.log");
    ASSERT_EQ(made, 0) << read_text(root_ / "synth.log");
  }
  fs::path data() const { return root_ / "data"; }
  std::string track(const fs::path& out, const std::string& extra = "") const {
    return "track --model " + (data() / "model.ply").string() + " --camera " + (data() / "camera.json").string() +
           " --video " + (data() / "frames").string() + " --init-pose " + (data() / "init_pose.json").string() +
           " --threads 1 --recovery-budget 0 --quiet --deform " + extra + " --out " + out.string();
  }
  fs::path root_;
};

TEST_F(CliDeform, SynthWritesEachFramesDeformedModel) {
  const GaussianModel rest = io::read_gaussians((data() / "model.ply").string());
  for (int f = 0; f < kFrames; ++f) {
    char name[32];
    std::snprintf(name, sizeof name, "%06d.ply", f);
    const GaussianModel truth = io::read_gaussians((data() / "truth" / "gaussians" / name).string());
    EXPECT_EQ(truth.size(), rest.size()) << name;
  }
  const auto scene = nlohmann::json::parse(read_text(data() / "scene.json"));
  EXPECT_EQ(scene["scene"], "bend");
  EXPECT_EQ(scene["deformation"]["period_frames"], 8.0);
}

TEST_F(CliDeform, TrackWritesNodesTracksAndModelsThatEvalReads) {
  const fs::path out = root_ / "run";
  fs::remove_all(out);
  const fs::path gltf = root_ / "track.gltf";
  ASSERT_EQ(
      run_cli(track(out, "--num-nodes " + std::to_string(kNodes) + " --export-ply --overlay --export-gltf " + gltf.string()),
              root_ / "run.log"),
      0)
      << read_text(root_ / "run.log");
  const Lines nodes = lines_of(out / "nodes.csv");
  EXPECT_EQ(nodes.header, io::kNodesCsvHeader);
  EXPECT_EQ(nodes.rows.size(), static_cast<std::size_t>(kNodes));
  const Lines tracks = lines_of(out / "tracks.csv");
  EXPECT_EQ(tracks.header, io::kTracksCsvHeader);
  ASSERT_EQ(tracks.rows.size(), static_cast<std::size_t>(kFrames * kNodes));
  EXPECT_EQ(tracks.rows.front().substr(0, 4), "0,0,");
  EXPECT_EQ(tracks.rows.back().substr(0, 5), std::to_string(kFrames - 1) + "," + std::to_string(kNodes - 1) + ",");
  const GaussianModel rest = io::read_gaussians((data() / "model.ply").string());
  for (int f = 0; f < kFrames; ++f) {
    char name[32];
    std::snprintf(name, sizeof name, "%06d.ply", f);
    EXPECT_EQ(io::read_gaussians((out / "frames" / name).string()).size(), rest.size()) << name;
  }
  EXPECT_EQ(test::decode_video(out / "overlay.mp4").frames, kFrames);  // drawn in the tracked shape
  const auto run = nlohmann::json::parse(read_text(out / "run.json"));
  EXPECT_EQ(run["settings"]["deformation"]["nodes"], kNodes);
  EXPECT_EQ(run["settings"]["deformation"]["skinning"], "lbs");

  // The glTF, read back by tinygltf, holds tracks.csv at poses.csv's times.
  const std::vector<io::TrackFrame> csv = io::read_tracks_csv((out / "tracks.csv").string(), kNodes);
  const std::vector<io::TrackFrame> animated = io::read_tracks_gltf(gltf.string());
  const auto poses = io::read_poses_csv((out / "poses.csv").string());
  ASSERT_EQ(animated.size(), csv.size());
  for (std::size_t f = 0; f < csv.size(); ++f) {
    EXPECT_NEAR(animated[f].time_s, poses[f].time_s, 1e-6);
    ASSERT_EQ(animated[f].nodes.size(), static_cast<std::size_t>(kNodes));
    for (int k = 0; k < kNodes; ++k) {
      const RigidTransform &a = animated[f].nodes[static_cast<std::size_t>(k)],
                           &b = csv[f].nodes[static_cast<std::size_t>(k)];
      EXPECT_LT((a.translation - b.translation).norm(), 1e-5 * (1 + b.translation.norm())) << f << " " << k;
      EXPECT_LT(rotation_error_deg(a, b), 1e-3) << f << " " << k;
    }
  }

  ASSERT_EQ(run_cli("eval --tracks " + out.string() + " --truth " + data().string(), root_ / "eval.log"), 0)
      << read_text(root_ / "eval.log");
  EXPECT_NE(read_text(root_ / "eval.log").find("gaussians"), std::string::npos);
  const auto metrics = nlohmann::json::parse(read_text(out / "metrics.json"));
  ASSERT_EQ(metrics["gaussians"]["frames"].size(), static_cast<std::size_t>(kFrames));
  // From the true first pose, the first frame's model is where the truth's is.
  EXPECT_LT(metrics["gaussians"]["frames"][0]["mean"].get<double>(), 0.01);
  EXPECT_GT(metrics["gaussians"]["frames"][0]["iou"].get<double>(), 0.95);
  EXPECT_GT(metrics["gaussians"]["frames"][0]["psnr"].get<double>(), 25.0);
  EXPECT_LT(metrics["gaussians"]["mean"].get<double>(), 0.1);
}

// A run killed while writing frame 2's node rows, resumed: every frame's
// rows once, in order, the half-written ones replaced.
TEST_F(CliDeform, ResumeCutsAHalfWrittenFramesRowsAndContinues) {
  const fs::path out = root_ / "resumed";
  fs::remove_all(out);
  const std::string nodes = "--num-nodes " + std::to_string(kNodes);
  ASSERT_EQ(run_cli(track(out, nodes + " --max-frames 3"), root_ / "first.log"), 0) << read_text(root_ / "first.log");
  // Killed after frame 2's tracks rows were half written, before its poses.csv row.
  const Lines poses = lines_of(out / "poses.csv");
  ASSERT_EQ(poses.rows.size(), 3u);
  {
    std::ofstream p(out / "poses.csv", std::ios::trunc);
    p << poses.header << '\n' << poses.rows[0] << '\n' << poses.rows[1] << '\n';
    const Lines tracks = lines_of(out / "tracks.csv");
    std::ofstream t(out / "tracks.csv", std::ios::trunc);
    t << tracks.header << '\n';
    for (std::size_t i = 0; i < 2 * kNodes + kNodes / 2; ++i) t << tracks.rows[i] << '\n';
    t << tracks.rows[2 * kNodes + kNodes / 2].substr(0, 10);
  }
  ASSERT_EQ(run_cli(track(out, nodes + " --resume"), root_ / "resume.log"), 0) << read_text(root_ / "resume.log");
  const Lines tracks = lines_of(out / "tracks.csv");
  ASSERT_EQ(tracks.rows.size(), static_cast<std::size_t>(kFrames * kNodes));
  for (int f = 0; f < kFrames; ++f)
    for (int k = 0; k < kNodes; ++k)
      EXPECT_EQ(tracks.rows[static_cast<std::size_t>(f * kNodes + k)].substr(
                    0, std::to_string(f).size() + 1 + std::to_string(k).size() + 1),
                std::to_string(f) + "," + std::to_string(k) + ",");
  EXPECT_EQ(io::read_poses_csv((out / "poses.csv").string()).size(), static_cast<std::size_t>(kFrames));
}

// A run stopped after two frames and resumed continues as the uninterrupted
// one, to the round trip through world coordinates (1e-15 here; 1e-5° is
// acos's floor): the replay learns each finished frame in the shape it was
// written with (before, the frames before the last were replayed in the
// rest shape, and what was learnt from those renders moved frame 3 on).
TEST_F(CliDeform, AResumedRunContinuesAsTheUninterruptedOne) {
  const fs::path whole = root_ / "whole", resumed = root_ / "stopped";
  fs::remove_all(whole);
  fs::remove_all(resumed);
  const std::string nodes = "--num-nodes " + std::to_string(kNodes);
  ASSERT_EQ(run_cli(track(whole, nodes), root_ / "whole.log"), 0) << read_text(root_ / "whole.log");
  ASSERT_EQ(run_cli(track(resumed, nodes + " --max-frames 2"), root_ / "stopped.log"), 0)
      << read_text(root_ / "stopped.log");
  ASSERT_EQ(run_cli(track(resumed, nodes + " --resume"), root_ / "resumed.log"), 0) << read_text(root_ / "resumed.log");
  const auto a = io::read_poses_csv((whole / "poses.csv").string());
  const auto b = io::read_poses_csv((resumed / "poses.csv").string());
  ASSERT_EQ(a.size(), static_cast<std::size_t>(kFrames));
  ASSERT_EQ(b.size(), a.size());
  const std::vector<io::TrackFrame> ta = io::read_tracks_csv((whole / "tracks.csv").string(), kNodes);
  const std::vector<io::TrackFrame> tb = io::read_tracks_csv((resumed / "tracks.csv").string(), kNodes);
  ASSERT_EQ(tb.size(), ta.size());
  for (std::size_t f = 2; f < a.size(); ++f) {
    EXPECT_EQ(b[f].status, a[f].status) << "frame " << f;
    EXPECT_LT((b[f].world_from_model.translation - a[f].world_from_model.translation).norm(), 1e-9) << "frame " << f;
    EXPECT_LT(rotation_error_deg(b[f].world_from_model, a[f].world_from_model), 1e-5) << "frame " << f;
    for (int k = 0; k < kNodes; ++k) {
      const RigidTransform &p = ta[f].nodes[static_cast<std::size_t>(k)], &q = tb[f].nodes[static_cast<std::size_t>(k)];
      EXPECT_LT((p.translation - q.translation).norm(), 1e-9) << "frame " << f << " node " << k;
      EXPECT_LT(rotation_error_deg(p, q), 1e-5) << "frame " << f << " node " << k;
    }
  }
}

TEST_F(CliDeform, NodesReadBackFromANodesCsvAndFromAPly) {
  const fs::path first = root_ / "first_nodes", second = root_ / "second_nodes", third = root_ / "third_nodes";
  for (const fs::path& p : {first, second, third}) fs::remove_all(p);
  ASSERT_EQ(run_cli(track(first, "--num-nodes 7 --max-frames 1"), root_ / "n1.log"), 0) << read_text(root_ / "n1.log");
  ASSERT_EQ(run_cli(track(second, "--nodes " + (first / "nodes.csv").string() + " --max-frames 1 --skinning dqs"),
                    root_ / "n2.log"),
            0)
      << read_text(root_ / "n2.log");
  EXPECT_EQ(read_text(second / "nodes.csv"), read_text(first / "nodes.csv"));
  // The same nodes as a PLY's vertices.
  const io::NodeFile nodes = io::read_nodes_csv((first / "nodes.csv").string());
  std::ostringstream ply;
  ply.precision(17);
  ply << "ply\nformat ascii 1.0\nelement vertex " << nodes.positions.size()
      << "\nproperty double x\nproperty double y\nproperty double z\nproperty double radius\nend_header\n";
  for (std::size_t k = 0; k < nodes.positions.size(); ++k)
    ply << nodes.positions[k].transpose() << " " << nodes.radii[k] << "\n";
  const std::string ply_path = test::write_file("cli_nodes.ply", ply.str());
  ASSERT_EQ(run_cli(track(third, "--nodes " + ply_path + " --max-frames 1 --arap-weight 2.5 --temporal-weight 0"),
                    root_ / "n3.log"),
            0)
      << read_text(root_ / "n3.log");
  EXPECT_EQ(read_text(third / "nodes.csv"), read_text(first / "nodes.csv"));
  // ... and the regularisers' weights as given.
  const auto run = nlohmann::json::parse(read_text(third / "run.json"));
  EXPECT_EQ(run["settings"]["deformation"]["arap_weight"], 2.5);
  EXPECT_EQ(run["settings"]["deformation"]["temporal_weight"], 0.0);
}

TEST_F(CliDeform, BadOptionsAreUsageErrorsAndABadNodesFileIsNamed) {
  const fs::path out = root_ / "bad";
  const std::string plain = "track --model " + (data() / "model.ply").string() + " --camera " +
                            (data() / "camera.json").string() + " --video " + (data() / "frames").string() + " --out " +
                            out.string();
  EXPECT_EQ(run_cli(plain + " --num-nodes 8", root_ / "bad1.log"), 2) << read_text(root_ / "bad1.log");
  EXPECT_EQ(run_cli(plain + " --export-gltf x.gltf", root_ / "bad0.log"), 2) << read_text(root_ / "bad0.log");
  EXPECT_EQ(run_cli(plain + " --deform --skinning twirl", root_ / "bad2.log"), 2) << read_text(root_ / "bad2.log");
  EXPECT_EQ(run_cli(plain + " --deform --num-nodes 0", root_ / "bad3.log"), 2) << read_text(root_ / "bad3.log");
  EXPECT_EQ(run_cli(plain + " --temporal-weight 0.5", root_ / "bad7.log"), 2) << read_text(root_ / "bad7.log");
  EXPECT_EQ(run_cli(plain + " --deform --arap-weight -1", root_ / "bad8.log"), 2) << read_text(root_ / "bad8.log");
  EXPECT_EQ(run_cli(plain + " --recovery-budget-renders -5", root_ / "bad9.log"), 2) << read_text(root_ / "bad9.log");
  const std::string bad_nodes = test::write_file("bad_nodes.csv", "x,y,z\n0.1,0.2,oops\n");
  EXPECT_EQ(run_cli(plain + " --deform --nodes " + bad_nodes, root_ / "bad4.log"), 1) << read_text(root_ / "bad4.log");
  const std::string log = read_text(root_ / "bad4.log");
  EXPECT_NE(log.find(bad_nodes), std::string::npos) << log;
  EXPECT_NE(log.find("line 2"), std::string::npos) << log;
  EXPECT_EQ(run_cli("synth --out " + (root_ / "bad_synth").string() + " --scene curl", root_ / "bad5.log"), 2);
  EXPECT_EQ(run_cli("synth --out " + (root_ / "bad_synth").string() + " --period 5", root_ / "bad6.log"), 2);
}

}  // namespace
