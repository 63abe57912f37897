"""Delivering the log: followers of $all, the relay to the transport, the transport consumer,
dead letters, and watching the progress of other processes."""
