"""IPv4 addresses as dotted text, remembered.

libc formats each inet_ntoa call through snprintf, and a capture's few server, relay and pool
addresses come back in every message (four in each BOOTP header alone), so the text of recently
seen addresses is kept in a bounded table.
"""
from __future__ import annotations

from socket import inet_ntoa

from dissectors.memo import BoundedMemo

IP_TEXT_CACHE = 4096        # dotted texts remembered; the table is emptied when full

# ip_text(raw): inet_ntoa of exactly 4 bytes (callers check the length), remembered
ip_text = BoundedMemo(inet_ntoa, IP_TEXT_CACHE).__getitem__
