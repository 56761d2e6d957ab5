# Warning and sanitizer flags shared by every docdesk target (applied through an interface
# library so third-party code found by find_package is not affected).
add_library(docdesk_compile_options INTERFACE)
add_library(docdesk::compile_options ALIAS docdesk_compile_options)

target_compile_options(docdesk_compile_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
  -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough)
if(DOCDESK_WERROR)
  target_compile_options(docdesk_compile_options INTERFACE -Werror)
endif()

if(DOCDESK_SANITIZE)
  target_compile_options(docdesk_compile_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
    # GCC 12 reports false "maybe uninitialized" inside std::regex and std::optional once the
    # sanitizers instrument them; the normal -Werror build keeps the warning.
    -Wno-maybe-uninitialized)
  target_link_options(docdesk_compile_options INTERFACE -fsanitize=address,undefined)
endif()

# Fuzzing build (branch fuzz): every docdesk target is instrumented for libFuzzer's coverage
# feedback (fuzzer-no-link; the fuzz targets themselves link -fsanitize=fuzzer) and checked by
# ASan + UBSan, so a bug anywhere in docdesk's own code below a parser stops the fuzzer.
if(DOCDESK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DOCDESK_FUZZ needs clang: configure with CC=clang-14 CXX=clang++-14")
  endif()
  target_compile_options(docdesk_compile_options INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(docdesk_compile_options INTERFACE -fsanitize=address,undefined)
endif()
