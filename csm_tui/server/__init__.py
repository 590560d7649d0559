"""The team sync server (extra `server`): FastAPI over SQLAlchemy Core, SQLite or PostgreSQL.

It keeps no state outside its database, so several processes can serve one PostgreSQL.
"""
