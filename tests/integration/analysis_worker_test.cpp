#define BOOST_TEST_MODULE analysis_worker
// Page analysis in a separate process: bad inputs give per-file errors and the rest is still
// analysed (the real docdesk-worker through the real docdesk-cli), and crashes, hangs and
// memory exhaustion cost one page while the worker is restarted (AnalysisWorker).
#include "app/common/AnalysisWorker.h"
#include "app/common/WorkerPool.h"
#include "core/common/Error.h"
#include "core/export/PageRenderer.h"
#include "core/imaging/PageDecoder.h"
#include "platform/ChildProcess.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

using namespace docdesk;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string runCli(std::vector<std::string> args, int* exitCode) {
    args.insert(args.begin(), test::cliPath().string());
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    opts.environment["LANGUAGE"] = "";
    platform::ChildProcess p(args, opts);
    std::string out = p.readAll();
    *exitCode = p.wait().code;
    return out;
}

// A PNG whose header declares width x height (CRC fixed), with tiny real content.
void writeLyingPng(const fs::path& file, std::uint32_t width, std::uint32_t height) {
    cv::Mat small(8, 8, CV_8UC1, cv::Scalar(255));
    std::vector<uchar> png;
    cv::imencode(".png", small, png);
    for (int i = 0; i < 4; ++i) {
        png[16 + size_t(i)] = static_cast<uchar>(width >> (24 - 8 * i));
        png[20 + size_t(i)] = static_cast<uchar>(height >> (24 - 8 * i));
    }
    // CRC-32 over "IHDR" + 13 data bytes.
    std::uint32_t crc = 0xFFFFFFFF;
    for (size_t i = 12; i < 29; ++i) {
        crc ^= png[i];
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    crc ^= 0xFFFFFFFF;
    for (int i = 0; i < 4; ++i)
        png[29 + size_t(i)] = static_cast<uchar>(crc >> (24 - 8 * i));
    test::writeFile(file, std::string(png.begin(), png.end()));
}

} // namespace

BOOST_AUTO_TEST_CASE(bad_inputs_give_clear_per_file_errors_and_the_rest_is_analysed) {
    test::TempDir dir;
    test::writeTestImage(dir / "good.png", 1240, 1754, 240, 240, 240);
    test::writeFile(dir / "three.pdf", test::minimalPdf(3));
    test::writeFile(dir / "zero.jpg", "");
    test::writeTestImage(dir / "full.jpg", 800, 600, 10, 100, 200);
    auto jpeg = test::readFile(dir / "full.jpg");
    test::writeFile(dir / "truncated.jpg", std::string(reinterpret_cast<const char*>(jpeg.data()), 300));
    test::writeFile(dir / "corrupt.tif", std::string("II*\0\x08\0\0\0\x02\0\0\x01\x03\0\x01\0\0\0", 18));
    writeLyingPng(dir / "bomb.png", 50000, 50000);
    test::writeFile(dir / "notes.txt", "not an image at all");
    // An encrypted PDF, made with qpdf from a generated one.
    platform::ChildProcess qpdf({"qpdf", "--encrypt", "user-pw", "owner-pw", "256", "--",
                                 (dir / "three.pdf").string(), (dir / "encrypted.pdf").string()});
    BOOST_REQUIRE(qpdf.wait().success());

    const std::vector<std::string> files = {"zero.jpg",      "good.png", "truncated.jpg", "corrupt.tif",
                                            "encrypted.pdf", "bomb.png", "notes.txt",     "three.pdf"};
    std::vector<std::string> args = {"inspect", "--json", "--dpi", "100"};
    for (const auto& f : files)
        args.push_back((dir / f).string());
    int code = 0;
    const std::string out = runCli(args, &code);
    BOOST_TEST(code == 1);
    std::map<std::string, std::vector<json>> bySource;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        const auto j = json::parse(line);
        bySource[fs::path(j["source"].get<std::string>()).filename().string()].push_back(j);
    }
    for (const auto& bad :
         {"zero.jpg", "truncated.jpg", "corrupt.tif", "encrypted.pdf", "bomb.png", "notes.txt"}) {
        BOOST_REQUIRE_MESSAGE(bySource[bad].size() == 1u, bad);
        BOOST_TEST(bySource[bad][0].contains("error"), bad);
        BOOST_TEST_MESSAGE(bad << ": " << bySource[bad][0]["error"]);
    }
    BOOST_TEST(bySource["encrypted.pdf"][0]["error"].get<std::string>().find("password") !=
               std::string::npos);
    BOOST_TEST(bySource["bomb.png"][0]["error"].get<std::string>().find("too large") != std::string::npos);
    BOOST_REQUIRE(bySource["good.png"].size() == 1u);
    const auto& good = bySource["good.png"][0];
    BOOST_TEST(good["width"] == 1240);
    BOOST_TEST(good["height"] == 1754);
    for (const auto* key : {"barcodes", "document", "documents", "blank", "skew_degrees"})
        BOOST_TEST(good.contains(key), key);
    BOOST_REQUIRE(bySource["three.pdf"].size() == 3u);
    BOOST_TEST(bySource["three.pdf"][2]["page"] == 3);
    BOOST_TEST(bySource["three.pdf"][0]["width"] == 826); // A4 (595 pt) at 100 dpi
}

BOOST_AUTO_TEST_CASE(crashes_and_hangs_cost_one_page_and_the_worker_restarts) {
    app::WorkerLimits limits;
    limits.timePerPage = std::chrono::seconds(2);
    app::AnalysisWorker worker(limits, DOCDESK_FAULT_WORKER);
    BOOST_TEST(worker.analyse("page1.png", "image/png", 1).ok);
    const auto aborted = worker.analyse("abort.png", "image/png", 1);
    BOOST_TEST(!aborted.ok);
    BOOST_TEST(aborted.error.find("crashed (SIGABRT)") != std::string::npos, aborted.error);
    BOOST_TEST(worker.analyse("page2.png", "image/png", 1).ok);
    const auto segv = worker.analyse("segv.png", "image/png", 1);
    BOOST_TEST(segv.error.find("SIGSEGV") != std::string::npos, segv.error);
    const auto hung = worker.analyse("hang.png", "image/png", 1);
    BOOST_TEST(!hung.ok);
    BOOST_TEST(hung.error.find("longer than 2 seconds") != std::string::npos, hung.error);
    const auto exited = worker.analyse("exit.png", "image/png", 1);
    BOOST_TEST(exited.error.find("exit code 7") != std::string::npos, exited.error);
    BOOST_TEST(worker.analyse("page3.png", "image/png", 1).ok);
    BOOST_TEST(worker.restarts() == 4);
}

// large.png, which decodes to ~363 MB of BGR (11000 x 11000: over a 300 MB cap, under the
// pixel limit), small.png beside it, and a worker capped at 300 MB.
struct CappedWorker {
    test::TempDir dir;
    app::AnalysisWorker worker{capped(dir), test::cliPath().parent_path() / "docdesk-worker"};

    static app::WorkerLimits capped(const test::TempDir& dir) {
        cv::imwrite((dir / "large.png").string(), cv::Mat(11000, 11000, CV_8UC1, cv::Scalar(255)));
        test::writeTestImage(dir / "small.png", 400, 500, 200, 200, 200);
        app::WorkerLimits limits;
        limits.memoryMegabytes = 300;
        return limits;
    }
};

BOOST_FIXTURE_TEST_CASE(a_page_beyond_the_memory_cap_fails_alone, CappedWorker) {
    const auto large = worker.analyse(dir / "large.png", "image/png", 1);
    BOOST_TEST(!large.ok);
    BOOST_TEST_MESSAGE("large page: " << large.error);
    const auto small = worker.analyse(dir / "small.png", "image/png", 1);
    BOOST_TEST(small.ok, small.error);
    BOOST_TEST(small.analysis["width"] == 400);
}

// trust (issue 18, item 4): the decodes the application asks of the worker.
BOOST_AUTO_TEST_CASE(decodes_in_the_worker_give_what_the_renderer_gives_in_process) {
    test::TempDir dir;
    test::writeTestImage(dir / "page.png", 600, 800, 40, 190, 40);
    test::writeTestImage(dir / "photo.jpg", 640, 480, 200, 60, 30);
    app::AnalysisWorker worker(app::WorkerLimits{}, test::cliPath().parent_path() / "docdesk-worker");
    output::PageSource turned{dir / "page.png", imaging::MediaKind::Png, 0,
                              PageTransforms::parse(R"({"rotation":90})")};

    const auto encoded = worker.encode(turned, {});
    BOOST_REQUIRE_MESSAGE(encoded.ok(), encoded.error);
    const auto here = output::renderPage(turned, {});
    BOOST_TEST(encoded.page.width == here.width);
    BOOST_TEST(encoded.page.height == here.height);
    BOOST_TEST(encoded.page.components == here.components);
    BOOST_TEST((encoded.page.bytes == here.bytes));

    const auto raster = worker.raster(turned, {});
    BOOST_REQUIRE_MESSAGE(raster.ok(), raster.error);
    const auto pixels = output::renderRaster(turned, {});
    BOOST_TEST(raster.raster.width == 800);
    BOOST_TEST(raster.raster.channels == pixels.channels);
    BOOST_TEST((raster.raster.pixels == pixels.pixels));
    const auto small = worker.raster(turned, {}, 100);
    BOOST_REQUIRE_MESSAGE(small.ok(), small.error);
    BOOST_TEST(small.raster.width == 100);
    BOOST_TEST(small.raster.height == 75);

    const auto thumb = worker.thumbnail(dir / "page.png", "image/png", 1, 160);
    BOOST_REQUIRE_MESSAGE(thumb.ok(), thumb.error);
    const auto thumbHere = imaging::renderThumbnail(dir / "page.png", imaging::MediaKind::Png, 0, 160);
    BOOST_TEST(thumb.raster.width == thumbHere.width);
    BOOST_TEST((thumb.raster.pixels == thumbHere.pixels));

    // An untouched JPEG is passed through: the application needs no worker for it at all.
    const output::PageSource photo{dir / "photo.jpg", imaging::MediaKind::Jpeg, 0, {}};
    const auto untouched = output::passThroughPage(photo);
    BOOST_REQUIRE(untouched.has_value());
    BOOST_TEST((untouched->bytes == test::readFile(dir / "photo.jpg")));
    BOOST_TEST(!output::passThroughPage(turned).has_value());
}

BOOST_FIXTURE_TEST_CASE(a_decode_beyond_the_memory_cap_or_crashing_is_could_not_be_read, CappedWorker) {
    const output::PageSource large{dir / "large.png", imaging::MediaKind::Png, 0, {}};
    const auto tooLarge = worker.raster(large, {});
    BOOST_TEST(!tooLarge.ok());
    BOOST_TEST(tooLarge.error.find("could not be read") != std::string::npos, tooLarge.error);
    const output::PageSource fine{dir / "small.png", imaging::MediaKind::Png, 0, {}};
    BOOST_TEST(worker.encode(fine, {}).ok());

    app::WorkerLimits limits;
    limits.memoryMegabytes = 300;
    limits.timePerPage = std::chrono::seconds(2);
    app::AnalysisWorker faulty(limits, DOCDESK_FAULT_WORKER);
    const auto crashed = faulty.raster({"segv.png", imaging::MediaKind::Png, 0, {}}, {});
    BOOST_TEST(crashed.error == "could not be read: the decoder crashed (SIGSEGV)");
    const auto hung = faulty.thumbnail("hang.png", "image/png", 1, 160);
    BOOST_TEST(hung.error == "could not be read: it took longer than 2 seconds and was stopped");
    // The fake answers without pixels: not taken for a page.
    const auto empty = faulty.encode({"page.png", imaging::MediaKind::Png, 0, {}}, {});
    BOOST_TEST(empty.error == "could not be read: the worker gave an unreadable answer");
    const auto counted = faulty.countPages("abort.png");
    BOOST_TEST(counted.error == "could not be read: the decoder crashed (SIGABRT)");
    BOOST_TEST(faulty.restarts() == 3);
}

// branch pipe (issue 16): `docdesk-cli file` has a page encoded by the worker that has just
// analysed it; with keepDecodedPages the worker renders from the pixels decoded for the
// analysis instead of decoding the page again, and gives exactly what the renderer gives.
BOOST_AUTO_TEST_CASE(an_encode_right_after_the_analysis_renders_from_its_decode) {
    test::TempDir dir;
    cv::Mat grey(900, 700, CV_8UC1, cv::Scalar(235));
    for (int y = 60; y < 840; y += 24)
        cv::line(grey, {50, y}, {650, y + 9}, cv::Scalar(20), 3);
    cv::imwrite((dir / "grey.jpg").string(), grey);
    cv::Mat colour;
    cv::cvtColor(grey, colour, cv::COLOR_GRAY2BGR);
    cv::rectangle(colour, {100, 100}, {400, 300}, cv::Scalar(30, 90, 200), cv::FILLED);
    cv::imwrite((dir / "colour.jpg").string(), colour);
    const auto source = [&](const char* name, const char* edits) {
        return output::PageSource{dir / name, imaging::MediaKind::Jpeg, 0, PageTransforms::parse(edits)};
    };
    const auto encodedAs = [](app::AnalysisWorker& w, const output::PageSource& s) {
        const auto out = w.encode(s, {});
        BOOST_REQUIRE_MESSAGE(out.ok(), out.error);
        return out.page.bytes;
    };

    app::AnalysisWorker worker(app::WorkerLimits{}, test::cliPath().parent_path() / "docdesk-worker");
    worker.keepDecodedPages(true);
    for (const char* name : {"grey.jpg", "colour.jpg"}) {
        BOOST_TEST_CONTEXT(name) {
            BOOST_REQUIRE(worker.analyse(dir / name, "image/jpeg", 1).ok);
            // Each render of the page analysed last, as the renderer gives it in this process.
            for (const char* edits : {R"({"deskew":1.5,"mode":"bw"})", R"({"deskew":-0.7})",
                                      R"({"crop":[[40,30],[660,50],[650,870],[30,860]],"mode":"gray"})"}) {
                const auto s = source(name, edits);
                BOOST_TEST((encodedAs(worker, s) == output::renderPage(s, {}).bytes), edits);
            }
        }
    }

    // The pixels are those of the analysis: a file replaced after it (journal originals never
    // are) does not show in the render that follows, only in the one after another request.
    BOOST_REQUIRE(worker.analyse(dir / "grey.jpg", "image/jpeg", 1).ok);
    const auto bw = source("grey.jpg", R"({"deskew":1.5,"mode":"bw"})");
    const auto before = output::renderPage(bw, {}).bytes;
    cv::imwrite((dir / "grey.jpg").string(), 255 - grey);
    const auto after = output::renderPage(bw, {}).bytes;
    BOOST_REQUIRE((before != after));
    BOOST_TEST((encodedAs(worker, bw) == before));
    BOOST_REQUIRE(worker.analyse(dir / "colour.jpg", "image/jpeg", 1).ok);
    BOOST_TEST((encodedAs(worker, bw) == after)); // another page was decoded meanwhile
    BOOST_TEST((encodedAs(worker, bw) == after));

    // Without keepDecodedPages the worker decodes for every request.
    app::AnalysisWorker plain(app::WorkerLimits{}, test::cliPath().parent_path() / "docdesk-worker");
    cv::imwrite((dir / "grey.jpg").string(), grey);
    BOOST_REQUIRE(plain.analyse(dir / "grey.jpg", "image/jpeg", 1).ok);
    cv::imwrite((dir / "grey.jpg").string(), 255 - grey);
    BOOST_TEST((encodedAs(plain, bw) == after));
}

// branch pipe (issue 16): a plain JPEG is counted by its markers in the application, so a batch
// of JPEGs is stored without waiting for a worker; anything else goes to the worker. Here the
// worker is the fake that aborts on every one of these names: only the plain JPEG is counted.
BOOST_AUTO_TEST_CASE(a_plain_jpeg_is_counted_without_a_worker_anything_else_in_one) {
    test::TempDir dir;
    cv::Mat page(500, 400, CV_8UC1, cv::Scalar(255));
    cv::putText(page, "Invoice 4711", cv::Point(30, 100), cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(0), 2);
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", page, jpeg);
    const std::string bytes(jpeg.begin(), jpeg.end());
    test::writeFile(dir / "abort-plain.jpg", bytes);
    // Cut before its scan: what is wrong with it is for the worker to say.
    const size_t scan = bytes.find("\xFF\xDA");
    BOOST_REQUIRE(scan != std::string::npos);
    test::writeFile(dir / "abort-cut.jpg", bytes.substr(0, scan));
    // Declaring 40,000 x 40,000 pixels: not taken as a page here either.
    std::string bomb = bytes;
    const size_t frame = bomb.find("\xFF\xC0");
    BOOST_REQUIRE(frame != std::string::npos);
    for (size_t at : {frame + 5, frame + 7}) { // height, width (big-endian)
        bomb[at] = char(40000 >> 8);
        bomb[at + 1] = char(40000 & 0xFF);
    }
    test::writeFile(dir / "abort-bomb.jpg", bomb);
    test::writeTestImage(dir / "abort.png", 40, 30, 200, 200, 200);

    app::WorkerLimits limits;
    limits.timePerPage = std::chrono::seconds(5);
    app::WorkerPool pool(1, limits, DOCDESK_FAULT_WORKER);
    const capture::PageCounter count = app::countPagesInWorker(pool);
    const auto countFile = [&](const fs::path& file) { return count(file, test::readFile(file)); };
    BOOST_TEST(countFile(dir / "abort-plain.jpg") == 1);
    BOOST_TEST(pool.restarts() == 0);
    for (const char* name : {"abort-cut.jpg", "abort-bomb.jpg", "abort.png"}) {
        try {
            countFile(dir / name);
            BOOST_ERROR(name << " was counted without the worker");
        } catch (const UnreadableFileError& e) {
            BOOST_TEST(std::string(e.what()) == "could not be read: the decoder crashed (SIGABRT)", name);
        }
    }
    BOOST_TEST(pool.restarts() == 3);
}
