#define BOOST_TEST_MODULE sane_scan
// Scanning end to end with SANE's real `test` backend (no mocks): each case writes its own
// SANE configuration (dll.conf naming only `test`, and a test.conf with what the case needs),
// points SANE_CONFIG_DIR at it — never at the user's scanners — and runs the real
// `docdesk-cli scan`, which starts docdesk-scan-worker (the environment reaches it through the
// CLI). Pages are then checked in the session the CLI wrote, through `session show --json`,
// `session verify` and the stored originals themselves.
//
// What the test backend can and cannot do shapes the checks: its feeder runs empty after 10
// sheets; `read-return-value` makes *every* sane_read() fail, so an injected jam hits the
// first sheet of a scan (pages kept "before the error" are then the session's earlier pages);
// `read-delay` slows reading down, which gives time to cancel, kill or freeze the worker
// between two sheets.
#include "platform/ChildProcess.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <set>
#include <signal.h>
#include <sstream>

using namespace docdesk;
using nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using Conf = std::map<std::string, std::string>;

namespace {

struct Run {
    std::string out;
    std::string err;
    platform::ExitStatus status;
    double seconds = 0;
};

// A SANE configuration, data folder and temp folder of its own.
class ScanBench {
  public:
    explicit ScanBench(std::map<std::string, std::string> settings = {}, bool withTestBackend = true) {
        fs::create_directories(home_ / "sane");
        fs::create_directories(home_ / "tmp");
        test::writeFile(home_ / "sane" / "dll.conf", withTestBackend ? "test\n" : "");
        configure(std::move(settings));
    }

    // Rewrites test.conf: the defaults below, changed by `settings` (test.conf keys).
    void configure(std::map<std::string, std::string> settings) {
        std::map<std::string, std::string> conf = {{"number_of_devices", "2"},
                                                   {"mode", "Gray"},
                                                   {"depth", "8"},
                                                   {"resolution", "50"},
                                                   {"test-picture", "\"Color pattern\""},
                                                   {"read-delay", "false"},
                                                   {"read-delay-duration", "1000"},
                                                   {"read-status-code", "\"Default\""},
                                                   {"geometry_min", "0.0"},
                                                   {"geometry_max", "300.0"},
                                                   {"geometry_quant", "1.0"},
                                                   {"tl_x", "0.0"},
                                                   {"tl_y", "0.0"},
                                                   {"br_x", "80.0"},
                                                   {"br_y", "100.0"}};
        for (auto& [k, v] : settings)
            conf[k] = v;
        std::ostringstream text;
        for (const auto& [k, v] : conf)
            text << k << " " << v << "\n";
        test::writeFile(home_ / "sane" / "test.conf", text.str());
    }

    platform::ChildOptions options() const {
        platform::ChildOptions opts;
        opts.pipeStdout = true;
        opts.stderrFile = home_ / "stderr.txt";
        opts.environment["SANE_CONFIG_DIR"] = (home_ / "sane").string();
        opts.environment["XDG_DATA_HOME"] = (home_ / "data").string();
        opts.environment["TMPDIR"] = (home_ / "tmp").string(); // the scanned pages pass through here
        opts.environment["LANG"] = "C.UTF-8";
        opts.environment["LANGUAGE"] = "";
        return opts;
    }

    platform::ChildProcess start(std::vector<std::string> args) const {
        std::error_code ec;
        fs::remove(home_ / "stderr.txt", ec);
        args.insert(args.begin(), test::cliPath().string());
        return platform::ChildProcess(args, options());
    }

    Run cli(std::vector<std::string> args) const {
        const auto t0 = Clock::now();
        auto p = start(std::move(args));
        Run r;
        r.out = p.readAll();
        r.status = p.wait();
        r.err = stderrText();
        r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        return r;
    }

    std::string stderrText() const {
        std::ifstream in(home_ / "stderr.txt");
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

    json session(const std::string& id = "") const {
        std::vector<std::string> args = {"session", "show", "--json"};
        if (!id.empty())
            args.push_back(id);
        const auto r = cli(args);
        BOOST_REQUIRE(r.status.success());
        return json::parse(r.out);
    }

    bool verify(const std::string& id) const { return cli({"session", "verify", id}).status.success(); }

    // No page file may stay behind in the temp folder.
    bool scratchIsEmpty() const {
        for (const auto& e : fs::recursive_directory_iterator(home_ / "tmp"))
            if (e.is_regular_file())
                return false;
        return true;
    }

    const fs::path& home() const { return home_.path(); }

  private:
    test::TempDir home_;
};

std::vector<json> jsonLines(const std::string& text) {
    std::vector<json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            out.push_back(json::parse(line));
    return out;
}

std::vector<json> pageLines(const std::vector<json>& lines) {
    std::vector<json> out;
    for (const auto& l : lines)
        if (l.contains("page"))
            out.push_back(l);
    return out;
}

// The summary line ({"end": ...}) a scan prints last.
json summaryOf(const std::vector<json>& lines) {
    BOOST_REQUIRE(!lines.empty());
    BOOST_REQUIRE(lines.back().contains("end"));
    return lines.back();
}

// What the test backend delivers: floor(mm / 25.4 * dpi) pixels.
int pixels(double mm, int dpi) {
    return int(mm / 25.4 * dpi);
}

bool near(int actual, int expected) {
    return std::abs(actual - expected) <= 1;
}

// The pid of the child process `parent` started with the given name (at most 15 characters,
// as the kernel keeps it); 0 when there is none.
int childNamed(int parent, const std::string& name) {
    for (const auto& e : fs::directory_iterator("/proc")) {
        const auto pidText = e.path().filename().string();
        if (pidText.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::ifstream in(e.path() / "stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto open = stat.find('(');
        const auto close = stat.rfind(')');
        if (open == std::string::npos || close == std::string::npos)
            continue;
        const std::string comm = stat.substr(open + 1, close - open - 1);
        std::istringstream rest(stat.substr(close + 2));
        char state = 0;
        int ppid = 0;
        rest >> state >> ppid;
        if (ppid == parent && comm == name.substr(0, 15))
            return std::stoi(pidText);
    }
    return 0;
}

bool processGone(int pid) {
    return pid <= 0 || !fs::exists("/proc/" + std::to_string(pid) + "/stat");
}

// Reading that takes long enough to act between two sheets: 100 dpi over 200 x 200 mm is
// about 10 buffers, each delayed by 0.2 s — about 2 s a sheet.
const Conf kSlowReading = {
    {"test-picture", "Grid"}, {"read-delay", "true"}, {"read-delay-duration", "200000"}};
const std::vector<std::string> kSlowBatch = {
    "scan", "--new-session", "--json", "--source", "adf", "--resolution", "100", "--page-size", "200x200mm"};

// Starts a slow feeder batch and waits for its first stored page; returns that line.
json firstPageOf(platform::ChildProcess& p) {
    const auto deadline = Clock::now() + 60s;
    while (Clock::now() < deadline) {
        const auto line = p.readLine(1000ms);
        if (line && !line->empty()) {
            auto j = json::parse(*line);
            BOOST_REQUIRE_MESSAGE(j.contains("page"), "expected a page line first: " << *line);
            return j;
        }
        BOOST_REQUIRE_MESSAGE(p.running(), "docdesk-cli ended before the first page");
    }
    BOOST_FAIL("no page within 60 s");
    return {};
}

// The rest of a running CLI's output, and its exit, within `limit`.
Run finish(platform::ChildProcess& p, const ScanBench& bench, std::chrono::seconds limit) {
    Run r;
    const auto t0 = Clock::now();
    while (Clock::now() - t0 < limit) {
        const auto line = p.readLine(500ms);
        if (line)
            r.out += *line + "\n";
        else if (!p.running())
            break;
    }
    while (const auto line = p.readLine(0ms))
        r.out += *line + "\n";
    auto status = p.waitFor(5s);
    if (!status) {
        p.signal(SIGKILL);
        BOOST_ERROR("docdesk-cli did not end within " << limit.count() << " s");
        status = p.wait();
    }
    r.status = *status;
    r.err = bench.stderrText();
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return r;
}

} // namespace

BOOST_AUTO_TEST_CASE(lists_the_test_devices_and_their_options) {
    ScanBench bench(Conf{{"number_of_devices", "3"}}); // not the system's 2: proves our configuration is used
    const auto list = bench.cli({"scan", "--list", "--json"});
    BOOST_TEST_MESSAGE("scan --list: " << list.seconds << " s");
    BOOST_TEST(list.status.success(), list.err);
    const auto devices = json::parse(list.out);
    BOOST_REQUIRE(devices.is_array());
    BOOST_TEST(devices.size() == 3u);
    std::set<std::string> names;
    for (const auto& d : devices)
        names.insert(d["name"].get<std::string>());
    BOOST_TEST(names.count("test:0") == 1u);
    BOOST_TEST(names.count("test:1") == 1u);
    BOOST_TEST(devices[0]["vendor"] == "Noname");

    const auto text = bench.cli({"scan", "--list"});
    BOOST_TEST(text.status.success());
    BOOST_TEST(text.out.find("test:1") != std::string::npos, text.out);

    const auto options = bench.cli({"scan", "--options", "--device", "test:1", "--json"});
    BOOST_TEST(options.status.success(), options.err);
    const auto caps = json::parse(options.out);
    std::set<std::string> sources, modes;
    for (const auto& s : caps["sources"])
        sources.insert(s["kind"].get<std::string>());
    for (const auto& m : caps["modes"])
        modes.insert(m["kind"].get<std::string>());
    BOOST_TEST((sources == std::set<std::string>{"flatbed", "adf"}));
    BOOST_TEST((modes == std::set<std::string>{"color", "gray", "lineart"}));
    BOOST_TEST(caps["resolution_range"]["max"] == 1200.0);
    BOOST_TEST(caps["max_page_size"]["width_mm"] == 300.0);
}

BOOST_AUTO_TEST_CASE(flatbed_pages_in_gray_color_and_lineart_have_the_expected_size) {
    ScanBench bench;
    struct Case {
        std::vector<std::string> options;
        int width, height, channels;
        std::string mediaType;
    };
    const std::vector<Case> cases = {
        {{"--mode", "gray", "--resolution", "100"}, pixels(80, 100), pixels(100, 100), 1, "image/png"},
        {{"--mode", "color", "--resolution", "150", "--page-size", "50x60mm"},
         pixels(50, 150),
         pixels(60, 150),
         3,
         "image/png"},
        {{"--mode", "lineart", "--resolution", "200"}, pixels(80, 200), pixels(100, 200), 1, "image/png"},
        {{"--mode", "color", "--resolution", "120", "--format", "jpeg"},
         pixels(80, 120),
         pixels(100, 120),
         3,
         "image/jpeg"},
    };
    std::string session;
    for (const auto& c : cases) {
        std::vector<std::string> args = {"scan", "--json", "--device", "test:0", "--source", "flatbed"};
        if (session.empty())
            args.push_back("--new-session");
        else
            args.insert(args.end(), {"--session", session});
        args.insert(args.end(), c.options.begin(), c.options.end());
        const auto run = bench.cli(args);
        BOOST_TEST_MESSAGE("flatbed " << c.options[1] << ": " << run.seconds << " s");
        BOOST_TEST_REQUIRE(run.status.success(), run.err);
        const auto lines = jsonLines(run.out);
        const auto pages = pageLines(lines);
        BOOST_REQUIRE(pages.size() == 1u); // the glass holds one page
        const auto summary = summaryOf(lines);
        BOOST_TEST(summary["end"] == "completed");
        session = summary["session"].get<std::string>();
        BOOST_TEST(near(pages[0]["width"], c.width), pages[0]["width"] << " != " << c.width);
        BOOST_TEST(near(pages[0]["height"], c.height), pages[0]["height"] << " != " << c.height);
        BOOST_TEST(pages[0]["media_type"] == c.mediaType);
        BOOST_TEST(pages[0]["source"].get<std::string>().find("Flatbed") != std::string::npos);

        // The stored original itself.
        const auto stored = bench.session(session)["pages"].back();
        BOOST_TEST(stored["id"] == pages[0]["id"]);
        const cv::Mat image = cv::imread(stored["original"].get<std::string>(), cv::IMREAD_UNCHANGED);
        BOOST_REQUIRE(!image.empty());
        BOOST_TEST(image.cols == pages[0]["width"].get<int>());
        BOOST_TEST(image.rows == pages[0]["height"].get<int>());
        BOOST_TEST(image.channels() == c.channels);
        if (c.options[1] == "lineart") {
            const auto bytes = test::readFile(stored["original"].get<std::string>());
            BOOST_TEST(int(bytes.at(24)) == 1); // PNG bit depth: 1 bit per pixel
        }
        if (c.channels == 3 && c.mediaType == "image/png") {
            cv::Mat bgr[3];
            cv::split(image, bgr);
            BOOST_TEST(cv::countNonZero(bgr[0] != bgr[2]) > 0); // the colour pattern is in colour
        }
    }

    // What the device cannot do is said up front, and the scan goes on with what it can.
    const auto limited = bench.cli({"scan", "--json", "--session", session, "--resolution", "50",
                                    "--brightness", "10", "--page-size", "400x400mm"});
    BOOST_TEST_REQUIRE(limited.status.success(), limited.err);
    const auto lines = jsonLines(limited.out);
    BOOST_TEST(summaryOf(lines)["warnings"].size() == 2u);
    BOOST_TEST(limited.err.find("no brightness setting") != std::string::npos, limited.err);
    BOOST_TEST(limited.err.find("larger than the scanner's area") != std::string::npos, limited.err);
    BOOST_TEST(near(pageLines(lines).at(0)["width"], pixels(300, 50))); // geometry_max of the test backend

    BOOST_TEST(bench.session(session)["pages"].size() == cases.size() + 1);
    BOOST_TEST(bench.verify(session));
    BOOST_TEST(bench.scratchIsEmpty());
}

BOOST_AUTO_TEST_CASE(a_feeder_batch_stores_exactly_the_ten_sheets_of_the_test_feeder) {
    ScanBench bench;
    const auto run = bench.cli({"scan", "--new-session", "--json", "--device", "test:1", "--source", "adf",
                                "--mode", "gray", "--resolution", "75"});
    BOOST_TEST_MESSAGE("feeder batch of 10: " << run.seconds << " s");
    BOOST_TEST_REQUIRE(run.status.success(), run.err);
    const auto lines = jsonLines(run.out);
    const auto pages = pageLines(lines);
    BOOST_REQUIRE(pages.size() == 10u);
    for (int i = 0; i < 10; ++i) {
        BOOST_TEST(pages[size_t(i)]["page"] == i + 1);
        BOOST_TEST(near(pages[size_t(i)]["width"], pixels(80, 75)));
    }
    const auto summary = summaryOf(lines);
    BOOST_TEST(summary["end"] == "feeder_empty"); // the normal end of a feeder batch
    BOOST_TEST(summary["pages"] == 10);
    const std::string session = summary["session"];
    const auto shown = bench.session(session);
    BOOST_REQUIRE(shown["pages"].size() == 10u);
    for (size_t i = 0; i < 10; ++i) {
        BOOST_TEST(shown["pages"][i]["id"] == pages[i]["id"]);
        BOOST_TEST(shown["pages"][i]["source"].get<std::string>().find("Automatic Document Feeder") !=
                   std::string::npos);
    }
    BOOST_TEST(bench.verify(session));
    BOOST_TEST(bench.scratchIsEmpty());
}

BOOST_AUTO_TEST_CASE(pages_n_stops_a_feeder_batch_after_n_pages_as_a_complete_batch) {
    ScanBench bench;
    const auto run = bench.cli({"scan", "--new-session", "--json", "--device", "test:1", "--source", "adf",
                                "--mode", "gray", "--resolution", "75", "--pages", "4"});
    BOOST_TEST_REQUIRE(run.status.success(), run.err);
    const auto lines = jsonLines(run.out);
    BOOST_TEST(pageLines(lines).size() == 4u);
    const auto summary = summaryOf(lines);
    BOOST_TEST(summary["end"] == "completed"); // asked for 4, got 4: not a cancellation
    BOOST_TEST(summary["pages"] == 4);
    BOOST_TEST(bench.session(summary["session"])["pages"].size() == 4u);
    BOOST_TEST(bench.scratchIsEmpty());
}

BOOST_AUTO_TEST_CASE(a_jam_and_other_device_errors_exit_1_with_a_clear_message_and_keep_earlier_pages) {
    ScanBench bench;
    const auto first =
        bench.cli({"scan", "--new-session", "--json", "--source", "flatbed", "--resolution", "75"});
    BOOST_TEST_REQUIRE(first.status.success(), first.err);
    const std::string session = summaryOf(jsonLines(first.out))["session"];

    // The backend fails every sane_read(): the first sheet of the batch never completes.
    const std::vector<std::pair<std::string, std::string>> faults = {
        {"SANE_STATUS_JAMMED", "jammed"},     {"SANE_STATUS_COVER_OPEN", "cover_open"},
        {"SANE_STATUS_NO_DOCS", "no_docs"},   {"SANE_STATUS_DEVICE_BUSY", "device_busy"},
        {"SANE_STATUS_IO_ERROR", "io_error"}, {"SANE_STATUS_ACCESS_DENIED", "access_denied"}};
    for (const auto& [status, code] : faults) {
        bench.configure({{"read-status-code", "\"" + status + "\""}});
        const auto run =
            bench.cli({"scan", "--session", session, "--json", "--source", "adf", "--resolution", "75"});
        BOOST_TEST_MESSAGE(status << ": exit " << run.status.code << " after " << run.seconds << " s");
        BOOST_TEST(run.status.code == 1, status);
        const auto lines = jsonLines(run.out);
        BOOST_TEST(pageLines(lines).empty());
        const auto summary = summaryOf(lines);
        BOOST_TEST(summary["end"] == "error");
        BOOST_TEST(summary["status"] == code);
        BOOST_TEST(summary["pages"] == 0);
        BOOST_TEST(run.err.find("0 pages scanned before the error are kept in session " + session) !=
                       std::string::npos,
                   run.err);
        if (code == "jammed") {
            BOOST_TEST(run.err.find("jammed") != std::string::npos, run.err);
            BOOST_TEST(run.err.find("remove the jammed sheet") != std::string::npos, run.err); // what to do
        }
        if (code == "cover_open")
            BOOST_TEST(run.err.find("Close it") != std::string::npos, run.err);
        if (code == "no_docs")
            BOOST_TEST(run.err.find("Put the pages in the feeder") != std::string::npos, run.err);
    }
    // The page scanned before is still there and intact; nothing half-read was stored.
    BOOST_TEST(bench.session(session)["pages"].size() == 1u);
    BOOST_TEST(bench.verify(session));
    BOOST_TEST(bench.scratchIsEmpty());

    // Settings and devices the scanner does not have.
    bench.configure({});
    const auto duplex = bench.cli({"scan", "--session", session, "--json", "--source", "duplex"});
    BOOST_TEST(duplex.status.code == 1);
    BOOST_TEST(summaryOf(jsonLines(duplex.out))["status"] == "invalid_settings");
    BOOST_TEST(duplex.err.find("Automatic Document Feeder") != std::string::npos,
               duplex.err); // what it offers
    const auto missing = bench.cli({"scan", "--session", session, "--json", "--device", "test:7"});
    BOOST_TEST(missing.status.code == 1);
    BOOST_TEST(summaryOf(jsonLines(missing.out))["status"] == "not_found");
    BOOST_TEST(missing.err.find("docdesk-cli scan --list") != std::string::npos, missing.err);
    BOOST_TEST(bench.session(session)["pages"].size() == 1u);
}

BOOST_AUTO_TEST_CASE(ctrl_c_after_three_pages_cancels_the_batch_and_keeps_them) {
    ScanBench bench(kSlowReading);
    auto p = bench.start(kSlowBatch);
    std::vector<json> early; // the first three pages, then Ctrl+C
    for (int i = 0; i < 3; ++i)
        early.push_back(firstPageOf(p));
    const int worker = childNamed(p.pid(), "docdesk-scan-worker");
    BOOST_TEST(worker > 0);
    p.signal(SIGINT);
    const auto run = finish(p, bench, 30s);
    BOOST_TEST_MESSAGE("cancelled " << run.seconds << " s after SIGINT");
    BOOST_TEST(run.status.exitedNormally()); // handled, not killed by the signal
    BOOST_TEST(run.status.code == 130);
    auto lines = jsonLines(run.out);
    lines.insert(lines.begin(), early.begin(), early.end());
    const auto summary = summaryOf(lines);
    BOOST_TEST(summary["end"] == "cancelled");
    const auto pages = pageLines(lines);
    BOOST_TEST(pages.size() >= 3u);
    BOOST_TEST(pages.size() < 10u);
    BOOST_TEST(summary["pages"] == pages.size());
    BOOST_TEST(run.err.find("cancelled") != std::string::npos, run.err);
    const std::string session = summary["session"];
    BOOST_TEST(bench.session(session)["pages"].size() == pages.size());
    BOOST_TEST(bench.verify(session));
    BOOST_TEST(processGone(worker));
    BOOST_TEST(bench.scratchIsEmpty());
}

BOOST_AUTO_TEST_CASE(a_crashed_scanner_driver_is_reported_and_the_pages_before_it_are_kept) {
    ScanBench bench(kSlowReading);
    auto p = bench.start(kSlowBatch);
    const auto first = firstPageOf(p);
    const int worker = childNamed(p.pid(), "docdesk-scan-worker");
    BOOST_REQUIRE(worker > 0);
    BOOST_REQUIRE(::kill(worker, SIGKILL) == 0); // in the middle of the next sheet
    const auto run = finish(p, bench, 30s);
    BOOST_TEST_MESSAGE("crash reported " << run.seconds << " s after the kill");
    BOOST_TEST(run.status.code == 1);
    auto lines = jsonLines(run.out);
    lines.insert(lines.begin(), first);
    const auto summary = summaryOf(lines);
    BOOST_TEST(summary["end"] == "error");
    BOOST_TEST(summary["status"] == "crashed");
    const auto pages = pageLines(lines);
    BOOST_TEST(pages.size() >= 1u);
    BOOST_TEST(summary["pages"] == pages.size());
    BOOST_TEST(run.err.find("scanner driver crashed") != std::string::npos, run.err);
    BOOST_TEST(run.err.find(std::to_string(pages.size()) + " pages scanned before the error are kept") !=
                   std::string::npos,
               run.err);
    const std::string session = summary["session"];
    BOOST_TEST(bench.session(session)["pages"].size() == pages.size());
    BOOST_TEST(bench.verify(session));
    BOOST_TEST(bench.scratchIsEmpty());
}

BOOST_AUTO_TEST_CASE(a_hung_scanner_driver_is_stopped_after_the_timeout) {
    ScanBench bench(kSlowReading);
    auto args = kSlowBatch;
    args.insert(args.end(), {"--timeout", "3"});
    auto p = bench.start(args);
    const auto first = firstPageOf(p);
    const int worker = childNamed(p.pid(), "docdesk-scan-worker");
    BOOST_REQUIRE(worker > 0);
    BOOST_REQUIRE(::kill(worker, SIGSTOP) == 0); // frozen, as a driver stuck in a read
    const auto run = finish(p, bench, 60s);
    BOOST_TEST_MESSAGE("hang detected " << run.seconds << " s after freezing the worker");
    BOOST_TEST(run.status.code == 1);
    BOOST_TEST(run.seconds < 20.0);
    auto lines = jsonLines(run.out);
    lines.insert(lines.begin(), first);
    const auto summary = summaryOf(lines);
    BOOST_TEST(summary["status"] == "hung");
    const auto pages = pageLines(lines);
    BOOST_TEST(summary["pages"] == pages.size());
    BOOST_TEST(run.err.find("sent nothing for 3 seconds") != std::string::npos, run.err);
    BOOST_TEST(bench.session(summary["session"].get<std::string>())["pages"].size() == pages.size());
    BOOST_TEST(processGone(worker)); // stopped for good, not left frozen
}

BOOST_AUTO_TEST_CASE(no_scanner_and_wrong_usage) {
    ScanBench none({}, false);
    const auto list = none.cli({"scan", "--list", "--json"});
    BOOST_TEST(list.status.success(), list.err);
    BOOST_TEST(json::parse(list.out).empty());
    const auto scan = none.cli({"scan", "--new-session", "--json"});
    BOOST_TEST(scan.status.code == 1);
    BOOST_TEST(summaryOf(jsonLines(scan.out))["status"] == "not_found");
    BOOST_TEST(scan.err.find("No scanner was found") != std::string::npos, scan.err);

    const auto help = none.cli({"scan", "--help"});
    BOOST_TEST(help.status.success());
    BOOST_TEST(help.out.find("--source flatbed|adf|duplex") != std::string::npos);
    for (const auto& wrong :
         std::vector<std::vector<std::string>>{{"scan", "--mode", "purple"},
                                               {"scan", "--source", "tray"},
                                               {"scan", "--resolution", "fine"},
                                               {"scan", "--resolution", "5"},
                                               {"scan", "--page-size", "huge"},
                                               {"scan", "--brightness", "500"},
                                               {"scan", "--session", "x", "--new-session"},
                                               {"scan", "--bogus"},
                                               {"scan", "--device"}})
        BOOST_TEST(none.cli(wrong).status.code == 2, wrong.back());
}
