#include "splattrack/io/poses_csv.hpp"

#include <cmath>
#include <filesystem>
#include <string_view>

#include "csv_cells.hpp"
#include "file_util.hpp"
#include "splattrack/io/error.hpp"

namespace splattrack::io {

namespace {

inline constexpr std::size_t kColumnCount = 14;
enum Column { kFrame, kTime, kQw, kQx, kQy, kQz, kTx, kTy, kTz, kStatus, kLoss, kIou, kIterations, kMs };

using csv::append_number;
using csv::split_commas;

// Squared-norm slack within which a quaternion counts as unit already.
// Normalising a normalised quaternion again can move its last bit, and
// --resume must restore exactly the rotation the run computed and wrote.
inline constexpr double kUnitSquaredNormSlack = 1e-14;

Eigen::Quaterniond unit(const Eigen::Quaterniond& q) {
  return std::abs(q.squaredNorm() - 1.0) <= kUnitSquaredNormSlack ? q : q.normalized();
}

template <typename T>
void append_optional(std::string& out, const std::optional<T>& value) {
  out += ',';
  if (value) append_number(out, *value);
}

// Parses one row's cells; the caller adds the file and line to the message.
class RowParser {
 public:
  explicit RowParser(const std::vector<std::string_view>& cells) : cells_(cells) {}

  double number(Column column) const {
    const std::optional<double> value = csv::finite_number(cells_[column]);
    if (!value) throw std::runtime_error(problem(column, "is not a finite number"));
    return *value;
  }

  int integer(Column column) const {
    const std::optional<int> value = csv::integer(cells_[column]);
    if (!value) throw std::runtime_error(problem(column, "is not an integer"));
    return *value;
  }

  std::optional<double> optional_number(Column column) const {
    if (cells_[column].empty()) return std::nullopt;
    return number(column);
  }

  std::optional<int> optional_integer(Column column) const {
    if (cells_[column].empty()) return std::nullopt;
    return integer(column);
  }

  TrackStatus status() const {
    const auto status = parse_track_status(cells_[kStatus]);
    if (!status) throw std::runtime_error(problem(kStatus, "is not one of tracking, degraded, lost, recovered"));
    return *status;
  }

 private:
  std::string problem(Column column, const char* what) const {
    const std::string_view header(kPosesCsvHeader);
    const auto names = split_commas(header);
    return "column " + std::string(names[column]) + " = \"" + std::string(cells_[column]) + "\" " + what;
  }

  const std::vector<std::string_view>& cells_;
};

PoseRow parse_row(const std::vector<std::string_view>& cells) {
  const RowParser p(cells);
  PoseRow row;
  row.frame = p.integer(kFrame);
  if (row.frame < 0) throw std::runtime_error("column frame is negative");
  row.time_s = p.number(kTime);
  Eigen::Quaterniond q(p.number(kQw), p.number(kQx), p.number(kQy), p.number(kQz));
  // Scaled by its largest entry first: the squared norm of (1e200, 0, 0, 0)
  // overflows, and normalising it gave NaN (found by fuzz_poses_csv).
  const double largest = q.coeffs().cwiseAbs().maxCoeff();
  if (largest < 1e-12) throw std::runtime_error("the quaternion qw,qx,qy,qz is zero");
  if (largest > 1e6) q.coeffs() /= largest;
  row.world_from_model.rotation = unit(q);
  row.world_from_model.translation = {p.number(kTx), p.number(kTy), p.number(kTz)};
  row.status = p.status();
  row.loss = p.optional_number(kLoss);
  row.iou = p.optional_number(kIou);
  row.iterations = p.optional_integer(kIterations);
  row.ms = p.optional_number(kMs);
  return row;
}

}  // namespace

std::string format_pose_row(const PoseRow& row) {
  const Eigen::Quaterniond q = unit(row.world_from_model.rotation);
  const Eigen::Vector3d& t = row.world_from_model.translation;
  std::string line = std::to_string(row.frame);
  for (const double v : {row.time_s, q.w(), q.x(), q.y(), q.z(), t.x(), t.y(), t.z()}) {
    line += ',';
    append_number(line, v);
  }
  line += ',';
  line += to_string(row.status);
  append_optional(line, row.loss);
  append_optional(line, row.iou);
  append_optional(line, row.iterations);
  append_optional(line, row.ms);
  return line;
}

namespace csv {

void open_stream(std::ofstream& out, const std::string& path, bool append, const char* header) {
  std::ifstream existing(path, std::ios::binary | std::ios::ate);
  const bool continue_file = append && existing && existing.tellg() > 0;
  out.open(path, continue_file ? std::ios::app : std::ios::trunc);
  if (!out) throw InputError(path, "cannot open for writing");
  if (!continue_file) out << header << '\n' << std::flush;
}

}  // namespace csv

PoseCsvWriter::PoseCsvWriter(const std::string& path, bool append) : path_(path) {
  csv::open_stream(out_, path, append, kPosesCsvHeader);
}

void PoseCsvWriter::write(const PoseRow& row) {
  // One write per row, then flush: a kill leaves whole rows behind.
  out_ << format_pose_row(row) + '\n' << std::flush;
  if (!out_) throw InputError(path_, "write failed at frame " + std::to_string(row.frame));
}

namespace {

// Every row of the file. With `resumed`, a half-written last line (or header)
// is left out and described there, and `complete_bytes` is set to where the
// rows kept end.
std::vector<PoseRow> read_rows(const std::string& path, ResumedPoses* resumed, std::size_t* complete_bytes) {
  const FileBytes bytes = read_file_bytes(path);
  csv::LineCursor lines(bytes.view());
  const auto where = [&] { return "line " + std::to_string(lines.number()) + ": "; };
  const auto fail = [&](const std::string& problem) { throw InputError(path, where() + problem); };
  const auto drop = [&](const std::string& why) {
    resumed->dropped = path + ": " + where() + "incomplete last line dropped (" + why + ")";
  };

  const std::string_view header(kPosesCsvHeader);
  if (!lines.next()) {
    if (resumed) return {};  // killed before the header was written
    throw InputError(path, "empty file, expected the header " + std::string(header));
  }
  // A header without its newline is the only line, cut while being written:
  // a prefix of the header, or the header with more columns (appended rows
  // would continue its line; found by fuzz_poses_csv).
  const std::string_view first = lines.line();
  if (resumed && !lines.terminated() && (header.starts_with(first) || first.starts_with(header))) {
    drop("the header has no newline at its end");
    return {};
  }
  if (!first.starts_with(header) || (first.size() > header.size() && first[header.size()] != ','))
    fail("header must begin with " + std::string(header));
  if (complete_bytes) *complete_bytes = lines.end();

  std::vector<PoseRow> rows;
  while (lines.next()) {
    if (lines.line().empty()) continue;
    const auto cells = split_commas(lines.line());
    if (resumed && lines.at_last() && (!lines.terminated() || cells.size() < kColumnCount)) {
      drop(lines.terminated() ? std::to_string(cells.size()) + " of " + std::to_string(kColumnCount) + " columns"
                              : "no newline at its end");
      break;
    }
    if (cells.size() < kColumnCount)
      fail("expected " + std::to_string(kColumnCount) + " columns, found " + std::to_string(cells.size()));
    try {
      rows.push_back(parse_row(cells));
    } catch (const std::runtime_error& e) {
      fail(e.what());
    }
    if (rows.size() > 1 && rows.back().frame <= rows[rows.size() - 2].frame)
      fail("frame " + std::to_string(rows.back().frame) + " does not follow frame " +
           std::to_string(rows[rows.size() - 2].frame) + " (frames must increase)");
    if (complete_bytes) *complete_bytes = lines.end();
  }
  return rows;
}

}  // namespace

std::vector<PoseRow> read_poses_csv(const std::string& path) {
  return with_file_context(path, [&] { return read_rows(path, nullptr, nullptr); });
}

ResumedPoses resume_poses_csv(const std::string& path) {
  ResumedPoses resumed;
  std::size_t complete_bytes = 0;
  resumed.rows = with_file_context(path, [&] { return read_rows(path, &resumed, &complete_bytes); });
  // Cut whatever follows the last complete row: a half-written row, and
  // also blank lines or a lone "\r", after which appended rows would
  // otherwise continue a line and make the file unreadable.
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && complete_bytes < size) {
    std::filesystem::resize_file(path, complete_bytes, ec);
    if (ec) throw InputError(path, "cannot cut off the incomplete last line: " + ec.message());
  }
  return resumed;
}

}  // namespace splattrack::io
