#include "core/imaging/ImageCodecs.h"

#include "core/common/PluginSlot.h"

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
// libjpeg's header needs FILE and size_t declared before it.
#include <jpeglib.h>
#include <png.h>
#include <tiffio.h>

namespace docdesk::imaging::codecs {
namespace {

// OpenCV's limits on a decoded image (CV_IO_MAX_IMAGE_WIDTH/HEIGHT/PIXELS), kept so that an
// image too large for imdecode is too large here as well.
constexpr std::uint64_t kMaxSide = 1u << 20;
constexpr std::uint64_t kMaxPixels = 1u << 30;

bool sizeAllowed(std::uint64_t width, std::uint64_t height) {
    return width > 0 && height > 0 && width <= kMaxSide && height <= kMaxSide && width * height <= kMaxPixels;
}

// The channel count a decode yields for a file of `fileChannels` (1, 3 or 4), as imdecode
// picks it for its flags.
int channelsFor(ReadMode mode, int fileChannels) {
    switch (mode) {
    case ReadMode::Unchanged:
        return fileChannels;
    case ReadMode::Colour:
        return 3;
    case ReadMode::Grey:
        return 1;
    case ReadMode::AnyColour:
        return fileChannels > 1 ? 3 : 1;
    }
    return 3;
}

// ---- EXIF orientation (what OpenCV's ExifReader and ApplyExifOrientation do) ----

// The orientation tag (0x0112) of IFD0 of EXIF data starting at its TIFF header; 1 (upright)
// when absent or unreadable.
int exifOrientation(const std::uint8_t* tiff, std::size_t size) {
    if (size < 8)
        return 1;
    const bool little = tiff[0] == 'I' && tiff[1] == 'I';
    if (!little && !(tiff[0] == 'M' && tiff[1] == 'M'))
        return 1;
    auto u16 = [&](std::size_t at) -> unsigned {
        return little ? unsigned(tiff[at]) | (unsigned(tiff[at + 1]) << 8)
                      : (unsigned(tiff[at]) << 8) | unsigned(tiff[at + 1]);
    };
    auto u32 = [&](std::size_t at) -> std::size_t {
        return little ? u16(at) | (std::size_t(u16(at + 2)) << 16)
                      : (std::size_t(u16(at)) << 16) | u16(at + 2);
    };
    const std::size_t ifd = u32(4);
    if (ifd + 2 > size)
        return 1;
    const unsigned entries = u16(ifd);
    for (unsigned i = 0; i < entries; ++i) {
        const std::size_t entry = ifd + 2 + std::size_t(i) * 12;
        if (entry + 12 > size)
            return 1;
        if (u16(entry) == 0x0112 && u16(entry + 2) == 3) {
            const int value = int(u16(entry + 8));
            return value >= 1 && value <= 8 ? value : 1;
        }
    }
    return 1;
}

void applyOrientation(int orientation, cv::Mat& img) {
    switch (orientation) {
    case 2: // top right
        cv::flip(img, img, 1);
        break;
    case 3: // bottom right
        cv::flip(img, img, -1);
        break;
    case 4: // bottom left
        cv::flip(img, img, 0);
        break;
    case 5: // left top
        cv::transpose(img, img);
        break;
    case 6: // right top
        cv::transpose(img, img);
        cv::flip(img, img, 1);
        break;
    case 7: // right bottom
        cv::transpose(img, img);
        cv::flip(img, img, -1);
        break;
    case 8: // left bottom
        cv::transpose(img, img);
        cv::flip(img, img, 0);
        break;
    default:
        break;
    }
}

// ---- JPEG ----

struct JpegError {
    jpeg_error_mgr pub;
    std::jmp_buf jump;
};

// libjpeg's default error_exit calls exit(): return to the decoder's setjmp instead.
void jpegErrorExit(j_common_ptr info) {
    std::longjmp(reinterpret_cast<JpegError*>(info->err)->jump, 1);
}
void jpegNoMessage(j_common_ptr) {}

// A source reading from memory that suspends (instead of inventing an end marker) where the
// data ends, as OpenCV's does: a truncated header fails, a truncated scan leaves the rows it
// could not decode as the last one decoded.
boolean jpegFill(j_decompress_ptr) {
    return FALSE;
}
void jpegSkip(j_decompress_ptr info, long count) {
    jpeg_source_mgr* src = info->src;
    const std::size_t n = count > 0 ? std::size_t(count) : 0;
    if (n > src->bytes_in_buffer) {
        src->next_input_byte += src->bytes_in_buffer;
        src->bytes_in_buffer = 0;
    } else {
        src->next_input_byte += n;
        src->bytes_in_buffer -= n;
    }
}
void jpegNothing(j_decompress_ptr) {}

struct JpegDecode {
    jpeg_decompress_struct info{};
    JpegError error{};
    jpeg_source_mgr source{};
    int orientation = 1;
    bool rowsRead = false; // a failure after this (at the end marker) keeps the image
};

void startJpeg(JpegDecode& d, std::span<const std::byte> bytes) {
    d.info.err = jpeg_std_error(&d.error.pub);
    d.error.pub.error_exit = jpegErrorExit;
    d.error.pub.output_message = jpegNoMessage;
    jpeg_create_decompress(&d.info);
    d.source.init_source = jpegNothing;
    d.source.fill_input_buffer = jpegFill;
    d.source.skip_input_data = jpegSkip;
    d.source.resync_to_restart = jpeg_resync_to_restart;
    d.source.term_source = jpegNothing;
    d.source.next_input_byte = reinterpret_cast<const JOCTET*>(bytes.data());
    d.source.bytes_in_buffer = bytes.size();
    d.info.src = &d.source;
    jpeg_save_markers(&d.info, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&d.info, TRUE);
    jpeg_calc_output_dimensions(&d.info);
    for (jpeg_saved_marker_ptr m = d.info.marker_list; m != nullptr; m = m->next)
        if (m->marker == JPEG_APP0 + 1 && m->data_length > 6 && std::memcmp(m->data, "Exif\0\0", 6) == 0) {
            d.orientation = exifOrientation(m->data + 6, m->data_length - 6);
            break;
        }
}

// CMYK (Adobe's inverted samples) to BGR or grey, as OpenCV's icvCvt_CMYK2BGR/2Gray.
void cmykRow(const std::uint8_t* cmyk, std::uint8_t* out, int width, bool grey) {
    for (int x = 0; x < width; ++x, cmyk += 4) {
        const int k = cmyk[3];
        const int c = k - ((255 - cmyk[0]) * k >> 8);
        const int m = k - ((255 - cmyk[1]) * k >> 8);
        const int y = k - ((255 - cmyk[2]) * k >> 8);
        if (grey) {
            out[x] = std::uint8_t((y * 1868 + m * 9617 + c * 4899 + (1 << 13)) >> 14);
        } else {
            out[3 * x] = std::uint8_t(y);
            out[3 * x + 1] = std::uint8_t(m);
            out[3 * x + 2] = std::uint8_t(c);
        }
    }
}

// Reads the scan into `img` (rows the data does not reach repeat the last one decoded).
void readJpegRows(JpegDecode& d, cv::Mat& img, std::vector<std::uint8_t>& cmyk) {
    const bool colour = img.channels() > 1;
    if (d.info.num_components == 4) {
        d.info.out_color_space = JCS_CMYK;
    } else {
        d.info.out_color_space = colour ? JCS_EXT_BGR : JCS_GRAYSCALE;
    }
    jpeg_start_decompress(&d.info);
    const int width = img.cols;
    for (int y = 0; y < img.rows; ++y) {
        JSAMPROW row = d.info.num_components == 4 ? cmyk.data() : img.ptr<std::uint8_t>(y);
        if (jpeg_read_scanlines(&d.info, &row, 1) != 1) {
            // A row the data does not reach: black for CMYK and before the first decoded row
            // (as the zero-filled matrix OpenCV decodes into), else the last row decoded.
            if (d.info.num_components == 4 || y == 0)
                img.row(y).setTo(cv::Scalar::all(0));
            else
                img.row(y - 1).copyTo(img.row(y));
            continue;
        }
        if (d.info.num_components == 4)
            cmykRow(cmyk.data(), img.ptr<std::uint8_t>(y), width, !colour);
    }
    d.rowsRead = true;
    jpeg_finish_decompress(&d.info);
}

cv::Mat decodeJpeg(std::span<const std::byte> bytes, ReadMode mode, DecodeTarget target = {}) {
    JpegDecode d;
    cv::Mat img;
    std::vector<std::uint8_t> cmyk;
    // Nothing with a destructor is created between setjmp and a longjmp to it: the matrix
    // and the row buffer are declared above and only filled below.
    if (setjmp(d.error.jump) == 0) {
        startJpeg(d, bytes);
        if (!sizeAllowed(d.info.output_width, d.info.output_height)) {
            jpeg_destroy_decompress(&d.info);
            return {};
        }
        const int channels = channelsFor(mode, d.info.num_components > 1 ? 3 : 1);
        try {
            // Not filled first: every row is written (readJpegRows), 8 MB of memset per page saved.
            const int rows = int(d.info.output_height), cols = int(d.info.output_width);
            if (target.buffer != nullptr)
                img = target.buffer(rows, cols, CV_8UC(channels), target.context);
            else
                img.create(rows, cols, CV_8UC(channels));
            if (d.info.num_components == 4)
                cmyk.assign(std::size_t(d.info.output_width) * 4, 0);
        } catch (...) { // out of memory: free libjpeg's state, then report
            jpeg_destroy_decompress(&d.info);
            throw;
        }
    } else {
        jpeg_destroy_decompress(&d.info);
        return {};
    }
    if (setjmp(d.error.jump) == 0) {
        readJpegRows(d, img, cmyk);
    } else if (!d.rowsRead) {
        // failed in the scan (as OpenCV; a failure at its very end keeps the rows read)
        jpeg_destroy_decompress(&d.info);
        return {};
    }
    jpeg_destroy_decompress(&d.info);
    if (mode != ReadMode::Unchanged)
        applyOrientation(d.orientation, img);
    return img;
}

// ---- PNG ----

struct PngReader {
    std::span<const std::byte> bytes;
    std::size_t pos = 0;
};

void pngRead(png_structp png, png_bytep out, png_size_t size) {
    auto* r = static_cast<PngReader*>(png_get_io_ptr(png));
    if (r->pos + size > r->bytes.size())
        png_error(png, "truncated");
    std::memcpy(out, r->bytes.data() + r->pos, size);
    r->pos += size;
}
void pngError(png_structp png, png_const_charp) {
    png_longjmp(png, 1);
}
void pngWarning(png_structp, png_const_charp) {}

// The channels of a PNG as OpenCV counts them: palette and RGB images with a transparency
// chunk, and images with alpha, have four.
int pngFileChannels(png_structp png, png_infop info, int colourType) {
    switch (colourType) {
    case PNG_COLOR_TYPE_RGB:
    case PNG_COLOR_TYPE_PALETTE: {
        png_bytep trans = nullptr;
        int count = 0;
        png_color_16p values = nullptr;
        png_get_tRNS(png, info, &trans, &count, &values);
        return count > 0 ? 4 : 3;
    }
    case PNG_COLOR_TYPE_GRAY_ALPHA:
    case PNG_COLOR_TYPE_RGB_ALPHA:
        return 4;
    default:
        return 1;
    }
}

// The transformations OpenCV's PngDecoder::readData asks libpng for.
void setPngTransforms(png_structp png, const cv::Mat& img, int colourType, int bitDepth) {
    const bool colour = img.channels() > 1;
    if (img.depth() == CV_8U && bitDepth == 16)
        png_set_strip_16(png);
    else if (bitDepth == 16)
        png_set_swap(png); // little-endian machine
    if (img.channels() < 4)
        png_set_strip_alpha(png);
    else
        png_set_tRNS_to_alpha(png);
    if (colourType == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if ((colourType & PNG_COLOR_MASK_COLOR) == 0 && bitDepth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if ((colourType & PNG_COLOR_MASK_COLOR) && colour)
        png_set_bgr(png);
    else if (colour)
        png_set_gray_to_rgb(png);
    else
        png_set_rgb_to_gray(png, 1, 0.299, 0.587);
    png_set_interlace_handling(png);
}

int pngOrientation(png_structp png, png_infop info) {
#ifdef PNG_eXIf_SUPPORTED
    png_uint_32 size = 0;
    png_bytep exif = nullptr;
    if (png_get_valid(png, info, PNG_INFO_eXIf) && png_get_eXIf_1(png, info, &size, &exif) != 0 && exif)
        return exifOrientation(exif, size);
#endif
    (void)png;
    (void)info;
    return 1;
}

cv::Mat decodePng(std::span<const std::byte> bytes, ReadMode mode) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, pngError, pngWarning);
    if (png == nullptr)
        return {};
    png_infop info = png_create_info_struct(png);
    png_infop end = png_create_info_struct(png);
    PngReader reader{bytes};
    cv::Mat img;
    std::vector<png_bytep> rows;
    int orientation = 1;
    // As for JPEG: every object with a destructor exists before setjmp.
    if (info != nullptr && end != nullptr && setjmp(png_jmpbuf(png)) == 0) {
        png_set_read_fn(png, &reader, pngRead);
        png_read_info(png, info);
        png_uint_32 width = 0, height = 0;
        int bitDepth = 0, colourType = 0;
        png_get_IHDR(png, info, &width, &height, &bitDepth, &colourType, nullptr, nullptr, nullptr);
        if (sizeAllowed(width, height)) {
            const int channels = channelsFor(mode, pngFileChannels(png, info, colourType));
            const bool keep16 = bitDepth == 16 && mode == ReadMode::Unchanged;
            try {
                img.create(int(height), int(width), CV_MAKETYPE(keep16 ? CV_16U : CV_8U, channels));
                rows.resize(height);
            } catch (...) { // out of memory: free libpng's state, then report
                png_destroy_read_struct(&png, &info, &end);
                throw;
            }
            setPngTransforms(png, img, colourType, bitDepth);
            png_read_update_info(png, info);
            for (png_uint_32 y = 0; y < height; ++y)
                rows[y] = img.ptr<png_byte>(int(y));
            png_read_image(png, rows.data());
            png_read_end(png, end);
            orientation = pngOrientation(png, info);
            if (orientation == 1)
                orientation = pngOrientation(png, end);
        }
    } else {
        img.release();
    }
    png_destroy_read_struct(&png, &info, &end);
    if (!img.empty() && mode != ReadMode::Unchanged)
        applyOrientation(orientation, img);
    return img;
}

// ---- TIFF ----

struct TiffReader {
    std::span<const std::byte> bytes;
    toff_t pos = 0;
};

tmsize_t tiffRead(thandle_t handle, void* out, tmsize_t size) {
    auto* r = static_cast<TiffReader*>(handle);
    if (size <= 0 || r->pos >= r->bytes.size())
        return 0;
    const std::size_t n = std::min<std::size_t>(std::size_t(size), r->bytes.size() - r->pos);
    std::memcpy(out, r->bytes.data() + r->pos, n);
    r->pos += n;
    return tmsize_t(n);
}
tmsize_t tiffWrite(thandle_t, void*, tmsize_t) {
    return 0;
}
toff_t tiffSeek(thandle_t handle, toff_t offset, int whence) {
    auto* r = static_cast<TiffReader*>(handle);
    const toff_t base = whence == SEEK_CUR ? r->pos : whence == SEEK_END ? toff_t(r->bytes.size()) : 0;
    r->pos = base + offset;
    return r->pos;
}
int tiffClose(thandle_t) {
    return 0;
}
toff_t tiffSize(thandle_t handle) {
    return static_cast<TiffReader*>(handle)->bytes.size();
}
// libtiff's messages about damaged files: docdesk reports the failure itself.
int tiffQuiet(TIFF*, void*, const char*, const char*, va_list) {
    return 1;
}

struct TiffClose {
    void operator()(TIFF* tiff) const { TIFFClose(tiff); }
};
using TiffHandle = std::unique_ptr<TIFF, TiffClose>;

TiffHandle openTiff(TiffReader& reader) {
    TIFFOpenOptions* options = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(options, tiffQuiet, nullptr);
    TIFFOpenOptionsSetWarningHandlerExtR(options, tiffQuiet, nullptr);
    TIFF* tiff = TIFFClientOpenExt("page", "rm", &reader, tiffRead, tiffWrite, tiffSeek, tiffClose, tiffSize,
                                   nullptr, nullptr, options);
    TIFFOpenOptionsFree(options);
    return TiffHandle(tiff);
}

// The common scanner layouts, read row by row (little memory, any compression): bilevel and
// 8-bit grey, 8-bit RGB(A) with interleaved samples, in strips. False for the others.
bool readTiffScanlines(TIFF* tiff, cv::Mat& native) {
    std::uint16_t bits = 1, samples = 1, photometric = 0, planar = PLANARCONFIG_CONTIG;
    TIFFGetFieldDefaulted(tiff, TIFFTAG_BITSPERSAMPLE, &bits);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLESPERPIXEL, &samples);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_PLANARCONFIG, &planar);
    if (!TIFFGetField(tiff, TIFFTAG_PHOTOMETRIC, &photometric) || TIFFIsTiled(tiff) ||
        planar != PLANARCONFIG_CONTIG)
        return false;
    const bool grey = (photometric == PHOTOMETRIC_MINISWHITE || photometric == PHOTOMETRIC_MINISBLACK) &&
                      samples == 1 && (bits == 1 || bits == 8);
    const bool rgb = photometric == PHOTOMETRIC_RGB && bits == 8 && (samples == 3 || samples == 4);
    if (!grey && !rgb)
        return false;
    std::vector<std::uint8_t> line(std::size_t(TIFFScanlineSize(tiff)) + 1);
    const std::uint8_t invert = photometric == PHOTOMETRIC_MINISWHITE ? 0xFF : 0;
    for (int y = 0; y < native.rows; ++y) {
        if (TIFFReadScanline(tiff, line.data(), std::uint32_t(y), 0) < 0)
            return false;
        std::uint8_t* out = native.ptr<std::uint8_t>(y);
        for (int x = 0; x < native.cols; ++x) {
            if (grey && bits == 1)
                out[x] = ((line[std::size_t(x) >> 3] >> (7 - (x & 7))) & 1 ? 0xFF : 0) ^ invert;
            else if (grey)
                out[x] = line[std::size_t(x)] ^ invert;
            else
                for (int c = 0; c < 3; ++c)
                    out[3 * x + c] = line[std::size_t(x) * samples + std::size_t(2 - c)];
        }
    }
    return true;
}

// Any other layout through libtiff's RGBA interface (palette, 16 bits, YCbCr, CMYK, tiles...).
bool readTiffRgba(TIFF* tiff, cv::Mat& native) {
    std::vector<std::uint32_t> raster(std::size_t(native.cols) * std::size_t(native.rows));
    if (!TIFFReadRGBAImageOriented(tiff, std::uint32_t(native.cols), std::uint32_t(native.rows),
                                   raster.data(), ORIENTATION_TOPLEFT, 0))
        return false;
    for (int y = 0; y < native.rows; ++y) {
        const std::uint32_t* in = raster.data() + std::size_t(y) * std::size_t(native.cols);
        std::uint8_t* out = native.ptr<std::uint8_t>(y);
        for (int x = 0; x < native.cols; ++x) {
            if (native.channels() == 1) {
                out[x] = std::uint8_t(TIFFGetR(in[x]));
            } else {
                out[3 * x] = std::uint8_t(TIFFGetB(in[x]));
                out[3 * x + 1] = std::uint8_t(TIFFGetG(in[x]));
                out[3 * x + 2] = std::uint8_t(TIFFGetR(in[x]));
            }
        }
    }
    return true;
}

cv::Mat decodeTiff(std::span<const std::byte> bytes, ReadMode mode, int pageIndex) {
    TiffReader reader{bytes};
    const TiffHandle tiff = openTiff(reader);
    if (!tiff || pageIndex < 0 || !TIFFSetDirectory(tiff.get(), tdir_t(pageIndex)))
        return {};
    std::uint32_t width = 0, height = 0;
    std::uint16_t photometric = PHOTOMETRIC_RGB;
    TIFFGetField(tiff.get(), TIFFTAG_IMAGEWIDTH, &width);
    TIFFGetField(tiff.get(), TIFFTAG_IMAGELENGTH, &height);
    TIFFGetField(tiff.get(), TIFFTAG_PHOTOMETRIC, &photometric);
    if (!sizeAllowed(width, height))
        return {};
    // Grey (with alpha or not) is one channel to OpenCV, anything else three.
    const bool grey = photometric == PHOTOMETRIC_MINISWHITE || photometric == PHOTOMETRIC_MINISBLACK;
    cv::Mat native(int(height), int(width), grey ? CV_8UC1 : CV_8UC3);
    if (!readTiffScanlines(tiff.get(), native)) {
        TIFFSetDirectory(tiff.get(), tdir_t(pageIndex)); // back to the first row
        if (!readTiffRgba(tiff.get(), native))
            return {};
    }
    const int channels = channelsFor(mode, native.channels());
    if (channels == native.channels())
        return native;
    cv::Mat out;
    if (channels == 3) {
        cv::cvtColor(native, out, cv::COLOR_GRAY2BGR);
        return out;
    }
    // OpenCV's own weights and rounding for a grey read of a colour TIFF (icvCvt_BGR2Gray),
    // which differ from cvtColor's by one here and there.
    out.create(native.rows, native.cols, CV_8UC1);
    for (int y = 0; y < native.rows; ++y) {
        const std::uint8_t* in = native.ptr<std::uint8_t>(y);
        std::uint8_t* row = out.ptr<std::uint8_t>(y);
        for (int x = 0; x < native.cols; ++x, in += 3)
            row[x] = std::uint8_t((in[0] * 1868 + in[1] * 9617 + in[2] * 4899 + (1 << 13)) >> 14);
    }
    return out;
}

// ---- the plugin for the other formats ----

// Function-local, so that a loader set from a static initialiser (the fuzz target) finds it built.
PluginSlot<CodecPluginApi>& pluginSlot() {
    static PluginSlot<CodecPluginApi> slot;
    return slot;
}

const CodecPluginApi* plugin() {
    std::string error;
    return pluginSlot().get(error);
}

bool startsWith(std::span<const std::byte> bytes, const char* magic, std::size_t size) {
    return bytes.size() >= size && std::memcmp(bytes.data(), magic, size) == 0;
}

// ---- encoders ----

struct JpegOut {
    jpeg_destination_mgr pub;
    std::vector<std::uint8_t>* out;
    std::vector<std::uint8_t> buffer;
};
void jpegOutStart(j_compress_ptr) {}
boolean jpegOutFlush(j_compress_ptr info) {
    auto* d = reinterpret_cast<JpegOut*>(info->dest);
    d->out->insert(d->out->end(), d->buffer.begin(), d->buffer.end());
    d->pub.next_output_byte = d->buffer.data();
    d->pub.free_in_buffer = d->buffer.size();
    return TRUE;
}
void jpegOutEnd(j_compress_ptr info) {
    auto* d = reinterpret_cast<JpegOut*>(info->dest);
    d->out->insert(d->out->end(), d->buffer.begin(), d->buffer.end() - std::ptrdiff_t(d->pub.free_in_buffer));
}

// The settings of OpenCV's JpegEncoder with only IMWRITE_JPEG_QUALITY given.
void writeJpegRows(jpeg_compress_struct& info, const cv::Mat& image, int quality) {
    info.image_width = JDIMENSION(image.cols);
    info.image_height = JDIMENSION(image.rows);
    info.input_components = image.channels(); // 1, 3 or 4 (BGRX)
    info.in_color_space = image.channels() == 1   ? JCS_GRAYSCALE
                          : image.channels() == 3 ? JCS_EXT_BGR
                                                  : JCS_EXT_BGRX;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, std::clamp(quality, 0, 100), TRUE);
    jpeg_start_compress(&info, TRUE);
    for (int y = 0; y < image.rows; ++y) {
        JSAMPROW row = const_cast<JSAMPROW>(image.ptr<std::uint8_t>(y));
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
}

void pngWrite(png_structp png, png_bytep data, png_size_t size) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(png_get_io_ptr(png));
    out->insert(out->end(), data, data + size);
}
void pngFlush(png_structp) {}

// The settings of OpenCV's PngEncoder for the options docdesk gives.
void writePngRows(png_structp png, png_infop info, const cv::Mat& image, const PngOptions& options,
                  std::vector<png_bytep>& rows) {
    if (options.compression >= 0) {
        png_set_compression_level(png, std::clamp(options.compression, 0, 9));
        png_set_compression_strategy(png, 0); // Z_DEFAULT_STRATEGY
    } else {
        png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
        png_set_compression_level(png, 1);    // Z_BEST_SPEED
        png_set_compression_strategy(png, 3); // Z_RLE
    }
    const int channels = image.channels();
    const int depth = image.depth() == CV_16U ? 16 : options.bilevel ? 1 : 8;
    png_set_IHDR(png, info, png_uint_32(image.cols), png_uint_32(image.rows), depth,
                 channels == 1   ? PNG_COLOR_TYPE_GRAY
                 : channels == 3 ? PNG_COLOR_TYPE_RGB
                                 : PNG_COLOR_TYPE_RGBA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    if (options.bilevel)
        png_set_packing(png);
    png_set_bgr(png);
    if (depth == 16)
        png_set_swap(png); // little-endian machine
    for (int y = 0; y < image.rows; ++y)
        rows[std::size_t(y)] = const_cast<png_bytep>(image.ptr<png_byte>(y));
    png_write_image(png, rows.data());
    png_write_end(png, info);
}

cv::Mat decodeAny(std::span<const std::byte> bytes, ReadMode mode, int pageIndex, DecodeTarget target) {
    if (startsWith(bytes, "\xFF\xD8\xFF", 3))
        return decodeJpeg(bytes, mode, target);
    if (startsWith(bytes, "\x89PNG\r\n\x1A\n", 8))
        return decodePng(bytes, mode);
    if (startsWith(bytes, "II*\0", 4) || startsWith(bytes, "MM\0*", 4) || startsWith(bytes, "II+\0", 4) ||
        startsWith(bytes, "MM\0+", 4))
        return decodeTiff(bytes, mode, pageIndex);
    cv::Mat out;
    if (const CodecPluginApi* api = plugin(); api != nullptr && !bytes.empty())
        api->decode(bytes.data(), bytes.size(), mode, &out);
    return out;
}

} // namespace

void setCodecPluginLoader(CodecPluginLoader loader) {
    pluginSlot().setLoader(loader);
}

bool pluginAvailable(std::string& error) {
    return pluginSlot().get(error) != nullptr;
}

cv::Mat decode(const std::byte* data, std::size_t size, ReadMode mode, int pageIndex) {
    return decode(data, size, mode, pageIndex, DecodeTarget{});
}

cv::Mat decode(const std::byte* data, std::size_t size, ReadMode mode, int pageIndex, DecodeTarget target) {
    try {
        return decodeAny(std::span(data, size), mode, pageIndex, target);
    } catch (const cv::Exception& e) {
        if (e.code == cv::Error::StsNoMem)
            throw std::bad_alloc();
        return {};
    }
}

bool encodeJpeg(const cv::Mat& image, int quality, std::vector<std::uint8_t>& out) {
    out.clear();
    if (image.empty() || image.depth() != CV_8U || image.channels() == 2 || image.channels() > 4)
        return false;
    jpeg_compress_struct info{};
    JpegError error{};
    JpegOut destination{};
    destination.out = &out;
    destination.buffer.resize(1 << 16);
    info.err = jpeg_std_error(&error.pub);
    error.pub.error_exit = jpegErrorExit;
    error.pub.output_message = jpegNoMessage;
    jpeg_create_compress(&info);
    destination.pub.init_destination = jpegOutStart;
    destination.pub.empty_output_buffer = jpegOutFlush;
    destination.pub.term_destination = jpegOutEnd;
    destination.pub.next_output_byte = destination.buffer.data();
    destination.pub.free_in_buffer = destination.buffer.size();
    info.dest = &destination.pub;
    bool ok = false;
    if (setjmp(error.jump) == 0) {
        writeJpegRows(info, image, quality);
        ok = true;
    }
    jpeg_destroy_compress(&info);
    if (!ok)
        out.clear();
    return ok;
}

bool encodePng(const cv::Mat& image, const PngOptions& options, std::vector<std::uint8_t>& out) {
    out.clear();
    const int channels = image.channels();
    if (image.empty() || (image.depth() != CV_8U && image.depth() != CV_16U) ||
        (channels != 1 && channels != 3 && channels != 4) ||
        (options.bilevel && (channels != 1 || image.depth() != CV_8U)))
        return false;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, pngError, pngWarning);
    if (png == nullptr)
        return false;
    png_infop info = png_create_info_struct(png);
    std::vector<png_bytep> rows(std::size_t(image.rows));
    bool ok = false;
    if (info != nullptr && setjmp(png_jmpbuf(png)) == 0) {
        png_set_write_fn(png, &out, pngWrite, pngFlush);
        writePngRows(png, info, image, options, rows);
        ok = true;
    }
    png_destroy_write_struct(&png, &info);
    if (!ok)
        out.clear();
    return ok;
}

} // namespace docdesk::imaging::codecs
