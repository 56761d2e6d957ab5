#include "core/export/CcittG4.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

namespace docdesk::output {
namespace {

struct Code {
    std::uint16_t bits;
    std::uint8_t length;
};

// ITU-T T.4, tables 2 and 3: the terminating codes of runs 0-63 and the make-up codes of runs
// 64, 128, ... 1728, white and black; then the make-up codes both share, 1792 ... 2560.
constexpr std::array<Code, 64> kWhiteTerminating{{
    {0x35, 8}, {0x07, 6}, {0x07, 4}, {0x08, 4}, {0x0B, 4}, {0x0C, 4}, {0x0E, 4}, {0x0F, 4},
    {0x13, 5}, {0x14, 5}, {0x07, 5}, {0x08, 5}, {0x08, 6}, {0x03, 6}, {0x34, 6}, {0x35, 6},
    {0x2A, 6}, {0x2B, 6}, {0x27, 7}, {0x0C, 7}, {0x08, 7}, {0x17, 7}, {0x03, 7}, {0x04, 7},
    {0x28, 7}, {0x2B, 7}, {0x13, 7}, {0x24, 7}, {0x18, 7}, {0x02, 8}, {0x03, 8}, {0x1A, 8},
    {0x1B, 8}, {0x12, 8}, {0x13, 8}, {0x14, 8}, {0x15, 8}, {0x16, 8}, {0x17, 8}, {0x28, 8},
    {0x29, 8}, {0x2A, 8}, {0x2B, 8}, {0x2C, 8}, {0x2D, 8}, {0x04, 8}, {0x05, 8}, {0x0A, 8},
    {0x0B, 8}, {0x52, 8}, {0x53, 8}, {0x54, 8}, {0x55, 8}, {0x24, 8}, {0x25, 8}, {0x58, 8},
    {0x59, 8}, {0x5A, 8}, {0x5B, 8}, {0x4A, 8}, {0x4B, 8}, {0x32, 8}, {0x33, 8}, {0x34, 8},
}};
constexpr std::array<Code, 27> kWhiteMakeUp{{
    {0x1B, 5}, {0x12, 5}, {0x17, 6}, {0x37, 7}, {0x36, 8}, {0x37, 8}, {0x64, 8}, {0x65, 8}, {0x68, 8},
    {0x67, 8}, {0xCC, 9}, {0xCD, 9}, {0xD2, 9}, {0xD3, 9}, {0xD4, 9}, {0xD5, 9}, {0xD6, 9}, {0xD7, 9},
    {0xD8, 9}, {0xD9, 9}, {0xDA, 9}, {0xDB, 9}, {0x98, 9}, {0x99, 9}, {0x9A, 9}, {0x18, 6}, {0x9B, 9},
}};
constexpr std::array<Code, 64> kBlackTerminating{{
    {0x37, 10}, {0x02, 3},  {0x03, 2},  {0x02, 2},  {0x03, 3},  {0x03, 4},  {0x02, 4},  {0x03, 5},
    {0x05, 6},  {0x04, 6},  {0x04, 7},  {0x05, 7},  {0x07, 7},  {0x04, 8},  {0x07, 8},  {0x18, 9},
    {0x17, 10}, {0x18, 10}, {0x08, 10}, {0x67, 11}, {0x68, 11}, {0x6C, 11}, {0x37, 11}, {0x28, 11},
    {0x17, 11}, {0x18, 11}, {0xCA, 12}, {0xCB, 12}, {0xCC, 12}, {0xCD, 12}, {0x68, 12}, {0x69, 12},
    {0x6A, 12}, {0x6B, 12}, {0xD2, 12}, {0xD3, 12}, {0xD4, 12}, {0xD5, 12}, {0xD6, 12}, {0xD7, 12},
    {0x6C, 12}, {0x6D, 12}, {0xDA, 12}, {0xDB, 12}, {0x54, 12}, {0x55, 12}, {0x56, 12}, {0x57, 12},
    {0x64, 12}, {0x65, 12}, {0x52, 12}, {0x53, 12}, {0x24, 12}, {0x37, 12}, {0x38, 12}, {0x27, 12},
    {0x28, 12}, {0x58, 12}, {0x59, 12}, {0x2B, 12}, {0x2C, 12}, {0x5A, 12}, {0x66, 12}, {0x67, 12},
}};
constexpr std::array<Code, 27> kBlackMakeUp{{
    {0x0F, 10}, {0xC8, 12}, {0xC9, 12}, {0x5B, 12}, {0x33, 12}, {0x34, 12}, {0x35, 12},
    {0x6C, 13}, {0x6D, 13}, {0x4A, 13}, {0x4B, 13}, {0x4C, 13}, {0x4D, 13}, {0x72, 13},
    {0x73, 13}, {0x74, 13}, {0x75, 13}, {0x76, 13}, {0x77, 13}, {0x52, 13}, {0x53, 13},
    {0x54, 13}, {0x55, 13}, {0x5A, 13}, {0x5B, 13}, {0x64, 13}, {0x65, 13},
}};
constexpr std::array<Code, 13> kSharedMakeUp{{
    {0x08, 11},
    {0x0C, 11},
    {0x0D, 11},
    {0x12, 12},
    {0x13, 12},
    {0x14, 12},
    {0x15, 12},
    {0x16, 12},
    {0x17, 12},
    {0x1C, 12},
    {0x1D, 12},
    {0x1E, 12},
    {0x1F, 12},
}};

// T.4 table 4: the two-dimensional modes. Vertical mode by a1 - b1 from -3 to 3.
constexpr Code kPass{0x1, 4};
constexpr Code kHorizontal{0x1, 3};
constexpr std::array<Code, 7> kVertical{
    {{0x2, 7}, {0x2, 6}, {0x2, 3}, {0x1, 1}, {0x3, 3}, {0x3, 6}, {0x3, 7}}};
constexpr Code kEndOfLine{0x1, 12};

// Bits into bytes, most significant first.
class BitWriter {
  public:
    explicit BitWriter(std::vector<std::byte>& out) : out_(out) {}
    // Codes gather in a 64-bit register, written 32 bits at a time (a byte at a time took a
    // fifth of the encoding). A code is at most 13 bits: fewer than 32 + 13 are ever pending.
    void put(Code c) {
        pending_ = (pending_ << c.length) | c.bits;
        count_ += c.length;
        if (count_ >= 32) {
            count_ -= 32;
            const auto v = std::uint32_t(pending_ >> count_);
            const std::array<std::byte, 4> four{std::byte(std::uint8_t(v >> 24)),
                                                std::byte(std::uint8_t(v >> 16)),
                                                std::byte(std::uint8_t(v >> 8)), std::byte(std::uint8_t(v))};
            out_.insert(out_.end(), four.begin(), four.end());
        }
    }
    // A run of `length` pixels of one colour: make-up codes, then a terminating code.
    void run(int length, bool black) {
        const auto& terminating = black ? kBlackTerminating : kWhiteTerminating;
        const auto& makeUp = black ? kBlackMakeUp : kWhiteMakeUp;
        auto putMakeUp = [&](int multiple) { // a multiple of 64 from 64 to 2560
            const int k = multiple / 64 - 1;
            put(k < 27 ? makeUp[size_t(k)] : kSharedMakeUp[size_t(k - 27)]);
        };
        while (length >= 2560 + 64) {
            putMakeUp(2560);
            length -= 2560;
        }
        if (length >= 64) {
            putMakeUp(length / 64 * 64);
            length %= 64;
        }
        put(terminating[size_t(length)]);
    }
    void finish() { // the bytes still pending, the last one padded with zeros
        while (count_ >= 8) {
            count_ -= 8;
            out_.push_back(std::byte(std::uint8_t(pending_ >> count_)));
        }
        if (count_ > 0)
            out_.push_back(std::byte(std::uint8_t(pending_ << (8 - count_))));
        count_ = 0;
    }

  private:
    std::vector<std::byte>& out_;
    std::uint64_t pending_ = 0; // the low `count_` bits are not written yet
    int count_ = 0;
};

// The changing elements of a row: the positions whose pixel differs from the one before it
// (before the first pixel lies an imaginary white one), then `width` three times as the end.
// Even entries start black runs, odd ones white runs.
void changesOf(const std::byte* row, int width, std::vector<int>& changes) {
    changes.clear();
    const size_t bytes = (size_t(width) + 7) / 8;
    std::uint64_t previous = 0; // the last pixel of the previous word, in the lowest bit
    for (size_t at = 0; at < bytes; at += 8) {
        std::uint64_t word = 0; // pixel at + 0 in the highest bit
        if (bytes - at >= 8) {
            std::memcpy(&word, row + at, sizeof word);
            if constexpr (std::endian::native == std::endian::little)
                word = detail::reversedBytes(word);
        } else {
            std::array<std::uint8_t, 8> eight{};
            std::memcpy(eight.data(), row + at, bytes - at);
            for (const std::uint8_t b : eight)
                word = (word << 8) | b;
        }
        const int start = int(at * 8);
        if (width - start < 64)
            word &= ~(~std::uint64_t(0) >> (width - start)); // pixels past the row: white
        std::uint64_t diff = word ^ ((word >> 1) | (previous << 63));
        if (width - start < 64)
            diff &= ~(~std::uint64_t(0) >> (width - start)); // no change past the row's end
        while (diff != 0) {
            const int bit = std::countl_zero(diff);
            changes.push_back(start + bit);
            diff &= ~(std::uint64_t(1) << (63 - bit));
        }
        previous = word & 1;
    }
    changes.insert(changes.end(), 3, width);
}

// Codes one row against the row above (T.6: every row two-dimensionally).
void codeRow(BitWriter& out, const std::vector<int>& line, const std::vector<int>& reference, int width) {
    int a0 = -1;         // before the first pixel
    bool black = false;  // the colour at a0
    size_t a = 0, r = 0; // the first change past a0 in each list
    while (a0 < width) {
        while (line[a] <= a0)
            ++a;
        while (reference[r] <= a0)
            ++r;
        // b1: the first change past a0 to the colour opposite a0's (even entries turn black).
        const size_t b = (r % 2 == 0) == !black ? r : r + 1;
        const int a1 = line[a], b1 = reference[b], b2 = reference[std::min(b + 1, reference.size() - 1)];
        if (b2 < a1) {
            out.put(kPass);
            a0 = b2;
        } else if (std::abs(a1 - b1) <= 3) {
            out.put(kVertical[size_t(a1 - b1 + 3)]);
            a0 = a1;
            black = !black;
        } else {
            const int a2 = line[a + 1];
            out.put(kHorizontal);
            out.run(a1 - std::max(a0, 0), black);
            out.run(a2 - a1, !black);
            a0 = a2;
        }
    }
}

} // namespace

std::uint64_t detail::reversedBytes(std::uint64_t v) {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_bswap64(v);
#else
    std::uint64_t out = 0;
    for (int k = 0; k < 8; ++k, v >>= 8)
        out = (out << 8) | (v & 0xFF);
    return out;
#endif
}

std::vector<std::byte> encodeG4(std::span<const std::byte> rows, int width, int height) {
    const size_t stride = (size_t(std::max(width, 0)) + 7) / 8;
    if (width <= 0 || height <= 0 || rows.size() < stride * size_t(height))
        throw Error(tr("The black-and-white page could not be compressed: its image is incomplete."));
    std::vector<std::byte> out;
    out.reserve(stride * size_t(height) / 8 + 64);
    BitWriter bits(out);
    std::vector<int> reference{width, width, width}; // an imaginary white row above the first
    std::vector<int> line;
    for (int y = 0; y < height; ++y) {
        changesOf(rows.data() + size_t(y) * stride, width, line);
        codeRow(bits, line, reference, width);
        std::swap(line, reference);
    }
    bits.put(kEndOfLine); // EOFB
    bits.put(kEndOfLine);
    bits.finish();
    return out;
}

} // namespace docdesk::output
