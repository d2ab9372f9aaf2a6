// The checks every small text file (camera, pose) passes before a parser sees
// it, the rule for quoting the file's content in an error message, and the
// white-space split of the plain lists of numbers they hold.
//
// The parsers behind them are not safe on arbitrary bytes by themselves:
// recursion as deep as the input nests overflows the stack (nlohmann's dump,
// yaml-cpp's node parser), and a parser can spin on bytes no text file holds.
// So the text is refused first when it is too large, holds a control
// character, or nests deeper than any camera or pose file needs.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

namespace splattrack::io {

// Camera and pose files nest two or three levels; 64 is far beyond any real
// one yet shallow enough for every recursive parser and printer we use.
inline constexpr std::size_t kMaxNestingDepth = 64;

// The most characters of the file's own content an error message repeats.
inline constexpr std::size_t kMaxEchoChars = 40;

// How nesting is counted. XML is not scanned: tinyxml2 refuses elements
// nested deeper than its own TINYXML2_MAX_ELEMENT_DEPTH (100), and nothing
// else in it recurses. Plain text (ViSP's pose vectors) does not nest.
enum class TextSyntax { json, yaml, xml, plain };

// Throws InputError naming `path` when `text` is larger than
// kMaxSmallFileBytes, holds a control character other than tab, CR and LF,
// or nests deeper than kMaxNestingDepth.
void guard_text(std::string_view text, TextSyntax syntax, const std::string& path);

// Calls f on each white-space-separated token of `text` (an OpenCV matrix's
// <data>, a ViSP pose vector).
template <class F>
void for_each_token(std::string_view text, F&& f) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  auto begin = text.begin();
  while ((begin = std::find_if_not(begin, text.end(), is_space)) != text.end()) {
    const auto end = std::find_if(begin, text.end(), is_space);
    f(std::string_view(begin, end));
    begin = end;
  }
}

// `text` quoted, cut to kMaxEchoChars with "..." when longer.
std::string quoted_excerpt(std::string_view text);

// A parser's own error message, fit to repeat: nlohmann's "[json.exception…] "
// tag dropped, the input it echoes ("last read: '…'", "parsing '…'") cut to
// kMaxEchoChars, and any other message to 4·kMaxEchoChars.
std::string parser_message(std::string_view message);

}  // namespace splattrack::io
