"""Domain records. Each module holds one record type; import them from their modules.

`book` holds plain (non-pydantic) row types for the book-of-business screen, so the first screen
does not pay for pydantic at start-up.
"""
