// The three real models of ../shared/data load and render like the
// double-precision brute force of render_reference.hpp (every Gaussian
// against every pixel), from a camera that frames each of them.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "render_reference.hpp"
#include "render_test_util.hpp"
#include "splattrack/io/gaussian_io.hpp"
#include "splattrack/render.hpp"
#include "splattrack/render/framing.hpp"

using namespace splattrack;
using splattrack::test::RefImage;
using splattrack::test::render_reference;

namespace {

// Small images keep the brute force (N Gaussians × pixels, double) fast.
constexpr int kWidth = 40;
constexpr int kHeight = 36;
// Float accumulation over hundreds of overlapping Gaussians per pixel.
constexpr double kTolerance = 2e-4;

struct RealCase {
  const char* file;
  std::size_t gaussians;
  int sh_degree;
  Eigen::Vector3d view_dir;
  Eigen::Vector3d up;
  double min_covered;  // fraction of pixels with alpha > 0.5 (16 scattered Gaussians cover little)
};

class RenderRealModel : public ::testing::TestWithParam<RealCase> {};

}  // namespace

TEST_P(RenderRealModel, MatchesBruteForce) {
  const RealCase& c = GetParam();
  const std::string path = std::string(SPLATTRACK_SHARED_DATA) + "/models/" + c.file;
  if (!std::filesystem::is_regular_file(path)) GTEST_SKIP() << path << " is absent";
  const GaussianModel model = io::read_gaussians(path);
  ASSERT_EQ(model.size(), c.gaussians);
  ASSERT_EQ(model.sh_degree, c.sh_degree);

  const Camera cam = framing_camera(model_bounds(model), kWidth, kHeight, c.view_dir, c.up);
  const std::array<float, 3> background{0.2f, 0.3f, 0.4f};
  RenderOptions options;
  options.background = background;
  const RenderImage img = test::render_image(model, cam, options);
  const RefImage ref = render_reference(model, cam, background, options.near_plane);

  const test::ReferenceDiff d = test::compare_to_reference(img, ref);
  EXPECT_GT(d.compared, kWidth * kHeight * 8 / 10) << "too many ambiguous pixels to compare";
  EXPECT_GT(d.covered, c.min_covered * kWidth * kHeight) << "the camera should frame the object";
  EXPECT_LT(d.max_rgb, kTolerance);
  EXPECT_LT(d.max_alpha, kTolerance);
}

INSTANTIATE_TEST_SUITE_P(
    SharedModels, RenderRealModel,
    ::testing::Values(RealCase{"fox_cc0_sh0_50k.ply", 50000, 0, {0, 1, 0}, {0, 0, 1}, 0.1},
                      RealCase{"fruit_drops_minimal_sh3_4721.ply", 4721, 3, {0, 0, 1}, {0, -1, 0}, 0.1},
                      RealCase{"splatapult_test_16_sh3.ply", 16, 3, {0, 0, 1}, {0, -1, 0}, 0.01}));
