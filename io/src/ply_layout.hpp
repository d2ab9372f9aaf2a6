// Where each vertex property of a 3DGS PLY lives in a GaussianModel
// (METHOD.md §2). The one place that knows the property names and the
// channel-major f_rest order; reader, writer and error messages all use it.
#pragma once

#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "ply_header.hpp"
#include "splattrack/render/model.hpp"

namespace splattrack::io::ply {

enum class Field : std::uint8_t { Skip, Mean, Quat, LogScale, Opacity, Sh };

struct Slot {
  Field field = Field::Skip;
  int component = 0;  // index inside one Gaussian's block of `field`
};

struct VertexLayout {
  int sh_degree = 0;
  std::vector<Slot> slots;  // one per vertex property, in file order
};

// Maps the vertex element's properties by name. Throws InputError for a
// missing required property, a list property, or an f_rest count or index
// that is not a whole SH degree.
VertexLayout vertex_layout(const Element& vertex, const std::string& path);

// x y z nx ny nz f_dc_0..2 f_rest_0.. opacity scale_0..2 rot_0..3: the layout
// the original 3DGS code writes and most viewers expect.
std::vector<std::string> standard_property_names(int sh_degree);

// The PLY name of component `component` (j·3 + channel) of a Gaussian's
// [K, 3] SH block: f_dc_c or the channel-major f_rest_i.
std::string sh_property_name(int component, int coeffs);

// Values of one property across Gaussians: Gaussian i's value is base[i * stride].
template <class Value>  // float to read into, const float to write from
struct Binding {
  Value* base = nullptr;  // null: a property the model does not store (normals, unknown)
  std::size_t stride = 0;
};

template <class Model>  // GaussianModel or const GaussianModel
auto bind(const VertexLayout& layout, Model& model) {
  using Value = std::remove_reference_t<decltype(model.means[0])>;
  const std::size_t sh_stride = static_cast<std::size_t>(sh_coeff_count(layout.sh_degree)) * 3;
  std::vector<Binding<Value>> bindings;
  bindings.reserve(layout.slots.size());
  for (const Slot& s : layout.slots) {
    switch (s.field) {
      case Field::Skip: bindings.push_back({nullptr, 0}); break;
      case Field::Mean: bindings.push_back({model.means.data() + s.component, 3}); break;
      case Field::Quat: bindings.push_back({model.quats.data() + s.component, 4}); break;
      case Field::LogScale: bindings.push_back({model.log_scales.data() + s.component, 3}); break;
      case Field::Opacity: bindings.push_back({model.opacity_logits.data(), 1}); break;
      case Field::Sh: bindings.push_back({model.sh.data() + s.component, sh_stride}); break;
    }
  }
  return bindings;
}

}  // namespace splattrack::io::ply
