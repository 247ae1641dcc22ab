#pragma once
// QR codes as inline SVG (libqrencode), for the links printed on patients' letters. Internal to
// http/.

#include <string>

namespace vertebro::http {

// An SVG drawing of `text` as a QR code (error correction level M, a quiet zone of 4 modules),
// sized by its viewBox; "" when `text` is empty or too long for a QR code. The SVG has a title
// for screen readers and no style attributes (the pages' Content-Security-Policy).
std::string qr_svg(const std::string& text, const std::string& title);

}  // namespace vertebro::http
