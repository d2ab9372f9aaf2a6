// The picture `track --overlay` draws on each frame: the model rendered at
// the reported pose blended over the frame, the silhouette's outline in the
// colour of the frame's status, and a label naming the frame, its status and
// its quality, so that a glance at the video tells where tracking went wrong.
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "splattrack/render.hpp"
#include "splattrack/render/track_status.hpp"

namespace splattrack::io {

namespace overlay {
// How much of the frame the render replaces where its alpha is 1: half, so
// that the frame's own edges stay visible under the model.
inline constexpr float kOpacity = 0.5f;
// The silhouette's outline runs where the render's alpha crosses this level.
inline constexpr float kOutlineAlpha = 0.5f;
}  // namespace overlay

// RGB 0..1: tracking green, degraded yellow, lost red, recovered cyan.
std::array<float, 3> status_colour(TrackStatus status);

struct OverlayLabel {
  int frame = 0;
  TrackStatus status = TrackStatus::tracking;
  std::optional<double> quality;  // absent when not known (not drawn then)
};

// Draws on `rgb` ([H, W, 3], 0..1, the render's size), in place:
//  - the render blended over it: rgb * (1 - kOpacity * alpha) + kOpacity *
//    render.rgb, where render.rgb is the colour over a black background
//    (Renderer's default), i.e. already weighted by alpha;
//  - a 2-pixel outline in status_colour(): every pixel on either side of
//    where alpha crosses kOutlineAlpha (a 4-neighbour on the other side);
//  - "frame N  STATUS  quality Q" in the top-left corner, in the status
//    colour on a darkened box.
// Pixels away from the render, its outline and the label stay as they were.
void draw_overlay(std::vector<float>& rgb, const RenderImage& render, const OverlayLabel& label);

}  // namespace splattrack::io
