"""The power indicators' data, page and the contingency profile."""
