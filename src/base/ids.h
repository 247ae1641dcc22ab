#pragma once
// Strong ids: a PatientId cannot be passed where an EpisodeId is expected.

#include <compare>
#include <cstdint>
#include <string>

namespace vertebro {

template <class Tag>
struct Id {
  std::int64_t value = 0;
  constexpr bool valid() const { return value > 0; }
  std::string str() const { return std::to_string(value); }
  friend constexpr auto operator<=>(const Id&, const Id&) = default;
};

using PatientId = Id<struct PatientTag>;
using EpisodeId = Id<struct EpisodeTag>;
using SiteId = Id<struct SiteTag>;
using UserId = Id<struct UserTag>;

}  // namespace vertebro
