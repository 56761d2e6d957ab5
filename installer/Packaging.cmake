# CPack: `cpack -G DEB` in the build tree makes docdesk_<version>-1_<arch>.deb. Windows (NSIS,
# or WiX) and macOS (DragNDrop with an app bundle) are configured below but have never been
# built: platform/ has only its POSIX sources so far (see README, Packages).
set(CPACK_PACKAGE_NAME docdesk)
set(CPACK_PACKAGE_VENDOR "The docdesk developers")
# Placeholder address until the project has its own; dpkg requires a maintainer field.
set(CPACK_PACKAGE_CONTACT "The docdesk developers <docdesk@example.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
# Wrapped below 80 columns, as Debian's extended descriptions want.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "docdesk takes in pages from document scanners (SANE), webcams and document\n"
    "cameras, and files dropped onto its window. It reads barcodes, finds and\n"
    "straightens receipts and pages, splits batches into documents at separator\n"
    "sheets and barcodes, renders PDFs and files them into a local archive folder.\n"
    "docdesk-cli is the same pipeline for scanning stations and scripts. Nothing\n"
    "leaves the computer unless the user presses Upload.")
set(CPACK_PACKAGE_HOMEPAGE_URL ${DOCDESK_HOMEPAGE})
set(CPACK_PACKAGE_INSTALL_DIRECTORY docdesk)
# GPL-3.0-or-later (DOCDESK_PROJECT_LICENSE): the installers show LICENSE; the .deb carries it
# in /usr/share/doc/docdesk/copyright (installer/linux/copyright.in).
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_EXECUTABLES docdesk docdesk) # Start menu entry (NSIS, WiX)
# Release binaries carry no debug sections in the package (RelWithDebInfo builds have them).
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/\\\\.cache/")

# cpack runs the build tree's "preinstall" target, which by default builds everything (the
# whole test suite included) before installing. The programs are built by then (the `package`
# target still depends on `all`, and the install test depends on what it packages), so
# packaging only installs. Only a cache entry reaches the top-level directory that owns the rule.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON CACHE BOOL "install/cpack do not build the all target first")

# Debian. The runtime dependencies come from the shared libraries the programs actually link
# (dpkg-shlibdeps), so they follow whatever the build machine's libwx/libopencv/libsane are.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION graphics)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# A Secret Service provider keeps the vault key in the login keyring; without one docdesk asks
# for a master passphrase instead, so it is only suggested.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "gnome-keyring | kwalletmanager")
# Driverless network scanners (eSCL/AirScan, WSD) for "Search the network"; docdesk never
# searches the network on its own, so the backend is recommended, not required.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "sane-airscan")
# OCR (searchable PDF): Tesseract's English and German data, the text layer's font and the
# sRGB profile of PDF/A. libtesseract itself comes in through SHLIBDEPS.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "tesseract-ocr-eng, tesseract-ocr-deu, fonts-dejavu-core, icc-profiles-free")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Icon caches, the desktop database and the MIME cache are refreshed by dpkg triggers of
# hicolor-icon-theme, desktop-file-utils and shared-mime-info: no maintainer scripts needed.

# Windows: an NSIS installer (WiX gives an MSI with the same settings plus the upgrade GUID).
# Left to do: an .ico made from icons/docdesk.svg, and copying the DLLs of wxWidgets, OpenCV,
# ZXing, poppler, libharu, libsodium and SQLite beside the executables
# (install(RUNTIME_DEPENDENCY_SET) or vcpkg's applocal step).
set(CPACK_NSIS_DISPLAY_NAME docdesk)
set(CPACK_NSIS_PACKAGE_NAME docdesk)
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_URL_INFO_ABOUT ${DOCDESK_HOMEPAGE})
# Fixed for ever: Windows Installer recognises upgrades of docdesk by it.
set(CPACK_WIX_UPGRADE_GUID "93284ED9-3E51-4246-8A2B-E1854378A099")
set(CPACK_WIX_PROGRAM_MENU_FOLDER docdesk)

# macOS: docdesk.app on a disk image. Left to do: the bundle's Info.plist and .icns, placing the
# workers and translations inside it, and copying the dylibs in (BundleUtilities' fixup_bundle).
set(CPACK_DMG_VOLUME_NAME docdesk)
if(APPLE AND TARGET docdesk)
  set_target_properties(docdesk PROPERTIES
    MACOSX_BUNDLE ON
    MACOSX_BUNDLE_BUNDLE_NAME docdesk
    MACOSX_BUNDLE_GUI_IDENTIFIER ${DOCDESK_APP_ID}
    MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
    MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION})
endif()

if(WIN32)
  set(CPACK_GENERATOR NSIS)
elseif(APPLE)
  set(CPACK_GENERATOR DragNDrop)
else()
  set(CPACK_GENERATOR DEB)
endif()

include(CPack)
