"""Where csm-tui works around Textual: each module says what it replaces and why, and
README.md lists the Textual behaviour each depends on (tests/ui/test_textual_behaviour.py fails
when one changes)."""
