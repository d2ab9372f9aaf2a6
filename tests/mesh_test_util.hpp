// Procedural textured meshes for the mesh2gs tests, written as OBJ + MTL +
// PNG: a texture of four coloured quadrants, and boxes whose faces are split
// into many coplanar triangles (as Blender's subdivided cube is).
#pragma once

#include <Eigen/Core>
#include <array>
#include <filesystem>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

namespace splattrack::test {

// Quadrant colours by (u >= 0.5, v >= 0.5): OBJ's v runs up the image.
inline constexpr std::array<std::array<float, 3>, 4> kQuadrantColours = {{
    {0.9f, 0.1f, 0.1f},  // u < .5, v < .5
    {0.1f, 0.8f, 0.2f},  // u >= .5, v < .5
    {0.1f, 0.2f, 0.9f},  // u < .5, v >= .5
    {0.9f, 0.8f, 0.1f},  // u >= .5, v >= .5
}};

inline std::array<float, 3> quadrant_colour(double u, double v) {
  return kQuadrantColours[(u >= 0.5 ? 1 : 0) + (v >= 0.5 ? 2 : 0)];
}

inline void write_quadrant_png(const std::filesystem::path& path, int size = 64) {
  cv::Mat image(size, size, CV_8UC3);
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      const auto rgb = quadrant_colour((x + 0.5) / size, 1 - (y + 0.5) / size);
      image.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<unsigned char>(rgb[2] * 255 + 0.5),
                                            static_cast<unsigned char>(rgb[1] * 255 + 0.5),
                                            static_cast<unsigned char>(rgb[0] * 255 + 0.5));
    }
  cv::imwrite(path.string(), image);
}

// A planar quad origin + s·a + t·b (s, t in 0..1), split into n × n cells of
// two triangles each, the quadrant texture mapped by (u, v) = (s, t). Each
// cell writes its own vertices, as OBJ exporters split vertices by UV.
struct QuadPatch {
  Eigen::Vector3d origin, a, b;
};

// Writes DIR/NAME.obj, NAME.mtl and quadrants.png; returns the OBJ's path.
inline std::string write_textured_obj(const std::filesystem::path& dir, const std::string& name,
                                      const std::vector<QuadPatch>& patches, int n) {
  write_quadrant_png(dir / "quadrants.png");
  std::ofstream(dir / (name + ".mtl")) << "newmtl paint\nKd 0.5 0.5 0.5\nmap_Kd quadrants.png\n";
  std::ofstream obj(dir / (name + ".obj"));
  obj.precision(17);
  obj << "mtllib " << name << ".mtl\nusemtl paint\n";
  int vertex = 1;
  for (const QuadPatch& p : patches)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        const double s[4] = {double(i) / n, double(i + 1) / n, double(i + 1) / n, double(i) / n};
        const double t[4] = {double(j) / n, double(j) / n, double(j + 1) / n, double(j + 1) / n};
        for (int c = 0; c < 4; ++c) {
          const Eigen::Vector3d x = p.origin + s[c] * p.a + t[c] * p.b;
          obj << "v " << x.x() << ' ' << x.y() << ' ' << x.z() << "\nvt " << s[c] << ' ' << t[c] << '\n';
        }
        obj << "f " << vertex << '/' << vertex << ' ' << vertex + 1 << '/' << vertex + 1 << ' ' << vertex + 2 << '/'
            << vertex + 2 << ' ' << vertex + 3 << '/' << vertex + 3 << '\n';
        vertex += 4;
      }
  return (dir / (name + ".obj")).string();
}

// The six faces of an axis-aligned box centred at the origin, wound
// counter-clockwise seen from outside.
inline std::vector<QuadPatch> box_patches(const Eigen::Vector3d& size) {
  const Eigen::Vector3d h = size / 2;
  std::vector<QuadPatch> faces;
  for (int axis = 0; axis < 3; ++axis)
    for (const double sign : {-1.0, 1.0}) {
      const int p = (axis + 1) % 3, q = (axis + 2) % 3;
      Eigen::Vector3d origin = -h, a = Eigen::Vector3d::Zero(), b = Eigen::Vector3d::Zero();
      origin[axis] = sign * h[axis];
      a[p] = size[p];
      b[q] = size[q];
      if (sign < 0) {  // swap the spanning vectors so that a × b points out
        std::swap(a, b);
      }
      faces.push_back({origin, a, b});
    }
  return faces;
}

}  // namespace splattrack::test
