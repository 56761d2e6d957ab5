# Tests for issue: vault (owned by whoever builds that part).
