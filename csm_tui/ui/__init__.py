"""The Textual user interface. It talks to the data only through `csm_tui.services`."""
