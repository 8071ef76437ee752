"""Named values of DHCPv4 fields: message types, hardware types, overload, sub-option numbers.

Each table cites where its numbers come from; an unknown number is shown with its value
(`TYPE106`), never dropped.
"""
from __future__ import annotations

# Option 53 values: RFC 2132 §9.6 (1-8), RFC 3203 (9), RFC 4388 (10-13), RFC 6926 (14-15),
# RFC 7724 (16-17), RFC 7724 / IANA "TLS" (18). (wire name, tshark display name)
MESSAGE_TYPES: dict[int, tuple[str, str]] = {
    1: ("DISCOVER", "Discover"),
    2: ("OFFER", "Offer"),
    3: ("REQUEST", "Request"),
    4: ("DECLINE", "Decline"),
    5: ("ACK", "ACK"),
    6: ("NAK", "NAK"),
    7: ("RELEASE", "Release"),
    8: ("INFORM", "Inform"),
    9: ("FORCERENEW", "Force Renew"),
    10: ("LEASEQUERY", "Lease query"),
    11: ("LEASEUNASSIGNED", "Lease Unassigned"),
    12: ("LEASEUNKNOWN", "Lease Unknown"),
    13: ("LEASEACTIVE", "Lease Active"),
    14: ("BULKLEASEQUERY", "Bulk Lease Query"),
    15: ("LEASEQUERYDONE", "Lease Query Done"),
    16: ("ACTIVELEASEQUERY", "Active LeaseQuery"),
    17: ("LEASEQUERYSTATUS", "Lease Query Status"),
    18: ("TLS", "TLS"),
}
_DISPLAY_BY_NAME = {name: display for name, display in MESSAGE_TYPES.values()}


def message_type_name(number: int) -> str:
    """The option 53 name (`ACK`), or `TYPE<n>` for a number no RFC assigns."""
    entry = MESSAGE_TYPES.get(number)
    return entry[0] if entry else f"TYPE{number}"


def message_type_display(name: str) -> str:
    """The tshark-style display of a message type name (`ACK` -> `ACK`, `DISCOVER` -> `Discover`)."""
    return _DISPLAY_BY_NAME.get(name, name)


# BOOTP op: RFC 951 §3.
OPS = {1: "Boot Request", 2: "Boot Reply"}

# htype: IANA "Hardware Types" registry (ARP parameters), the ones seen in DHCP.
HARDWARE_TYPES = {
    0: "Reserved", 1: "Ethernet", 6: "IEEE 802 Networks", 7: "ARCNET", 15: "Frame Relay",
    16: "ATM", 18: "Fibre Channel", 20: "Serial Line", 32: "InfiniBand",
}

# Option 52: RFC 2132 §9.3.
OVERLOAD_FILE, OVERLOAD_SNAME = 1, 2
OVERLOADS = {
    1: "Boot file name holds options",
    2: "Server host name holds options",
    3: "Boot file and server host names hold options",
}

# Option 46: RFC 2132 §8.7.
NETBIOS_NODE_TYPES = {1: "B-node", 2: "P-node", 4: "M-node", 8: "H-node"}

# Option 116: RFC 2563 §2.
AUTO_CONFIGURE = {0: "DoNotAutoConfigure", 1: "AutoConfigure"}

# Option 93: RFC 4578 §2.1 and the IANA "Processor Architecture Types" registry.
CLIENT_ARCHITECTURES = {
    0: "x86 BIOS", 1: "NEC/PC98", 2: "Itanium", 3: "DEC Alpha", 4: "Arc x86", 5: "Intel Lean Client",
    6: "x86 UEFI", 7: "x64 UEFI", 8: "EFI Xscale", 9: "EBC", 10: "ARM 32-bit UEFI",
    11: "ARM 64-bit UEFI", 15: "x86 UEFI HTTP", 16: "x64 UEFI HTTP", 19: "ARM 64-bit UEFI HTTP",
}

# Option 82 sub-options: RFC 3046 §2.0 (1, 2) and the RFCs noted; (name, title, shape).
RELAY_AGENT_SUBOPTIONS: dict[int, tuple[str, str, str]] = {
    1: ("circuit-id", "Agent Circuit ID", "bytes"),                          # RFC 3046
    2: ("remote-id", "Agent Remote ID", "bytes"),                            # RFC 3046
    4: ("docsis-device-class", "DOCSIS Device Class", "u32"),                # RFC 3256
    5: ("link-selection", "Link selection", "ip"),                           # RFC 3527
    6: ("subscriber-id", "Subscriber ID", "string"),                         # RFC 3993
    7: ("radius-attributes", "RADIUS Attributes", "bytes"),                  # RFC 4014
    8: ("authentication", "Authentication", "bytes"),                        # RFC 4030
    9: ("vendor-specific", "Vendor-Specific Information", "enterprise-data"),  # RFC 4243
    10: ("relay-agent-flags", "Relay Agent Flags", "u8"),                    # RFC 5010
    11: ("server-id-override", "Server ID Override", "ip"),                  # RFC 5107
    12: ("relay-agent-id", "Relay Agent Identifier", "bytes"),               # RFC 6925
    151: ("virtual-subnet-selection", "Virtual Subnet Selection", "vss"),    # RFC 6607 §3.1
    152: ("virtual-subnet-selection-control", "Virtual Subnet Selection Control", "bytes"),  # RFC 6607
}
