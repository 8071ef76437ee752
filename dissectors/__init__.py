"""Pure decoding of DHCPv4 and ISC DHCP failover bytes.

Nothing here imports the application, a UI or does I/O: bytes in, typed messages out.
"""
