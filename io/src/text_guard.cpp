#include "text_guard.hpp"

#include <cstdio>
#include <optional>
#include <vector>

#include "file_util.hpp"
#include "splattrack/io/error.hpp"

namespace splattrack::io {

namespace {

[[noreturn]] void too_deep(std::size_t line, const std::string& path) {
  throw InputError(path, "nested deeper than " + std::to_string(kMaxNestingDepth) + " levels (line " +
                             std::to_string(line) + ")");
}

void check_size_and_characters(std::string_view text, const std::string& path) {
  if (text.size() > kMaxSmallFileBytes)
    throw InputError(path, "is " + std::to_string(text.size()) + " bytes, more than the " +
                               std::to_string(kMaxSmallFileBytes) + " a camera or pose file may have");
  std::size_t line = 1;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') ++line;
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02X", c);
      throw InputError(path, std::string("holds the control character ") + code + " on line " + std::to_string(line) +
                                 " (a text file may only have tab, CR and LF)");
    }
  }
}

// Brackets outside strings: exact for valid JSON. nlohmann's parser itself is
// iterative, so text this count gets wrong fails to parse without recursing.
void check_json_depth(std::string_view text, const std::string& path) {
  std::size_t depth = 0;
  std::size_t line = 1;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (c == '\n') ++line;
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNestingDepth) too_deep(line, path);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// YAML nests by indentation (block collections, including the compact
// "- - x" and "- key: x" forms, where each leading indicator opens a node
// further in) and by brackets (flow collections). The scan keeps the
// indentations of the open block nodes and counts open brackets outside
// quoted scalars, block scalars and comments; a quote or bracket counts only
// where a node may start, as in YAML. Where it cannot tell, it counts a
// level too many, never one too few: a block-context quote is taken to end
// with its line, and a bracket inside a plain scalar counts. Text yaml-cpp
// refuses may be misread after the error, as yaml-cpp stops there; and
// yaml-cpp refuses nodes nested 500 deep on its own (DepthGuard), which needs
// under 256 KiB of stack, so no text reaches a deeper recursion.
class YamlDepthScan {
 public:
  explicit YamlDepthScan(const std::string& path) : path_(path) {}

  void line(std::string_view text) {
    ++line_number_;
    std::size_t i = 0;
    if (flow_ == 0) {
      quote_ = 0;
      i = text.find_first_not_of(' ');
      const bool blank = i == std::string_view::npos || text[i] == '\r';
      if (in_block_scalar_) {
        if (blank || i > block_scalar_indent_) return;  // the block scalar's text
        in_block_scalar_ = false;
      }
      if (blank || text[i] == '#') return;  // holds no node
      while (!block_.empty() && block_.back() >= i) block_.pop_back();
      open_block(i);
      while (i + 1 < text.size() && (text[i] == '-' || text[i] == '?' || text[i] == ':') && is_blank(text[i + 1])) {
        i = text.find_first_not_of(" \t\r", i + 1);
        if (i == std::string_view::npos) return;
        open_block(i);
      }
      at_node_start_ = true;
    }
    for (; i < text.size(); ++i) scan(text, i);
  }

 private:
  void open_block(std::size_t indent) {
    block_.push_back(indent);
    check();
  }

  void check() const {
    if (block_.size() + flow_ > kMaxNestingDepth) too_deep(line_number_, path_);
  }

  // One character after the indentation; may step over an escaped one.
  void scan(std::string_view text, std::size_t& i) {
    const char c = text[i];
    const bool last = i + 1 == text.size();
    if (quote_ != 0) {
      if (quote_ == '"' && c == '\\') ++i;
      else if (c == quote_ && quote_ == '\'' && !last && text[i + 1] == '\'') ++i;  // '' is a quote inside ''
      else if (c == quote_) quote_ = 0, at_node_start_ = false;
      return;
    }
    if (is_blank(c)) return;
    if (c == '#' && (i == 0 || is_blank(text[i - 1]))) {
      i = text.size();  // a comment runs to the end of the line
      return;
    }
    if ((c == '|' || c == '>') && at_node_start_ && flow_ == 0) {
      // A block scalar: the lines indented deeper than its node are its text.
      in_block_scalar_ = true;
      block_scalar_indent_ = block_.back();
      i = text.size();
    } else if ((c == '"' || c == '\'') && at_node_start_) {
      quote_ = c;
    } else if ((c == '[' || c == '{') && (flow_ > 0 || at_node_start_)) {
      ++flow_;
      check();
      at_node_start_ = true;
    } else if ((c == ']' || c == '}') && flow_ > 0) {
      --flow_;
      at_node_start_ = false;
    } else {
      // ": " follows a key; "- " and "? " open a node only where one starts.
      const bool separated = last || is_blank(text[i + 1]);
      const bool indicator = separated && (c == ':' || ((c == '-' || c == '?') && at_node_start_));
      at_node_start_ = indicator || (c == ',' && flow_ > 0);
    }
  }

  const std::string& path_;
  std::vector<std::size_t> block_;           // indentation of each open block node, increasing
  std::size_t flow_ = 0;                     // open brackets
  char quote_ = 0;                           // the quote of an open quoted scalar
  bool at_node_start_ = true;                // whether a node may begin at the next character
  // In a block scalar, and the indentation of its node. Not a std::optional:
  // GCC 12 warns that one may be read uninitialised where it cannot be.
  bool in_block_scalar_ = false;
  std::size_t block_scalar_indent_ = 0;
  std::size_t line_number_ = 0;
};

void check_yaml_depth(std::string_view text, const std::string& path) {
  YamlDepthScan scan(path);
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    scan.line(text.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace

void guard_text(std::string_view text, TextSyntax syntax, const std::string& path) {
  check_size_and_characters(text, path);
  if (syntax == TextSyntax::json) check_json_depth(text, path);
  if (syntax == TextSyntax::yaml) check_yaml_depth(text, path);
}

std::string quoted_excerpt(std::string_view text) {
  if (text.size() <= kMaxEchoChars) return "'" + std::string(text) + "'";
  std::size_t cut = kMaxEchoChars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return "'" + std::string(text.substr(0, cut)) + "...'";
}

std::string parser_message(std::string_view message) {
  if (message.starts_with('[')) {
    const std::size_t tag_end = message.find("] ");
    if (tag_end != std::string_view::npos) message.remove_prefix(tag_end + 2);
  }
  for (const std::string_view marker : {"last read: '", "parsing '"}) {
    const std::size_t at = message.find(marker);
    if (at == std::string_view::npos) continue;
    std::string_view echoed = message.substr(at + marker.size());
    if (echoed.ends_with('\'')) echoed.remove_suffix(1);
    return std::string(message.substr(0, at + marker.size() - 1)) + quoted_excerpt(echoed);
  }
  return std::string(message.substr(0, 4 * kMaxEchoChars));
}

}  // namespace splattrack::io
