// Realistic synthetic frames (datasets/frame_maker.hpp and its parts): real
// footage as the background, lighting drift, the occluder, motion blur, and
// fast motion that stays in view. Each effect is checked against the
// formula it promises, computed again here by brute force.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "io_test_util.hpp"
#include "splattrack/datasets/background.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/footage.hpp"
#include "splattrack/datasets/frame_maker.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/datasets/trajectory.hpp"
#include "splattrack/io/image_write.hpp"

namespace splattrack {
namespace {

// A small scene: the procedural object moving over a plain background.
struct Scene {
  GaussianModel model = datasets::make_object_model({.gaussians = 3000});
  Camera camera = datasets::place_camera({.width = 96, .height = 96});
  std::vector<RigidPose> poses;
  std::vector<float> background = datasets::make_background(96, 96, {.colour = {0.2f, 0.5f, 0.7f}});
  ExecutionContext context{2};

  explicit Scene(int frames, double speed = datasets::kDefaultTranslationSpeed,
                 double rot_speed = datasets::kDefaultRotationSpeedDeg) {
    poses = datasets::make_trajectory(
        camera, {.frames = frames, .seed = 3, .translation_speed = speed, .rotation_speed_deg = rot_speed});
  }
  datasets::FrameMaker maker(const datasets::FrameEffects& effects) {
    return datasets::FrameMaker(model, camera, poses, datasets::kObjectDiameter, effects, context);
  }
  // The object alone at `pose`, on black (rgb weighted by alpha), as the renderer gives it.
  RenderImage render(const RigidPose& pose) {
    Renderer renderer(context);
    const GaussianModel posed = transformed(model, pose);
    return renderer.forward(posed, camera).image();
  }
};

TEST(Footage, FrameIOverFootageFrameIPlusOffsetModLengthScaledToCover) {
  // Three 40x20 frames, each a horizontal ramp in red and its own green.
  const std::filesystem::path dir = test::scratch_dir("footage");
  for (int k = 0; k < 3; ++k) {
    std::vector<float> rgb(40 * 20 * 3);
    for (int y = 0; y < 20; ++y)
      for (int x = 0; x < 40; ++x) {
        float* p = &rgb[3 * (static_cast<std::size_t>(y) * 40 + x)];
        p[0] = x / 39.f;
        p[1] = 0.2f + 0.3f * k;
        p[2] = 0.5f;
      }
    io::write_image((dir / ("f" + std::to_string(k) + ".png")).string(), 40, 20, rgb.data());
  }
  // 20x20 from 40x20: no scaling (the height already fits), the middle 20 columns.
  datasets::FootageBackground footage(dir.string(), 20, 20, 7);  // 7 mod 3 = 1
  for (int i = 0; i < 5; ++i) {
    const std::vector<float>& bg = footage.next();
    ASSERT_EQ(bg.size(), 20u * 20 * 3);
    EXPECT_NEAR(bg[1], 0.2f + 0.3f * ((i + 7) % 3), 1.0 / 255) << "frame " << i;
    EXPECT_NEAR(bg[0], 10 / 39.f, 1.0 / 255) << "the crop is centred";
    EXPECT_NEAR(bg[3 * 19], 29 / 39.f, 1.0 / 255);
  }
  EXPECT_EQ(footage.length(), 3);
  // 10x5 from 40x20: scaled by 1/4, nothing cropped; a uniform frame stays uniform.
  datasets::FootageBackground small(dir.string(), 10, 5, 0);
  const std::vector<float>& bg = small.next();
  ASSERT_EQ(bg.size(), 10u * 5 * 3);
  EXPECT_NEAR(bg[1], 0.2f, 1.0 / 255);
  EXPECT_NEAR(bg[2], 0.5f, 1.0 / 255);
  EXPECT_LT(bg[0], bg[3 * 9]);
  EXPECT_THROW(datasets::FootageBackground((dir / "none").string(), 10, 5, 0), io::InputError);
}

TEST(Lighting, PixelsFollowTheFormulaAndDriftWithinRange) {
  Scene scene(40);
  const datasets::MadeFrame plain = scene.maker({}).make(30, scene.background);
  datasets::FrameEffects effects;
  effects.lighting = {.amount = 1.0, .seed = 5};
  const datasets::MadeFrame lit = scene.maker(effects).make(30, scene.background);
  const datasets::Lighting l = datasets::lighting_at(effects.lighting, 30);
  const std::array<double, 3> tint{1 + l.temperature, 1.0, 1 - l.temperature};
  // A background pixel (corner) and an object pixel (the most opaque).
  const std::size_t object = static_cast<std::size_t>(
      std::max_element(plain.alpha.begin(), plain.alpha.end()) - plain.alpha.begin());
  ASSERT_GT(plain.alpha[object], 0.9f);
  ASSERT_EQ(plain.alpha[0], 0.f);
  for (const std::size_t p : {std::size_t{0}, object})
    for (std::size_t c = 0; c < 3; ++c) {
      const double expected = std::clamp(l.gain[c] * tint[c] * plain.rgb[3 * p + c] + l.offset[c], 0.0, 1.0);
      EXPECT_NEAR(lit.rgb[3 * p + c], expected, 1e-6) << "pixel " << p << " channel " << c;
    }
  EXPECT_EQ(lit.mask, plain.mask) << "lighting changes colours, not the silhouette";

  // Over a long sequence: within the documented ranges, smooth (the fastest
  // of the drift's sinusoids repeats at most every period / 6 frames), and moving.
  const double most_change = datasets::kLightingGainRange * 2 * M_PI / datasets::kLightingPeriodFrames * 6;
  double lo_gain = 2, hi_gain = 0, lo_temp = 1, hi_temp = -1;
  datasets::Lighting previous = datasets::lighting_at(effects.lighting, 0);
  for (int f = 1; f < 1000; ++f) {
    const datasets::Lighting now = datasets::lighting_at(effects.lighting, f);
    for (std::size_t c = 0; c < 3; ++c) {
      ASSERT_GE(now.gain[c], 0.7 - 1e-12);
      ASSERT_LE(now.gain[c], 1.3 + 1e-12);
      ASSERT_LE(std::abs(now.offset[c]), 0.1 + 1e-12);
      ASSERT_LE(std::abs(now.gain[c] - previous.gain[c]), most_change) << "frame " << f;
      lo_gain = std::min(lo_gain, now.gain[c]);
      hi_gain = std::max(hi_gain, now.gain[c]);
    }
    ASSERT_LE(std::abs(now.temperature), 0.1 + 1e-12);
    lo_temp = std::min(lo_temp, now.temperature);
    hi_temp = std::max(hi_temp, now.temperature);
    previous = now;
  }
  EXPECT_GT(hi_gain - lo_gain, 0.3);
  EXPECT_LT(lo_temp, -0.02) << "cold at times";
  EXPECT_GT(hi_temp, 0.02) << "warm at times";
  EXPECT_THROW(datasets::lighting_at({.amount = 1.5}, 0), std::invalid_argument);
}

TEST(Occluder, HidesAtMostItsShareAndIsNotInTheMask) {
  Scene scene(100);
  datasets::FrameEffects effects;
  effects.occluder = {.max_cover = 0.3, .seed = 2};
  datasets::FrameMaker maker = scene.maker(effects);
  datasets::FrameMaker sharp = scene.maker({});
  int crossed = 0;
  double most = 0;
  for (int f = 0; f < 100; ++f) {
    const datasets::MadeFrame made = maker.make(f, scene.background);
    const bool crossing = f >= 30 && f < 70;
    ASSERT_EQ(made.occluder.empty(), !crossing) << "frame " << f;
    if (!crossing) {
      EXPECT_EQ(made.rgb, sharp.make(f, scene.background).rgb);
      continue;
    }
    double silhouette = 0, visible = 0, overlap = 0;
    for (std::size_t i = 0; i < made.alpha.size(); ++i) {
      // The mask is the object less the occluder, pixel by pixel.
      ASSERT_FLOAT_EQ(made.mask[i], made.alpha[i] * (1 - made.occluder[i])) << "frame " << f << " pixel " << i;
      silhouette += made.alpha[i];
      visible += made.mask[i];
      overlap += made.alpha[i] * made.occluder[i];
    }
    const double hidden = 1 - visible / silhouette;
    EXPECT_LE(hidden, 0.3 + 1e-6) << "frame " << f;
    if (overlap > 0) {
      ++crossed;
      EXPECT_GT(hidden, 0) << "frame " << f;
    }
    most = std::max(most, hidden);
    // Where the occluder is solid the frame shows it, not the object.
    for (std::size_t i = 0; i < made.alpha.size(); ++i)
      if (made.occluder[i] == 1 && made.alpha[i] > 0.5f) {
        const datasets::MadeFrame plain = sharp.make(f, scene.background);
        EXPECT_NE(made.rgb[3 * i], plain.rgb[3 * i]);
        break;
      }
  }
  EXPECT_GT(crossed, 10) << "the occluder should cross the object";
  EXPECT_GT(most, 0.25) << "at its worst it hides close to its share";
}

TEST(MotionBlur, FrameIsTheMeanOfTheSubFrameRenders) {
  Scene scene(6, 0.15, 8);
  datasets::FrameEffects effects;
  effects.motion_blur = {.shutter = 0.6, .samples = 5};
  datasets::FrameMaker maker = scene.maker(effects);
  for (const int f : {0, 3, 5}) {  // the first and last frames extrapolate half an exposure
    const datasets::MadeFrame made = maker.make(f, scene.background);
    std::vector<double> rgb(made.rgb.size(), 0.0), alpha(made.alpha.size(), 0.0);
    for (int k = 0; k < 5; ++k) {
      // The pose at time f + 0.6 (k + 1/2) / 5 - 0.3, on the constant motion between frames.
      const double t = f + 0.6 * ((k + 0.5) / 5 - 0.5);
      const int a = std::clamp(static_cast<int>(std::floor(t)), 0, 4);
      const RigidPose& from = scene.poses[static_cast<std::size_t>(a)];
      const RigidPose& to = scene.poses[static_cast<std::size_t>(a) + 1];
      RigidPose pose;
      pose.rotation = from.rotation.slerp(t - a, to.rotation).normalized();
      pose.translation = from.translation + (t - a) * (to.translation - from.translation);
      const RenderImage image = scene.render(pose);
      for (std::size_t i = 0; i < alpha.size(); ++i) {
        alpha[i] += image.alpha[i] / 5;
        for (std::size_t c = 0; c < 3; ++c)
          rgb[3 * i + c] += (image.rgb[3 * i + c] + (1 - image.alpha[i]) * scene.background[3 * i + c]) / 5;
      }
    }
    double moved = 0;
    const RenderImage still = scene.render(scene.poses[static_cast<std::size_t>(f)]);
    for (std::size_t i = 0; i < alpha.size(); ++i) {
      ASSERT_NEAR(made.alpha[i], alpha[i], 1e-5) << "frame " << f << " pixel " << i;
      for (std::size_t c = 0; c < 3; ++c) ASSERT_NEAR(made.rgb[3 * i + c], rgb[3 * i + c], 1e-5);
      moved = std::max(moved, std::abs(alpha[i] - still.alpha[i]));
    }
    EXPECT_GT(moved, 0.2) << "frame " << f << ": the blur should show";
  }
}

TEST(FastMotion, ObjectStaysInViewOver300Frames) {
  // The realistic benchmark's view at half size, fast motion of the issue.
  const double speed = 0.3, rot_speed = 10;
  const GaussianModel model = datasets::make_object_model({.gaussians = 2000});
  const Camera camera = datasets::place_camera({.width = 320, .height = 240, .distance = 5, .coverage = 0.25});
  const auto poses = datasets::make_trajectory(
      camera, {.frames = 300, .seed = 2, .translation_speed = speed, .rotation_speed_deg = rot_speed, .distance = 5});
  ExecutionContext context(2);
  Renderer renderer(context);
  double fastest = 0, fastest_turn = 0;
  for (std::size_t f = 0; f < poses.size(); ++f) {
    const GaussianModel posed = transformed(model, poses[f]);
    const RenderImage image = renderer.forward(posed, camera).image();
    double inside = 0, border = 0;
    for (int y = 0; y < camera.height; ++y)
      for (int x = 0; x < camera.width; ++x) {
        const float a = image.alpha[static_cast<std::size_t>(y) * camera.width + x];
        inside += a;
        if (x == 0 || y == 0 || x == camera.width - 1 || y == camera.height - 1) border = std::max<double>(border, a);
      }
    ASSERT_LT(border, 1.0 / 255) << "frame " << f << " touches the image border";
    ASSERT_GT(inside, 100) << "frame " << f << ": the object should be in view";
    if (f == 0) continue;
    const double step = translation_error(poses[f], poses[f - 1]);
    const double turn = rotation_error_deg(poses[f], poses[f - 1]);
    ASSERT_LE(step, speed * (1 + 1e-9));
    ASSERT_LE(turn, rot_speed * (1 + 1e-9));
    fastest = std::max(fastest, step);
    fastest_turn = std::max(fastest_turn, turn);
  }
  EXPECT_GT(fastest, 0.5 * speed) << "the motion should really be fast";
  EXPECT_GT(fastest_turn, 0.9 * rot_speed);
}

}  // namespace
}  // namespace splattrack
