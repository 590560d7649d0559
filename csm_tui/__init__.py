"""csm-tui: a keyboard-first terminal app for a Customer Success Manager's book of business."""

__version__ = "0.1.0"
