# Tests for issue 6: the vault and gateway profiles. Paths are relative to tests/.
docdesk_add_test(vault_test SOURCES unit/vault_test.cpp LABELS unit)

# A private Secret Service (dbus-daemon + gnome-keyring-daemon) started by the tests.
add_library(docdesk_keyring_test_support STATIC support/KeyringSession.cpp)
target_link_libraries(docdesk_keyring_test_support
  PUBLIC docdesk_test_support PRIVATE PkgConfig::LIBSECRET docdesk::compile_options)

add_library(docdesk_profile_cli_test_support STATIC support/ProfileCli.cpp)
target_link_libraries(docdesk_profile_cli_test_support
  PUBLIC docdesk_test_support PRIVATE docdesk::compile_options)
docdesk_add_test(profile_cli_test SOURCES integration/profile_cli_test.cpp
                 LIBS docdesk_profile_cli_test_support docdesk_gateway_test_support PkgConfig::SODIUM
                 LABELS integration TIMEOUT 300)
add_dependencies(profile_cli_test docdesk-cli)
docdesk_add_test(profile_keyring_test SOURCES integration/profile_keyring_test.cpp
                 LIBS docdesk_keyring_test_support docdesk_profile_cli_test_support PkgConfig::SODIUM
                 LABELS integration TIMEOUT 120)
add_dependencies(profile_keyring_test docdesk-cli)

# Benchmark (run by hand): unlock time on the passphrase path and the Argon2id limits.
add_executable(vault_bench bench/vault_bench.cpp)
target_link_libraries(vault_bench PRIVATE docdesk::core docdesk::platform PkgConfig::SODIUM docdesk::compile_options)

if(DOCDESK_BUILD_GUI)
  docdesk_add_test(gui_profiles_test SOURCES gui/gui_profiles_test.cpp support/GuiSupport.cpp
                   ../app/gui/ProfilesDialog.cpp LIBS docdesk_app_common docdesk::wx LABELS gui TIMEOUT 120)
  docdesk_add_test(gui_vault_passphrase_test SOURCES gui/gui_vault_passphrase_test.cpp support/GuiSupport.cpp
                   LIBS docdesk_profile_cli_test_support LABELS gui TIMEOUT 180)
  add_dependencies(gui_vault_passphrase_test docdesk docdesk-cli)
endif()

# trust: issue 18 (passwords bound to their server, bundle dates, managed stations).
docdesk_add_test(trust_cli_test SOURCES integration/trust_cli_test.cpp
                 LIBS docdesk_profile_cli_test_support docdesk_gateway_test_support
                 LABELS integration TIMEOUT 300)
add_dependencies(trust_cli_test docdesk-cli)
docdesk_add_test(managed_station_test SOURCES integration/managed_station_test.cpp
                 LIBS docdesk_profile_cli_test_support LABELS integration TIMEOUT 300)
target_compile_definitions(managed_station_test PRIVATE DOCDESK_TEST_POLICY_DIR="${DOCDESK_POLICY_DIR}")
add_dependencies(managed_station_test docdesk-cli)
if(DOCDESK_BUILD_GUI)
  docdesk_add_test(gui_trust_test SOURCES gui/gui_trust_test.cpp support/GuiSupport.cpp
                   ../app/gui/ProfilesDialog.cpp LIBS docdesk_app_common docdesk::wx LABELS gui TIMEOUT 120)
endif()
docdesk_add_test(scan_no_network_test SOURCES integration/scan_no_network_test.cpp LABELS integration TIMEOUT 300)
add_dependencies(scan_no_network_test docdesk-cli docdesk-scan-worker)
if(DOCDESK_BUILD_GUI)
  docdesk_add_test(gui_scan_no_network_test SOURCES gui/gui_scan_no_network_test.cpp support/GuiSupport.cpp
                   LABELS gui TIMEOUT 180)
  add_dependencies(gui_scan_no_network_test docdesk docdesk-scan-worker)
endif()
# background (issue 21): the profiles dialog runs its requests through BackgroundTask.
if(DOCDESK_BUILD_GUI)
  target_sources(gui_profiles_test PRIVATE ${PROJECT_SOURCE_DIR}/app/gui/BackgroundTask.cpp)
  target_sources(gui_trust_test PRIVATE ${PROJECT_SOURCE_DIR}/app/gui/BackgroundTask.cpp)
endif()
