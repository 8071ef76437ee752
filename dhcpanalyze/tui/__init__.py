"""The Textual TUI: a thin shell over dhcpanalyze.browse (the session and its renderers)."""
