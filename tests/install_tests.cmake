# Tests for issue 9, the package: install_test builds the .deb with cpack from this build tree,
# unpacks it into a temporary root and runs what it installed (CLI, worker, GUI under Xvfb,
# desktop entry and AppStream validators, man pages).
if(DOCDESK_BUILD_GUI AND UNIX AND NOT APPLE)
  docdesk_add_test(install_test SOURCES integration/install_test.cpp support/GuiSupport.cpp
                   LABELS integration TIMEOUT 400)
  target_compile_definitions(install_test PRIVATE
    DOCDESK_BUILD_DIR="${PROJECT_BINARY_DIR}"
    DOCDESK_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    DOCDESK_CPACK="${CMAKE_CPACK_COMMAND}"
    DOCDESK_APP_ID="${DOCDESK_APP_ID}")
  # cpack only installs what is built (see installer/Packaging.cmake): everything packaged first.
  add_dependencies(install_test docdesk docdesk-cli docdesk-worker docdesk-scan-worker docdesk-videoio
                   docdesk_translations docdesk_desktop_files)
endif()
