#pragma once

// Whether the tests were built with AddressSanitizer (the asan preset; GCC and clang both define
// __SANITIZE_ADDRESS__ under -fsanitize=address). The long drills run fewer rounds there: the
// sanitizers look for memory and undefined-behaviour errors, which a few rounds reach as surely
// as many, at ten times the cost per round. The dev preset runs every drill at its full CI size.
namespace vertebro::test_support {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kUnderSanitizers = true;
#else
inline constexpr bool kUnderSanitizers = false;
#endif

// `full` in the dev preset, `sanitized` under the sanitizers.
constexpr long ci_size(long full, long sanitized) { return kUnderSanitizers ? sanitized : full; }

}  // namespace vertebro::test_support
