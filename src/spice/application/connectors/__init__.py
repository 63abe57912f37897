"""Connectors: sources that stay connected. Definitions are commands in the log; syncs
read a source, add what changed as dataset versions and import them, each a child command;
a scheduler syncs the connectors that have a schedule."""
