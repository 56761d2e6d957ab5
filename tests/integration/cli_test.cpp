#define BOOST_TEST_MODULE cli
// Runs the real docdesk-cli with its own XDG_DATA_HOME.
#include "platform/ChildProcess.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace docdesk;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Run {
    std::string out;
    platform::ExitStatus status;
};

Run cli(const test::TempDir& home, std::vector<std::string> args, const std::string& language = "") {
    args.insert(args.begin(), test::cliPath().string());
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    opts.environment["XDG_DATA_HOME"] = (home / "data").string();
    opts.environment["LANG"] = "C.UTF-8";
    opts.environment["LANGUAGE"] = language;
    platform::ChildProcess p(args, opts);
    Run r;
    r.out = p.readAll();
    r.status = p.wait();
    return r;
}

std::vector<json> jsonLines(const std::string& text) {
    std::vector<json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(json::parse(line));
    return out;
}

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
    const auto imported = cli(home, {"import", "--json", (home / "a.png").string(), (home / "broken.jpg").string(),
                                     (home / "b.pdf").string()});
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
    BOOST_REQUIRE(cli(home, {"import", (home / "a.png").string(), (home / "b.pdf").string()}).status.success());
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
    cv::warpPerspective(cv::Mat(page.size(), CV_8UC1, cv::Scalar(255)), mask, cv::getPerspectiveTransform(src, dst),
                        desk.size());
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
    const auto again = jsonLines(cli(home, {"crop", "--json", "--mode", "bw", "--out", (home / "out").string(),
                                            (home / "photo.jpg").string()}).out);
    BOOST_REQUIRE(again.size() == 1u);
    BOOST_TEST(again[0]["output"].get<std::string>().ends_with(".png"));
    BOOST_TEST(cli(home, {"crop", "--json", "--mode", "gray", "--out", (home / "out").string(),
                          (home / "photo.jpg").string()}).status.success());
    int files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(home / "out"))
        ++files;
    BOOST_TEST(files == 3);
}
