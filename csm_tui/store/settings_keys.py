"""Names of the rows of the book's `settings` table that more than one layer reads."""

from __future__ import annotations

# Marks a database as a demo (its parameters, as JSON), so the CLI may rebuild it and the sync
# refuses to send it to a team server.
DEMO_SETTING = "demo.params"
