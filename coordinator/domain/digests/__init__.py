"""What goes into a digest, and when it falls due."""
