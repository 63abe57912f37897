"""`python -m spice.bootstrap.settings` prints the settings table of docs/settings.md."""

from spice.bootstrap.settings.table import settings_table

print(settings_table(), end="")
