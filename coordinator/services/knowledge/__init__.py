"""The knowledge map: profiles, recomputes and their runs, snapshots and the map's pages."""
