# Tests for issue: gateway (owned by whoever builds that part).
