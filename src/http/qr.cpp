#include "http/qr.h"

#include <qrencode.h>

#include <memory>

namespace vertebro::http {

namespace {

std::string escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string qr_svg(const std::string& text, const std::string& title) {
  if (text.empty()) return "";
  // QRcode_encodeData, not QRcode_encodeString: the string form returns NULL for "" and stops
  // at an embedded NUL (TOOLCHAIN.md).
  std::unique_ptr<QRcode, void (*)(QRcode*)> code(
      QRcode_encodeData(static_cast<int>(text.size()),
                        reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M),
      QRcode_free);
  if (!code) return "";
  const int width = code->width;
  const int size = width + 8;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                    std::to_string(size) + " " + std::to_string(size) +
                    "\" role=\"img\" aria-labelledby=\"qr-title\" shape-rendering=\"crispEdges\">"
                    "<title id=\"qr-title\">" + escaped(title) + "</title>"
                    "<rect width=\"" + std::to_string(size) + "\" height=\"" +
                    std::to_string(size) + "\" fill=\"#ffffff\"/><path fill=\"#000000\" d=\"";
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width; ++x) {
      // Bit 0 of each module is set for a dark one.
      if ((code->data[y * width + x] & 1) == 0) continue;
      svg += "M" + std::to_string(x + 4) + " " + std::to_string(y + 4) + "h1v1h-1z";
    }
  }
  svg += "\"/></svg>";
  return svg;
}

}  // namespace vertebro::http
