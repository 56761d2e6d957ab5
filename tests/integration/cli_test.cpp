#define BOOST_TEST_MODULE cli
// Runs the real docdesk-cli with its own XDG_DATA_HOME.
#include "core/common/Sha256.h"
#include "platform/ChildProcess.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>
#include <sstream>

using namespace docdesk;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using Run = test::CliRun;

Run cli(const test::TempDir& home, const std::vector<std::string>& args, const std::string& language = "") {
    return test::runCli(home.path(), args, language);
}

using test::jsonLines;

} // namespace

BOOST_AUTO_TEST_CASE(help_version_and_wrong_usage) {
    test::TempDir home;
    const auto help = cli(home, {"--help"});
    BOOST_TEST(help.status.success());
    BOOST_TEST(help.out.find("session list") != std::string::npos);
    BOOST_TEST(help.out.find("import") != std::string::npos);
    const auto version = cli(home, {"--version"});
    BOOST_TEST(version.out.starts_with("docdesk-cli " DOCDESK_VERSION));
    BOOST_TEST(cli(home, {"frobnicate"}).status.code == 2);
    BOOST_TEST(cli(home, {"import"}).status.code == 2);
    BOOST_TEST(cli(home, {"session", "show", "--bogus"}).status.code == 2);
    BOOST_TEST(cli(home, {"session", "list"}).status.success());
    BOOST_TEST(cli(home, {"session", "show"}).status.code == 1); // no session yet
}

BOOST_AUTO_TEST_CASE(import_then_list_show_and_verify) {
    test::TempDir home;
    test::writeTestImage(home / "a.png", 200, 280, 0, 0, 255);
    test::writeFile(home / "b.pdf", test::minimalPdf(3));
    test::writeFile(home / "broken.jpg", std::string("\xFF\xD8\xFF\xE0 truncated", 14));
    const auto imported = cli(home, {"import", "--json", (home / "a.png").string(),
                                     (home / "broken.jpg").string(), (home / "b.pdf").string()});
    BOOST_TEST(imported.status.code == 1); // one file failed
    const auto lines = jsonLines(imported.out);
    BOOST_REQUIRE(lines.size() == 3u);
    BOOST_TEST(lines[0]["pages"].size() == 1u);
    BOOST_TEST(lines[1].contains("error"));
    BOOST_TEST(lines[2]["pages"].size() == 3u);

    const auto list = jsonLines(cli(home, {"session", "list", "--json"}).out);
    BOOST_REQUIRE(list.size() == 1u);
    BOOST_TEST(list[0]["pages"] == 4);

    const auto show = json::parse(cli(home, {"session", "show", "--json"}).out);
    BOOST_REQUIRE(show["pages"].size() == 4u);
    BOOST_TEST(show["pages"][3]["page"] == 3);
    BOOST_TEST(show["pages"][3]["media_type"] == "application/pdf");
    BOOST_TEST(cli(home, {"session", "verify"}).status.success());

    // A second import goes to the same (last) session; --new-session starts another.
    BOOST_TEST(cli(home, {"import", (home / "a.png").string()}).status.success());
    BOOST_TEST(json::parse(cli(home, {"session", "show", "--json"}).out)["pages"].size() == 5u);
    BOOST_TEST(cli(home, {"import", "--new-session", (home / "a.png").string()}).status.success());
    BOOST_TEST(jsonLines(cli(home, {"session", "list", "--json"}).out).size() == 2u);
}

BOOST_AUTO_TEST_CASE(messages_follow_the_language_german_is_shipped) {
    test::TempDir home;
    const auto english = cli(home, {"--help"});
    const auto german = cli(home, {"--help"}, "de");
    BOOST_TEST(english.out.find("Commands:") != std::string::npos);
    BOOST_TEST(german.out.find("Befehle:") != std::string::npos, german.out);
    BOOST_TEST(german.out.find("Commands:") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(analyse_stores_results_on_the_pages) {
    test::TempDir home;
    test::writeTestImage(home / "a.png", 620, 877, 240, 240, 240);
    test::writeFile(home / "b.pdf", test::minimalPdf(2));
    BOOST_REQUIRE(
        cli(home, {"import", (home / "a.png").string(), (home / "b.pdf").string()}).status.success());
    const auto first = cli(home, {"analyse", "--json"});
    BOOST_TEST(first.status.success());
    BOOST_TEST(jsonLines(first.out).size() == 3u);
    const auto show = json::parse(cli(home, {"session", "show", "--json"}).out);
    BOOST_TEST(show["pages"][0]["analysis"]["width"] == 620);
    BOOST_TEST(show["pages"][2]["analysis"]["blank"].is_boolean());
    // Nothing left to do on a second run; --again redoes all.
    BOOST_TEST(jsonLines(cli(home, {"analyse", "--json"}).out).empty());
    BOOST_TEST(jsonLines(cli(home, {"analyse", "--again", "--json"}).out).size() == 3u);
}

BOOST_AUTO_TEST_CASE(crop_cuts_out_a_photographed_page_and_never_overwrites) {
    test::TempDir home;
    // A photo: an A4 page with text lines, in perspective, on a dark textured desk.
    cv::Mat page(1414, 1000, CV_8UC3, cv::Scalar(235, 238, 240));
    for (int y = 150; y < 1300; y += 45)
        cv::rectangle(page, {90, y, 700 + (y % 200), 14}, cv::Scalar(40, 40, 40), cv::FILLED);
    cv::Mat desk(1200, 1600, CV_8UC3);
    cv::randu(desk, cv::Scalar(40, 30, 20), cv::Scalar(90, 70, 50));
    const cv::Point2f src[4] = {{0, 0}, {999, 0}, {999, 1413}, {0, 1413}};
    const cv::Point2f dst[4] = {{520, 140}, {1110, 190}, {1180, 1040}, {430, 1010}};
    cv::Mat warped, mask;
    cv::warpPerspective(page, warped, cv::getPerspectiveTransform(src, dst), desk.size());
    cv::warpPerspective(cv::Mat(page.size(), CV_8UC1, cv::Scalar(255)), mask,
                        cv::getPerspectiveTransform(src, dst), desk.size());
    warped.copyTo(desk, mask);
    cv::imwrite((home / "photo.jpg").string(), desk, {cv::IMWRITE_JPEG_QUALITY, 85});

    const auto run = cli(home, {"crop", "--json", "--mode", "gray", "--out", (home / "out").string(),
                                (home / "photo.jpg").string()});
    BOOST_TEST(run.status.success());
    const auto lines = jsonLines(run.out);
    BOOST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(lines[0]["cropped"] == true);
    const cv::Mat out = cv::imread(lines[0]["output"].get<std::string>(), cv::IMREAD_GRAYSCALE);
    BOOST_REQUIRE(!out.empty());
    const double ratio = double(out.rows) / out.cols;
    BOOST_TEST(std::abs(ratio - 1.414) < 0.07, "aspect ratio " << ratio);
    BOOST_TEST(cv::mean(out)[0] > 170.0); // paper, not desk
    // A second run writes beside the first, never over it.
    const auto again = jsonLines(cli(home, {"crop", "--json", "--mode", "bw", "--out",
                                            (home / "out").string(), (home / "photo.jpg").string()})
                                     .out);
    BOOST_REQUIRE(again.size() == 1u);
    BOOST_TEST(again[0]["output"].get<std::string>().ends_with(".png"));
    BOOST_TEST(cli(home, {"crop", "--json", "--mode", "gray", "--out", (home / "out").string(),
                          (home / "photo.jpg").string()})
                   .status.success());
    int files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(home / "out"))
        ++files;
    BOOST_TEST(files == 3);
}

BOOST_AUTO_TEST_CASE(watch_once_files_a_hot_folder_and_moves_files_aside) {
    test::TempDir home;
    const fs::path hot = home / "hot";
    fs::create_directories(hot);
    test::writeTestImage(hot / "scan-001.png", 200, 280, 0, 0, 255);
    test::writeFile(hot / "scan-002.jpg", std::string("\xFF\xD8\xFF\xE0 truncated", 14));
    test::writeFile(hot / "memo.txt", "kept as it is\n");
    const auto run =
        cli(home, {"watch", "--once", "--settle", "0.2", "--json", "--new-session", hot.string()});
    BOOST_TEST(run.status.code == 1); // one file failed
    const auto lines = jsonLines(run.out);
    BOOST_REQUIRE(lines.size() == 3u);
    BOOST_TEST(lines[0]["file"].get<std::string>().ends_with("memo.txt"));
    BOOST_TEST(lines[0]["pages"][0]["media_type"] == "text/plain");
    BOOST_TEST(lines[1]["pages"].size() == 1u);
    BOOST_TEST(lines[2].contains("error"));
    BOOST_TEST(fs::exists(hot / "done" / "scan-001.png"));
    BOOST_TEST(fs::exists(hot / "failed" / "scan-002.jpg.error.txt"));
    BOOST_TEST(json::parse(cli(home, {"session", "show", "--json"}).out)["pages"].size() == 2u);
    BOOST_TEST(cli(home, {"watch", (home / "missing").string()}).status.code == 1);
    BOOST_TEST(cli(home, {"watch"}).status.code == 2);
}

BOOST_AUTO_TEST_CASE(watch_runs_until_interrupted_and_takes_files_as_they_arrive) {
    test::TempDir home;
    const fs::path hot = home / "hot";
    fs::create_directories(hot);
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    opts.environment["XDG_DATA_HOME"] = (home / "data").string();
    platform::ChildProcess watch(
        {test::cliPath().string(), "watch", "--settle", "0.3", "--json", hot.string()}, opts);
    test::writeTestImage(home / "late.png", 120, 160, 0, 200, 0);
    fs::rename(home / "late.png", hot / "late.png"); // arrives complete, while watching
    const auto line = watch.readLine(std::chrono::seconds(20));
    BOOST_REQUIRE(line.has_value());
    BOOST_TEST(json::parse(*line)["pages"].size() == 1u);
    watch.signal(SIGINT);
    const auto status = watch.waitFor(std::chrono::seconds(10));
    BOOST_REQUIRE(status.has_value());
    BOOST_TEST(status->code == 0);
    BOOST_TEST(fs::exists(hot / "done" / "late.png"));
}

BOOST_AUTO_TEST_CASE(camera_lists_devices_and_reports_a_missing_device) {
    test::TempDir home;
    const auto list = cli(home, {"camera", "--list", "--json"});
    BOOST_TEST(list.status.success());
    BOOST_TEST(json::parse(list.out).is_array());
    BOOST_TEST(cli(home, {"camera", "--device", (home / "none.avi").string()}).status.code == 1);
    BOOST_TEST(cli(home, {"camera", "--count", "x"}).status.code == 2);
}

BOOST_AUTO_TEST_CASE(watch_killed_and_restarted_loses_nothing_and_stores_nothing_twice) {
    test::TempDir home;
    const fs::path hot = home / "hot";
    fs::create_directories(hot);
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    opts.environment["XDG_DATA_HOME"] = (home / "data").string();
    std::vector<std::string> hashes;
    {
        platform::ChildProcess watch(
            {test::cliPath().string(), "watch", "--settle", "0.2", "--json", "--new-session", hot.string()},
            opts);
        for (int i = 0; i < 6; ++i) {
            const fs::path made = home / ("page" + std::to_string(i) + ".png");
            test::writeTestImage(made, 300, 400, 40 * i, 0, 255 - 40 * i);
            hashes.push_back(sha256HexOfFile(made));
            fs::rename(made, hot / made.filename());
        }
        // Killed without warning once some, but not necessarily all, files were taken.
        BOOST_REQUIRE(watch.readLine(std::chrono::seconds(20)).has_value());
        watch.signal(SIGKILL);
        watch.waitFor(std::chrono::seconds(10));
    }
    const auto rest = cli(home, {"watch", "--once", "--settle", "0.2", "--json", hot.string()});
    BOOST_TEST(rest.status.code == 0);
    const auto show = json::parse(cli(home, {"session", "show", "--json"}).out);
    std::multiset<std::string> stored;
    for (const auto& p : show["pages"])
        stored.insert(p["sha256"].get<std::string>());
    BOOST_TEST(stored.size() == 6u);
    for (const auto& h : hashes)
        BOOST_TEST(stored.count(h) == 1u);
    for (int i = 0; i < 6; ++i)
        BOOST_TEST(fs::exists(hot / "done" / ("page" + std::to_string(i) + ".png")));
    BOOST_TEST(cli(home, {"session", "verify"}).status.success());
}

// Issue 19: what was filed is recorded in the session; filing it again needs --again.
BOOST_AUTO_TEST_CASE(file_records_what_it_filed_and_files_it_again_only_with_again) {
    test::TempDir home;
    const fs::path archive = home / "archive";
    test::writeTestImage(home / "a.png", 200, 260, 0, 0, 255);
    test::writeTestImage(home / "b.png", 200, 260, 0, 255, 0);
    const std::string made = cli(home, {"session", "new"}).out;
    const std::string session = made.substr(0, made.find('\n'));
    const auto first = jsonLines(cli(home, {"file", "--json", "--target", archive.string(), "--session",
                                            session, (home / "a.png").string(), (home / "b.png").string()})
                                     .out);
    BOOST_REQUIRE(first.size() == 2u);
    // Interrupted runs are simply run again: nothing filed twice, nothing stored twice.
    const auto second = cli(home, {"file", "--json", "--target", archive.string(), "--session", session,
                                   (home / "a.png").string(), (home / "b.png").string()});
    BOOST_TEST(second.status.success());
    const auto lines = jsonLines(second.out);
    BOOST_REQUIRE(lines.size() == 2u);
    BOOST_TEST(lines[0]["already_filed"].get<std::string>() ==
               fs::absolute(first[0]["file"].get<std::string>()).string());
    const auto plain = cli(home, {"file", "--target", archive.string(), "--session", session}, "C");
    BOOST_TEST(plain.out.find("--again") != std::string::npos);
    BOOST_TEST(std::distance(fs::directory_iterator(archive), fs::directory_iterator()) == 2);
    const auto again = jsonLines(cli(home, {"file", "--json", "--again", "--target", archive.string(),
                                            "--session", session, (home / "a.png").string()})
                                     .out);
    BOOST_REQUIRE(again.size() == 1u);
    BOOST_TEST(again[0].contains("file"));
    BOOST_TEST(std::distance(fs::directory_iterator(archive), fs::directory_iterator()) == 3);
    const auto show = json::parse(cli(home, {"session", "show", "--json", session}).out);
    BOOST_TEST(show["pages"].size() == 2u);
    BOOST_TEST(show["filed"].size() == 3u); // a and b, then a again
}

BOOST_AUTO_TEST_CASE(watch_files_a_file_put_back_from_failed_once_the_target_works) {
    test::TempDir home;
    const fs::path hot = home / "hot";
    fs::create_directories(hot);
    test::writeFile(home / "archive", "a file where the archive folder should be");
    test::writeTestImage(hot / "scan.png", 200, 260, 255, 0, 0);
    const std::vector<std::string> watch{
        "watch",     "--once", "--settle", "0.2", "--new-session", "--target", (home / "archive").string(),
        hot.string()};
    BOOST_TEST(cli(home, watch).status.code == 1);
    BOOST_REQUIRE(fs::exists(hot / "failed" / "scan.png"));
    fs::remove(home / "archive");
    fs::rename(hot / "failed" / "scan.png", hot / "scan.png");
    std::vector<std::string> rerun{
        "watch", "--once", "--settle", "0.2", "--target", (home / "archive").string(), hot.string()};
    const auto second = cli(home, rerun);
    BOOST_TEST(second.status.code == 0);
    BOOST_TEST(fs::exists(hot / "done" / "scan.png"));
    BOOST_TEST(std::distance(fs::directory_iterator(home / "archive"), fs::directory_iterator()) == 1);
    // Put back once more: it is filed already, so nothing new appears.
    fs::rename(hot / "done" / "scan.png", hot / "scan.png");
    BOOST_TEST(cli(home, rerun).status.code == 0);
    BOOST_TEST(std::distance(fs::directory_iterator(home / "archive"), fs::directory_iterator()) == 1);
}

BOOST_AUTO_TEST_CASE(watch_with_a_profile_files_into_its_outbox_and_sends_nothing) {
    test::TempDir home;
    const fs::path hot = home / "hot";
    fs::create_directories(hot);
    test::writeTestImage(hot / "a.png", 200, 260, 0, 0, 255);
    test::writeTestImage(hot / "b.png", 200, 260, 0, 255, 0);
    const auto run =
        cli(home, {"watch", "--once", "--settle", "0.2", "--new-session", "--profile", "gw", hot.string()});
    BOOST_TEST(run.status.code == 0, run.out);
    const auto list = cli(home, {"upload", "--list", "--profile", "gw"});
    BOOST_TEST(list.status.success());
    BOOST_TEST(std::count(list.out.begin(), list.out.end(), '\n') == 2, list.out);
    BOOST_TEST(list.out.find("queued") != std::string::npos, list.out);
    BOOST_TEST(fs::exists(hot / "done" / "a.png"));
    // Put back: filed before, so no second outbox item.
    fs::rename(hot / "done" / "a.png", hot / "a.png");
    BOOST_TEST(
        cli(home, {"watch", "--once", "--settle", "0.2", "--profile", "gw", hot.string()}).status.code == 0);
    const auto again = cli(home, {"upload", "--list", "--profile", "gw"});
    BOOST_TEST(std::count(again.out.begin(), again.out.end(), '\n') == 2, again.out);
    BOOST_TEST(cli(home, {"watch", "--upload", hot.string()}).status.code == 2);
}
