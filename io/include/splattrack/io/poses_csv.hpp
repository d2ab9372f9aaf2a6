// poses.csv (FORMATS.md): one row per frame,
//   frame,time_s,qw,qx,qy,qz,tx,ty,tz,status,loss,iou,iterations,ms
// with the object's world_from_model pose. Ground-truth tracks
// (truth/poses.csv) use the same format with status "tracking" and the four
// measurement columns empty: an empty cell means "not measured", never 0.
#pragma once

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "splattrack/render/pose.hpp"
#include "splattrack/render/track_status.hpp"

namespace splattrack::io {

inline constexpr const char* kPosesCsvHeader = "frame,time_s,qw,qx,qy,qz,tx,ty,tz,status,loss,iou,iterations,ms";

struct PoseRow {
  int frame = 0;
  double time_s = 0.0;
  RigidPose world_from_model;
  TrackStatus status = TrackStatus::tracking;
  std::optional<double> loss;
  std::optional<double> iou;
  std::optional<int> iterations;
  std::optional<double> ms;
};

// Streams rows to a file, flushing after each one so that a killed run keeps
// every finished frame. With `append`, an existing non-empty file is
// continued (for --resume) and the header is written only to a new file.
class PoseCsvWriter {
 public:
  explicit PoseCsvWriter(const std::string& path, bool append = false);
  void write(const PoseRow& row);  // throws InputError when the write fails
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ofstream out_;
};

// Reads a poses.csv. The header must begin with the FORMATS.md columns in
// order (further columns are allowed and ignored); frame indices must
// strictly increase. Throws InputError naming the file and line.
std::vector<PoseRow> read_poses_csv(const std::string& path);

// For --resume: the rows a killed run left behind. Its last line may be half
// written (no newline at its end, or fewer columns than the header): that
// line is cut off the file and described in `dropped`, so that appending
// continues after the last complete frame. A malformed line anywhere else
// still throws InputError naming the file and line. An empty file, or one cut
// inside its header, has no rows (the header is cut off too).
struct ResumedPoses {
  std::vector<PoseRow> rows;
  std::string dropped;  // "" or a warning naming the file and line
};
ResumedPoses resume_poses_csv(const std::string& path);

// One CSV line without the newline: shortest round-trip decimals, so reading
// it back gives the same doubles.
std::string format_pose_row(const PoseRow& row);

}  // namespace splattrack::io
