"""Use cases: load rows, call domain logic, write rows. They flush at most, never commit."""
