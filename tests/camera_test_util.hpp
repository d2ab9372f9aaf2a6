// Cameras for the camera file tests: built from intrinsics, compared field by
// field (bit for bit).
#pragma once

#include <gtest/gtest.h>

#include "splattrack/render/camera.hpp"

namespace splattrack::test {

// A camera with identity pose and no distortion.
inline Camera intrinsics(int width, int height, double fx, double fy, double cx, double cy) {
  Camera c;
  c.width = width;
  c.height = height;
  c.fx = fx;
  c.fy = fy;
  c.cx = cx;
  c.cy = cy;
  return c;
}

inline void expect_same_camera(const Camera& a, const Camera& b) {
  EXPECT_EQ(a.width, b.width);
  EXPECT_EQ(a.height, b.height);
  EXPECT_EQ(a.fx, b.fx);
  EXPECT_EQ(a.fy, b.fy);
  EXPECT_EQ(a.cx, b.cx);
  EXPECT_EQ(a.cy, b.cy);
  EXPECT_EQ(a.cam_from_world, b.cam_from_world);
  EXPECT_EQ(a.distortion, b.distortion);
}

}  // namespace splattrack::test
