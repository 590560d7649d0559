"""The demo book of business: a seeded generator of accounts, contacts, work, roadmaps, notes and
usage metrics, so `csm-tui demo` shows a realistic book. It writes through the services and the
store like any import; nothing else in the app imports it (the sync only reads the setting that
marks a demo book, `store.settings_keys.DEMO_SETTING`)."""
