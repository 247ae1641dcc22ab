# Fails when a file under src/ other than base/crypto.{h,cpp} names the test-only password
# cost: the minimal argon2id cost exists for test suites that sign in hundreds of times, and no
# code path of the vertebro binary may reach it (H-095).
file(GLOB_RECURSE files ${SRC}/*.h ${SRC}/*.cpp)
set(bad "")
foreach(f IN LISTS files)
  if(f MATCHES "/base/crypto\\.(h|cpp)$")
    continue()
  endif()
  file(STRINGS ${f} lines REGEX "kTestOnlyMinimum")
  if(lines)
    list(APPEND bad "${f}")
  endif()
endforeach()
if(bad)
  string(REPLACE ";" "\n" msg "${bad}")
  message(FATAL_ERROR "The test-only password cost is named outside base/crypto:\n${msg}")
endif()
message(STATUS "password cost: only tests lower it")
