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
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <string>
#include <vector>

#include "file_util.hpp"
#include "mesh_checks.hpp"
#include "text_guard.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/mesh_io.hpp"

namespace splattrack::io {

namespace {

// A .cao of a few thousand faces is kilobytes; this is a hundred thousand
// times that.
inline constexpr std::size_t kMaxCaoBytes = std::size_t{64} << 20;
// Counts and face sizes beyond any CAD model's.
inline constexpr std::size_t kMaxCount = std::size_t{1} << 24;

// A record's values, comment and parameters stripped, with its line number.
struct Record {
  int line = 0;
  std::vector<std::string> tokens;
};

// The file's records one at a time, so that memory stays the file's size
// whatever it holds.
class Cursor {
 public:
  Cursor(std::string_view text, const std::string& path) : text_(text), path_(path) { advance(); }

  bool done() const { return !has_next_; }
  const Record& next(const char* what) {
    if (!has_next_) throw InputError(path_, std::string("ends before ") + what);
    current_ = std::move(next_);
    advance();
    return current_;
  }
  [[noreturn]] void fail(const Record& r, const std::string& problem) const {
    throw InputError(path_, "line " + std::to_string(r.line) + ": " + problem);
  }
  double number(const Record& r, std::size_t i) const {
    if (i >= r.tokens.size()) fail(r, "too few values");
    char* end = nullptr;
    const double v = std::strtod(r.tokens[i].c_str(), &end);
    if (end == r.tokens[i].c_str() || *end != '\0' || !std::isfinite(v))
      fail(r, quoted_excerpt(r.tokens[i]) + " is not a finite number");
    return v;
  }
  // A whole number 0 <= v < `count`.
  std::size_t index(const Record& r, std::size_t i, std::size_t count, const char* of) const {
    const double v = number(r, i);
    if (v < 0 || v >= static_cast<double>(count) || v != std::floor(v))
      fail(r, quoted_excerpt(r.tokens[i]) + " is not one of the " + std::to_string(count) + " " + of);
    return static_cast<std::size_t>(v);
  }
  // A whole number `least` <= v <= kMaxCount, what a count or a face's size is.
  std::size_t whole(const Record& r, std::size_t i, std::size_t least, const char* what) const {
    const double v = number(r, i);
    if (v < static_cast<double>(least) || v > static_cast<double>(kMaxCount) || v != std::floor(v))
      fail(r, quoted_excerpt(r.tokens[i]) + " is not " + what);
    return static_cast<std::size_t>(v);
  }
  // A section's count, on a line of its own.
  std::size_t count(const char* what) {
    const Record& r = next(what);
    return whole(r, 0, 0, what);
  }

 private:
  void advance() {
    has_next_ = false;
    while (at_ < text_.size()) {
      const std::size_t end = std::min(text_.find('\n', at_), text_.size());
      std::string_view line = text_.substr(at_, end - at_);
      at_ = end + 1;
      ++line_;
      for (const char c : line)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r')
          throw InputError(path_, "line " + std::to_string(line_) + " holds a control character: not a .cao text");
      if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
      next_ = Record{line_, {}};
      std::size_t i = 0;
      while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        std::size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
        const std::string_view word = line.substr(i, j - i);
        i = j;
        if (word.empty() || word.find('=') != std::string_view::npos) continue;  // a name=value parameter
        if (word.rfind("load(", 0) == 0)
          throw InputError(path_, "line " + std::to_string(line_) +
                                      ": load(...) includes another file, which is not supported: merge it in");
        next_.tokens.emplace_back(word);
      }
      if (!next_.tokens.empty()) {
        has_next_ = true;
        return;
      }
    }
  }

  std::string_view text_;
  const std::string& path_;
  std::size_t at_ = 0;
  int line_ = 0;
  bool has_next_ = false;
  Record next_, current_;
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
    const FileBytes bytes = read_file_bytes(path, kMaxCaoBytes);
    Cursor cursor(bytes.view(), path);
    const Record& version = cursor.next("the version");
    if (version.tokens[0] != "V1")
      cursor.fail(version, "expected the version 'V1', found " + quoted_excerpt(version.tokens[0]));

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
      const std::size_t n = cursor.whole(r, 0, 3, "a face's line count (3 or more)");
      std::vector<std::array<std::size_t, 2>> edges;
      for (std::size_t k = 0; k < n; ++k) edges.push_back(lines[cursor.index(r, 1 + k, lines.size(), "lines")]);
      add_fan(chain(edges, r, cursor), mesh);
    }
    const std::size_t point_faces = cursor.count("the count of faces from points");
    for (std::size_t f = 0; f < point_faces; ++f) {
      const Record& r = cursor.next("the faces from points");
      const std::size_t n = cursor.whole(r, 0, 3, "a face's point count (3 or more)");
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
