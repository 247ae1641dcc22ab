#pragma once
// A report's tables as plain values (issue 15): what the CSV and XLSX files hold and what the
// HTML page lays out. Each table has a machine name (the CSV section's and the XLSX sheet's
// name), a caption for people, typed columns and rows of cells. Pure: no I/O.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace vertebro::report {

// How a column's cells are written: text as is; integers as integers; proportions (0..1) as
// numbers (CSV: at least 10 significant digits; XLSX: a number cell with a percentage format;
// HTML: "43.2%"); dates as ISO text "2026-03-01" (XLSX: a date cell).
enum class ColumnKind { kText, kInteger, kProportion, kDate };

struct Column {
  std::string key;    // "numerator": the CSV header and a stable name for tests
  std::string label;  // "Patients with the outcome": the HTML and XLSX header
  ColumnKind kind = ColumnKind::kText;
};

// An empty cell (std::monostate) is a value that does not exist, such as the rate of a measure
// with no denominator: CSV writes nothing, XLSX leaves the cell blank, HTML shows a dash.
using Cell = std::variant<std::monostate, std::string, std::int64_t, double>;

struct Table {
  std::string name;     // "outcomes": letters, digits and underscores, at most 31 characters
  std::string caption;  // "HTG3 outcomes at 1 month"
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;  // each row has one cell per column
};

// A whole report's tables with the facts that head it ("Report", "HTG3 outcomes"; "From",
// "2026-01-01"; ...), in order.
struct Document {
  std::string title;
  std::vector<std::pair<std::string, std::string>> facts;
  std::vector<Table> tables;
};

}  // namespace vertebro::report
