"""The local SQLite store: schema, migrations, the journaled write path and the queries.

Reads on the start-up path use the plain `sqlite3` connection; writes go through sqlite-utils
inside `Store.transaction()`, which journals every change in the same transaction.
"""
