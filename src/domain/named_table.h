#pragma once
// Tables of an enumeration's values with their names (stable, stored and sent by the API) and
// labels (shown to users), and the four look-ups every such enumeration offers. Internal to
// domain/ (operator.cpp, cement.cpp).

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace vertebro::domain::detail {

template <class E>
struct Named {
  E value;
  std::string_view name;
  std::string_view label;
};

template <class E, std::size_t N>
std::string_view name_of(const Named<E> (&table)[N], E v) {
  for (const auto& i : table) {
    if (i.value == v) return i.name;
  }
  return table[0].name;
}
template <class E, std::size_t N>
std::string_view label_of(const Named<E> (&table)[N], E v) {
  for (const auto& i : table) {
    if (i.value == v) return i.label;
  }
  return table[0].label;
}
template <class E, std::size_t N>
std::optional<E> parse_in(const Named<E> (&table)[N], std::string_view name) {
  for (const auto& i : table) {
    if (i.name == name) return i.value;
  }
  return std::nullopt;
}
template <class E, std::size_t N>
std::vector<E> all_of(const Named<E> (&table)[N]) {
  std::vector<E> out;
  for (const auto& i : table) out.push_back(i.value);
  return out;
}

}  // namespace vertebro::domain::detail
