# Tests for issue 7 (gateway): connectors, outbox, the upload run and the CLI, against a real
# Apache httpd with mod_dav that each test starts on free loopback ports.
add_library(docdesk_gateway_test_support STATIC support/ApacheServer.cpp)
target_link_libraries(docdesk_gateway_test_support PUBLIC docdesk_test_support PRIVATE docdesk::compile_options)
target_sources(docdesk_gateway_test_support PRIVATE support/GatewayFixtures.cpp)

docdesk_add_test(gateway_webdav_test SOURCES integration/gateway_webdav_test.cpp
                 LIBS docdesk_gateway_test_support LABELS integration TIMEOUT 180)
docdesk_add_test(upload_run_test SOURCES integration/upload_run_test.cpp
                 LIBS docdesk_gateway_test_support docdesk_app_common LABELS integration TIMEOUT 240)
add_dependencies(upload_run_test docdesk-cli docdesk-worker)
target_sources(docdesk_gateway_test_support PRIVATE support/FaultProxy.cpp)
docdesk_add_test(upload_faults_test SOURCES integration/upload_faults_test.cpp
                 LIBS docdesk_gateway_test_support docdesk_app_common LABELS integration TIMEOUT 240)
add_executable(upload_child support/upload_child.cpp)
target_link_libraries(upload_child PRIVATE docdesk_app_common docdesk::compile_options)
docdesk_add_test(upload_kill_test SOURCES integration/upload_kill_test.cpp
                 LIBS docdesk_gateway_test_support docdesk_app_common LABELS integration TIMEOUT 300)
target_compile_definitions(upload_kill_test PRIVATE DOCDESK_UPLOAD_CHILD="$<TARGET_FILE:upload_child>")
add_dependencies(upload_kill_test upload_child)
docdesk_add_test(upload_no_network_test SOURCES integration/upload_no_network_test.cpp LABELS integration TIMEOUT 300)
add_dependencies(upload_no_network_test docdesk-cli docdesk-worker)

# Benchmark (run by hand): upload throughput against curl -T, and peak memory for 1 GB.
add_executable(upload_bench bench/upload_bench.cpp)
target_link_libraries(upload_bench PRIVATE docdesk_gateway_test_support docdesk::compile_options)
# Benchmark (run by hand): peak memory of whole CLI runs on a 512 MB pass-through file against a
# 1 KB one (import, file --target, file --profile, upload), and upload runs against curl -T.
add_executable(memory_bench bench/memory_bench.cpp)
target_link_libraries(memory_bench PRIVATE docdesk_gateway_test_support docdesk_keyring_test_support
                      docdesk::compile_options)
add_dependencies(memory_bench docdesk-cli docdesk-worker)
docdesk_add_test(upload_cli_test SOURCES integration/upload_cli_test.cpp
                 LIBS docdesk_gateway_test_support docdesk_profile_cli_test_support LABELS integration TIMEOUT 240)
add_dependencies(upload_cli_test docdesk-cli docdesk-worker)

# Fakes written from published APIs (no real CMIS repository, paperless or Nextcloud runs),
# on FakeHttpServer, a small HTTP/1.1 server on loopback.
target_sources(docdesk_gateway_test_support PRIVATE support/FakeHttpServer.cpp support/FakePaperlessServer.cpp
                                                    support/FakeCmisServer.cpp support/FakeNextcloudServer.cpp)
docdesk_add_test(gateway_form_test SOURCES integration/gateway_form_test.cpp
                 LIBS docdesk_gateway_test_support docdesk_app_common LABELS integration TIMEOUT 240)
docdesk_add_test(gateway_cmis_test SOURCES integration/gateway_cmis_test.cpp
                 LIBS docdesk_gateway_test_support docdesk_app_common LABELS integration TIMEOUT 240)
docdesk_add_test(gateway_nextcloud_test SOURCES integration/gateway_nextcloud_test.cpp
                 LIBS docdesk_gateway_test_support LABELS integration TIMEOUT 120)
docdesk_add_test(upload_connectors_cli_test SOURCES integration/upload_connectors_cli_test.cpp
                 LIBS docdesk_gateway_test_support docdesk_profile_cli_test_support LABELS integration TIMEOUT 240)
add_dependencies(upload_connectors_cli_test docdesk-cli docdesk-worker)
