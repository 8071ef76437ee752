"""The TUI's screens: one per view (packets, transactions, ladder, failover, leases, findings, help)."""
