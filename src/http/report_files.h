#pragma once
// The HTG3 outcomes report (app/audit_reports.h) as the files an audit lead takes to the
// governance meeting (issue 15; docs/reports.md): one standalone HTML page (style and SVG
// charts inline, loading nothing), the same page printed to an A4 PDF by headless Chromium
// (http/pdf.h), and its tables as CSV and XLSX (report/tabular.h). The web page and
// `vertebro report htg3` both use these, so every format shows the same figures.

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "app/audit_reports.h"
#include "base/result.h"
#include "http/pdf.h"

namespace vertebro::http {

enum class ReportFormat { kHtml, kPdf, kCsv, kXlsx };
std::optional<ReportFormat> parse_report_format(std::string_view name);  // "html", "pdf", ...

struct ReportFile {
  std::string bytes;
  std::string content_type;  // "text/html; charset=utf-8", ...
  std::string file_name;     // "htg3-report-2026-01-01-to-2026-12-31.pdf"
};

// `demo` marks every page as demonstration data. Errors: kInternal when Chromium cannot print
// the PDF or the XLSX cannot be written; kInvalid from report/tabular.h (a bug).
Result<ReportFile> htg3_report_file(const app::Htg3Report& r, ReportFormat format,
                                    const PdfOptions& pdf, bool demo);

// The view the page and the standalone file render (_report_htg3_body.mustache).
nlohmann::json htg3_report_view(const app::Htg3Report& r);

}  // namespace vertebro::http
