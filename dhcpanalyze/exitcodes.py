"""Process exit codes shared by every subcommand (monitoring-plugin friendly)."""
from enum import IntEnum


class Exit(IntEnum):
    OK = 0              # ran; no finding reached --fail-on
    FINDINGS = 1        # a finding at or above --fail-on
    USAGE = 2           # bad command line
    UNREADABLE = 3      # input missing or not a capture at all
    OUTPUT = 4          # the output could not be written (disk full, closed or read-only stdout)
    INTERRUPTED = 130   # Ctrl-C
