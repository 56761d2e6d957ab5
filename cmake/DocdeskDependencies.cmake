# Every third-party dependency, found once. Debian 12 package names are in
# installer/install-deps.sh; module CMakeLists link what they use, PRIVATE where the
# dependency does not appear in a public header.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs videoio)
find_package(TIFF REQUIRED)
# JPEG and PNG decoded and encoded directly (core/imaging/ImageCodecs.h); OpenCV's imgcodecs
# only in the plugin for the rarer formats.
find_package(JPEG REQUIRED)
find_package(PNG REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(ZXing REQUIRED)
find_package(CURL REQUIRED)
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto) # SHA-256 (core/common/Sha256.cpp)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(POPPLER_CPP REQUIRED IMPORTED_TARGET poppler-cpp)
pkg_check_modules(QPDF REQUIRED IMPORTED_TARGET libqpdf)
pkg_check_modules(LIBSECRET REQUIRED IMPORTED_TARGET libsecret-1)
find_package(Intl REQUIRED)

if(DOCDESK_BUILD_GUI)
  # Gives variables, not an imported target; wrapped in one below.
  find_package(wxWidgets 3.2 REQUIRED COMPONENTS core base)
  add_library(docdesk_wx INTERFACE)
  target_include_directories(docdesk_wx SYSTEM INTERFACE ${wxWidgets_INCLUDE_DIRS})
  target_compile_definitions(docdesk_wx INTERFACE ${wxWidgets_DEFINITIONS})
  target_compile_options(docdesk_wx INTERFACE ${wxWidgets_CXX_FLAGS})
  target_link_libraries(docdesk_wx INTERFACE ${wxWidgets_LIBRARIES})
  add_library(docdesk::wx ALIAS docdesk_wx)
endif()

if(DOCDESK_BUILD_TESTS)
  find_package(Boost 1.74 REQUIRED COMPONENTS unit_test_framework)
endif()
