#include "store/sql_connection.h"

#include <charconv>

namespace vertebro::store::sql {

std::int64_t Row::i64(std::size_t i) const {
  const auto& v = v_.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    std::int64_t out = 0;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return 0;
}

std::string Row::str(std::size_t i) const {
  const auto& v = v_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return {};
}

std::string_view Row::view(std::size_t i) const {
  if (const auto* s = std::get_if<std::string>(&v_.at(i))) return *s;
  return {};
}

Status Connection::each(std::string_view sql, const Params& params,
                        const std::function<void(const Row&)>& fn) {
  auto rows = query(sql, params);
  if (!rows) return std::move(rows).error();
  for (const auto& r : *rows) fn(r);
  return {};
}

}  // namespace vertebro::store::sql
