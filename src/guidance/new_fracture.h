#pragma once
// Where a new vertebral fracture found at follow-up lies relative to the levels treated
// (REFERENCE.md §4, "New fracture"): at a treated level, adjacent (the level directly above or
// below a treated level), or distant (any other). Pure: no I/O; safe from any thread.

#include <optional>
#include <string_view>
#include <vector>

#include "domain/vertebral_level.h"

namespace vertebro::guidance {

enum class FractureRelation { kTreated, kAdjacent, kDistant };
std::string_view fracture_relation_name(FractureRelation r);  // "treated", "adjacent", "distant"
std::string_view fracture_relation_label(FractureRelation r);  // "Treated level", ...

// The relation of `level` to `treated`. A level both treated and next to another treated level
// is "treated". With no treated levels recorded, std::nullopt: nothing can be said.
std::optional<FractureRelation> fracture_relation(
    domain::VertebralLevel level, const std::vector<domain::VertebralLevel>& treated);

}  // namespace vertebro::guidance
