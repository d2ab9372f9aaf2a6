// The checks every small text file (camera, pose) passes before a parser sees
// it, and the rule for quoting the file's content in an error message.
//
// The parsers behind them are not safe on arbitrary bytes by themselves:
// recursion as deep as the input nests overflows the stack (nlohmann's dump,
// yaml-cpp's node parser), and a parser can spin on bytes no text file holds.
// So the text is refused first when it is too large, holds a control
// character, or nests deeper than any camera or pose file needs.
#pragma once

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

// `text` quoted, cut to kMaxEchoChars with "..." when longer.
std::string quoted_excerpt(std::string_view text);

// A parser's own error message, fit to repeat: nlohmann's "[json.exception…] "
// tag dropped, the input it echoes ("last read: '…'", "parsing '…'") cut to
// kMaxEchoChars, and any other message to 4·kMaxEchoChars.
std::string parser_message(std::string_view message);

}  // namespace splattrack::io
