"""The team sync client: the outbox (the local journal), pull and push, token storage.

`protocol` holds the wire models shared with the server (`csm_tui.server`). Nothing here is
imported on the app's start-up path: the UI reaches it through `engine` from a worker.
"""
