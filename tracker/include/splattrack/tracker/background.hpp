// Background subtraction for a static camera (`--masks bgsub`): a model of
// what each frame pixel shows when the object is not there, learnt from the
// frames outside the tracked object, and the probability that a pixel shows
// something else. It does not replace the colour model (foreground.hpp): a
// hand or a mug moves too. It multiplies the colour model's estimate, so that
// clutter of the object's own colours that has stood still (a keyboard, a
// book) stops counting as object.
//
// Our own rather than OpenCV's subtractors (MOG2, KNN): those learn every
// pixel they are shown, so a tracked object that stands still (the real cube
// for its first 88 frames) fades into their background, and they cannot say
// where the background has never been seen; here the tracked silhouette is
// kept out of the learning and unseen pixels say "unknown".
#pragma once

#include <cstdint>
#include <vector>

#include "splattrack/render/frame.hpp"
#include "splattrack/tracker/window.hpp"

namespace splattrack {

namespace background_defaults {
// The share of a learnt frame in a pixel's mean and variance once it has
// seen 1 / kLearningRate frames (before, a plain running mean): a history of
// about 20 frames follows a slow exposure drift; a hand passing over the
// same pixel for a second or two does not become background.
inline constexpr float kLearningRate = 0.05f;
// Pixels that look moving when learnt learn this much slower: what stands
// in front of the background for long (a mug put down) still fades in.
inline constexpr float kMovingRateFactor = 0.1f;
// A pixel's noise, per channel (0..1): the first frame's guess and the
// floor (compression and sensor noise on a well-lit webcam frame are ~1/255
// to 3/255; edges flicker more, which the learnt variance takes up).
inline constexpr float kInitialSigma = 0.03f;
inline constexpr float kMinSigma = 0.012f;
// A pixel is background below this many standard deviations (RMS over the
// three channels) from its mean, moving above kMovingAt, linear between.
inline constexpr float kStaticBelow = 3.f;
inline constexpr float kMovingAt = 5.f;
// The tracked silhouette is kept out of the learning grown by this share of
// the object's projected radius (pose error, blur, shadow at the edge).
inline constexpr double kKeepOutRadii = 0.2;
}  // namespace background_defaults

class StaticBackground {
 public:
  // Whether anything has been learnt.
  bool ready() const { return width_ > 0; }
  void clear();

  // Learns one frame, except the frame pixels where `keep_out` [H, W] is
  // non-zero (empty: none). A frame of another size starts the model again.
  void learn(const FrameView& frame, const std::vector<unsigned char>& keep_out);

  // P(the pixel does not show the learnt background) for every frame pixel,
  // [H, W]: 0 within kStaticBelow deviations of its mean, 1 beyond
  // kMovingAt, and 1 where the background has never been seen (or for a
  // frame of another size: nothing is known).
  std::vector<float> moving(const FrameView& frame) const;
  // The same resampled into `window` (resample_plane), computed only for the
  // frame pixels the window covers: the tracker asks two or three times a
  // frame, for a window a fraction of the frame.
  std::vector<float> moving_in(const FrameView& frame, const ObservationWindow& window) const;

 private:
  float moving_at(const float* rgb, std::size_t p) const;
  // moving() over frame columns [x0, x1) and rows [y0, y1); 1 elsewhere.
  std::vector<float> moving_within(const FrameView& frame, int x0, int x1, int y0, int y1) const;

  int width_ = 0, height_ = 0;
  std::vector<float> mean_;       // [H, W, 3]
  std::vector<float> variance_;   // [H, W] per channel
  std::vector<std::uint32_t> seen_;  // [H, W] frames learnt
};

}  // namespace splattrack
