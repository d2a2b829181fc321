"""Static data for the demo partnership, split by kind. Everything here is fictional.

The planted patterns that use these rows are listed in the docstring of
`coordinator.services.demo`.
"""
