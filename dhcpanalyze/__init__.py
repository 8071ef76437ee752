"""dhcpanalyze: correlate DHCPv4 and ISC failover traffic into transactions, states and findings."""
__version__ = "0.1.0"
