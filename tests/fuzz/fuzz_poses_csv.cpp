// poses.csv through io::read_poses_csv and the --resume path.
// - read_poses_csv: only InputError escapes; accepted rows have strictly
//   increasing frames and finite values, and format_pose_row of every row
//   reads back as the same row (quaternion within 1e-15, the rest exactly).
// - resume_poses_csv, then PoseCsvWriter(path, append) adding one row, then
//   read_poses_csv: must succeed and give the resumed rows plus the new one.
#include <climits>
#include <optional>

#include "fuzz_util.hpp"
#include "splattrack/io/poses_csv.hpp"

namespace {

using namespace splattrack;
using io::PoseRow;

bool same_optional(const std::optional<double>& a, const std::optional<double>& b) {
  return a.has_value() == b.has_value() && (!a || fuzz::same_bits(*a, *b));
}

// Equal rows; `quat_tolerance` 0 asks for identical bits.
bool same_row(const PoseRow& a, const PoseRow& b, double quat_tolerance) {
  const Eigen::Vector4d qa = a.world_from_model.rotation.coeffs();
  const Eigen::Vector4d qb = b.world_from_model.rotation.coeffs();
  bool quat_ok = true;
  for (int i = 0; i < 4; ++i)
    quat_ok = quat_ok &&
              (quat_tolerance > 0 ? std::abs(qa[i] - qb[i]) <= quat_tolerance : fuzz::same_bits(qa[i], qb[i]));
  bool t_ok = true;
  for (int i = 0; i < 3; ++i)
    t_ok = t_ok && fuzz::same_bits(a.world_from_model.translation[i], b.world_from_model.translation[i]);
  return a.frame == b.frame && fuzz::same_bits(a.time_s, b.time_s) && quat_ok && t_ok && a.status == b.status &&
         same_optional(a.loss, b.loss) && same_optional(a.iou, b.iou) && a.iterations == b.iterations &&
         same_optional(a.ms, b.ms);
}

void check_rows(const std::vector<PoseRow>& rows, const char* how) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const PoseRow& r = rows[i];
    const Eigen::Vector4d q = r.world_from_model.rotation.coeffs();
    FUZZ_CHECK(r.frame >= 0, how << ": row " << i << " has frame " << r.frame);
    FUZZ_CHECK(i == 0 || r.frame > rows[i - 1].frame, how << ": frame " << r.frame << " after " << rows[i - 1].frame);
    FUZZ_CHECK(std::isfinite(r.time_s) && r.world_from_model.translation.allFinite() && q.allFinite(),
               how << ": frame " << r.frame << " has a non-finite value");
    FUZZ_CHECK(std::abs(q.norm() - 1.0) < 1e-12,
               how << ": frame " << r.frame << " has quaternion (xyzw) " << q.transpose() << " of norm " << q.norm());
    for (const auto& v : {r.loss, r.iou, r.ms})
      FUZZ_CHECK(!v || std::isfinite(*v), how << ": frame " << r.frame << " has a non-finite measurement");
  }
}

std::string header_line() { return std::string(io::kPosesCsvHeader) + "\n"; }

// format_pose_row of every row, read back.
void check_format_round_trip(const std::vector<PoseRow>& rows) {
  std::string text = header_line();
  for (const PoseRow& r : rows) text += io::format_pose_row(r) + "\n";
  const std::string path = fuzz::input_file("format.csv", reinterpret_cast<const std::uint8_t*>(text.data()),
                                            text.size());
  std::vector<PoseRow> back;
  fuzz::must_succeed("read_poses_csv of format_pose_row's output", [&] { back = io::read_poses_csv(path); });
  FUZZ_CHECK(back.size() == rows.size(), "format round trip: " << rows.size() << " rows became " << back.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    FUZZ_CHECK(same_row(rows[i], back[i], 1e-15),
               "format round trip changed row " << i << ": " << io::format_pose_row(rows[i]) << " -> "
                                                << io::format_pose_row(back[i]));
}

void check_resume(const std::uint8_t* data, std::size_t size, const std::vector<PoseRow>* read_rows) {
  const std::string path = fuzz::input_file("resume.csv", data, size);
  io::ResumedPoses resumed;
  const bool accepted = fuzz::accepts("resume_poses_csv", [&] { resumed = io::resume_poses_csv(path); });
  FUZZ_CHECK(accepted || !read_rows, "resume_poses_csv refused a file that read_poses_csv accepts");
  if (!accepted) return;
  check_rows(resumed.rows, "resume_poses_csv");
  if (read_rows) {  // resuming may drop the last line, nothing else
    FUZZ_CHECK(resumed.rows.size() + 1 >= read_rows->size() && resumed.rows.size() <= read_rows->size(),
               "read_poses_csv gave " << read_rows->size() << " rows, resume_poses_csv " << resumed.rows.size());
    for (std::size_t i = 0; i < resumed.rows.size(); ++i)
      FUZZ_CHECK(same_row(resumed.rows[i], (*read_rows)[i], 0), "resume_poses_csv changed row " << i);
  }
  const int last = resumed.rows.empty() ? -1 : resumed.rows.back().frame;
  if (last == INT_MAX) return;  // no frame can follow

  PoseRow added;
  added.frame = last + 1;
  added.time_s = 1.5;
  added.world_from_model.translation = {1, -2, 3.25};
  added.status = TrackStatus::recovered;
  added.loss = 0.125;
  added.iterations = 7;
  fuzz::must_succeed("PoseCsvWriter appending to a resumed file", [&] {
    io::PoseCsvWriter writer(path, true);
    writer.write(added);
  });
  std::vector<PoseRow> after;
  try {
    after = io::read_poses_csv(path);
  } catch (const std::exception& e) {
    fuzz::oracle_failure(std::string("read_poses_csv after resume + append failed: ") + e.what() +
                         (resumed.dropped.empty() ? "" : " (resume dropped: " + resumed.dropped + ")"));
  }
  FUZZ_CHECK(after.size() == resumed.rows.size() + 1,
             "after resume + append: " << after.size() << " rows, expected " << resumed.rows.size() + 1);
  for (std::size_t i = 0; i < resumed.rows.size(); ++i)
    FUZZ_CHECK(same_row(after[i], resumed.rows[i], 0), "after resume + append: row " << i << " changed");
  FUZZ_CHECK(same_row(after.back(), added, 0), "after resume + append: the appended row reads back as "
                                                   << io::format_pose_row(after.back()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz::input_file("in.csv", data, size);
  std::vector<PoseRow> rows;
  const bool accepted = fuzz::accepts("read_poses_csv", [&] { rows = io::read_poses_csv(path); });
  if (accepted) {
    check_rows(rows, "read_poses_csv");
    check_format_round_trip(rows);
  }
  check_resume(data, size, accepted ? &rows : nullptr);
  return 0;
}
