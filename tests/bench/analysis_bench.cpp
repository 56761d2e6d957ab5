// Benchmark of page analysis (issues 3 and 16). Prints figures, asserts nothing.
//   analysis_bench [pages=12] [repeats=3]
// The pages are realistic office mail (tests/support/OfficePages.h: dense text in a real font,
// tables, a stamp, a photo, codes of five kinds on every third page, some skewed scans), plus
// the pages of /work/shared/corpus/paperless-barcodes when present (rendered at 300 dpi).
// 1. median time of the full analysis (barcodes, edges, blank, skew) of a 300-dpi A4 grey
//    page on one thread, and the codes found of those printed;
// 2. pages per second with two threads (the machine has 2 cores);
// 3. peak memory of docdesk-worker analysing a 600-dpi colour A4 page;
// 4. on the same pages, docdesk's barcode reading (decode + barcodes from the PNG file)
//    against `zbarimg` run by this program, with the number of codes each found.
#include "core/barcode/BarcodeReader.h"
#include "core/imaging/DocumentFinder.h"
#include "core/imaging/PageDecoder.h"
#include "core/imaging/PageMetrics.h"
#include "core/pipeline/PageAnalysis.h"
#include "platform/ChildProcess.h"
#include "platform/ProcessLimits.h"
#include "tests/support/OfficePages.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

long peakKilobytes(int pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stol(line.substr(6));
    return -1;
}

// docdesk's barcode reading (decode + read) against the zbarimg program on the same files.
void compareWithZbar(const char* what, const std::vector<fs::path>& files, imaging::MediaKind kind,
                     int repeats) {
    std::vector<double> ours, zbar;
    size_t oursFound = 0, zbarFound = 0;
    for (int r = 0; r < repeats; ++r)
        for (const auto& f : files) {
            auto t0 = Clock::now();
            imaging::DecodeOptions grey;
            grey.keepGrey = true;
            const auto d = imaging::decodePage(f, kind, 0, grey);
            const auto hits = barcode::readBarcodes(d.view());
            ours.push_back(ms(Clock::now() - t0));
            if (r > 0)
                continue;
            oursFound += hits.size();
            t0 = Clock::now();
            platform::ChildOptions opts;
            opts.pipeStdout = true;
            opts.discardStderr = true;
            platform::ChildProcess z({"zbarimg", "-q", "--raw", f.string()}, opts);
            const std::string out = z.readAll();
            z.wait();
            zbar.push_back(ms(Clock::now() - t0));
            zbarFound += size_t(std::count(out.begin(), out.end(), '\n'));
        }
    std::printf(
        "barcodes, %s: docdesk median %.1f ms/page (%zu codes), zbarimg median %.1f ms/page (%zu codes); "
        "docdesk %.1fx faster\n",
        what, median(ours), oursFound, median(zbar), zbarFound, median(zbar) / std::max(median(ours), 0.001));
}

} // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // figures appear as they are measured
    platform::keepLargeBuffersOnHeap();       // as docdesk-worker does
    cv::setNumThreads(1); // as each worker does (--threads 1): OpenCV's own threads would hide CPU time
    const int pageCount = argc > 1 ? std::atoi(argv[1]) : 12;
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
    const fs::path dir = fs::temp_directory_path() / ("docdesk-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::vector<cv::Mat> pages;
    std::vector<fs::path> files;
    std::size_t printed = 0;
    for (int i = 0; i < pageCount; ++i) {
        const auto page = test::makeOfficePage(i);
        files.push_back(dir / ("page" + std::to_string(i) + ".jpg"));
        test::writeOfficeJpeg(page, files.back());
        pages.push_back(cv::imread(files.back().string(), cv::IMREAD_GRAYSCALE)); // with JPEG's artefacts
        printed += page.codes.size();
    }
    std::printf(
        "analysis_bench: %d office pages, 300-dpi A4 grey JPEG (2480x3508), %zu codes printed, %d repeats\n",
        pageCount, printed, repeats);
    const auto corpus = test::corpusBarcodePages(dir / "corpus");
    std::printf("corpus: %zu pages of paperless-barcodes%s\n", corpus.size(),
                corpus.empty() ? " (absent: skipped)" : "");

    // 1. One thread, full analysis on the decoded page.
    std::vector<double> perPage;
    size_t codesFound = 0;
    for (int r = 0; r < repeats; ++r)
        for (const auto& p : pages) {
            const ImageView v{p.data, p.cols, p.rows, std::ptrdiff_t(p.step), 1};
            const auto t0 = Clock::now();
            const auto a = pipeline::analysePage(v);
            perPage.push_back(ms(Clock::now() - t0));
            if (r == 0)
                codesFound += a.barcodes.size();
        }
    std::printf(
        "full analysis, one thread: median %.1f ms/page (target <= 80 ms); barcodes found %zu of %zu\n",
        median(perPage), codesFound, printed);

    // 1b. Where the time goes: each stage alone on the same pages.
    {
        std::vector<double> tBarcodes, tDocuments, tBlank, tSkew;
        for (int r = 0; r < repeats; ++r)
            for (const auto& p : pages) {
                const ImageView v{p.data, p.cols, p.rows, std::ptrdiff_t(p.step), 1};
                auto t0 = Clock::now();
                barcode::readBarcodes(v);
                tBarcodes.push_back(ms(Clock::now() - t0));
                t0 = Clock::now();
                imaging::findDocuments(v);
                tDocuments.push_back(ms(Clock::now() - t0));
                t0 = Clock::now();
                imaging::detectBlank(v);
                tBlank.push_back(ms(Clock::now() - t0));
                t0 = Clock::now();
                imaging::estimateSkewDegrees(v);
                tSkew.push_back(ms(Clock::now() - t0));
            }
        std::printf("  stages (median ms/page): barcodes %.1f, document edges %.1f, blank %.1f, skew %.1f\n",
                    median(tBarcodes), median(tDocuments), median(tBlank), median(tSkew));
    }

    // 2. Two threads, decode + full analysis, as the worker does: from grey JPEG (what
    //    scanners deliver for grey) and from PNG (lossless; zlib makes decoding slower).
    const auto throughput = [&](const std::vector<fs::path>& sources, imaging::MediaKind kind) {
        std::vector<double> rates;
        for (int r = 0; r < repeats; ++r) {
            std::atomic<int> next{0};
            const auto t0 = Clock::now();
            std::vector<std::thread> threads;
            for (int t = 0; t < 2; ++t)
                threads.emplace_back([&] {
                    imaging::DecodeOptions grey;
                    grey.keepGrey = true; // as docdesk-worker decodes for analysis
                    for (int i = next++; i < pageCount; i = next++) {
                        const auto d = imaging::decodePage(sources[size_t(i)], kind, 0, grey);
                        pipeline::analysePage(d.view());
                    }
                });
            for (auto& t : threads)
                t.join();
            rates.push_back(pageCount / (ms(Clock::now() - t0) / 1000.0));
        }
        return median(rates);
    };
    std::vector<fs::path> pngs;
    for (int i = 0; i < pageCount; ++i) {
        pngs.push_back(dir / ("page" + std::to_string(i) + ".png"));
        cv::imwrite(pngs.back().string(), pages[size_t(i)]);
    }
    std::printf("decode + full analysis, two threads: median %.1f pages/s from grey JPEG (target >= 20), "
                "%.1f pages/s from PNG\n",
                throughput(files, imaging::MediaKind::Jpeg), throughput(pngs, imaging::MediaKind::Png));

    // 3. Worker peak memory on a 600-dpi colour A4 page.
    const fs::path big = dir / "page600-colour.png";
    {
        cv::Mat colour;
        cv::cvtColor(test::makeOfficePage(0, 2.0).grey, colour, cv::COLOR_GRAY2BGR);
        cv::rectangle(colour, cv::Rect(480, 320, 300, 300), cv::Scalar(180, 90, 20),
                      cv::FILLED); // a blue logo
        cv::imwrite(big.string(), colour);
    }
    const fs::path worker = argc > 3
                                ? fs::path(argv[3])
                                : platform::executableDirectory().parent_path() / "app" / "docdesk-worker";
    {
        platform::ChildOptions opts;
        opts.pipeStdin = true;
        opts.pipeStdout = true;
        platform::ChildProcess w({worker.string(), "--serve"}, opts);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const long idle = peakKilobytes(w.pid());
        w.writeStdin(R"({"op":"analyse","file":")" + big.string() +
                     R"(","media_type":"image/png","page":1})" + "\n");
        const auto answer = w.readLine(std::chrono::seconds(120));
        const long peak = peakKilobytes(w.pid());
        std::printf("docdesk-worker on a 600-dpi colour A4 page (4960x7016): peak %.0f MB (idle %.0f MB; "
                    "target <= 300 MB)%s\n",
                    peak / 1024.0, idle / 1024.0,
                    answer && answer->find("\"ok\":true") != std::string::npos ? "" : " [analysis failed]");
        w.closeStdin();
        w.waitFor(std::chrono::seconds(10));
    }

    // 4. Barcodes only, from the file, against zbarimg on the same files (zbarimg once per
    //    page: it takes seconds on a text-dense page).
    compareWithZbar("office pages (JPEG)", files, imaging::MediaKind::Jpeg, repeats);
    if (!corpus.empty())
        compareWithZbar("paperless corpus pages (PNG)", corpus, imaging::MediaKind::Png, repeats);
    fs::remove_all(dir);
    return 0;
}
