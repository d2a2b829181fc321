"""The balance measures: joinholism and alignophilia, their thresholds and readings."""
