#pragma once
// A report's tables (table.h) as files to download (issue 15): CSV for statistics packages and
// an XLSX workbook for spreadsheets. Pure functions of their arguments; each call builds its own
// output, so they may be called from several threads at once. The CSV functions cannot fail.
//
// How cells are written: the cell's alternative decides what it is (text, integer, number,
// nothing) and the column's kind how it looks. An empty cell (std::monostate), and a number that
// is not finite, writes nothing. A text cell in a kDate column is an ISO date "2026-03-01".

#include <string>

#include "base/result.h"
#include "report/table.h"

namespace vertebro::report {

// One table as RFC 4180 CSV: a header row of the columns' keys, then one row per table row, each
// line ended by CRLF. A field is quoted when it holds a comma, a double quote, CR or LF, with its
// quotes doubled. Integers are written as integers; proportions and other numbers with 10
// significant digits and no exponent for small values ("0.4318181818", "0.000025", "0", "1");
// dates as their ISO text. Against CSV formula injection (OWASP), text starting with = + - @,
// tab or CR gets a leading single quote ("'=SUM(A1)"); numbers never do, so a negative integer
// stays "-3". A row with the wrong number of cells is written as it is (document_xlsx refuses
// it).
std::string table_csv(const Table& t);

// A whole document as CSV: the rows "report,<title>" and "<fact name>,<fact value>" for each
// fact, then for each table a blank line, "table,<name>", "caption,<caption>" and the table as
// table_csv writes it. The title, facts and captions are text, quoted and guarded as above.
std::string document_csv(const Document& d);

// The document as the bytes of an XLSX workbook. The first sheet, "Report", holds the title (bold,
// larger) in A1 and the facts as two columns from row 3. Then one sheet per table, named after
// Table::name: the caption (bold) in A1, the columns' labels (bold, bottom border) in row 3,
// frozen, and the rows from row 4. Integers and numbers are number cells, proportions with the
// format "0.0%"; ISO dates are date cells ("yyyy-mm-dd"), or text if they do not parse; text is
// written as text, never as a formula. Column widths fit the content roughly (8 to 60). The
// workbook's title property is the document's title and its creation time is fixed at
// 1980-01-01T00:00:00Z, so the same document gives the same bytes (the report's own dates are
// among its facts).
//
// libxlsxwriter 1.1.4 writes only to a named file, so the workbook is written to a private file
// (mkstemp, mode 0600) in std::filesystem::temp_directory_path(), read back and removed on every
// path; libxlsxwriter also uses tmpfile() for the parts while it assembles them.
//
// Errors: kInvalid, with a message naming the table, when a table's name cannot be a sheet name
// (it must be 1 to 31 letters, digits and underscores, not "Report" or "History", and unique
// regardless of case), when a row has the wrong number of cells, or when a table has more rows
// or columns than a sheet holds. kInternal when the temporary file cannot be made or read or
// libxlsxwriter reports an error (such as a text longer than 32,767 characters).
Result<std::string> document_xlsx(const Document& d);

}  // namespace vertebro::report
