"""The worker processes of the distributed profile: command workers, projections, relay."""
