#include "tests/support/TestSupport.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace docdesk::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "docdesk-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data()))
        throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    if (std::getenv("DOCDESK_KEEP_TEST_FILES"))
        return;
    std::error_code ec;
    fs::remove_all(path_, ec);
}

std::vector<std::byte> readFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + file.string());
    std::vector<char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(data.size());
    std::memcpy(out.data(), data.data(), data.size());
    return out;
}

void writeFile(const fs::path& file, const std::string& bytes) {
    std::ofstream out(file, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw std::runtime_error("cannot write " + file.string());
}

void writeTestImage(const fs::path& file, int width, int height, unsigned char b, unsigned char g,
                    unsigned char r, bool noise, unsigned seed) {
    cv::Mat img(height, width, CV_8UC3, cv::Scalar(b, g, r));
    cv::rectangle(img, cv::Rect(width / 8, height / 8, width / 4, height / 4),
                  cv::Scalar(255 - b, 255 - g, 255 - r), cv::FILLED);
    if (noise) {
        std::mt19937 rng(seed);
        for (int y = height / 2; y < height; ++y)
            for (int x = 0; x < width; ++x)
                img.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<unsigned char>(rng()),
                                                    static_cast<unsigned char>(rng()),
                                                    static_cast<unsigned char>(rng()));
    }
    if (!cv::imwrite(file.string(), img))
        throw std::runtime_error("cannot write " + file.string());
}

std::string minimalPdf(int pages) {
    std::ostringstream pdf;
    std::vector<size_t> offsets;
    pdf << "%PDF-1.4\n";
    auto object = [&](const std::string& body) {
        offsets.push_back(static_cast<size_t>(pdf.tellp()));
        pdf << offsets.size() << " 0 obj\n" << body << "\nendobj\n";
    };
    object("<< /Type /Catalog /Pages 2 0 R >>");
    std::string kids;
    for (int i = 0; i < pages; ++i)
        kids += std::to_string(3 + i) + " 0 R ";
    object("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages) + " >>");
    for (int i = 0; i < pages; ++i)
        object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>");
    const size_t xref = static_cast<size_t>(pdf.tellp());
    pdf << "xref\n0 " << offsets.size() + 1 << "\n0000000000 65535 f \n";
    for (size_t off : offsets) {
        char line[24];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
        pdf << line;
    }
    pdf << "trailer\n<< /Size " << offsets.size() + 1 << " /Root 1 0 R >>\nstartxref\n" << xref << "\n%%EOF\n";
    return pdf.str();
}

fs::path cliPath() { return DOCDESK_TEST_CLI; }
fs::path guiPath() { return DOCDESK_TEST_GUI; }
fs::path artifactsDir() {
    fs::path dir = DOCDESK_TEST_ARTIFACTS;
    fs::create_directories(dir);
    return dir;
}

} // namespace docdesk::test
