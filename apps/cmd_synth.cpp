#include <cmath>
#include <cstdio>
#include <optional>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include "splattrack/datasets/background.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/deformation_field.hpp"
#include "splattrack/datasets/evaluation.hpp"
#include "splattrack/datasets/footage.hpp"
#include "splattrack/datasets/frame_maker.hpp"
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
    "video.mp4, truth/poses.csv, init_pose.json (deliberately misaligned) and scene.json. Over real footage\n"
    "(--background VIDEO|FOLDER) the frames are RGB, without alpha, and the masks are truth/masks/NNNNNN.png.\n"
    "The truth pose of a frame is its pose at mid-exposure; its mask is the visible part of the object.\n"
    "\n"
    "  --scene NAME         default: the bundled procedural object in rigid motion; bend, twist or wave:\n"
    "                       the object (or --model) also deforms about its longest axis (a field of its\n"
    "                       own, not control points), from rest at frame 0, one cycle every --period\n"
    "                       frames; then truth/gaussians/NNNNNN.ply holds each frame's deformed model in\n"
    "                       world coordinates (the same Gaussians in the same order as model.ply)\n"
    "  --period N           frames per deformation cycle (default 60)\n"
    "  --strength S         deformation amplitude, 1 = the scene's default (bend 35 deg, twist 45 deg at the\n"
    "                       ends; wave 8 % of the half length)\n"
    "  --model M.ply        use this model instead of the procedural object (re-centred on its bounds)\n"
    "  --frames N           number of frames (default 100)\n"
    "  --seed S             random seed (default 0)\n"
    "  --misalign T R       initial pose offset: T object sizes, R degrees (default 0.25 15)\n"
    "  --size W,H           image size (default 256,256)\n"
    "  --gaussians N        procedural object size (default 20000)\n"
    "  --speed T            largest translation per frame, object sizes (default 0.02; fast: 0.3)\n"
    "  --rot-speed DEG      largest rotation per frame, degrees (default 2; fast: 10)\n"
    "  --coverage F         the object's size over the shorter image side (default 0.6; bench track\n"
    "                       --realistic: 0.25, a small object in a big frame)\n"
    "  --distance D         camera to object, in object sizes (default 3.5; bench track --realistic: 5)\n"
    "  --background KIND    plain | noise | clutter (default plain), or real footage: a video file, an image\n"
    "                       folder or a glob; dataset frame i lies over footage frame (i + offset) mod its\n"
    "                       length, offset from --seed, each scaled to cover --size and cropped about its centre\n"
    "  --lighting A         lighting that drifts over time, 0-1 (default 0: none); at 1 each channel's gain\n"
    "                       moves in [0.7, 1.3], its offset in [-0.1, 0.1], and a warm/cold tint scales red\n"
    "                       and blue oppositely by up to 10 %, over the whole frame\n"
    "  --occluder C         a textured disc or box crosses in front of the object in frames 30-69 of every\n"
    "                       100, hiding at most C (0-0.3) of its silhouette (default 0: none)\n"
    "  --motion-blur S      exposure, a fraction S (0-1) of the frame interval: each frame is the mean of 5\n"
    "                       renders spread over it (default 0: sharp)\n"
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

// Not a background kind: real footage, when there is something to read.
bool is_footage(const std::string& spec) {
  return std::filesystem::exists(spec) || spec.find_first_of("*?[") != std::string::npos;
}

double fraction_option(const Args& args, const std::string& key, double most) {
  const double v = args.get_double(key, 0.0);
  if (!(v >= 0 && v <= most)) {
    char text[96];
    std::snprintf(text, sizeof text, "--%s must be between 0 and %g", key.c_str(), most);
    throw UsageError(text);
  }
  return v;
}

datasets::FrameEffects parse_effects(const Args& args, std::uint64_t seed) {
  datasets::FrameEffects e;
  e.lighting.amount = fraction_option(args, "lighting", 1.0);
  e.lighting.seed = seed;
  e.occluder.max_cover = fraction_option(args, "occluder", datasets::kMaxOccluderCover);
  e.occluder.seed = seed;
  e.motion_blur.shutter = fraction_option(args, "motion-blur", 1.0);
  return e;
}

}  // namespace

int cmd_synth(int argc, char** argv) {
  std::string joined;
  std::vector<char*> folded = fold_misalign(argc, argv, joined);
  const Args args(static_cast<int>(folded.size()), folded.data(), 2,
                  {"scene", "out", "model", "frames", "seed", "misalign", "size", "gaussians", "speed", "rot-speed",
                   "background", "bg-colour", "noise", "blur", "fps", "threads", "lighting", "occluder", "motion-blur",
                   "coverage", "distance", "period", "strength"},
                  {"help", "no-video"});
  if (args.has("help")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "'");
  const std::string scene = args.get_or("scene", "default");
  std::optional<datasets::DeformFieldOptions> deformation;
  if (scene == "bend" || scene == "twist" || scene == "wave") {
    deformation.emplace();
    deformation->scene = scene == "bend"    ? datasets::DeformScene::bend
                         : scene == "twist" ? datasets::DeformScene::twist
                                            : datasets::DeformScene::wave;
    deformation->period_frames = args.get_double("period", deformation->period_frames);
    deformation->strength = args.get_double("strength", deformation->strength);
    if (!(deformation->period_frames > 0)) throw UsageError("--period must be > 0");
    if (!std::isfinite(deformation->strength)) throw UsageError("--strength must be a number");
  } else if (scene != "default") {
    throw UsageError("unknown scene '" + scene + "' (available: default, bend, twist, wave)");
  } else if (args.has("period") || args.has("strength")) {
    throw UsageError("--period and --strength need --scene bend, twist or wave");
  }
  const std::filesystem::path out = args.get("out");
  const int frames = args.get_int("frames", 100);
  const int seed = args.get_int("seed", 0);
  if (frames < 1) throw UsageError("--frames must be >= 1");
  const auto misalign_values = args.get_list("misalign", 2).value_or(std::vector<double>{0.25, 15.0});
  const auto size = args.get_list("size", 2).value_or(std::vector<double>{256, 256});
  if (size[0] < 16 || size[1] < 16 || size[0] > 8192 || size[1] > 8192)
    throw UsageError("--size must be between 16 and 8192 pixels per side");
  const std::string background_spec = args.get_or("background", "plain");
  const auto bg_kind = datasets::parse_background_kind(background_spec);
  if (!bg_kind && !is_footage(background_spec))
    throw UsageError("--background '" + background_spec +
                     "' is neither plain, noise nor clutter, nor an existing video file, image folder or glob");
  const datasets::FrameEffects effects = parse_effects(args, static_cast<std::uint64_t>(seed));

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
  placement.distance =
      args.get_double("distance", datasets::kDefaultDistance / datasets::kObjectDiameter) * object_size;
  placement.coverage = args.get_double("coverage", datasets::kDefaultCoverage);
  if (!(placement.coverage > 0 && placement.coverage <= 4)) throw UsageError("--coverage must be in (0, 4]");
  if (!(placement.distance > object_size)) throw UsageError("--distance must be more than 1 object size");
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

  datasets::BackgroundOptions bo;
  if (bg_kind) bo.kind = *bg_kind;
  if (const auto c = args.get_list("bg-colour", 3))
    for (int i = 0; i < 3; ++i) bo.colour[static_cast<std::size_t>(i)] = static_cast<float>((*c)[static_cast<std::size_t>(i)]);
  bo.seed = static_cast<std::uint64_t>(seed);
  // Real footage moves, so it is read frame by frame; a made-up background is
  // one image. Footage that cannot be read stops the run before any file is written.
  std::unique_ptr<datasets::FootageBackground> footage;
  std::vector<float> background;
  const int footage_offset = datasets::footage_offset(static_cast<std::uint64_t>(seed));
  if (bg_kind) background = datasets::make_background(camera.width, camera.height, bo);
  else footage = std::make_unique<datasets::FootageBackground>(background_spec, camera.width, camera.height,
                                                              footage_offset);

  std::filesystem::create_directories(out / "frames");
  std::filesystem::create_directories(out / "truth");
  io::write_ply((out / "model.ply").string(), model);
  io::write_camera_json((out / "camera.json").string(), camera);
  io::write_pose((out / "init_pose.json").string(), init);

  if (footage) std::filesystem::create_directories(out / "truth" / "masks");
  datasets::SensorOptions so;
  so.noise_sigma = args.get_double("noise", 0.0);
  so.blur_sigma_px = args.get_double("blur", 0.0);
  so.seed = static_cast<std::uint64_t>(seed);
  const double fps = args.get_double("fps", 30.0);
  if (fps <= 0) throw UsageError("--fps must be positive");

  ExecutionContext context(args.get_threads(0));
  datasets::FrameMaker maker(model, camera, poses, object_size, effects, context);
  std::optional<datasets::DeformationField> field;
  if (deformation) {
    field.emplace(model, *deformation);
    std::filesystem::create_directories(out / "truth" / "gaussians");
  }
  io::PoseCsvWriter truth((out / "truth" / "poses.csv").string());
  std::unique_ptr<io::VideoFileWriter> video;
  if (!args.has("no-video"))
    video = std::make_unique<io::VideoFileWriter>((out / "video.mp4").string(), camera.width, camera.height, fps);
  for (int f = 0; f < frames; ++f) {
    char name[32];
    std::snprintf(name, sizeof name, "%06d.ply", f);
    if (field) {
      const GaussianModel shape = field->deformed(f);
      maker.set_shape(shape);
      io::write_ply((out / "truth" / "gaussians" / name).string(),
                    transformed(shape, poses[static_cast<std::size_t>(f)]));
    }
    datasets::MadeFrame made = maker.make(f, footage ? footage->next() : background);
    datasets::apply_sensor(camera.width, camera.height, made.rgb, so, f);
    std::snprintf(name, sizeof name, "%06d.png", f);
    // Over footage the tracker must find the object itself: no alpha.
    io::write_image((out / "frames" / name).string(), camera.width, camera.height, made.rgb.data(),
                    footage ? nullptr : made.mask.data());
    if (footage) io::write_mask((out / "truth" / "masks" / name).string(), camera.width, camera.height, made.mask.data());
    if (video) video->write(made.rgb);
    io::PoseRow row;
    row.frame = f;
    row.time_s = f / fps;
    row.world_from_model = poses[static_cast<std::size_t>(f)];
    truth.write(row);
  }
  if (video) video->close();

  nlohmann::ordered_json info;
  info["scene"] = scene;
  info["model"] = args.has("model") ? args.get("model") : "procedural";
  info["gaussians"] = model.size();
  info["object_size"] = object_size;
  info["coverage"] = placement.coverage;
  info["distance"] = placement.distance;
  info["frames"] = frames;
  info["seed"] = seed;
  info["fps"] = fps;
  info["misalign"] = {{"translation_fraction", mis.translation_fraction}, {"rotation_deg", mis.rotation_deg}};
  info["background"] = background_spec;
  if (footage) {
    info["background_offset"] = footage_offset;
    info["background_frames"] = footage->length();  // 0: the sequence did not reach the footage's end
    info["masks"] = "truth/masks";
  }
  info["lighting"] = effects.lighting.amount;
  info["occluder_max_cover"] = effects.occluder.max_cover;
  info["motion_blur_shutter"] = effects.motion_blur.shutter;
  info["motion_blur_samples"] = effects.motion_blur.samples;
  if (deformation) {
    info["deformation"] = {{"period_frames", deformation->period_frames},
                           {"strength", deformation->strength},
                           {"truth", "truth/gaussians"}};
  }
  info["noise_sigma"] = so.noise_sigma;
  info["blur_sigma_px"] = so.blur_sigma_px;
  io::write_file_atomically((out / "scene.json").string(), info.dump(2) + "\n");
  std::printf("wrote %s: %d frames %dx%d, %zu Gaussians, object size %.3f\n", out.string().c_str(), frames,
              camera.width, camera.height, model.size(), object_size);
  return 0;
}

}  // namespace splattrack::apps
