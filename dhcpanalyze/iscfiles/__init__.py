"""ISC dhcpd's own files: dhcpd.conf (failover peers, pools) and dhcpd.leases (leases, state history).

tokens.py tokenizes the shared syntax, statements.py groups tokens into statements, conf.py and
leases.py read the two files, lint.py checks a configuration (one server or the pair), and
crosscheck.py compares the files with what a capture showed.
"""
