"""Knowledge vectors, neighbours, clusters and how clear a map is."""
