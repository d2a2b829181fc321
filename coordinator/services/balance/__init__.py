"""The balance measures' data, history and thresholds."""
