// A stand-alone upload run (the GUI's code path, app/common/GatewayUpload) for the kill test:
// upload_child DATA_DIR URL USER; the password is read from stdin (one line). Exit 0 when
// everything was delivered.
#include "app/common/GatewayUpload.h"

#include <iostream>
#include <string>

int main(int argc, char** argv) {
    using namespace docdesk;
    if (argc != 4)
        return 2;
    std::string password;
    std::getline(std::cin, password);
    vault::Profile p;
    p.name = "gw";
    p.url = argv[2];
    p.user = argv[3];
    gateway::Outbox outbox(argv[1]);
    app::UploadOptions o;
    o.parallel = 3;
    const auto r = app::runGatewayUpload(outbox, p, vault::Secret(password), {}, {}, {}, o);
    return r.ok() ? 0 : 1;
}
