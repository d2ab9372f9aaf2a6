// The observation window: the cropped camera renders exactly the window of
// the frame that resample() takes (checked with sub-images and silhouette
// centroids), resample() against a brute-force area integral, where the
// window is put, and the observation's pixels outside the frame.
#include <gtest/gtest.h>

#include <random>

#include "render_test_util.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/tracker/observation.hpp"
#include "splattrack/tracker/window.hpp"

using namespace splattrack;

namespace {

struct Scene {
  GaussianModel model;
  Camera camera;
  Scene(int width, int height) {
    datasets::ObjectModelOptions mo;
    mo.gaussians = 3000;
    RigidTransform in_view;
    in_view.translation = {0.02, -0.01, datasets::kDefaultDistance};
    model = transformed(datasets::make_object_model(mo), in_view);
    datasets::CameraPlacement p;
    p.width = width;
    p.height = height;
    p.coverage = 0.3;
    camera = datasets::place_camera(p);
  }
};

// Alpha-weighted centroid (pixel-centre coordinates) and total alpha.
Eigen::Vector3d centroid(const std::vector<float>& alpha, int width) {
  Eigen::Vector3d s = Eigen::Vector3d::Zero();
  for (std::size_t p = 0; p < alpha.size(); ++p) {
    const double a = alpha[p];
    s += a * Eigen::Vector3d(static_cast<double>(p % static_cast<std::size_t>(width)),
                             static_cast<double>(p / static_cast<std::size_t>(width)), 1.0);
  }
  return {s.x() / s.z(), s.y() / s.z(), s.z()};
}

FrameView view_of(const RenderImage& img) { return {img.width, img.height, img.rgb, img.alpha}; }

}  // namespace

TEST(Window, CroppedCameraAtFullScaleRendersTheSubImage) {
  const Scene s(128, 96);
  const RenderImage full = test::render_image(s.model, s.camera);
  // Offsets on the 16-pixel tile grid: the same splats reach the same pixels.
  const ObservationWindow w{32, 16, 1.0, 64, 64, false};
  const RenderImage part = test::render_image(s.model, w.camera(s.camera));
  const WindowedFrame cut = resample(view_of(full), w);
  ASSERT_TRUE(cut.all_valid);
  double worst = 0;
  for (std::size_t i = 0; i < part.rgb.size(); ++i) worst = std::max(worst, double(std::abs(part.rgb[i] - cut.image.rgb[i])));
  for (std::size_t i = 0; i < part.alpha.size(); ++i)
    worst = std::max(worst, double(std::abs(part.alpha[i] - cut.image.mask[i])));
  EXPECT_LT(worst, 1e-5);
}

TEST(Window, ShrunkWindowKeepsTheSilhouetteWhereTheCameraPutsIt) {
  // A render resampled into the window against the window camera's own
  // render: the silhouettes' centroids agree. At scale 1 with a fractional
  // offset (linear interpolation keeps the centroid) to 0.02 px; shrunk, to
  // 0.15 window pixels: the renderer's 0.3 px² screen-space dilation is wider
  // in frame pixels at the coarser scale, and through alpha's saturation that
  // blur moves the centroid a little. Dropping the half-pixel terms of
  // Camera::cropped would move it 0.25 (scale 2) to 0.375 (scale 4) pixels.
  // The window holds the whole object, so that no edge cuts it.
  const Scene fine(512, 384);
  const RenderImage full = test::render_image(fine.model, fine.camera);
  const Eigen::Vector3d object = centroid(full.alpha, 512);
  for (const double scale : {1.0, 2.0, 4.0}) {
    const int size = 96;
    const ObservationWindow w{object.x() + 0.5 - size * scale / 2 + 0.37, object.y() + 0.5 - size * scale / 2 - 0.29,
                              scale, size, size, false};
    const RenderImage coarse = test::render_image(fine.model, w.camera(fine.camera));
    const WindowedFrame cut = resample(view_of(full), w);
    const Eigen::Vector3d a = centroid(coarse.alpha, w.width), b = centroid(cut.image.mask, w.width);
    const double tolerance = scale == 1.0 ? 0.02 : 0.15;
    EXPECT_NEAR(a.x(), b.x(), tolerance) << "scale " << scale;
    EXPECT_NEAR(a.y(), b.y(), tolerance) << "scale " << scale;
  }
}

TEST(Window, ResampleIsTheAreaAverageOfTheFrame) {
  // Brute force: 64 x 64 point samples per window pixel's footprint, each
  // reading the frame pixel it falls in; points outside the frame are left out.
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  FrameImage f;
  f.width = 37;
  f.height = 29;
  f.rgb.resize(3 * 37 * 29);
  for (float& v : f.rgb) v = u(rng);
  for (const double scale : {0.6, 1.0, 2.7}) {
    const ObservationWindow w{-3.2, 4.1, scale, 15, 11, false};
    const WindowedFrame out = resample(f.view(), w);
    const double width = std::max(scale, 1.0);
    constexpr int kSub = 64;
    for (int y = 0; y < w.height; ++y)
      for (int x = 0; x < w.width; ++x) {
        const double cx = w.left + (x + 0.5) * scale, cy = w.top + (y + 0.5) * scale;
        const bool inside = cx >= 0 && cx < f.width && cy >= 0 && cy < f.height;
        EXPECT_EQ(out.valid[static_cast<std::size_t>(y * w.width + x)], inside ? 1.f : 0.f);
        if (!inside) continue;
        double sum[3] = {0, 0, 0};
        int n = 0;
        for (int j = 0; j < kSub; ++j)
          for (int i = 0; i < kSub; ++i) {
            const double px = cx + ((i + 0.5) / kSub - 0.5) * width, py = cy + ((j + 0.5) / kSub - 0.5) * width;
            if (px < 0 || px >= f.width || py < 0 || py >= f.height) continue;
            const std::size_t p = static_cast<std::size_t>(int(py)) * 37 + static_cast<std::size_t>(int(px));
            for (int c = 0; c < 3; ++c) sum[c] += f.rgb[3 * p + static_cast<std::size_t>(c)];
            ++n;
          }
        for (int c = 0; c < 3; ++c)
          EXPECT_NEAR(out.image.rgb[3 * static_cast<std::size_t>(y * w.width + x) + static_cast<std::size_t>(c)],
                      sum[c] / n, 0.04)
              << "scale " << scale << " at " << x << "," << y;
      }
  }
}

TEST(Window, SurroundsTheObjectAndStaysInTheFrame) {
  const Scene s(640, 480);
  const double radius = 0.5;
  WindowOptions o;
  o.size = 128;  // smaller than the square around this object: a shrinking window
  CentredPose pose;
  pose.translation = {0.1, -0.05, 4.0};
  const ObservationWindow w = window_around(s.camera, pose, radius, 10, o);
  EXPECT_EQ(w.width, o.size);
  EXPECT_FALSE(w.wide);
  // The object's projected centre is the window's centre (it fits in the frame).
  const Camera c = w.camera(s.camera);
  const Eigen::Vector3d p = s.camera.cam_from_world.topLeftCorner<3, 3>() * pose.translation +
                            s.camera.cam_from_world.topRightCorner<3, 1>();
  EXPECT_NEAR(c.fx * p.x() / p.z() + c.cx, (o.size - 1) / 2.0, 1e-9);
  EXPECT_NEAR(c.fy * p.y() / p.z() + c.cy, (o.size - 1) / 2.0, 1e-9);
  const double r_px = s.camera.fx * radius / std::sqrt(p.z() * p.z() - radius * radius);
  EXPECT_NEAR(w.side(), 2 * (r_px * o.object_margin + 10), 1e-9);
  // Near the frame's edge the window is shifted inside.
  pose.translation.x() = -0.9 * p.z() * s.camera.cx / s.camera.fx;
  const ObservationWindow edge = window_around(s.camera, pose, radius, 10, o);
  EXPECT_DOUBLE_EQ(edge.left, 0.0);
  // Widened for recovery: capped at the frame's larger side, centred on it.
  const ObservationWindow wide = widened(s.camera, w, 100);
  EXPECT_TRUE(wide.wide);
  EXPECT_DOUBLE_EQ(wide.side(), 640.0);
  EXPECT_DOUBLE_EQ(wide.top, (480 - 640) / 2.0);
  // A square smaller than the working size grows to it, on whole pixels.
  WindowOptions big = o;
  big.size = 300;
  const ObservationWindow grown = window_around(s.camera, pose, radius, 10, big);
  EXPECT_EQ(grown.scale, 1.0);
  EXPECT_EQ(grown.left, std::round(grown.left));
  EXPECT_EQ(grown.top, std::round(grown.top));
  // Behind the camera: the whole frame.
  pose.translation.z() = -1;
  EXPECT_TRUE(window_around(s.camera, pose, radius, 0, o).wide);
}

TEST(Window, PixelsOutsideTheFrameAddNothing) {
  // A window hanging over the frame's top edge: the observed render equals
  // the target there and the vector-Jacobian product is zero, with and
  // without a mask.
  const Scene s(64, 64);
  const RenderImage img = test::render_image(s.model, s.camera);
  const ObservationWindow w{0, -16, 1.0, 64, 64, false};
  const RenderImage win = test::render_image(s.model, w.camera(s.camera));
  for (const bool masked : {true, false}) {
    FrameView frame = view_of(img);
    if (!masked) frame.mask = {};
    Observation obs(frame, w);
    const Observed t = obs.target();
    const Observed o = obs.apply(win);
    std::vector<float> g(win.rgb.size(), 1.f), ga(win.alpha.size(), 1.f), drgb(win.rgb.size()), da(win.alpha.size());
    obs.vjp(win, g.data(), ga.data(), drgb.data(), da.data());
    for (std::size_t p = 0; p < win.alpha.size(); ++p) {
      const bool outside = p < 16 * 64;
      EXPECT_EQ(obs.valid(p), !outside);
      if (!outside) continue;
      for (std::size_t c = 0; c < 3; ++c) {
        EXPECT_EQ(o.rgb.data[3 * p + c], t.rgb.data[3 * p + c]);
        EXPECT_EQ(drgb[3 * p + c], 0.f);
      }
      if (masked) {
        EXPECT_EQ(o.alpha.data[p], t.alpha.data[p]);
        EXPECT_EQ(da[p], 0.f);
      }
    }
  }
}

TEST(Window, APlaneResamplesAsTheFrameItCameWith) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  FrameImage f;
  f.width = 41;
  f.height = 23;
  f.rgb.resize(3 * 41 * 23);
  f.mask.resize(41 * 23);
  for (float& v : f.rgb) v = u(rng);
  for (float& v : f.mask) v = u(rng);
  for (const double scale : {0.7, 1.0, 3.3}) {
    const ObservationWindow w{-2.5, 1.75, scale, 13, 9, false};
    const std::vector<float> plane = resample_plane(f.mask.data(), f.width, f.height, w);
    const std::vector<float> mask = resample(f.view(), w).image.mask;
    ASSERT_EQ(plane.size(), mask.size());
    for (std::size_t p = 0; p < plane.size(); ++p)
      EXPECT_EQ(plane[p], mask[p]) << "scale " << scale;
  }
}

TEST(Window, MarksCoverEveryFramePixelTheirFootprintTouches) {
  // Brute force: a frame pixel is covered when its square overlaps a marked
  // window pixel's square (positive area).
  constexpr int kFrameW = 31, kFrameH = 19;
  std::mt19937 rng(8);
  std::bernoulli_distribution marked(0.15);
  for (const double scale : {0.5, 1.0, 2.25}) {
    const ObservationWindow w{-1.5, 2.25, scale, 12, 10, false};
    std::vector<float> marks(static_cast<std::size_t>(w.width * w.height));
    for (float& m : marks) m = marked(rng) ? 1.f : 0.f;
    const std::vector<unsigned char> covered = frame_pixels_under(w, marks, kFrameW, kFrameH);
    ASSERT_EQ(covered.size(), static_cast<std::size_t>(kFrameW * kFrameH));
    for (int fy = 0; fy < kFrameH; ++fy)
      for (int fx = 0; fx < kFrameW; ++fx) {
        bool expect = false;
        for (int y = 0; y < w.height && !expect; ++y)
          for (int x = 0; x < w.width && !expect; ++x) {
            if (marks[static_cast<std::size_t>(y * w.width + x)] == 0.f) continue;
            const double x0 = w.left + x * scale, x1 = x0 + scale, y0 = w.top + y * scale, y1 = y0 + scale;
            expect = x0 < fx + 1 && x1 > fx && y0 < fy + 1 && y1 > fy;
          }
        EXPECT_EQ(covered[static_cast<std::size_t>(fy * kFrameW + fx)], expect ? 1 : 0)
            << "scale " << scale << " at " << fx << "," << fy;
      }
  }
}
