#pragma once
// Realistic scenes for the document finder: real paper (the corpus' receipts and rendered
// pages, or generated paper when the corpus is absent) placed on the backgrounds users
// actually have - a white scanner lid with the paper-edge shadow, a grey card, a dark lid,
// wooden, dark, light and cluttered desks - at the sizes, angles and positions users produce,
// partly out of frame, with lighting, blur, noise and JPEG. Every scene comes from a seed, so
// the same seed gives the same pixels. OpenCV only; no docdesk code.
#include <array>
#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace docdesk::test {

using QuadF = std::array<cv::Point2f, 4>; // clockwise from the document's top-left

struct Paper {
    cv::Mat bgr; // the sheet, cut to its edges
    bool receipt = false;
    std::string name;
};

enum class SceneKind {
    PhotoWood,       // phone photo, page or receipt on a wooden desk
    PhotoDark,       // on a dark desk or fabric
    PhotoLight,      // on a light desk: low contrast
    PhotoClutter,    // on a desk with pens and cables across the edges, a mug, a note
    FlatbedWhite,    // 300/200/150-dpi scan, receipt on the white lid (paper-edge shadow)
    FlatbedGrey,     // receipt on a grey card
    FlatbedDark,     // receipt on a dark lid (or an open lid)
    SeveralReceipts, // two or three receipts on one glass (white or grey lid)
    OutOfFrame,      // the paper leaves the frame (receipt longer than the glass, photo cut off)
    FullFrame,       // the paper is the whole picture: a page scanned edge to edge, a receipt
                     // photo already cropped, a feeder page; nothing is to be cut out of it
};

const std::vector<SceneKind>& allSceneKinds();
std::string sceneName(SceneKind kind);

struct Scene {
    cv::Mat image;            // BGR
    std::vector<QuadF> truth; // every document, the main one first (may leave the frame)
    SceneKind kind = SceneKind::PhotoWood;
    std::string paperName;
};

// The 25 real receipts of corpus/receipts-cropped (300 dpi), or none when the folder is absent.
std::vector<Paper> loadReceipts(const std::filesystem::path& folder);
// Any image files in a folder as pages (e.g. corpus PDF pages rendered by the caller).
std::vector<Paper> loadPages(const std::filesystem::path& folder);
// Generated stand-ins when no real paper is at hand: a thermal receipt and an A4 letter.
Paper syntheticReceipt(std::uint32_t seed);
Paper syntheticPage(std::uint32_t seed);

// One scene. Receipts and pages are drawn from the given lists (pages may be empty: then a
// receipt is used for photo scenes too).
Scene makeScene(SceneKind kind, const std::vector<Paper>& receipts, const std::vector<Paper>& pages,
                std::uint32_t seed);

// Intersection over union of two quads after clipping both to the image (w x h).
double clippedIoU(const QuadF& a, const QuadF& b, int w, int h);

} // namespace docdesk::test
