// The real cube clip (../shared/data/video/cube) as the first-frame tests
// read it: the mesh2gs model of its mesh, its camera, frame 0's given pose
// and its frames. Tests skip when the folder is absent.
#pragma once

#include <filesystem>
#include <memory>

#include "splattrack/datasets/mesh_to_gaussians.hpp"
#include "splattrack/io/camera_io.hpp"
#include "splattrack/io/mesh_io.hpp"
#include "splattrack/io/pose_io.hpp"
#include "splattrack/io/video.hpp"
#include "splattrack/tracker.hpp"

namespace splattrack::test {

inline const std::filesystem::path kCubeDir = std::filesystem::path(SPLATTRACK_SHARED_DATA) / "video" / "cube";

struct RealCube {
  GaussianModel model = datasets::mesh_to_gaussians(io::read_mesh((kCubeDir / "cube.obj").string())).model;
  Camera camera = io::read_camera((kCubeDir / "camera.json").string());
  RigidPose given = io::read_pose((kCubeDir / "pose_frame000.json").string());
  std::unique_ptr<io::FrameSource> frames = io::open_frames((kCubeDir / "cube_video.mp4").string());
};

// The first frame refined from a given pose, as `track --init-pose` does,
// without recovery (what the first alignment reaches), on 2 threads.
inline TrackerOptions first_frame_options() {
  TrackerOptions options;
  options.threads = 2;
  options.first_frame_refines = true;
  options.recover = false;
  return options;
}

}  // namespace splattrack::test
