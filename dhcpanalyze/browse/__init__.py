"""The browser's model, without any UI: a session over a capture (or, later, a live source) that the
TUI queries, and pure renderers of what it shows (dhcpanalyze.browse.render)."""
