#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include "splattrack/datasets/mesh_to_gaussians.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/gaussian_io.hpp"
#include "splattrack/io/mesh_io.hpp"

namespace splattrack::apps {

namespace {

const std::string kHelp =
    "usage: splattrack mesh2gs MESH --out M.ply [--gaussians N] [--antialiased]\n"
    "\n"
    "Turns a textured triangle mesh into a 3DGS model for tracking: flat Gaussians on a regular lattice over\n"
    "the surface, coloured from the texture (or vertex colours, or the material's Kd), kept inside the mesh's\n"
    "crease edges so that the rendered silhouette is no larger than the mesh's.\n"
    "\n"
    "  MESH          .obj (with its .mtl and texture images) or .ply (vertex colours, face vertex_indices)\n"
    "  --out         the model to write (3DGS PLY, SH degree 0)\n"
    "  --gaussians   about how many Gaussians (default " +
    std::to_string(datasets::kDefaultMeshGaussians) +
    ")\n"
    "  --antialiased mark the model to be rendered with each opacity compensated for the renderer's 0.3 px2\n"
    "                low-pass (the header comment 'rasterize_mode antialiased'): its rendered area then stays\n"
    "                the mesh's at any distance, where the classic render grows by up to 4 % at a lattice\n"
    "                cell per pixel; the crease inset is sized for the classic render (see BENCHMARKS.md)\n"
    "\n"
    "A texture that cannot be read is a warning: its faces get the material's Kd colour (0.6 grey when the\n"
    "MTL names a texture but no Kd). Triangles without an area are skipped; texture coordinates wrap.\n";

}  // namespace

int cmd_mesh2gs(int argc, char** argv) {
  const Args args(argc, argv, 2, {"out", "gaussians"}, {"help", "antialiased"});
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

  const auto start = std::chrono::steady_clock::now();
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
  io::write_ply(out_path, conversion.model);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("wrote %s (%zu Gaussians, spacing %.4g, %zu crease edges, %zu planar regions, %.2f s)\n",
              out_path.c_str(), conversion.model.size(), conversion.spacing, conversion.crease_edges,
              conversion.regions, seconds);
  return 0;
}

}  // namespace splattrack::apps
