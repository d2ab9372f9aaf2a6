// The optimiser's view of what it fits: a flat vector of named blocks, each
// with its own step size (the rigid pose's rotation and translation now; the
// control points' transforms with deformation). The optimiser never knows
// what a block means: a block's owner turns renderer gradients into the
// block's gradient and applies the block's step (rigid_pose_block.hpp).
#pragma once

#include <Eigen/Core>
#include <span>
#include <string>
#include <vector>

namespace splattrack {

class ParameterVector {
 public:
  struct Block {
    std::string name;
    int offset = 0;
    int size = 0;
    double step = 0;      // step size per iteration at full learning rate
    bool frozen = false;  // a frozen block gets no step (and Adam keeps its moments)
  };

  // Appends a block; returns its index. Names are unique (std::invalid_argument).
  int add(std::string name, int size, double step);
  int size() const { return size_; }
  const std::vector<Block>& blocks() const { return blocks_; }
  const Block& block(int index) const { return blocks_.at(static_cast<std::size_t>(index)); }
  int index_of(const std::string& name) const;  // std::out_of_range for an unknown name
  void freeze(int index, bool frozen) { blocks_.at(static_cast<std::size_t>(index)).frozen = frozen; }

  // Per-entry learning rates: each block's step × `scale`, 0 when frozen.
  Eigen::VectorXd learning_rates(double scale) const;
  // The entries of block `index` in a vector laid out like this one.
  template <class Vector>
  auto segment(Vector& v, int index) const {
    const Block& b = block(index);
    return v.segment(b.offset, b.size);
  }

 private:
  std::vector<Block> blocks_;
  int size_ = 0;
};

// Adam (Kingma & Ba) over a ParameterVector's entries, learning rates given
// per step so that the caller can decay them; an entry with rate 0 keeps its
// moments untouched, so that freezing it (rotation during the warm-up) does
// not bias it later.
class Adam {
 public:
  explicit Adam(int size);
  // The update to add to the parameters (a descent step).
  Eigen::VectorXd step(const Eigen::VectorXd& gradient, const Eigen::VectorXd& learning_rates);

 private:
  static constexpr double kBeta1 = 0.9;
  static constexpr double kBeta2 = 0.999;
  static constexpr double kEpsilon = 1e-12;
  Eigen::VectorXd m_, v_;
  Eigen::VectorXi t_;
};

}  // namespace splattrack
