"""Use cases. The UI and the CLI call these; they call the store. Every write is journaled."""
