// Files that are either complete or absent. Every whole file a command
// writes (run.json, poses, cameras, images, models) goes to a temporary name
// beside its destination, is checked and synced, and only then renamed over
// it: a full disk, a kill or a crash leaves the previous file (or none),
// never a truncated one.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace splattrack::io {

// Writes `content` to `path` atomically. Throws InputError naming `path` and
// the system's reason when any step fails; the temporary file is removed.
void write_file_atomically(const std::string& path, std::string_view content);

// For writers that need a file name of their own (OpenCV's imwrite picks the
// encoder from the extension): `write` must create the whole file at the
// path it is given, which keeps `path`'s extension, and throw if it cannot.
// The result is then synced and renamed onto `path`.
void write_file_atomically(const std::string& path, const std::function<void(const std::string&)>& write);

// For files written over a whole run under a name of the caller's choosing
// (track --overlay's video, which cannot be appended to): syncs the finished
// `temp` and renames it onto `path`. Throws InputError naming `path`.
void commit_file(const std::string& temp, const std::string& path);

}  // namespace splattrack::io
