# Tests for issue: install (owned by whoever builds that part).
