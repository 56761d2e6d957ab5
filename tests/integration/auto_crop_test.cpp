#define BOOST_TEST_MODULE auto_crop
// Auto-crop in the filing flow, through the real docdesk-cli and docdesk-worker: photos and
// flatbed scans are filed cut out and straightened, several receipts on one scan become one
// document each, `crop: off` files the whole image, a full feeder-like page is not cropped, a
// skewed page is filed straight, and `crop --out` writes one file per document. The fixtures
// are rendered by tests/support: receipt-like paper (a header, text lines, a total) on a desk
// or scanner lid.
#include "core/common/Sha256.h"
#include "platform/ChildProcess.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <set>
#include <sstream>

using namespace docdesk;
namespace fs = std::filesystem;

namespace {

// Width / height in points of each page of a PDF, as pdfinfo reads them.
std::vector<std::pair<double, double>> pdfPageSizes(const fs::path& pdf) {
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    platform::ChildProcess p({"pdfinfo", "-f", "1", "-l", "100", pdf.string()}, opts);
    std::istringstream in(p.readAll());
    p.wait();
    std::vector<std::pair<double, double>> sizes;
    for (std::string line; std::getline(in, line);) {
        double w = 0, h = 0;
        const auto size = line.find("size:");
        if (line.starts_with("Page") && size != std::string::npos &&
            std::sscanf(line.c_str() + size + 5, " %lf x %lf", &w, &h) == 2)
            sizes.emplace_back(w, h);
    }
    return sizes;
}

std::vector<nlohmann::json> fileInto(const test::TempDir& home, const fs::path& archive,
                                     std::vector<std::string> extra, const fs::path& input) {
    std::vector<std::string> args{"file", "--json", "--target", archive.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(input.string());
    const auto run = test::runCli(home.path(), args);
    BOOST_TEST(run.status.success(), run.out);
    return test::jsonLines(run.out);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_photo_of_a_receipt_is_filed_cut_out_with_the_receipts_proportions) {
    test::TempDir home;
    test::writeReceiptPhoto(home / "receipt.jpg");
    const auto docs = fileInto(home, home / "archive", {}, home / "receipt.jpg");
    BOOST_REQUIRE(docs.size() == 1u);
    const auto sizes = pdfPageSizes(docs[0]["file"].get<std::string>());
    BOOST_REQUIRE(sizes.size() == 1u);
    const double ratio = sizes[0].second / sizes[0].first;
    BOOST_TEST(std::abs(ratio / 2.5 - 1) < 0.05, "height / width " << ratio << ", the receipt's is 2.5");
}

BOOST_AUTO_TEST_CASE(rules_with_crop_off_file_the_whole_photo) {
    test::TempDir home;
    test::writeReceiptPhoto(home / "receipt.jpg");
    test::writeFile(home / "rules.jsonc",
                    R"({"profiles": {"whole": {"crop": "off", "deskew": false, "split_receipts": false}}})");
    const auto docs =
        fileInto(home, home / "archive", {"--rules", (home / "rules.jsonc").string()}, home / "receipt.jpg");
    BOOST_REQUIRE(docs.size() == 1u);
    const auto sizes = pdfPageSizes(docs[0]["file"].get<std::string>());
    BOOST_REQUIRE(sizes.size() == 1u);
    BOOST_TEST(std::abs(sizes[0].second / sizes[0].first - 0.75) < 0.01); // the photo's 1600 x 1200
    // The option says the same as the rules file.
    const auto viaOption = fileInto(home, home / "archive2", {"--crop", "off"}, home / "receipt.jpg");
    BOOST_REQUIRE(viaOption.size() == 1u);
    const auto again = pdfPageSizes(viaOption[0]["file"].get<std::string>());
    BOOST_REQUIRE(again.size() == 1u);
    BOOST_TEST(std::abs(again[0].second / again[0].first - 0.75) < 0.01);
}

// The colour space of the first image in a PDF, as pdfimages -list names it ("rgb", "gray").
std::string firstImageColour(const fs::path& pdf) {
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    platform::ChildProcess p({"pdfimages", "-list", pdf.string()}, opts);
    std::istringstream in(p.readAll());
    p.wait();
    std::string line, page, num, type, width, height, colour;
    for (int n = 0; std::getline(in, line); ++n)
        if (n == 2 && std::istringstream(line) >> page >> num >> type >> width >> height >> colour)
            return colour;
    return {};
}

BOOST_AUTO_TEST_CASE(the_rules_page_mode_files_a_colour_photo_in_grey_and_a_page_mode_wins) {
    test::TempDir home;
    test::writeReceiptPhoto(home / "receipt.jpg");
    const auto colour = fileInto(home, home / "colour", {}, home / "receipt.jpg");
    BOOST_REQUIRE(colour.size() == 1u);
    BOOST_TEST(firstImageColour(colour[0]["file"].get<std::string>()) == "rgb");
    test::writeFile(home / "rules.jsonc", R"({"profiles": {"grey": {"page_mode": "gray"}}})");
    const auto grey =
        fileInto(home, home / "grey", {"--rules", (home / "rules.jsonc").string()}, home / "receipt.jpg");
    BOOST_REQUIRE(grey.size() == 1u);
    BOOST_TEST(firstImageColour(grey[0]["file"].get<std::string>()) == "gray");
    // Still cut out: the mode comes on top of the crop.
    const auto sizes = pdfPageSizes(grey[0]["file"].get<std::string>());
    BOOST_REQUIRE(sizes.size() == 1u);
    BOOST_TEST(std::abs(sizes[0].second / sizes[0].first / 2.5 - 1) < 0.05);
    // The option says the same; --mode, set on every page, wins over the rules.
    const auto viaOption = fileInto(home, home / "option", {"--page-mode", "gray"}, home / "receipt.jpg");
    BOOST_REQUIRE(viaOption.size() == 1u);
    BOOST_TEST(firstImageColour(viaOption[0]["file"].get<std::string>()) == "gray");
    const auto chosen =
        fileInto(home, home / "chosen", {"--rules", (home / "rules.jsonc").string(), "--mode", "color"},
                 home / "receipt.jpg");
    BOOST_REQUIRE(chosen.size() == 1u);
    BOOST_TEST(firstImageColour(chosen[0]["file"].get<std::string>()) == "rgb");
}

BOOST_AUTO_TEST_CASE(a_scan_with_three_receipts_files_three_documents_of_their_shapes) {
    test::TempDir home;
    test::writeThreeReceiptScan(home / "scan.png");
    const auto docs = fileInto(home, home / "archive", {}, home / "scan.png");
    BOOST_REQUIRE(docs.size() == 3u);
    std::multiset<int> ratios; // height / width in tenths, whatever the order found
    for (const auto& d : docs) {
        BOOST_TEST(d["pages"] == 1);
        const auto sizes = pdfPageSizes(d["file"].get<std::string>());
        BOOST_REQUIRE(sizes.size() == 1u);
        ratios.insert(int(std::lround(10 * sizes[0].second / sizes[0].first)));
    }
    BOOST_TEST((ratios == std::multiset<int>{22, 25, 27}), "the receipts are 750/300, 900/330 and 620/280");
    // The session holds one page per receipt, all of the one original.
    BOOST_TEST(test::sessionPageCount(home.path()) == 3u);

    // Without splitting, the scan is one page and one document, filed whole.
    const auto whole = fileInto(home, home / "archive2", {"--no-split-receipts"}, home / "scan.png");
    BOOST_REQUIRE(whole.size() == 1u);
    const auto sizes = pdfPageSizes(whole[0]["file"].get<std::string>());
    BOOST_REQUIRE(sizes.size() == 1u);
    BOOST_TEST(std::abs(sizes[0].second / sizes[0].first - 1754.0 / 1240) < 0.01);
}

// White receipts on a white lid, shown only by the lamp's thin shadow along their edges.
BOOST_AUTO_TEST_CASE(a_white_lid_scan_with_three_receipts_files_three_documents) {
    test::TempDir home;
    test::writeThreeReceiptScan(home / "white-lid.png", true);
    const auto docs = fileInto(home, home / "archive", {}, home / "white-lid.png");
    BOOST_REQUIRE(docs.size() == 3u);
    std::multiset<int> ratios; // height / width in tenths, whatever the order found
    for (const auto& d : docs) {
        const auto sizes = pdfPageSizes(d["file"].get<std::string>());
        BOOST_REQUIRE(sizes.size() == 1u);
        ratios.insert(int(std::lround(10 * sizes[0].second / sizes[0].first)));
    }
    BOOST_TEST((ratios == std::multiset<int>{22, 25, 27}), "the receipts are 750/300, 900/330 and 620/280");
}

BOOST_AUTO_TEST_CASE(a_full_feeder_like_page_is_not_cropped_and_its_jpeg_is_kept) {
    test::TempDir home;
    test::writeBatchPage(home / "page.jpg", 1);
    const auto docs = fileInto(home, home / "archive", {}, home / "page.jpg");
    BOOST_REQUIRE(docs.size() == 1u);
    const auto sizes = pdfPageSizes(docs[0]["file"].get<std::string>());
    BOOST_REQUIRE(sizes.size() == 1u);
    BOOST_TEST(std::abs(sizes[0].second / sizes[0].first - std::sqrt(2.0)) < 0.01); // A4, as the page was
    // Untouched: the JPEG is inside the PDF byte for byte (no crop, no deskew, no re-encoding).
    platform::ChildOptions quiet;
    quiet.discardStdout = true;
    quiet.discardStderr = true;
    platform::ChildProcess images(
        {"pdfimages", "-all", docs[0]["file"].get<std::string>(), (home / "img").string()}, quiet);
    BOOST_REQUIRE(images.wait().success());
    BOOST_TEST(sha256HexOfFile(home / "img-000.jpg") == sha256HexOfFile(home / "page.jpg"));
}

BOOST_AUTO_TEST_CASE(crop_out_writes_one_file_per_document_and_never_overwrites) {
    test::TempDir home;
    test::writeThreeReceiptScan(home / "scan.png");
    const auto out = home / "out";
    const auto run =
        test::runCli(home.path(), {"crop", "--json", "--out", out.string(), (home / "scan.png").string()});
    BOOST_TEST(run.status.success());
    const auto lines = test::jsonLines(run.out);
    BOOST_REQUIRE(lines.size() == 3u);
    for (int k = 1; k <= 3; ++k) {
        BOOST_TEST(fs::path(lines[size_t(k - 1)]["output"].get<std::string>()).filename() ==
                   "scan-p1-" + std::to_string(k) + ".jpg");
        BOOST_TEST(lines[size_t(k - 1)]["cropped"] == true);
        const cv::Mat image = cv::imread((out / ("scan-p1-" + std::to_string(k) + ".jpg")).string());
        BOOST_TEST(double(image.rows) / image.cols > 2.0); // a receipt, not the scan
    }
    // Again: beside the first ones, never over them.
    const auto again = test::jsonLines(
        test::runCli(home.path(), {"crop", "--json", "--out", out.string(), (home / "scan.png").string()})
            .out);
    BOOST_REQUIRE(again.size() == 3u);
    BOOST_TEST(fs::path(again[0]["output"].get<std::string>()).filename() == "scan-p1-1 (2).jpg");
    size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(out))
        ++files;
    BOOST_TEST(files == 6u);
}

BOOST_AUTO_TEST_CASE(a_skewed_scanned_page_is_filed_straight) {
    test::TempDir home;
    test::writeBatchPage(home / "straight.jpg", 1);
    const cv::Mat page = cv::imread((home / "straight.jpg").string());
    cv::Mat skewed;
    cv::warpAffine(page, skewed, cv::getRotationMatrix2D({page.cols / 2.0f, page.rows / 2.0f}, 2.5, 1.0),
                   page.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(255, 255, 255));
    cv::imwrite((home / "skewed.jpg").string(), skewed, {cv::IMWRITE_JPEG_QUALITY, 90});
    const auto skewOf = [&](const fs::path& image) {
        const auto lines =
            test::jsonLines(test::runCli(home.path(), {"inspect", "--json", image.string()}).out);
        return lines.size() == 1 ? lines[0].value("skew_degrees", 99.0) : 99.0;
    };
    const double before = skewOf(home / "skewed.jpg");
    BOOST_TEST(std::abs(before) > 2.0, "the fixture's skew is " << before);

    const auto docs = fileInto(home, home / "archive", {}, home / "skewed.jpg");
    BOOST_REQUIRE(docs.size() == 1u);
    platform::ChildOptions quiet;
    quiet.discardStdout = true;
    quiet.discardStderr = true;
    platform::ChildProcess images(
        {"pdfimages", "-all", docs[0]["file"].get<std::string>(), (home / "img").string()}, quiet);
    BOOST_REQUIRE(images.wait().success());
    BOOST_TEST(std::abs(skewOf(home / "img-000.jpg")) < 0.5, "the filed page is still skewed");
    // With deskew off, the page is filed as it came (the JPEG byte for byte).
    const auto kept = fileInto(home, home / "archive2", {"--no-deskew"}, home / "skewed.jpg");
    BOOST_REQUIRE(kept.size() == 1u);
    platform::ChildProcess again(
        {"pdfimages", "-all", kept[0]["file"].get<std::string>(), (home / "kept").string()}, quiet);
    BOOST_REQUIRE(again.wait().success());
    BOOST_TEST(sha256HexOfFile(home / "kept-000.jpg") == sha256HexOfFile(home / "skewed.jpg"));
}
