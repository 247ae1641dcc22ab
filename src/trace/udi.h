#pragma once
// Reading a device label as a barcode scanner types it: a GS1 element string (AIs 01, 10, 11,
// 17, 21) or a HIBC LIC string (primary, secondary or both concatenated). Pure: no I/O, no clock
// (the caller gives the current year for two-digit years). Thread-safe: no state.
//
// Accepted GS1 forms: an optional symbology identifier (]C1 GS1-128, ]d2 GS1 DataMatrix, ]Q3 GS1
// QR, ]e0 GS1 DataBar) or a leading GS standing for FNC1, then AI + data with GS (0x1D) after
// each variable-length field that is not the last; or the human-readable form with the AIs in
// brackets, "(01)09506000134352(17)250100(10)A1". HIBC: "+" data and its check character,
// optionally after ]A0, ]C0, ]d1 or ]Q1. See docs/traceability.md for every rule.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vertebro::trace {

enum class Scheme { kGs1, kHibc };

// "gs1" or "hibc".
const char* scheme_name(Scheme scheme);

// What one scan says. Members the label does not carry are empty.
struct Udi {
  Scheme scheme = Scheme::kGs1;
  std::optional<std::string> gtin;  // 14 digits, check digit verified (GS1 only)
  std::optional<std::string> lot;   // GS1 (10): 1-20 characters; HIBC: 1-18
  std::optional<std::chrono::year_month_day> expiry;           // DD=00 read as the month's last day
  std::optional<std::chrono::year_month_day> production_date;  // likewise
  std::optional<std::string> serial;  // GS1 (21) or HIBC serial
  // HIBC primary data: labeler identification code, product or catalogue number, unit of measure.
  std::optional<std::string> hibc_labeler;
  std::optional<std::string> hibc_product;
  std::optional<char> hibc_unit_of_measure;
};

// The outcome of reading one scan: either `udi` or `error` (a sentence for the user that names
// what is wrong, e.g. "the GTIN check digit should be 3"; it quotes no more than 24 characters
// of the scan, with control characters and non-ASCII bytes written as \xNN). `scheme` is set
// whenever the scan could be recognised as GS1 or HIBC, also when it is invalid.
struct ScanResult {
  std::optional<Scheme> scheme;
  std::optional<Udi> udi;
  std::string error;

  bool valid() const { return udi.has_value(); }
};

// Reads one scan. `current_year` (e.g. 2026) places two-digit years: GS1 General Specifications
// 7.12 puts YY in the window from 49 years before the current year to 50 years after it. Never
// throws for any input; the result is valid or carries an error.
ScanResult parse_udi(std::string_view scan, int current_year);

// GS1 check digit of `digits` (all but the check digit; weights 3,1,3,... from the right).
// Returns -1 if `digits` is empty or holds a non-digit.
int gs1_check_digit(std::string_view digits);

// The HIBC (mod 43) check character of `data` (flag character included), or '\0' if `data`
// holds a character outside the HIBC set (0-9 A-Z - . space $ / + %).
char hibc_check_character(std::string_view data);

// "2025-01-31".
std::string iso_date(std::chrono::year_month_day date);

}  // namespace vertebro::trace
