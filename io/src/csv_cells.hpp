// The cells of a CSV line as the project writes them: commas, no quoting;
// numbers written with the shortest round-trip decimals and read back exactly.
#pragma once

#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace splattrack::io::csv {

// The lines of a text, in order, each without its newline (and a '\r'
// before it); a last line without a newline counts.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}

  // Moves to the next line; false at the end of the text.
  bool next() {
    if (pos_ >= text_.size()) return false;
    const std::size_t newline = text_.find('\n', pos_);
    terminated_ = newline != std::string_view::npos;
    const std::size_t end = terminated_ ? newline : text_.size();
    line_ = text_.substr(pos_, end - pos_);
    pos_ = terminated_ ? end + 1 : end;
    ++number_;
    if (!line_.empty() && line_.back() == '\r') line_.remove_suffix(1);
    return true;
  }
  std::string_view line() const { return line_; }
  bool terminated() const { return terminated_; }  // the line ended with a newline
  std::size_t number() const { return number_; }   // 1-based
  std::size_t end() const { return pos_; }         // the byte after the line and its newline
  // Nothing but line breaks after this line.
  bool at_last() const { return text_.find_first_not_of("\r\n", pos_) == std::string_view::npos; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t number_ = 0;
  std::string_view line_;
  bool terminated_ = false;
};

inline std::vector<std::string_view> split_commas(std::string_view line) {
  std::vector<std::string_view> cells;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    cells.push_back(line.substr(start, comma - start));
    if (comma == std::string_view::npos) return cells;
    start = comma + 1;
  }
}

// An int goes through the integer to_chars: as a double, -2140000000 came out
// "-2.14e+09", which the reader rejects as not an integer (found by fuzz_poses_csv).
template <typename T>
void append_number(std::string& out, T value) {
  static_assert(std::is_same_v<T, double> || std::is_same_v<T, int>);
  std::array<char, 32> buffer;
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

// The whole cell as a finite double, or nothing.
inline std::optional<double> finite_number(std::string_view cell) {
  double value = 0.0;
  const auto result = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (cell.empty() || result.ec != std::errc() || result.ptr != cell.data() + cell.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

// The whole cell as an int, or nothing.
inline std::optional<int> integer(std::string_view cell) {
  int value = 0;
  const auto result = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (cell.empty() || result.ec != std::errc() || result.ptr != cell.data() + cell.size()) return std::nullopt;
  return value;
}

// Opens a streamed CSV: with `append`, an existing non-empty file is
// continued (--resume), otherwise it is emptied and `header` written.
// Throws InputError when it cannot be opened.
void open_stream(std::ofstream& out, const std::string& path, bool append, const char* header);

}  // namespace splattrack::io::csv
