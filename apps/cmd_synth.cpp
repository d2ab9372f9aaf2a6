#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include "splattrack/datasets/background.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/evaluation.hpp"
#include "splattrack/datasets/misalign.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/datasets/trajectory.hpp"
#include "splattrack/io/atomic_file.hpp"
#include "splattrack/io/camera_io.hpp"
#include "splattrack/io/gaussian_io.hpp"
#include "splattrack/io/image_write.hpp"
#include "splattrack/io/pose_io.hpp"
#include "splattrack/io/poses_csv.hpp"
#include "splattrack/io/video.hpp"
#include "splattrack/render.hpp"
#include "splattrack/render/framing.hpp"

namespace splattrack::apps {

namespace {

constexpr const char* kHelp =
    "usage: splattrack synth --scene NAME --out DIR [options]\n"
    "\n"
    "Writes a synthetic dataset (FORMATS.md): model.ply, camera.json, frames/NNNNNN.png (RGBA, alpha = mask),\n"
    "video.mp4, truth/poses.csv, init_pose.json (deliberately misaligned) and scene.json.\n"
    "\n"
    "  --scene NAME         default: the bundled procedural object in rigid motion\n"
    "  --model M.ply        use this model instead of the procedural object (re-centred on its bounds)\n"
    "  --frames N           number of frames (default 100)\n"
    "  --seed S             random seed (default 0)\n"
    "  --misalign T R       initial pose offset: T object sizes, R degrees (default 0.25 15)\n"
    "  --size W,H           image size (default 256,256)\n"
    "  --gaussians N        procedural object size (default 20000)\n"
    "  --speed T            largest translation per frame, object sizes (default 0.02)\n"
    "  --rot-speed DEG      largest rotation per frame, degrees (default 2)\n"
    "  --background KIND    plain | noise | clutter (default plain)\n"
    "  --bg-colour R,G,B    plain background colour 0-1 (default 0.5,0.5,0.5)\n"
    "  --noise SIGMA        sensor noise, 0-1 units (default 0)\n"
    "  --blur SIGMA_PX      Gaussian blur in pixels (default 0)\n"
    "  --fps F              frame rate of the video and time_s (default 30)\n"
    "  --no-video           skip video.mp4\n"
    "  --threads N          renderer threads (default: all cores)\n";

// `--misalign T R` takes two values: fold the one after --misalign in.
std::vector<char*> fold_misalign(int argc, char** argv, std::string& joined) {
  std::vector<char*> out(argv, argv + argc);
  for (std::size_t i = 0; i + 2 < out.size(); ++i) {
    if (std::string(out[i]) != "--misalign") continue;
    const std::string second = out[i + 2];
    if (second.rfind("--", 0) == 0) throw UsageError("--misalign takes two values: T_FRACTION ROT_DEG");
    joined = std::string(out[i + 1]) + "," + second;
    out[i + 1] = joined.data();
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(i) + 2);
    break;
  }
  return out;
}

}  // namespace

int cmd_synth(int argc, char** argv) {
  std::string joined;
  std::vector<char*> folded = fold_misalign(argc, argv, joined);
  const Args args(static_cast<int>(folded.size()), folded.data(), 2,
                  {"scene", "out", "model", "frames", "seed", "misalign", "size", "gaussians", "speed", "rot-speed",
                   "background", "bg-colour", "noise", "blur", "fps", "threads"},
                  {"help", "no-video"});
  if (args.has("help")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "'");
  const std::string scene = args.get_or("scene", "default");
  if (scene != "default") throw UsageError("unknown scene '" + scene + "' (available: default)");
  const std::filesystem::path out = args.get("out");
  const int frames = args.get_int("frames", 100);
  const int seed = args.get_int("seed", 0);
  if (frames < 1) throw UsageError("--frames must be >= 1");
  const auto misalign_values = args.get_list("misalign", 2).value_or(std::vector<double>{0.25, 15.0});
  const auto size = args.get_list("size", 2).value_or(std::vector<double>{256, 256});
  if (size[0] < 16 || size[1] < 16 || size[0] > 8192 || size[1] > 8192)
    throw UsageError("--size must be between 16 and 8192 pixels per side");
  const auto bg_kind = datasets::parse_background_kind(args.get_or("background", "plain"));
  if (!bg_kind) throw UsageError("--background must be plain, noise or clutter");

  GaussianModel model;
  if (args.has("model")) {
    io::LoadReport report;
    model = io::read_gaussians(args.get("model"), &report);
    for (const auto& w : report.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    model = recentred(model, model_bounds(model).center);
  } else {
    datasets::ObjectModelOptions mo;
    mo.gaussians = args.get_int("gaussians", mo.gaussians);
    mo.seed = static_cast<std::uint64_t>(seed);
    model = datasets::make_object_model(mo);
  }
  // The procedural object fits its diameter exactly; a loaded model gets the
  // robust diameter of its bounds.
  const double object_size = args.has("model") ? datasets::object_size(model) : datasets::kObjectDiameter;

  datasets::CameraPlacement placement;
  placement.width = static_cast<int>(size[0]);
  placement.height = static_cast<int>(size[1]);
  placement.object_size = object_size;
  placement.distance = datasets::kDefaultDistance * object_size / datasets::kObjectDiameter;
  const Camera camera = datasets::place_camera(placement);

  datasets::TrajectoryOptions to;
  to.frames = frames;
  to.seed = static_cast<std::uint64_t>(seed);
  to.translation_speed = args.get_double("speed", to.translation_speed);
  to.rotation_speed_deg = args.get_double("rot-speed", to.rotation_speed_deg);
  to.object_size = object_size;
  to.distance = placement.distance;
  const std::vector<RigidPose> poses = datasets::make_trajectory(camera, to);

  datasets::Misalignment mis;
  mis.translation_fraction = misalign_values[0];
  mis.rotation_deg = misalign_values[1];
  mis.object_size = object_size;
  mis.seed = static_cast<std::uint64_t>(seed) + 1;
  const RigidPose init = datasets::misalign(poses.front(), mis);

  std::filesystem::create_directories(out / "frames");
  std::filesystem::create_directories(out / "truth");
  io::write_ply((out / "model.ply").string(), model);
  io::write_camera_json((out / "camera.json").string(), camera);
  io::write_pose((out / "init_pose.json").string(), init);

  datasets::BackgroundOptions bo;
  bo.kind = *bg_kind;
  if (const auto c = args.get_list("bg-colour", 3))
    for (int i = 0; i < 3; ++i) bo.colour[static_cast<std::size_t>(i)] = static_cast<float>((*c)[static_cast<std::size_t>(i)]);
  bo.seed = static_cast<std::uint64_t>(seed);
  const std::vector<float> background = datasets::make_background(camera.width, camera.height, bo);
  datasets::SensorOptions so;
  so.noise_sigma = args.get_double("noise", 0.0);
  so.blur_sigma_px = args.get_double("blur", 0.0);
  so.seed = static_cast<std::uint64_t>(seed);
  const double fps = args.get_double("fps", 30.0);
  if (fps <= 0) throw UsageError("--fps must be positive");

  ExecutionContext context(args.get_threads(0));
  Renderer renderer(context);
  io::PoseCsvWriter truth((out / "truth" / "poses.csv").string());
  std::unique_ptr<io::VideoFileWriter> video;
  if (!args.has("no-video"))
    video = std::make_unique<io::VideoFileWriter>((out / "video.mp4").string(), camera.width, camera.height, fps);
  for (int f = 0; f < frames; ++f) {
    const RigidPose& pose = poses[static_cast<std::size_t>(f)];
    const GaussianModel posed = transformed(model, pose);
    const RenderPass pass = renderer.forward(posed, camera);
    const RenderImage& img = pass.image();
    std::vector<float> rgb = datasets::composite(camera.width, camera.height, img.rgb, img.alpha, background);
    datasets::apply_sensor(camera.width, camera.height, rgb, so, f);
    char name[32];
    std::snprintf(name, sizeof name, "%06d.png", f);
    io::write_image((out / "frames" / name).string(), camera.width, camera.height, rgb.data(), img.alpha.data());
    if (video) video->write(rgb);
    io::PoseRow row;
    row.frame = f;
    row.time_s = f / fps;
    row.world_from_model = pose;
    truth.write(row);
  }
  if (video) video->close();

  nlohmann::ordered_json info;
  info["scene"] = scene;
  info["model"] = args.has("model") ? args.get("model") : "procedural";
  info["gaussians"] = model.size();
  info["object_size"] = object_size;
  info["frames"] = frames;
  info["seed"] = seed;
  info["fps"] = fps;
  info["misalign"] = {{"translation_fraction", mis.translation_fraction}, {"rotation_deg", mis.rotation_deg}};
  info["background"] = args.get_or("background", "plain");
  info["noise_sigma"] = so.noise_sigma;
  info["blur_sigma_px"] = so.blur_sigma_px;
  io::write_file_atomically((out / "scene.json").string(), info.dump(2) + "\n");
  std::printf("wrote %s: %d frames %dx%d, %zu Gaussians, object size %.3f\n", out.string().c_str(), frames,
              camera.width, camera.height, model.size(), object_size);
  return 0;
}

}  // namespace splattrack::apps
