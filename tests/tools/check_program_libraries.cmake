# Runs PROGRAM (it must exit 0), then reads the shared libraries it was linked with (its ELF
# NEEDED entries) and fails when one matches any regular expression in FORBIDDEN.
# cmake -DPROGRAM=path -DFORBIDDEN="opencv;curl" [-DREADELF=readelf] [-DPROGRAM_ARGS=--version]
#       [-DTRANSITIVE=ON] -P check_program_libraries.cmake
# With TRANSITIVE, every library the loader would load (ldd), not only the direct ones, counts.
# Used by rules_link_test: docdesk::rules must build and run without OpenCV, libcurl and poppler;
# and by codecs_link_test_*: the programs start without OpenCV's imgcodecs (issue 16).
if(NOT PROGRAM OR NOT FORBIDDEN)
  message(FATAL_ERROR "usage: cmake -DPROGRAM=... -DFORBIDDEN=regex;regex [-DREADELF=...] -P ${CMAKE_CURRENT_LIST_FILE}")
endif()
if(NOT READELF)
  set(READELF readelf)
endif()

execute_process(COMMAND "${PROGRAM}" ${PROGRAM_ARGS} RESULT_VARIABLE run_result OUTPUT_VARIABLE run_output ERROR_VARIABLE run_error)
if(NOT run_result EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} failed (${run_result}):\n${run_output}${run_error}")
endif()

execute_process(COMMAND "${READELF}" -d "${PROGRAM}" RESULT_VARIABLE elf_result OUTPUT_VARIABLE dynamic
                ERROR_VARIABLE elf_error)
if(NOT elf_result EQUAL 0)
  message(FATAL_ERROR "${READELF} -d ${PROGRAM} failed: ${elf_error}")
endif()
string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*\\[[^]\n]+\\]" needed_lines "${dynamic}")
set(needed "")
foreach(line IN LISTS needed_lines)
  string(REGEX REPLACE ".*\\[([^]]+)\\]" "\\1" library "${line}")
  list(APPEND needed "${library}")
endforeach()
if(NOT needed)
  # A program with no NEEDED entry at all means the output format changed, not a clean program.
  message(FATAL_ERROR "found no NEEDED entry in the output of ${READELF} -d ${PROGRAM}:\n${dynamic}")
endif()
message(STATUS "${PROGRAM} needs: ${needed}")
if(TRANSITIVE)
  execute_process(COMMAND ldd "${PROGRAM}" RESULT_VARIABLE ldd_result OUTPUT_VARIABLE loaded ERROR_VARIABLE ldd_error)
  if(NOT ldd_result EQUAL 0)
    message(FATAL_ERROR "ldd ${PROGRAM} failed: ${ldd_error}")
  endif()
  string(REGEX MATCHALL "[^ \t\n]+ =>" loaded_names "${loaded}")
  list(TRANSFORM loaded_names REPLACE " =>$" "")
  list(LENGTH loaded_names loaded_count)
  message(STATUS "${PROGRAM} loads ${loaded_count} libraries")
  list(APPEND needed ${loaded_names})
endif()

set(bad "")
foreach(library IN LISTS needed)
  foreach(pattern IN LISTS FORBIDDEN)
    if(library MATCHES "${pattern}")
      list(APPEND bad "${library} (matches ${pattern})")
    endif()
  endforeach()
endforeach()
if(bad)
  message(FATAL_ERROR "${PROGRAM} is linked with libraries it must not need: ${bad}")
endif()
