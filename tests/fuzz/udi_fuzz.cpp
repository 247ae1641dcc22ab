// libFuzzer target for the device-label reader (src/trace), built and run by scripts/fuzz.
// Beyond "no crash, no sanitizer report", it checks what a caller relies on: a result is either
// valid or carries a printable error; a valid GS1 result has a 14-digit GTIN with a right check
// digit, a lot and serial of 1 to 20 characters, real dates, and reads back the same from the
// bracketed form it would print as.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "trace/udi.h"

namespace {

using vertebro::trace::parse_udi;
using vertebro::trace::ScanResult;
using vertebro::trace::Scheme;
using vertebro::trace::Udi;

constexpr int kYear = 2026;

void require(bool ok) {
  if (!ok) std::abort();
}

std::string yymmdd(const std::chrono::year_month_day& d) {
  const auto iso = vertebro::trace::iso_date(d);  // YYYY-MM-DD
  return iso.substr(2, 2) + iso.substr(5, 2) + iso.substr(8, 2);
}

void check_gs1(const Udi& u) {
  require(u.gtin && u.gtin->size() == 14);
  require(vertebro::trace::gs1_check_digit(u.gtin->substr(0, 13)) == (*u.gtin)[13] - '0');
  for (const auto* text : {&u.lot, &u.serial}) {
    if (*text) require(!(*text)->empty() && (*text)->size() <= 20);
  }
  std::string bracketed = "(01)" + *u.gtin;
  if (u.production_date) bracketed += "(11)" + yymmdd(*u.production_date);
  if (u.expiry) bracketed += "(17)" + yymmdd(*u.expiry);
  if (u.lot) bracketed += "(10)" + *u.lot;
  if (u.serial) bracketed += "(21)" + *u.serial;
  const ScanResult again = parse_udi(bracketed, kYear);
  // A lot or serial holding "(NN)" reads differently in brackets: the bracketed form's own
  // ambiguity, not the reader's. Only compare when neither holds a bracket.
  const bool plain = (!u.lot || u.lot->find('(') == std::string::npos) &&
                     (!u.serial || u.serial->find('(') == std::string::npos);
  if (!plain) return;
  require(again.valid());
  require(again.udi->gtin == u.gtin && again.udi->lot == u.lot && again.udi->serial == u.serial &&
          again.udi->expiry == u.expiry && again.udi->production_date == u.production_date);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view scan(reinterpret_cast<const char*>(data), size);
  const ScanResult r = parse_udi(scan, kYear);
  require(r.valid() == r.error.empty());
  for (char c : r.error) require(c >= 0x20 && c < 0x7F);
  if (!r.valid()) return 0;
  require(r.scheme && *r.scheme == r.udi->scheme);
  for (const auto* d : {&r.udi->expiry, &r.udi->production_date}) {
    if (*d) require((*d)->ok());
  }
  if (r.udi->scheme == Scheme::kGs1) {
    check_gs1(*r.udi);
  } else {
    require(!r.udi->gtin);
    for (const auto* text : {&r.udi->lot, &r.udi->serial}) {
      if (*text) require(!(*text)->empty() && (*text)->size() <= 18);
    }
  }
  return 0;
}
