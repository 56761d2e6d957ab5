// Benchmark of page analysis (issue 3). Prints figures, asserts nothing.
//   analysis_bench [pages=12] [repeats=3]
// 1. median time of the full analysis (barcodes, edges, blank, skew) of a 300-dpi A4 grey
//    page on one thread;
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

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
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

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

void paste(cv::Mat& page, const std::string& text, ZXing::BarcodeFormat format, int w, int h, cv::Point at) {
    const auto matrix = ZXing::MultiFormatWriter(format).setMargin(10).encode(text, w, h);
    cv::Mat code(matrix.height(), matrix.width(), CV_8UC1);
    for (int y = 0; y < matrix.height(); ++y)
        for (int x = 0; x < matrix.width(); ++x)
            code.at<uchar>(y, x) = matrix.get(x, y) ? 0 : 255;
    code.copyTo(page(cv::Rect(at, code.size())));
}

// A 300-dpi A4 page: text-like lines, a Code 128 and a QR code at varying places.
cv::Mat makePage(int index, std::mt19937& rng, double scale = 1.0, bool colour = false) {
    const int W = int(2480 * scale), H = int(3508 * scale);
    cv::Mat page(H, W, CV_8UC1, cv::Scalar(250));
    // Body text: rendered words (a real page's texture, not solid bars).
    std::uniform_int_distribution<int> words(5, 12), wordLength(2, 9);
    for (int y = int(700 * scale); y < H - int(300 * scale); y += int(70 * scale)) {
        std::string line;
        for (int w = words(rng); w > 0; --w)
            line += std::string(size_t(wordLength(rng)), char('a' + w % 20)) + " ";
        cv::putText(page, line, {int(250 * scale), y}, cv::FONT_HERSHEY_SIMPLEX, 1.3 * scale, cv::Scalar(30),
                    int(3 * scale), cv::LINE_AA);
    }
    const int s = int(scale);
    paste(page, "DOC-" + std::to_string(100000 + index), ZXing::BarcodeFormat::Code128, 600 * s, 150 * s,
          {200 * s + (index % 3) * 500 * s, 150 * s});
    paste(page, "ASN" + std::to_string(1000 + index), ZXing::BarcodeFormat::QRCode, 200 * s, 200 * s,
          {W - 450 * s, H - 450 * s - (index % 2) * 1200 * s});
    if (!colour)
        return page;
    cv::Mat bgr;
    cv::cvtColor(page, bgr, cv::COLOR_GRAY2BGR);
    cv::rectangle(bgr, cv::Rect(W / 2, H / 3, W / 4, H / 10), cv::Scalar(30, 120, 220), cv::FILLED);
    return bgr;
}

long peakKilobytes(int pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stol(line.substr(6));
    return -1;
}

} // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // figures appear as they are measured
    platform::keepLargeBuffersOnHeap();            // as docdesk-worker does
    const int pageCount = argc > 1 ? std::atoi(argv[1]) : 12;
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
    const fs::path dir = fs::temp_directory_path() / ("docdesk-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::mt19937 rng(7);

    std::vector<cv::Mat> pages;
    std::vector<fs::path> files;
    for (int i = 0; i < pageCount; ++i) {
        pages.push_back(makePage(i, rng));
        files.push_back(dir / ("page" + std::to_string(i) + ".png"));
        cv::imwrite(files.back().string(), pages.back());
    }
    std::printf("analysis_bench: %d generated 300-dpi A4 grey pages (2480x3508), %d repeats\n", pageCount, repeats);

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
    std::printf("full analysis, one thread: median %.1f ms/page (target <= 80 ms); barcodes found %zu of %d\n",
                median(perPage), codesFound, pageCount * 2);

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
    std::vector<fs::path> jpegs;
    for (int i = 0; i < pageCount; ++i) {
        jpegs.push_back(dir / ("page" + std::to_string(i) + ".jpg"));
        cv::imwrite(jpegs.back().string(), pages[size_t(i)], {cv::IMWRITE_JPEG_QUALITY, 85});
    }
    std::printf("decode + full analysis, two threads: median %.1f pages/s from grey JPEG (target >= 20), "
                "%.1f pages/s from PNG\n",
                throughput(jpegs, imaging::MediaKind::Jpeg), throughput(files, imaging::MediaKind::Png));

    // 3. Worker peak memory on a 600-dpi colour A4 page.
    const fs::path big = dir / "page600-colour.png";
    cv::imwrite(big.string(), makePage(0, rng, 2.0, true));
    const fs::path worker = argc > 3 ? fs::path(argv[3]) : platform::executableDirectory().parent_path() / "app" / "docdesk-worker";
    {
        platform::ChildOptions opts;
        opts.pipeStdin = true;
        opts.pipeStdout = true;
        platform::ChildProcess w({worker.string(), "--serve"}, opts);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const long idle = peakKilobytes(w.pid());
        w.writeStdin(R"({"op":"analyse","file":")" + big.string() + R"(","media_type":"image/png","page":1})" + "\n");
        const auto answer = w.readLine(std::chrono::seconds(120));
        const long peak = peakKilobytes(w.pid());
        std::printf("docdesk-worker on a 600-dpi colour A4 page (4960x7016): peak %.0f MB (idle %.0f MB; target <= 300 MB)%s\n",
                    peak / 1024.0, idle / 1024.0, answer && answer->find("\"ok\":true") != std::string::npos ? "" : " [analysis failed]");
        w.closeStdin();
        w.waitFor(std::chrono::seconds(10));
    }

    // 4. Barcodes only, from the file, against zbarimg on the same files.
    std::vector<double> ours, zbar;
    size_t oursFound = 0, zbarFound = 0;
    for (int r = 0; r < repeats; ++r)
        for (const auto& f : files) {
            auto t0 = Clock::now();
            const auto d = imaging::decodePage(f, imaging::MediaKind::Png, 0);
            cv::Mat grey;
            cv::cvtColor(cv::Mat(d.height, d.width, CV_8UC3, const_cast<std::uint8_t*>(d.bgr.data())), grey, cv::COLOR_BGR2GRAY);
            const auto hits = barcode::readBarcodes({grey.data, grey.cols, grey.rows, std::ptrdiff_t(grey.step), 1});
            ours.push_back(ms(Clock::now() - t0));
            t0 = Clock::now();
            platform::ChildOptions opts;
            opts.pipeStdout = true;
            opts.discardStderr = true;
            platform::ChildProcess z({"zbarimg", "-q", "--raw", f.string()}, opts);
            const std::string out = z.readAll();
            z.wait();
            zbar.push_back(ms(Clock::now() - t0));
            if (r == 0) {
                oursFound += hits.size();
                zbarFound += size_t(std::count(out.begin(), out.end(), '\n'));
            }
        }
    std::printf("barcodes from PNG: docdesk median %.1f ms/page (%zu codes), zbarimg median %.1f ms/page (%zu codes); "
                "time ratio docdesk/zbarimg %.2f\n",
                median(ours), oursFound, median(zbar), zbarFound, median(ours) / std::max(median(zbar), 0.001));
    fs::remove_all(dir);
    return 0;
}
