"""The benchmark read API: snapshots, their public aggregate, an organisation's position."""
