"""The `csm-tui` command line. Subcommands are imported only when they are used."""
