// ViSP's CAD format (.cao, version 1): the model-based trackers' own, what
// ViSP users have for their objects (the teabox of the sample data). Read
// here because nothing outside ViSP (GPL) reads it:
//
//   V1
//   N            points, then N lines "x y z"
//   L            lines, then L lines "i j" (point indices)
//   F            faces from lines, then F lines "n l1 .. ln"
//   F            faces from points, then F lines "n p1 .. pn"
//   C            cylinders, then C lines "p1 p2 radius"
//   C            circles, then C lines "radius centre p1 p2"
//
// '#' starts a comment; a record may end in "name=..." style parameters.
// Faces are planar convex polygons, counter-clockwise seen from outside
// (ViSP's convention), triangulated as fans. Lines, cylinders and circles
// describe edges and curved parts the tracker cannot use: lines only build
// faces, the rest is a warning.
#include <array>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "file_util.hpp"
#include "mesh_checks.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/mesh_io.hpp"

namespace splattrack::io {

namespace {

// A record's numbers, comment and parameters stripped, with its line number.
struct Record {
  int line = 0;
  std::vector<std::string> tokens;
};

std::vector<Record> records(std::string_view text) {
  std::vector<Record> out;
  std::istringstream in{std::string(text)};
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    Record r{number, {}};
    for (std::string w; words >> w;)
      if (w.find('=') == std::string::npos) r.tokens.push_back(w);
    if (!r.tokens.empty()) out.push_back(std::move(r));
  }
  return out;
}

class Cursor {
 public:
  Cursor(std::vector<Record> records, const std::string& path) : records_(std::move(records)), path_(path) {}

  bool done() const { return at_ >= records_.size(); }
  const Record& next(const char* what) {
    if (at_ >= records_.size()) throw InputError(path_, std::string("ends before ") + what);
    return records_[at_++];
  }
  [[noreturn]] void fail(const Record& r, const std::string& problem) const {
    throw InputError(path_, "line " + std::to_string(r.line) + ": " + problem);
  }
  double number(const Record& r, std::size_t i) const {
    if (i >= r.tokens.size()) fail(r, "too few values");
    char* end = nullptr;
    const double v = std::strtod(r.tokens[i].c_str(), &end);
    if (end == r.tokens[i].c_str() || *end != '\0' || !std::isfinite(v))
      fail(r, "'" + r.tokens[i] + "' is not a finite number");
    return v;
  }
  std::size_t index(const Record& r, std::size_t i, std::size_t count, const char* of) const {
    const double v = number(r, i);
    if (v < 0 || v >= static_cast<double>(count) || v != std::floor(v))
      fail(r, "'" + r.tokens[i] + "' is not one of the " + std::to_string(count) + " " + of);
    return static_cast<std::size_t>(v);
  }
  // A section's count, on a line of its own.
  std::size_t count(const char* what) {
    const Record& r = next(what);
    return index(r, 0, std::size_t{1} << 24, what);
  }

 private:
  std::vector<Record> records_;
  std::size_t at_ = 0;
  const std::string& path_;
};

void add_fan(const std::vector<std::size_t>& polygon, TriangleMesh& mesh) {
  for (std::size_t k = 1; k + 1 < polygon.size(); ++k)
    for (const std::size_t v : {polygon[0], polygon[k], polygon[k + 1]})
      mesh.triangles.push_back(static_cast<std::uint32_t>(v));
}

// A face given by its edges: the polygon's corners in the order the edges
// chain (each edge shares an end with the one before; either direction).
std::vector<std::size_t> chain(const std::vector<std::array<std::size_t, 2>>& edges, const Record& r,
                               const Cursor& cursor) {
  std::vector<std::size_t> corners;
  std::size_t end = edges[0][1];
  if (edges.size() > 1 && edges[0][1] != edges[1][0] && edges[0][1] != edges[1][1]) end = edges[0][0];
  corners.push_back(end == edges[0][1] ? edges[0][0] : edges[0][1]);
  for (std::size_t e = 1; e < edges.size(); ++e) {
    corners.push_back(end);
    if (edges[e][0] == end) end = edges[e][1];
    else if (edges[e][1] == end) end = edges[e][0];
    else cursor.fail(r, "the face's lines do not join end to end");
  }
  if (end != corners.front()) cursor.fail(r, "the face's lines do not close");
  return corners;
}

}  // namespace

TriangleMesh read_cao_mesh(const std::string& path, LoadReport* report) {
  return with_file_context(path, [&] {
    const FileBytes bytes = read_file_bytes(path);
    Cursor cursor(records(bytes.view()), path);
    const Record& version = cursor.next("the version");
    if (version.tokens[0] != "V1") cursor.fail(version, "expected the version 'V1', found '" + version.tokens[0] + "'");

    TriangleMesh mesh;
    const std::size_t points = cursor.count("the point count");
    for (std::size_t i = 0; i < points; ++i) {
      const Record& r = cursor.next("the points");
      for (std::size_t c = 0; c < 3; ++c) mesh.positions.push_back(cursor.number(r, c));
    }
    // Grown record by record: a count is only a claim until the records are there.
    std::vector<std::array<std::size_t, 2>> lines;
    const std::size_t line_count = cursor.count("the line count");
    for (std::size_t i = 0; i < line_count; ++i) {
      const Record& r = cursor.next("the lines");
      lines.push_back({cursor.index(r, 0, points, "points"), cursor.index(r, 1, points, "points")});
    }
    const std::size_t line_faces = cursor.count("the count of faces from lines");
    for (std::size_t f = 0; f < line_faces; ++f) {
      const Record& r = cursor.next("the faces from lines");
      const std::size_t n = cursor.index(r, 0, lines.size() + 1, "lines");
      if (n < 3) cursor.fail(r, "a face needs at least 3 lines");
      std::vector<std::array<std::size_t, 2>> edges;
      for (std::size_t k = 0; k < n; ++k) edges.push_back(lines[cursor.index(r, 1 + k, lines.size(), "lines")]);
      add_fan(chain(edges, r, cursor), mesh);
    }
    const std::size_t point_faces = cursor.count("the count of faces from points");
    for (std::size_t f = 0; f < point_faces; ++f) {
      const Record& r = cursor.next("the faces from points");
      const std::size_t n = cursor.index(r, 0, points + 1, "points");
      if (n < 3) cursor.fail(r, "a face needs at least 3 points");
      std::vector<std::size_t> polygon;
      for (std::size_t k = 0; k < n; ++k) polygon.push_back(cursor.index(r, 1 + k, points, "points"));
      add_fan(polygon, mesh);
    }
    // Cylinders and circles (both sections optional at the end of a file).
    for (const char* what : {"cylinders", "circles"}) {
      if (cursor.done()) break;
      const std::size_t skipped = cursor.count(what);
      for (std::size_t i = 0; i < skipped; ++i) cursor.next(what);
      if (skipped > 0 && report)
        report->warnings.push_back(path + ": " + std::to_string(skipped) + " " + what +
                                   " left out (only flat faces become Gaussians)");
    }
    check_mesh(mesh, path);
    return mesh;
  });
}

}  // namespace splattrack::io
