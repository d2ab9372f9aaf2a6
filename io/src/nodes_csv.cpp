#include "splattrack/io/nodes_csv.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "csv_cells.hpp"
#include "file_util.hpp"
#include "splattrack/io/atomic_file.hpp"
#include "splattrack/io/error.hpp"

namespace splattrack::io {
namespace {

// The lines of a text file, each without its newline (and '\r'); `ends[i]`:
// the byte after line i's newline, or the file's end when it has none.
struct Lines {
  std::vector<std::string_view> text;
  std::vector<std::size_t> ends;
  std::vector<bool> terminated;
};

Lines split_lines(std::string_view file) {
  Lines lines;
  csv::LineCursor cursor(file);
  while (cursor.next()) {
    lines.text.push_back(cursor.line());
    lines.ends.push_back(cursor.end());
    lines.terminated.push_back(cursor.terminated());
  }
  return lines;
}

std::string line_label(std::size_t index) { return "line " + std::to_string(index + 1) + ": "; }

}  // namespace

NodeFile read_nodes_csv(const std::string& path) {
  const FileBytes bytes = read_file_bytes(path);
  const Lines lines = split_lines(bytes.view());
  int x = 0, y = 1, z = 2, radius = -1;
  std::size_t columns = 3;
  std::size_t first = 0;
  // A header: a first line whose first cell is not a number.
  if (!lines.text.empty() && !csv::finite_number(csv::split_commas(lines.text[0])[0])) {
    const auto names = csv::split_commas(lines.text[0]);
    const auto find = [&](std::string_view name) {
      const auto it = std::find(names.begin(), names.end(), name);
      return it == names.end() ? -1 : static_cast<int>(it - names.begin());
    };
    x = find("x"), y = find("y"), z = find("z"), radius = find("radius");
    if (x < 0 || y < 0 || z < 0) throw InputError(path, "line 1: the header must name the columns x, y and z");
    columns = names.size();
    first = 1;
  }
  NodeFile out;
  for (std::size_t i = first; i < lines.text.size(); ++i) {
    if (lines.text[i].empty()) continue;
    const auto cells = csv::split_commas(lines.text[i]);
    // Without a header, the first row says whether radii are given.
    if (first == 0 && out.positions.empty() && cells.size() == 4) radius = 3, columns = 4;
    if (cells.size() != columns)
      throw InputError(path, line_label(i) + "expected " + std::to_string(columns) + " columns, found " +
                                 std::to_string(cells.size()));
    const auto number = [&](int column, const char* what) {
      const std::optional<double> v = csv::finite_number(cells[static_cast<std::size_t>(column)]);
      if (!v) throw InputError(path, line_label(i) + what + " is not a finite number");
      return *v;
    };
    out.positions.emplace_back(number(x, "x"), number(y, "y"), number(z, "z"));
    if (radius >= 0) {
      const double r = number(radius, "radius");
      if (!(r > 0)) throw InputError(path, line_label(i) + "radius must be > 0");
      out.radii.push_back(r);
    }
  }
  if (out.positions.empty()) throw InputError(path, "no control points");
  return out;
}

void write_nodes_csv(const std::string& path, const std::vector<Eigen::Vector3d>& positions,
                     const std::vector<double>& radii) {
  std::string text = std::string(kNodesCsvHeader) + '\n';
  for (std::size_t k = 0; k < positions.size(); ++k) {
    csv::append_number(text, static_cast<int>(k));
    for (const double v : {positions[k].x(), positions[k].y(), positions[k].z(), radii.at(k)}) {
      text += ',';
      csv::append_number(text, v);
    }
    text += '\n';
  }
  write_file_atomically(path, text);
}

TracksCsvWriter::TracksCsvWriter(const std::string& path, bool append) : path_(path) {
  csv::open_stream(out_, path, append, kTracksCsvHeader);
}

void TracksCsvWriter::write(int frame, const std::vector<RigidTransform>& world_nodes) {
  std::string rows;
  for (std::size_t k = 0; k < world_nodes.size(); ++k) {
    csv::append_number(rows, frame);
    rows += ',';
    csv::append_number(rows, static_cast<int>(k));
    const Eigen::Vector3d& p = world_nodes[k].translation;
    const Eigen::Quaterniond q = world_nodes[k].rotation.normalized();
    for (const double v : {p.x(), p.y(), p.z(), q.w(), q.x(), q.y(), q.z()}) {
      rows += ',';
      csv::append_number(rows, v);
    }
    rows += '\n';
  }
  // One write per frame, then flush: a kill leaves whole frames behind, or
  // a half-written last frame that --resume cuts off.
  out_ << rows << std::flush;
  if (!out_) throw InputError(path_, "write failed at frame " + std::to_string(frame));
}

namespace {

struct TrackRow {
  int frame = 0;
  int node = 0;
  RigidTransform world;
};

// Row `i` of tracks.csv; nothing when it is half written (no newline, fewer
// cells). Throws InputError for a malformed whole row.
std::optional<TrackRow> track_row(const Lines& lines, std::size_t i, const std::string& path) {
  const auto cells = csv::split_commas(lines.text[i]);
  if (!lines.terminated[i] || cells.size() != 9) return std::nullopt;
  std::optional<double> v[7];
  for (int c = 0; c < 7; ++c) v[c] = csv::finite_number(cells[static_cast<std::size_t>(2 + c)]);
  const std::optional<int> frame = csv::integer(cells[0]), node = csv::integer(cells[1]);
  if (!frame || !node || !std::all_of(std::begin(v), std::end(v), [](const auto& c) { return c.has_value(); }))
    throw InputError(path, line_label(i) + "not a row of frame,node,x,y,z,qw,qx,qy,qz");
  TrackRow row;
  row.frame = *frame;
  row.node = *node;
  row.world.translation = {*v[0], *v[1], *v[2]};
  row.world.rotation = Eigen::Quaterniond(*v[3], *v[4], *v[5], *v[6]).normalized();
  return row;
}

Lines tracks_lines(const FileBytes& bytes, const std::string& path) {
  Lines lines = split_lines(bytes.view());
  if (lines.text.empty() || lines.text[0] != kTracksCsvHeader)
    throw InputError(path, std::string("line 1: expected the header ") + kTracksCsvHeader);
  return lines;
}

// The frames of rows [1, end) of tracks.csv: `node_count` rows each, in node
// order, frames increasing. Throws InputError for a half-written row.
std::vector<TrackFrame> frames_of(const Lines& lines, std::size_t end, int node_count, const std::string& path) {
  std::vector<TrackFrame> frames;
  for (std::size_t i = 1; i < end; ++i) {
    if (lines.text[i].empty()) continue;
    const std::optional<TrackRow> row = track_row(lines, i, path);
    if (!row) throw InputError(path, line_label(i) + "a half-written row");
    if (frames.empty() || frames.back().nodes.size() == static_cast<std::size_t>(node_count)) {
      if (!frames.empty() && row->frame <= frames.back().frame)
        throw InputError(path, line_label(i) + "frame " + std::to_string(row->frame) + " does not follow frame " +
                                   std::to_string(frames.back().frame));
      frames.push_back({row->frame, 0.0, {}});
    }
    if (row->frame != frames.back().frame || row->node != static_cast<int>(frames.back().nodes.size()))
      throw InputError(path, line_label(i) + "expected frame " + std::to_string(frames.back().frame) + " node " +
                                 std::to_string(frames.back().nodes.size()));
    frames.back().nodes.push_back(row->world);
  }
  if (!frames.empty() && frames.back().nodes.size() != static_cast<std::size_t>(node_count))
    throw InputError(path, "frame " + std::to_string(frames.back().frame) + " has " +
                               std::to_string(frames.back().nodes.size()) + " of the " + std::to_string(node_count) +
                               " nodes' rows");
  return frames;
}

}  // namespace

std::vector<TrackFrame> resume_tracks_csv(const std::string& path, int last_frame, int node_count) {
  const FileBytes bytes = read_file_bytes(path);
  const Lines lines = tracks_lines(bytes, path);
  // Whole rows up to last_frame's are kept; a half-written row, or frames
  // poses.csv lacks, are cut from there.
  std::size_t end = 1, keep = lines.ends[0];
  for (; end < lines.text.size(); ++end) {
    const std::optional<TrackRow> row = track_row(lines, end, path);
    if (!row || row->frame > last_frame) break;
    keep = lines.ends[end];
  }
  const std::vector<TrackFrame> frames = frames_of(lines, end, node_count, path);
  if (frames.empty() || frames.back().frame != last_frame)
    throw InputError(path, "holds no rows for frame " + std::to_string(last_frame) +
                               ", the last in poses.csv: it does not belong to that run (run again without --resume)");
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) > keep && !ec) {
    std::filesystem::resize_file(path, keep, ec);
    if (ec)
      throw InputError(path, "cannot cut off the rows after frame " + std::to_string(last_frame) + ": " + ec.message());
  }
  return frames;
}

std::vector<TrackFrame> read_tracks_csv(const std::string& path, int node_count) {
  const FileBytes bytes = read_file_bytes(path);
  const Lines lines = tracks_lines(bytes, path);
  return frames_of(lines, lines.text.size(), node_count, path);
}

}  // namespace splattrack::io
