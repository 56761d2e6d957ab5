#pragma once
// A secret (password, key, token) held in libsodium's guarded memory: locked against swapping,
// surrounded by guard pages, and wiped when the Secret is destroyed. Move-only, never printed.
// Use it for every credential from the moment it is typed or decrypted until it is handed to
// libcurl or a cipher, so no copy lingers in a std::string.
#include <cstddef>
#include <string_view>

namespace docdesk::vault {

class Secret {
  public:
    Secret() = default;
    // Copies `bytes` into guarded memory. The caller wipes its own copy.
    explicit Secret(std::string_view bytes);
    // `size` zero bytes in guarded memory, to be filled through data().
    static Secret ofSize(std::size_t size);
    ~Secret();
    Secret(Secret&& other) noexcept;
    Secret& operator=(Secret&& other) noexcept;
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;

    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] unsigned char* data() noexcept { return data_; }
    [[nodiscard]] const unsigned char* data() const noexcept { return data_; }
    // A view for handing the secret to an API that takes text (libcurl, Basic auth).
    [[nodiscard]] std::string_view view() const noexcept;
    // Constant-time comparison.
    [[nodiscard]] bool equals(const Secret& other) const noexcept;

  private:
    unsigned char* data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace docdesk::vault
