// track.gltf (`track --deform --export-gltf F`): the motion-capture track as
// glTF 2.0, one glTF node per control point whose translation and rotation
// are animated (LINEAR) at the frames' timestamps, in world coordinates: what
// standard glTF tools load. Written with tinygltf, buffers embedded.
#pragma once

#include <string>
#include <vector>

#include "splattrack/io/nodes_csv.hpp"

namespace splattrack::io {

// Every frame (strictly increasing times, the same node count in each, at
// least one) as track.gltf, written atomically. Throws InputError naming the
// file when it cannot be written, std::invalid_argument for bad frames.
void write_tracks_gltf(const std::string& path, const std::vector<TrackFrame>& frames);

// A file write_tracks_gltf wrote, read back (frame indices are its frame
// order). Throws InputError naming the file when it is not one.
std::vector<TrackFrame> read_tracks_gltf(const std::string& path);

}  // namespace splattrack::io
