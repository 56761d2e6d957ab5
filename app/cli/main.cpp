// docdesk-cli — the headless face of docdesk's pipeline for scanning stations, scripts and
// tests. JSON output (--json) is a stable interface; see README "Command line".
#include "app/cli/Commands.h"
#include "app/common/AppEnvironment.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

using docdesk::tr;

namespace {

void printUsage() {
    std::cout << tr(
        "Usage: docdesk-cli COMMAND [OPTIONS] [ARGS]\n"
        "\n"
        "Capture, check and file documents without the window.\n"
        "\n"
        "Commands:\n"
        "  import [--session ID | --new-session] [--json] FILE|FOLDER...\n"
        "                        store files as pages in a capture session (the last one\n"
        "                        used unless told otherwise); folders are walked\n"
        "  analyse [--session ID] [--again]\n"
        "                        analyse the session's pages and store the results\n"
        "  crop [--mode color|gray|bw] --out DIR FILE...\n"
        "                        write each page cut to its document, straightened\n"
        "  inspect [--json] [--dpi N] FILE...\n"
        "                        analyse every page: barcodes, document edges, blank, skew\n"
        "  session list [--json] list the capture sessions, newest first\n"
        "  session show [ID] [--json]\n"
        "                        list the pages of a session (default: the newest)\n"
        "  session new [--name NAME]\n"
        "                        start an empty session and print its id\n"
        "  session verify [ID]   check every stored original against its SHA-256\n"
        "  split [--json] [RULE OPTIONS] FILE...\n"
        "                        print the filing plan: documents, fields, names, pages left out\n"
        "  file --target DIR [RULE OPTIONS] FILE... | --session ID\n"
        "                        split, render and file the documents into the archive folder\n"
        "  scan [--list | --options] [--device NAME] [--source flatbed|adf|duplex]\n"
        "       [--resolution DPI] [--mode color|gray|lineart] [--session ID | --new-session] [--json]\n"
        "                        scan pages into a session, each stored as soon as it is\n"
        "                        complete ('docdesk-cli scan --help' shows every option)\n"
        "  camera [--list] [--device D|FILE] [--count N] [--json]\n"
        "                        take the pages held still under a webcam or document camera\n"
        "  watch [--once] [--json] FOLDER\n"
        "                        hot folder: store files as they arrive, move them to done/\n"
        "  profile list|add|edit|remove|test|keygen|sign|import ...\n"
        "                        gateway profiles and operator bundles ('profile --help')\n"
        "  upload --profile NAME [--all | ID...] [--json]\n"
        "                        send the outbox's documents to the gateway (the only\n"
        "                        command that opens a network connection)\n"
        "  ledger [--json]       every delivery made: what, where, when, SHA-256\n"
        "\n"
        "Options:\n"
        "  -h, --help            show this help (also after a command)\n"
        "  --version             print the version\n"
        "\n"
        "Sessions live in $XDG_DATA_HOME/docdesk/sessions (~/.local/share/docdesk/sessions).\n"
        "Exit status: 0 on full success, 1 when any file or step failed, 2 on wrong usage;\n"
        "scan: 130 when cancelled (Ctrl+C).\n");
}

} // namespace

int main(int argc, char** argv) {
    docdesk::app::installCrashReports("docdesk-cli");
    docdesk::app::initialise();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
        printUsage();
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        std::cout << "docdesk-cli " << DOCDESK_VERSION << "\n";
        return 0;
    }
    try {
        const std::string command = args[0];
        args.erase(args.begin());
        if (command == "import")
            return docdesk::cli::runImport(args);
        if (command == "analyse" || command == "analyze")
            return docdesk::cli::runAnalyse(args);
        if (command == "crop")
            return docdesk::cli::runCrop(args);
        if (command == "inspect")
            return docdesk::cli::runInspect(args);
        if (command == "session")
            return docdesk::cli::runSession(args);
        if (command == "split")
            return docdesk::cli::runSplit(args);
        if (command == "file")
            return docdesk::cli::runFile(args);
        if (command == "scan")
            return docdesk::cli::runScan(args);
        if (command == "watch")
            return docdesk::cli::runWatch(args);
        if (command == "camera")
            return docdesk::cli::runCamera(args);
        if (command == "profile")
            return docdesk::cli::runProfile(args);
        if (command == "upload")
            return docdesk::cli::runUpload(args);
        if (command == "ledger")
            return docdesk::cli::runLedger(args);
        std::cerr << docdesk::trf("docdesk-cli: unknown command '{}'. Try 'docdesk-cli --help'.", command)
                  << "\n";
        return 2;
    } catch (const docdesk::cli::UsageError& e) {
        std::cerr << "docdesk-cli: " << e.what() << "\n" << tr("Try 'docdesk-cli --help'.") << "\n";
        return 2;
    } catch (const docdesk::Error& e) {
        std::cerr << "docdesk-cli: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "docdesk-cli: " << tr("internal error: ") << e.what() << "\n";
        return 1;
    }
}
