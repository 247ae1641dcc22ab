#include "report/tabular.h"

#include <stdlib.h>  // mkstemp
#include <unistd.h>  // close
#include <xlsxwriter.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace vertebro::report {
namespace {

// Helper names carry the prefix tabular_ because the report library is built as one unit.

// ---- CSV ----

void tabular_append_field(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// OWASP's advice against CSV injection: a spreadsheet reads a field starting with one of these
// as a formula, so such text gets a leading single quote.
bool tabular_looks_like_formula(std::string_view s) {
  if (s.empty()) return false;
  switch (s.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

void tabular_append_text(std::string& out, std::string_view s) {
  if (!tabular_looks_like_formula(s)) {
    tabular_append_field(out, s);
    return;
  }
  std::string guarded = "'";
  guarded += s;
  tabular_append_field(out, guarded);
}

// Drops the zeros after the decimal point of fixed notation ("0.0000250000" -> "0.000025").
void tabular_trim_fraction(std::string& s) {
  if (s.find('.') == std::string::npos) return;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
}

// 10 significant digits, without an exponent for small or moderately large values; "" when not
// finite.
std::string tabular_number(double v) {
  if (!std::isfinite(v)) return {};
  if (v == 0) return "0";       // also -0
  std::array<char, 400> buf{};  // fixed notation of the smallest double needs about 340
  auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::general, 10);
  std::string s(buf.data(), r.ptr);
  if (s.find('e') == std::string::npos) return s;
  const double magnitude = std::fabs(v);
  if (magnitude < 1) {
    const int exponent = static_cast<int>(std::floor(std::log10(magnitude)));
    r = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed,
                      9 - exponent);
    if (r.ec != std::errc{}) return s;
    std::string fixed(buf.data(), r.ptr);
    tabular_trim_fraction(fixed);
    return fixed;
  }
  if (magnitude < 1e15) {
    r = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, 0);
    if (r.ec == std::errc{}) return std::string(buf.data(), r.ptr);
  }
  return s;
}

void tabular_append_cell(std::string& out, const Cell& cell) {
  if (const auto* text = std::get_if<std::string>(&cell)) {
    tabular_append_text(out, *text);
  } else if (const auto* integer = std::get_if<std::int64_t>(&cell)) {
    out += std::to_string(*integer);
  } else if (const auto* number = std::get_if<double>(&cell)) {
    out += tabular_number(*number);
  }
  // std::monostate: nothing.
}

void tabular_append_row(std::string& out, const std::vector<Cell>& row) {
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i > 0) out += ',';
    tabular_append_cell(out, row[i]);
  }
  out += "\r\n";
}

void tabular_append_pair(std::string& out, std::string_view name, std::string_view value) {
  tabular_append_text(out, name);
  out += ',';
  tabular_append_text(out, value);
  out += "\r\n";
}

// ---- XLSX ----

constexpr lxw_row_t kTabularHeaderRow = 2;     // row 3
constexpr lxw_row_t kTabularFirstDataRow = 3;  // row 4
constexpr std::size_t kTabularMaxSheetName = 31;
constexpr double kTabularMinWidth = 8;
constexpr double kTabularMaxWidth = 60;
// 1980-01-01T00:00:00Z, the earliest time a zip entry can carry: a fixed creation time keeps the
// bytes the same for the same document.
constexpr std::time_t kTabularCreated = 315532800;

std::string tabular_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool tabular_valid_sheet_name(std::string_view name) {
  if (name.empty() || name.size() > kTabularMaxSheetName) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  });
}

Error tabular_invalid(std::string message) {
  return Error::invalid({{"tables", message}}, message);
}

// The checks that make a document a workbook, before anything is written.
std::optional<Error> tabular_check(const Document& d) {
  std::set<std::string> names = {"report", "history"};  // ours, and one Excel keeps for itself
  for (const Table& t : d.tables) {
    const std::string quoted = "\"" + t.name + "\"";
    if (!tabular_valid_sheet_name(t.name)) {
      return tabular_invalid("The table " + quoted +
                             " cannot name a sheet: use 1 to 31 letters, digits and underscores");
    }
    if (!names.insert(tabular_lower(t.name)).second) {
      return tabular_invalid("The table " + quoted +
                             " cannot name a sheet: the workbook has a sheet of that name already "
                             "(\"Report\", another table or Excel's own \"History\")");
    }
    if (t.columns.size() > LXW_COL_MAX) {
      return tabular_invalid("The table " + quoted + " has more columns than a sheet holds");
    }
    if (t.rows.size() > LXW_ROW_MAX - kTabularFirstDataRow) {
      return tabular_invalid("The table " + quoted + " has more rows than a sheet holds");
    }
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      if (t.rows[r].size() != t.columns.size()) {
        return tabular_invalid("The table " + quoted + " has " + std::to_string(t.rows[r].size()) +
                               " cells in row " + std::to_string(r + 1) + " but " +
                               std::to_string(t.columns.size()) + " columns");
      }
    }
  }
  return std::nullopt;
}

// "2026-03-01" as a date Excel can hold (1900 to 9999), or nothing.
std::optional<lxw_datetime> tabular_parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto number = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const auto year = number(0, 4);
  const auto month = number(5, 2);
  const auto day = number(8, 2);
  if (!year || !month || !day || *year < 1900) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{*year},
                                        std::chrono::month{static_cast<unsigned>(*month)},
                                        std::chrono::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return std::nullopt;
  lxw_datetime dt{};
  dt.year = *year;
  dt.month = *month;
  dt.day = *day;
  return dt;
}

// Characters, not bytes, of UTF-8 text: a rough measure of the width it needs.
std::size_t tabular_text_width(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::size_t tabular_cell_width(const Cell& cell, ColumnKind kind) {
  if (const auto* text = std::get_if<std::string>(&cell)) return tabular_text_width(*text);
  if (const auto* integer = std::get_if<std::int64_t>(&cell)) {
    return std::to_string(*integer).size();
  }
  if (const auto* number = std::get_if<double>(&cell)) {
    if (kind == ColumnKind::kProportion) return 7;  // "100.0%"
    return tabular_number(*number).size();
  }
  return 0;
}

double tabular_fit(std::size_t characters) {
  return std::clamp(static_cast<double>(characters) + 2, kTabularMinWidth, kTabularMaxWidth);
}

// Closes (and so frees) the workbook on every path; close() reports the error of a normal close.
class TabularWorkbook {
 public:
  explicit TabularWorkbook(const std::string& path) : wb_(workbook_new(path.c_str())) {}
  TabularWorkbook(const TabularWorkbook&) = delete;
  TabularWorkbook& operator=(const TabularWorkbook&) = delete;
  ~TabularWorkbook() {
    if (wb_ != nullptr) workbook_close(wb_);
  }
  lxw_workbook* get() const { return wb_; }
  lxw_error close() { return workbook_close(std::exchange(wb_, nullptr)); }

 private:
  lxw_workbook* wb_;
};

// A private temporary file, removed when this goes.
class TabularTempFile {
 public:
  TabularTempFile() = default;
  TabularTempFile(const TabularTempFile&) = delete;
  TabularTempFile& operator=(const TabularTempFile&) = delete;
  ~TabularTempFile() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }

  bool create() {
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) return false;
    // mkstemp's template: it replaces the six X's with a unique name and creates the file 0600.
    std::string name = (dir / "vertebro-xlsx-XXXXXX").string();
    const int fd = mkstemp(name.data());
    if (fd < 0) return false;
    ::close(fd);
    path_ = std::move(name);
    return true;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct TabularFormats {
  lxw_format* title = nullptr;
  lxw_format* bold = nullptr;
  lxw_format* header = nullptr;
  lxw_format* percent = nullptr;
  lxw_format* date = nullptr;
};

// `where`: "sheet \"outcomes\"", "the workbook".
Error tabular_write_error(std::string_view where, lxw_error e) {
  return Error::internal("The spreadsheet could not be written (" + std::string(where) +
                         "): " + lxw_strerror(e));
}

Status tabular_write_report_sheet(lxw_workbook* wb, const Document& d, const TabularFormats& f) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Report");
  if (ws == nullptr) return Error::internal("The spreadsheet's Report sheet could not be added");
  lxw_error e = worksheet_write_string(ws, 0, 0, d.title.c_str(), f.title);
  if (e == LXW_NO_ERROR) e = worksheet_set_row(ws, 0, 21, nullptr);
  std::size_t name_width = 0;
  std::size_t value_width = 0;
  for (std::size_t i = 0; i < d.facts.size() && e == LXW_NO_ERROR; ++i) {
    const auto row = static_cast<lxw_row_t>(kTabularHeaderRow + i);
    const auto& [name, value] = d.facts[i];
    e = worksheet_write_string(ws, row, 0, name.c_str(), f.bold);
    if (e == LXW_NO_ERROR) e = worksheet_write_string(ws, row, 1, value.c_str(), nullptr);
    name_width = std::max(name_width, tabular_text_width(name));
    value_width = std::max(value_width, tabular_text_width(value));
  }
  if (e == LXW_NO_ERROR) e = worksheet_set_column(ws, 0, 0, tabular_fit(name_width), nullptr);
  if (e == LXW_NO_ERROR) e = worksheet_set_column(ws, 1, 1, tabular_fit(value_width), nullptr);
  if (e != LXW_NO_ERROR) return tabular_write_error("sheet \"Report\"", e);
  return {};
}

lxw_error tabular_write_cell(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const Cell& cell,
                             ColumnKind kind, const TabularFormats& f) {
  if (const auto* text = std::get_if<std::string>(&cell)) {
    if (kind == ColumnKind::kDate) {
      if (auto date = tabular_parse_date(*text)) {
        return worksheet_write_datetime(ws, row, col, &*date, f.date);
      }
    }
    return worksheet_write_string(ws, row, col, text->c_str(), nullptr);
  }
  if (const auto* integer = std::get_if<std::int64_t>(&cell)) {
    return worksheet_write_number(ws, row, col, static_cast<double>(*integer), nullptr);
  }
  if (const auto* number = std::get_if<double>(&cell)) {
    if (!std::isfinite(*number)) return LXW_NO_ERROR;  // blank, like an empty cell
    return worksheet_write_number(ws, row, col, *number,
                                  kind == ColumnKind::kProportion ? f.percent : nullptr);
  }
  return LXW_NO_ERROR;  // std::monostate: a blank cell
}

Status tabular_write_table_sheet(lxw_workbook* wb, const Table& t, const TabularFormats& f) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, t.name.c_str());
  if (ws == nullptr) {
    return Error::internal("The spreadsheet's sheet \"" + t.name + "\" could not be added");
  }
  lxw_error e = worksheet_write_string(ws, 0, 0, t.caption.c_str(), f.bold);
  std::vector<std::size_t> widths(t.columns.size(), 0);
  for (std::size_t c = 0; c < t.columns.size() && e == LXW_NO_ERROR; ++c) {
    e = worksheet_write_string(ws, kTabularHeaderRow, static_cast<lxw_col_t>(c),
                               t.columns[c].label.c_str(), f.header);
    widths[c] = tabular_text_width(t.columns[c].label);
  }
  for (std::size_t r = 0; r < t.rows.size() && e == LXW_NO_ERROR; ++r) {
    const auto row = static_cast<lxw_row_t>(kTabularFirstDataRow + r);
    for (std::size_t c = 0; c < t.columns.size() && e == LXW_NO_ERROR; ++c) {
      const ColumnKind kind = t.columns[c].kind;
      e = tabular_write_cell(ws, row, static_cast<lxw_col_t>(c), t.rows[r][c], kind, f);
      widths[c] = std::max(widths[c], tabular_cell_width(t.rows[r][c], kind));
    }
  }
  for (std::size_t c = 0; c < widths.size() && e == LXW_NO_ERROR; ++c) {
    const auto col = static_cast<lxw_col_t>(c);
    e = worksheet_set_column(ws, col, col, tabular_fit(widths[c]), nullptr);
  }
  if (e != LXW_NO_ERROR) return tabular_write_error("sheet \"" + t.name + "\"", e);
  worksheet_freeze_panes(ws, kTabularFirstDataRow, 0);
  return {};
}

Status tabular_write_workbook(lxw_workbook* wb, const Document& d) {
  std::string title = d.title;  // libxlsxwriter's properties take char*
  lxw_doc_properties properties{};
  properties.title = title.data();
  properties.created = kTabularCreated;
  if (lxw_error e = workbook_set_properties(wb, &properties); e != LXW_NO_ERROR) {
    return tabular_write_error("the workbook's properties", e);
  }

  TabularFormats f;
  f.title = workbook_add_format(wb);
  f.bold = workbook_add_format(wb);
  f.header = workbook_add_format(wb);
  f.percent = workbook_add_format(wb);
  f.date = workbook_add_format(wb);
  if (!f.title || !f.bold || !f.header || !f.percent || !f.date) {
    return Error::internal("The spreadsheet's formats could not be made");
  }
  format_set_bold(f.title);
  format_set_font_size(f.title, 14);
  format_set_bold(f.bold);
  format_set_bold(f.header);
  format_set_bottom(f.header, LXW_BORDER_THIN);
  format_set_num_format(f.percent, "0.0%");
  format_set_num_format(f.date, "yyyy-mm-dd");

  if (Status s = tabular_write_report_sheet(wb, d, f); !s) return s;
  for (const Table& t : d.tables) {
    if (Status s = tabular_write_table_sheet(wb, t, f); !s) return s;
  }
  return {};
}

}  // namespace

std::string table_csv(const Table& t) {
  std::string out;
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    if (i > 0) out += ',';
    tabular_append_text(out, t.columns[i].key);
  }
  out += "\r\n";
  for (const auto& row : t.rows) tabular_append_row(out, row);
  return out;
}

std::string document_csv(const Document& d) {
  std::string out;
  tabular_append_pair(out, "report", d.title);
  for (const auto& [name, value] : d.facts) tabular_append_pair(out, name, value);
  for (const Table& t : d.tables) {
    out += "\r\n";
    tabular_append_pair(out, "table", t.name);
    tabular_append_pair(out, "caption", t.caption);
    out += table_csv(t);
  }
  return out;
}

Result<std::string> document_xlsx(const Document& d) {
  if (auto invalid = tabular_check(d)) return std::move(*invalid);

  TabularTempFile file;
  if (!file.create()) {
    return Error::internal("A temporary file for the spreadsheet could not be made");
  }
  {
    TabularWorkbook wb(file.path());
    if (wb.get() == nullptr) return Error::internal("The spreadsheet could not be started");
    if (Status s = tabular_write_workbook(wb.get(), d); !s) return std::move(s).error();
    if (lxw_error e = wb.close(); e != LXW_NO_ERROR) return tabular_write_error("the workbook", e);
  }

  std::ifstream in(file.path(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad() || bytes.empty()) {
    return Error::internal("The spreadsheet could not be read back from its temporary file");
  }
  return bytes;
}

}  // namespace vertebro::report
