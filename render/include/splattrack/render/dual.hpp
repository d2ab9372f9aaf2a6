// Forward-mode dual numbers for the shared math: a formula written once as a
// template on its scalar gives its exact directional derivative when
// instantiated on Dual<S> (value v, derivative d along one direction). The
// skinning's forward-mode twin (skinning.hpp) is its forward pass on Dual,
// not a second copy of the formula.
#pragma once

#include <cmath>
#include <type_traits>

#include "splattrack/render/math_types.hpp"

namespace splattrack::gs {

template <class S>
struct Dual {
  S v = S{};
  S d = S{};
  ST_HDI Dual() = default;
  // A constant: an implicit conversion, so that formulas mix literals and
  // constant inputs (node rest positions, weights) with dual inputs.
  template <class A, class = std::enable_if_t<std::is_arithmetic_v<A>>>
  ST_HDI Dual(A value) : v(static_cast<S>(value)) {}  // NOLINT(google-explicit-constructor)
  ST_HDI Dual(S value, S derivative) : v(value), d(derivative) {}

  ST_HDI Dual& operator+=(Dual b) { return *this = *this + b; }
  ST_HDI Dual& operator-=(Dual b) { return *this = *this - b; }
  ST_HDI Dual& operator*=(Dual b) { return *this = *this * b; }

  ST_HDI friend Dual operator+(Dual a, Dual b) { return {a.v + b.v, a.d + b.d}; }
  ST_HDI friend Dual operator-(Dual a, Dual b) { return {a.v - b.v, a.d - b.d}; }
  ST_HDI friend Dual operator-(Dual a) { return {-a.v, -a.d}; }
  ST_HDI friend Dual operator*(Dual a, Dual b) { return {a.v * b.v, a.d * b.v + a.v * b.d}; }
  ST_HDI friend Dual operator/(Dual a, Dual b) { return {a.v / b.v, (a.d * b.v - a.v * b.d) / (b.v * b.v)}; }
  // Comparisons see the value: a branch taken is the same branch for the
  // derivative (the derivative of the piece the formula is on).
  ST_HDI friend bool operator<(Dual a, Dual b) { return a.v < b.v; }
  ST_HDI friend bool operator>(Dual a, Dual b) { return a.v > b.v; }
};

template <class S>
struct Ops<Dual<S>> {
  ST_HDI static Dual<S> sqrt(Dual<S> x) {
    const S r = Ops<S>::sqrt(x.v);
    return {r, x.d / (S{2} * r)};
  }
  ST_HDI static Dual<S> exp(Dual<S> x) {
    const S e = Ops<S>::exp(x.v);
    return {e, x.d * e};
  }
};

}  // namespace splattrack::gs
