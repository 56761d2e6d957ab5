#pragma once
// CCITT Group 4 compression (ITU-T T.6) of black-and-white pages, as PDFs (/CCITTFaxDecode
// with /K -1) and TIFFs (Compression 4) hold them. docdesk's own encoder: it finds each row's
// colour changes a 64-bit word at a time and codes from those lists, about four times as fast
// as libtiff's (which walks the rows bit run by bit run); the output is the same, byte for byte.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace docdesk::output {

// The G4 data of an image given as packed rows of (width + 7) / 8 bytes, most significant bit
// first, 1 = black (bits past `width` are ignored), ending with EOFB and padded to a byte: what
// a PDF image with /CCITTFaxDecode << /K -1 /Columns width /Rows height >> reads (BlackIs1
// false). Throws docdesk::Error when `rows` is shorter than the image.
std::vector<std::byte> encodeG4(std::span<const std::byte> rows, int width, int height);

namespace detail {
// `v` with its eight bytes in the opposite order: a word of packed rows loaded on a
// little-endian machine holds its first byte lowest, the rows' first pixel belongs highest.
std::uint64_t reversedBytes(std::uint64_t v);
} // namespace detail

} // namespace docdesk::output
