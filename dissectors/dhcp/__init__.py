"""The DHCPv4 / BOOTP dissector: `decode_dhcp(payload) -> DhcpMessage`, a `-V` tree, text escaping.

Bytes in, a typed message out; nothing here does I/O or raises on malformed input.
"""
from dissectors.dhcp.dissect import MAGIC_COOKIE, decode_dhcp, dhcp_options
from dissectors.dhcp.message import DhcpMessage
from dissectors.dhcp.options import OPTIONS, OptionSpec, spec_for
from dissectors.dhcp.text import decode_text, escape_text, format_mac
from dissectors.dhcp.tree import tree_lines

__all__ = ["DhcpMessage", "MAGIC_COOKIE", "OPTIONS", "OptionSpec", "decode_dhcp", "decode_text", "dhcp_options",
           "escape_text", "format_mac", "spec_for", "tree_lines"]
