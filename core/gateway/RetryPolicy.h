#pragma once
// When to try a failed transfer again: network errors, 408, 429 and 5xx (not 507) are retried
// with exponential backoff and jitter (so many clients do not hammer a recovering server in
// step), and a server's Retry-After is honoured up to a ceiling.
#include <chrono>
#include <optional>
#include <random>
#include <stop_token>

namespace docdesk::gateway {

struct RetryPolicy {
    int maxAttempts = 5; // including the first
    std::chrono::milliseconds initialDelay{500};
    std::chrono::milliseconds maxDelay{30'000};
    std::chrono::seconds maxRetryAfter{300}; // a longer Retry-After fails the item instead
};

// The wait before retry number `retry` (1 = the first retry): initialDelay * 2^(retry-1),
// capped at maxDelay, scaled by a random factor in [0.5, 1]; at least `retryAfter` when given.
std::chrono::milliseconds backoffDelay(const RetryPolicy& policy, int retry,
                                       std::optional<std::chrono::seconds> retryAfter, std::mt19937& random);

// Waits `delay` unless `stop` is requested first; false when stopped.
bool waitUnlessStopped(std::chrono::milliseconds delay, std::stop_token stop);

} // namespace docdesk::gateway
