#pragma once
// Internal to http/: what the server refuses before it reads a request's body (docs/api.md,
// "Limits"). No vertebro route streams a body, so every body must come whole, with a length:
//
// | request                                                  | answer                      |
// |----------------------------------------------------------|-----------------------------|
// | Transfer-Encoding (chunked)                              | 411 `length_required`       |
// | Content-Length not one number                            | 400 `bad_request`           |
// | Content-Length over the body limit (1 MiB)               | 413 `too_large`             |
// | a body on GET, HEAD or OPTIONS                           | 400 `bad_request`           |
// | Content-Encoding other than identity                     | 415 `unsupported_media_type`|
// | multipart/*, or a body of another type than the face's   | 415 `unsupported_media_type`|
// |   (application/json under /api/, else a url-encoded form)|                             |
//
// Each refusal names what is accepted, as JSON under /api/ and as a page elsewhere, and closes
// the connection (the body is never read). The same check answers `Expect: 100-continue`, so a
// client that waits for it sends nothing. POST, PUT, PATCH and DELETE without Content-Length or
// Transfer-Encoding have an empty body (RFC 9112 §6.3), which httplib would otherwise read to
// the end of the connection.

#include "http/bounded_server.h"
#include "http/web.h"

namespace vertebro::http {

// Sets the pre-routing and 100-continue handlers of `svr`; `web` must outlive it.
void install_request_limits(BoundedServer& svr, Web& web);

}  // namespace vertebro::http
