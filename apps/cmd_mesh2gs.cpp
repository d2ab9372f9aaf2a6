#include <chrono>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include "frame_camera.hpp"
#include "point_pose.hpp"
#include "splattrack/datasets/colour_from_view.hpp"
#include "splattrack/datasets/mesh_to_gaussians.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/gaussian_io.hpp"
#include "splattrack/io/mesh_io.hpp"
#include "splattrack/io/pose_io.hpp"
#include "splattrack/io/video.hpp"
#include "splattrack/render/execution.hpp"

namespace splattrack::apps {

namespace {

const std::string kHelp =
    "usage: splattrack mesh2gs MESH --out M.ply [--gaussians N] [--antialiased]\n"
    "                          [--colour-from V --camera CAM (--pose P.json | --points P.json)\n"
    "                           [--colour-frame N] [--threads N]]\n"
    "\n"
    "Turns a textured triangle mesh into a 3DGS model for tracking: flat Gaussians on a regular lattice over\n"
    "the surface, coloured from the texture (or vertex colours, or the material's Kd), kept inside the mesh's\n"
    "crease edges so that the rendered silhouette is no larger than the mesh's.\n"
    "\n"
    "  MESH          .obj (with its .mtl and texture images), .ply (vertex colours, face vertex_indices) or\n"
    "                .cao (ViSP's CAD models: flat faces, no colours)\n"
    "  --out         the model to write (3DGS PLY, SH degree 0)\n"
    "  --gaussians   about how many Gaussians (default " +
    std::to_string(datasets::kDefaultMeshGaussians) +
    ")\n"
    "  --antialiased mark the model to be rendered with each opacity compensated for the renderer's 0.3 px2\n"
    "                low-pass (the header comment 'rasterize_mode antialiased'): its rendered area then stays\n"
    "                the mesh's at any distance, where the classic render grows by up to 4 % at a lattice\n"
    "                cell per pixel; the crease inset is sized for the classic render (see BENCHMARKS.md)\n"
    "  --colour-from V  colour the Gaussians a frame shows from that frame (V: an image, or a video, image\n"
    "                folder or glob as track's --video takes; frame --colour-frame N, default 0): for a mesh\n"
    "                without colours (a CAD model) or a texture photographed elsewhere. Needs the frame's\n"
    "                --camera and the object's pose in it: --pose P.json, or --points P.json (model points\n"
    "                and their pixels, PnP: see track --init-points). Gaussians the frame does not show keep\n"
    "                the mesh's colours, or, when the mesh has none (no materials, no vertex colours), take\n"
    "                the mean of the seen ones. The frame's detail is what the tracker matches: a lattice cell\n"
    "                of a few pixels there is enough\n"
    "  --threads N   threads for that render (default: all cores)\n"
    "\n"
    "A texture that cannot be read is a warning: its faces get the material's Kd colour (0.6 grey when the\n"
    "MTL names a texture but no Kd). Triangles without an area are skipped; texture coordinates wrap.\n";

// Frame `index` of `spec` (anything track's --video takes) and its camera
// (frame_camera.hpp).
struct SeenFrame {
  io::Frame frame;  // made pinhole when the camera has lens distortion
  Camera recorded;  // the calibration fitted to the frame: where picked points are
  Camera camera;    // what `frame` shows
};
SeenFrame read_frame(const std::string& spec, int index, const std::string& camera_path) {
  CameraFrames opened = open_camera_frames(camera_path, spec, "");
  SeenFrame out{{}, opened.recorded, opened.camera};
  for (;;) {
    const io::FrameStatus status = opened.source->next(out.frame);
    if (status == io::FrameStatus::end) throw io::InputError(spec, "has no frame " + std::to_string(index));
    if (out.frame.index < index) continue;
    if (status == io::FrameStatus::skipped)
      throw io::InputError(out.frame.name, "frame " + std::to_string(index) + ": " + out.frame.problem);
    return out;
  }
}

}  // namespace

int cmd_mesh2gs(int argc, char** argv) {
  const Args args(argc, argv, 2,
                  {"out", "gaussians", "colour-from", "colour-frame", "camera", "pose", "points", "threads"},
                  {"help", "antialiased"});
  if (args.has("help")) {
    std::fputs(kHelp.c_str(), stdout);
    return 0;
  }
  if (args.positional().size() != 1)
    throw UsageError(args.positional().empty() ? "give one mesh file" : "unexpected argument '" + args.positional()[1] + "'");
  const std::string mesh_path = args.positional()[0];
  const std::string out_path = args.get("out");
  datasets::MeshToGaussiansOptions options;
  options.gaussians = args.get_int("gaussians", datasets::kDefaultMeshGaussians);
  if (options.gaussians < 1) throw UsageError("--gaussians must be a positive count");
  options.antialiased = args.has("antialiased");
  const bool recolour = args.has("colour-from");
  if (recolour && !args.has("camera")) throw UsageError("--colour-from needs the frame's --camera");
  if (recolour && args.has("pose") == args.has("points"))
    throw UsageError("--colour-from needs the object's pose in that frame: --pose or --points (one of them)");
  if (!recolour)
    for (const char* o : {"colour-frame", "camera", "pose", "points", "threads"})
      if (args.has(o)) throw UsageError(std::string("--") + o + " is for --colour-from");
  const int colour_frame = args.get_int("colour-frame", 0);
  if (colour_frame < 0) throw UsageError("--colour-frame must be a frame index (0 or more)");
  const int threads = args.get_threads(0);

  const auto start = std::chrono::steady_clock::now();
  // The frame, its camera and the pose are read and checked first: the
  // conversion of a large mesh takes a while.
  std::optional<SeenFrame> seen;
  RigidPose pose;
  if (recolour) {
    seen = read_frame(args.get("colour-from"), colour_frame, args.get("camera"));
    pose = args.has("pose") ? io::read_pose(args.get("pose"), seen->recorded)
                            : pose_from_point_file(args.get("points"), seen->recorded);
  }
  io::LoadReport report;
  const io::TriangleMesh mesh = io::read_mesh(mesh_path, &report);
  for (const auto& w : report.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  datasets::MeshConversion conversion;
  try {
    conversion = datasets::mesh_to_gaussians(mesh, options);
  } catch (const std::invalid_argument& e) {
    throw io::InputError(mesh_path, e.what());
  }
  for (const auto& w : conversion.warnings) std::fprintf(stderr, "warning: %s: %s\n", mesh_path.c_str(), w.c_str());
  if (seen) {
    const io::Frame& frame = seen->frame;
    ExecutionContext context(threads);
    // No colour of its own at all (a .cao): the grey of the conversion is no guess.
    const bool plain = mesh.materials.empty() && mesh.vertex_colors.empty();
    datasets::ViewColouring coloured;
    try {
      coloured = datasets::colour_from_view(conversion.model, seen->camera, pose, frame.view(),
                                            plain ? datasets::UnseenColour::mean : datasets::UnseenColour::keep,
                                            context);
    } catch (const std::invalid_argument& e) {
      // The frame was read at the camera's size: what is left is the pose.
      throw io::InputError(args.get(args.has("pose") ? "pose" : "points"), e.what());
    }
    std::printf("coloured %zu of %zu Gaussians from %s frame %d\n", coloured.seen, coloured.total,
                frame.name.c_str(), frame.index);
  }
  io::write_ply(out_path, conversion.model);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("wrote %s (%zu Gaussians, spacing %.4g, %zu crease edges, %zu planar regions, %.2f s)\n",
              out_path.c_str(), conversion.model.size(), conversion.spacing, conversion.crease_edges,
              conversion.regions, seconds);
  return 0;
}

}  // namespace splattrack::apps
