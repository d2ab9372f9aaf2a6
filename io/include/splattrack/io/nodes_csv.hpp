// Control points on disk (FORMATS.md): --nodes F (CSV or PLY) gives them, nodes.csv
// records the ones a run used; and tracks.csv, each node's deformed pose in
// world coordinates per frame (the motion-capture track).
//   nodes.csv:  node,x,y,z,radius     (model coordinates, at rest)
//   tracks.csv: frame,node,x,y,z,qw,qx,qy,qz
#pragma once

#include <Eigen/Core>
#include <fstream>
#include <string>
#include <vector>

#include "splattrack/render/pose.hpp"

namespace splattrack::io {

inline constexpr const char* kNodesCsvHeader = "node,x,y,z,radius";
inline constexpr const char* kTracksCsvHeader = "frame,node,x,y,z,qw,qx,qy,qz";

struct NodeFile {
  std::vector<Eigen::Vector3d> positions;
  std::vector<double> radii;  // one per node, or empty when the file gives none
};

// A CSV of control points: with a header line naming its columns (x, y, z
// and optionally radius; others, such as node, ignored: a nodes.csv reads
// back), or without one, rows of x,y,z or x,y,z,radius. At least one node;
// radii > 0. Throws InputError naming the file and line.
NodeFile read_nodes_csv(const std::string& path);
// A PLY's vertices (x, y, z and optionally radius; other properties and
// elements skipped), ASCII or binary. Same checks and errors as the CSV's.
NodeFile read_nodes_ply(const std::string& path);
// --nodes F: a PLY by its extension (any case), otherwise a CSV.
NodeFile read_nodes(const std::string& path);
// nodes.csv, written whole at once (atomically).
void write_nodes_csv(const std::string& path, const std::vector<Eigen::Vector3d>& positions,
                     const std::vector<double>& radii);

// Streams a frame's rows at a time, flushed after each frame. With
// `append`, an existing non-empty file is continued (--resume).
class TracksCsvWriter {
 public:
  explicit TracksCsvWriter(const std::string& path, bool append = false);
  // Throws InputError when the write fails.
  void write(int frame, const std::vector<RigidTransform>& world_nodes);

 private:
  std::string path_;
  std::ofstream out_;
};

// One frame of the track.
struct TrackFrame {
  int frame = 0;
  double time_s = 0;
  std::vector<RigidTransform> nodes;  // each node's world position and rotation
};

// tracks.csv whole: its frames in order, `node_count` rows each (time_s 0:
// tracks.csv has none; poses.csv does). Throws InputError naming the file and
// line.
std::vector<TrackFrame> read_tracks_csv(const std::string& path, int node_count);

// --resume: every frame up to `last_frame` (the last in poses.csv), after
// cutting everything after that frame's rows off the file (a killed run's
// half-written rows, or frames poses.csv does not have). Throws InputError
// when a frame lacks rows or the file holds none for `last_frame`.
std::vector<TrackFrame> resume_tracks_csv(const std::string& path, int last_frame, int node_count);

}  // namespace splattrack::io
