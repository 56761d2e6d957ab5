#include "core/vault/Secret.h"

#include <cstring>
#include <new>
#include <sodium.h>
#include <utility>

namespace docdesk::vault {

namespace {
unsigned char* allocateGuarded(std::size_t size) {
    if (sodium_init() < 0)
        throw std::bad_alloc();
    // sodium_malloc(0) is valid but returns a pointer we must not touch; keep one byte.
    auto* p = static_cast<unsigned char*>(sodium_malloc(size == 0 ? 1 : size));
    if (p == nullptr)
        throw std::bad_alloc();
    return p;
}
} // namespace

Secret::Secret(std::string_view bytes) : data_(allocateGuarded(bytes.size())), size_(bytes.size()) {
    if (size_ > 0)
        std::memcpy(data_, bytes.data(), size_);
}

Secret Secret::ofSize(std::size_t size) {
    Secret s;
    s.data_ = allocateGuarded(size);
    s.size_ = size;
    sodium_memzero(s.data_, size);
    return s;
}

Secret::~Secret() {
    if (data_ != nullptr)
        sodium_free(data_); // wipes before unmapping
}

Secret::Secret(Secret&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        if (data_ != nullptr)
            sodium_free(data_);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

std::string_view Secret::view() const noexcept {
    return data_ == nullptr ? std::string_view()
                            : std::string_view(reinterpret_cast<const char*>(data_), size_);
}

bool Secret::equals(const Secret& other) const noexcept {
    if (size_ != other.size_)
        return false;
    return size_ == 0 || sodium_memcmp(data_, other.data_, size_) == 0;
}

} // namespace docdesk::vault
