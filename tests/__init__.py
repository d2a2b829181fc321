import pytest

# Helpers with asserts shared by several test modules get pytest's detailed messages too.
pytest.register_assert_rewrite("tests.security_helpers")
