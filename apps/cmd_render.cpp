#include <algorithm>
#include <cstdio>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include "device_choice.hpp"
#include "splattrack/io/camera_io.hpp"
#include "splattrack/io/undistort.hpp"
#include "splattrack/io/gaussian_io.hpp"
#include "splattrack/io/image_write.hpp"
#include "splattrack/io/pose_io.hpp"
#include "splattrack/io/poses_csv.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/render.hpp"
#include "splattrack/render/cuda.hpp"
#include "splattrack/render/pose.hpp"

namespace splattrack::apps {

namespace {
constexpr const char* kHelp =
    "usage: splattrack render --model M.ply --camera CAM [--pose P.json | --tracks DIR --frame N] --out IMG.png\n"
    "                         [--background R,G,B] [--rgba] [--antialiased] [--threads N] [--device D]\n"
    "\n"
    "  --model       3DGS .ply or .splat\n"
    "  --camera      camera JSON, OpenCV calibration YAML/XML or ViSP camera XML with an image size (with\n"
    "                lens distortion: the image as the lens records it)\n"
    "  --pose        object pose world_from_model (JSON), or ViSP's pose vector (.pos: the object in the\n"
    "                camera's frame); identity when absent\n"
    "  --tracks DIR  take the pose of frame N from a tracking run's DIR/poses.csv (with --frame N)\n"
    "  --out         output image (PNG keeps alpha with --rgba)\n"
    "  --background  background colour, 0-1 per channel (default 0,0,0)\n"
    "  --rgba        write the rendered alpha as the image's alpha channel\n"
    "  --antialiased each opacity compensated for the 0.3 px2 low-pass (gsplat's rasterize_mode\n"
    "                antialiased, Mip-Splatting); default: as the model's PLY header says\n"
    "  --threads     renderer threads (default: all cores)\n"
    "%s";
}  // namespace

int cmd_render(int argc, char** argv) {
  const Args args(argc, argv, 2, {"model", "camera", "pose", "tracks", "frame", "out", "background", "threads", "device"}, {"help", "rgba", "antialiased"});
  if (args.has("help")) {
    std::printf(kHelp, device_help(16).c_str());
    return 0;
  }
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "'");
  const std::string model_path = args.get("model");
  const std::string camera_path = args.get("camera");
  const std::string out_path = args.get("out");
  const DeviceChoice device = choose_device(args);

  ExecutionContext context(args.get_threads(0));
  RenderOptions options;
  if (const auto bg = args.get_list("background", 3)) {
    for (int c = 0; c < 3; ++c) {
      if ((*bg)[c] < 0 || (*bg)[c] > 1) throw UsageError("--background values must lie in 0..1");
      options.background[c] = static_cast<float>((*bg)[c]);
    }
  }

  io::LoadReport report;
  GaussianModel model = io::read_gaussians(model_path, &report);
  if (args.has("antialiased")) model.antialiased = true;
  for (const auto& w : report.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  // A lens camera: the pinhole render is then bent as the lens bends the frames.
  const Camera recorded = io::read_camera(camera_path);
  const Camera camera = io::pinhole(recorded);
  if (args.has("pose") && args.has("tracks")) throw UsageError("give --pose or --tracks, not both");
  if (args.has("tracks") != args.has("frame")) throw UsageError("--tracks and --frame go together");
  if (args.has("pose")) model = transformed(model, io::read_pose(args.get("pose"), recorded));
  if (args.has("tracks")) {
    const std::string csv = args.get("tracks") + "/poses.csv";
    const int frame = args.get_int("frame", 0);
    const auto rows = io::read_poses_csv(csv);
    const auto it = std::find_if(rows.begin(), rows.end(), [&](const io::PoseRow& r) { return r.frame == frame; });
    if (it == rows.end()) throw io::InputError(csv, "has no row for frame " + std::to_string(frame));
    model = transformed(model, it->world_from_model);
  }

  const auto write = [&](RenderImage img) {
    if (io::has_distortion(recorded)) {
      const auto& bg = options.background;
      io::distort_images({{&img.rgb, 3, {bg[0], bg[1], bg[2], 0}}, {&img.alpha, 1, {}}}, recorded);
    }
    io::write_image(out_path, img.width, img.height, img.rgb.data(), args.has("rgba") ? img.alpha.data() : nullptr);
    std::printf("wrote %s (%dx%d, %zu Gaussians, %s)\n", out_path.c_str(), img.width, img.height, model.size(),
                device.cuda ? ("CUDA: " + device.name).c_str() : "CPU");
  };
  if (device.cuda) {
    CudaRenderer renderer(options);
    write(renderer.forward(model, camera));
  } else {
    Renderer renderer(context, options);
    const RenderPass pass = renderer.forward(model, camera);
    write(pass.image());
  }
  return 0;
}

}  // namespace splattrack::apps
