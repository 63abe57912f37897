"""Accepting and deciding commands: the service that makes a command durable, the executor
that runs it to an outcome, status tracking, and the in-process worker."""
