#pragma once
// A4 PDFs of self-contained HTML pages, printed by headless Chromium (the printing engine
// TOOLCHAIN.md §7 found exact for SVG, @page size and page counters). Internal to http/.
//
// The page is written to a private temporary folder (mode 700) with the PDF and Chromium's
// profile, and the folder is removed afterwards. Chromium runs as its own process group with no
// shell, its output discarded, and is killed with its children after `timeout`. The page must
// load nothing from the network: styles inline, no scripts.

#include <chrono>
#include <string>

#include "base/result.h"

namespace vertebro::http {

struct PdfOptions {
  std::string chromium = "/usr/bin/chromium";
  std::chrono::seconds timeout{60};
};

// The PDF's bytes. kInternal when Chromium is missing, fails, times out or writes no PDF.
Result<std::string> html_to_pdf(const std::string& html, const PdfOptions& options);

}  // namespace vertebro::http
