"""The DHCPv4 option table: code -> name, tshark-style title, value shape and defining RFC.

Names follow ISC dhcp-options(5) in kebab-case where ISC has one (`dhcp-lease-time`), with the
project's shorter `requested-address` and `client-identifier`; titles follow Wireshark's
packet-dhcp.c so `-V` reads like tshark. A code not listed decodes as `option-N` with hex.
"""
from __future__ import annotations

from typing import NamedTuple


class OptionSpec(NamedTuple):
    code: int
    name: str
    title: str
    shape: str          # a key of compound.SHAPES
    ref: str            # where the code and its layout are defined


def _spec(code: int, name: str, title: str, shape: str, ref: str) -> tuple[int, OptionSpec]:
    return code, OptionSpec(code, name, title, shape, ref)


PAD, OVERLOAD, MESSAGE_TYPE, END = 0, 52, 53, 255

OPTIONS: dict[int, OptionSpec] = dict((
    # RFC 2132 §3-§9: the base set.
    _spec(1, "subnet-mask", "Subnet Mask", "ip", "RFC 2132 §3.3"),
    _spec(2, "time-offset", "Time Offset", "i32", "RFC 2132 §3.4"),
    _spec(3, "routers", "Router", "ip-list", "RFC 2132 §3.5"),
    _spec(4, "time-servers", "Time Server", "ip-list", "RFC 2132 §3.6"),
    _spec(5, "ien116-name-servers", "Name Server", "ip-list", "RFC 2132 §3.7"),
    _spec(6, "domain-name-servers", "Domain Name Server", "ip-list", "RFC 2132 §3.8"),
    _spec(7, "log-servers", "Log Server", "ip-list", "RFC 2132 §3.9"),
    _spec(8, "cookie-servers", "Quotes Server", "ip-list", "RFC 2132 §3.10"),
    _spec(9, "lpr-servers", "LPR Server", "ip-list", "RFC 2132 §3.11"),
    _spec(10, "impress-servers", "Impress Server", "ip-list", "RFC 2132 §3.12"),
    _spec(11, "resource-location-servers", "Resource Location Server", "ip-list", "RFC 2132 §3.13"),
    _spec(12, "host-name", "Host Name", "string", "RFC 2132 §3.14"),
    _spec(13, "boot-size", "Boot File Size", "u16", "RFC 2132 §3.15"),
    _spec(14, "merit-dump", "Merit Dump File", "string", "RFC 2132 §3.16"),
    _spec(15, "domain-name", "Domain Name", "string", "RFC 2132 §3.17"),
    _spec(16, "swap-server", "Swap Server", "ip", "RFC 2132 §3.18"),
    _spec(17, "root-path", "Root Path", "string", "RFC 2132 §3.19"),
    _spec(18, "extensions-path", "Extensions Path", "string", "RFC 2132 §3.20"),
    _spec(19, "ip-forwarding", "IP Forwarding", "bool", "RFC 2132 §4.1"),
    _spec(20, "non-local-source-routing", "Non-Local Source Routing", "bool", "RFC 2132 §4.2"),
    _spec(21, "policy-filter", "Policy Filter", "policy-filters", "RFC 2132 §4.3"),
    _spec(22, "max-dgram-reassembly", "Maximum Datagram Reassembly Size", "u16", "RFC 2132 §4.4"),
    _spec(23, "default-ip-ttl", "Default IP Time-to-Live", "u8", "RFC 2132 §4.5"),
    _spec(24, "path-mtu-aging-timeout", "Path MTU Aging Timeout", "time", "RFC 2132 §4.6"),
    _spec(25, "path-mtu-plateau-table", "Path MTU Plateau Table", "u16-list", "RFC 2132 §4.7"),
    _spec(26, "interface-mtu", "Interface MTU", "u16", "RFC 2132 §5.1"),
    _spec(27, "all-subnets-local", "All Subnets are Local", "bool", "RFC 2132 §5.2"),
    _spec(28, "broadcast-address", "Broadcast Address", "ip", "RFC 2132 §5.3"),
    _spec(29, "perform-mask-discovery", "Perform Mask Discovery", "bool", "RFC 2132 §5.4"),
    _spec(30, "mask-supplier", "Mask Supplier", "bool", "RFC 2132 §5.5"),
    _spec(31, "router-discovery", "Perform Router Discover", "bool", "RFC 2132 §5.6"),
    _spec(32, "router-solicitation-address", "Router Solicitation Address", "ip", "RFC 2132 §5.7"),
    _spec(33, "static-routes", "Static Route", "static-routes", "RFC 2132 §5.8"),
    _spec(34, "trailer-encapsulation", "Trailer Encapsulation", "bool", "RFC 2132 §6.1"),
    _spec(35, "arp-cache-timeout", "ARP Cache Timeout", "time", "RFC 2132 §6.2"),
    _spec(36, "ieee802-3-encapsulation", "Ethernet Encapsulation", "bool", "RFC 2132 §6.3"),
    _spec(37, "default-tcp-ttl", "TCP Default TTL", "u8", "RFC 2132 §7.1"),
    _spec(38, "tcp-keepalive-interval", "TCP Keepalive Interval", "time", "RFC 2132 §7.2"),
    _spec(39, "tcp-keepalive-garbage", "TCP Keepalive Garbage", "bool", "RFC 2132 §7.3"),
    _spec(40, "nis-domain", "Network Information Service Domain", "string", "RFC 2132 §8.1"),
    _spec(41, "nis-servers", "Network Information Service Servers", "ip-list", "RFC 2132 §8.2"),
    _spec(42, "ntp-servers", "Network Time Protocol Servers", "ip-list", "RFC 2132 §8.3"),
    _spec(43, "vendor-encapsulated-options", "Vendor-Specific Information", "bytes", "RFC 2132 §8.4"),
    _spec(44, "netbios-name-servers", "NetBIOS over TCP/IP Name Server", "ip-list", "RFC 2132 §8.5"),
    _spec(45, "netbios-dd-server", "NetBIOS over TCP/IP Datagram Distribution Name Server", "ip-list",
          "RFC 2132 §8.6"),
    _spec(46, "netbios-node-type", "NetBIOS over TCP/IP Node Type", "u8", "RFC 2132 §8.7"),
    _spec(47, "netbios-scope", "NetBIOS over TCP/IP Scope", "string", "RFC 2132 §8.8"),
    _spec(48, "font-servers", "X Window System Font Server", "ip-list", "RFC 2132 §8.9"),
    _spec(49, "x-display-manager", "X Window System Display Manager", "ip-list", "RFC 2132 §8.10"),
    _spec(50, "requested-address", "Requested IP Address", "ip", "RFC 2132 §9.1"),
    _spec(51, "dhcp-lease-time", "IP Address Lease Time", "time", "RFC 2132 §9.2"),
    _spec(52, "dhcp-option-overload", "Option Overload", "u8", "RFC 2132 §9.3"),
    _spec(53, "dhcp-message-type", "DHCP Message Type", "msg-type", "RFC 2132 §9.6"),
    _spec(54, "dhcp-server-identifier", "DHCP Server Identifier", "ip", "RFC 2132 §9.7"),
    _spec(55, "dhcp-parameter-request-list", "Parameter Request List", "u8-list", "RFC 2132 §9.8"),
    _spec(56, "dhcp-message", "Message", "string", "RFC 2132 §9.9"),
    _spec(57, "dhcp-max-message-size", "Maximum DHCP Message Size", "u16", "RFC 2132 §9.10"),
    _spec(58, "dhcp-renewal-time", "Renewal Time Value", "time", "RFC 2132 §9.11"),
    _spec(59, "dhcp-rebinding-time", "Rebinding Time Value", "time", "RFC 2132 §9.12"),
    _spec(60, "vendor-class-identifier", "Vendor class identifier", "string", "RFC 2132 §9.13"),
    _spec(61, "client-identifier", "Client identifier", "client-id", "RFC 2132 §9.14, RFC 4361"),
    _spec(62, "nwip-domain", "Novell/Netware IP domain", "string", "RFC 2242 §2"),
    _spec(63, "nwip-suboptions", "Novell Options", "bytes", "RFC 2242 §3"),
    _spec(64, "nisplus-domain", "Network Information Service+ Domain", "string", "RFC 2132 §8.11"),
    _spec(65, "nisplus-servers", "Network Information Service+ Servers", "ip-list", "RFC 2132 §8.12"),
    _spec(66, "tftp-server-name", "TFTP Server Name", "string", "RFC 2132 §9.4"),
    _spec(67, "bootfile-name", "Bootfile name", "string", "RFC 2132 §9.5"),
    _spec(68, "mobile-ip-home-agent", "Mobile IP Home Agent", "ip-list", "RFC 2132 §8.13"),
    _spec(69, "smtp-server", "SMTP Server", "ip-list", "RFC 2132 §8.14"),
    _spec(70, "pop-server", "POP3 Server", "ip-list", "RFC 2132 §8.15"),
    _spec(71, "nntp-server", "NNTP Server", "ip-list", "RFC 2132 §8.16"),
    _spec(72, "www-server", "Default WWW Server", "ip-list", "RFC 2132 §8.17"),
    _spec(73, "finger-server", "Default Finger Server", "ip-list", "RFC 2132 §8.18"),
    _spec(74, "irc-server", "Default IRC Server", "ip-list", "RFC 2132 §8.19"),
    _spec(75, "streettalk-server", "StreetTalk Server", "ip-list", "RFC 2132 §8.20"),
    _spec(76, "streettalk-directory-assistance-server", "StreetTalk Directory Assistance Server",
          "ip-list", "RFC 2132 §8.21"),
    # Options seen in the field beyond RFC 2132.
    _spec(77, "user-class", "User Class Information", "user-class", "RFC 3004"),
    _spec(78, "slp-directory-agent", "Directory Agent Information", "bytes", "RFC 2610 §3"),
    _spec(79, "slp-service-scope", "Service Location Agent Scope", "bytes", "RFC 2610 §4"),
    _spec(80, "rapid-commit", "Rapid commit", "bytes", "RFC 4039 §4"),
    _spec(81, "client-fqdn", "Client Fully Qualified Domain Name", "fqdn", "RFC 4702"),
    _spec(82, "relay-agent-information", "Agent Information Option", "relay-agent", "RFC 3046"),
    _spec(83, "isns", "iSNS", "bytes", "RFC 4174"),
    _spec(85, "nds-servers", "Novell Directory Services Servers", "ip-list", "RFC 2241 §2"),
    _spec(86, "nds-tree-name", "Novell Directory Services Tree Name", "string", "RFC 2241 §3"),
    _spec(87, "nds-context", "Novell Directory Services Context", "string", "RFC 2241 §4"),
    _spec(88, "bcms-controller-names", "BCMCS Controller Domain Name", "domain-list", "RFC 4280 §4.1"),
    _spec(89, "bcms-controller-address", "BCMCS Controller IPv4 address", "ip-list", "RFC 4280 §4.2"),
    _spec(90, "authentication", "Authentication", "auth", "RFC 3118 §2"),
    _spec(91, "client-last-transaction-time", "Client last transaction time", "time", "RFC 4388 §6.1"),
    _spec(92, "associated-ip", "Associated IP", "ip-list", "RFC 4388 §6.1"),
    _spec(93, "client-system-architecture", "Client System Architecture", "u16-list", "RFC 4578 §2.1"),
    _spec(94, "client-network-interface-id", "Client Network Device Interface", "client-ndi",
          "RFC 4578 §2.2"),
    _spec(97, "client-machine-id", "UUID/GUID-based Client Identifier", "uuid", "RFC 4578 §2.3"),
    _spec(98, "uap-servers", "Open Group's User Authentication", "string", "RFC 2485"),
    _spec(99, "geoconf-civic", "Civic Addresses Configuration", "bytes", "RFC 4776"),
    _spec(100, "pcode", "PCode", "string", "RFC 4833 §2"),
    _spec(101, "tcode", "TCode", "string", "RFC 4833 §2"),
    _spec(108, "v6-only-preferred", "IPv6-Only Preferred", "time", "RFC 8925 §3.4"),
    _spec(112, "netinfo-server-address", "NetInfo Parent Server Address", "ip-list", "RFC 3679"),
    _spec(113, "netinfo-server-tag", "NetInfo Parent Server Tag", "string", "RFC 3679"),
    _spec(114, "captive-portal", "DHCP Captive-Portal", "string", "RFC 8910 §2.1"),
    _spec(116, "auto-configure", "DHCP Auto-Configuration", "u8", "RFC 2563 §2"),
    _spec(117, "name-service-search", "Name Service Search", "u16-list", "RFC 2937"),
    _spec(118, "subnet-selection", "Subnet Selection Option", "ip", "RFC 3011"),
    _spec(119, "domain-search", "Domain Search", "domain-list", "RFC 3397"),
    _spec(120, "sip-servers", "SIP Servers", "sip-servers", "RFC 3361"),
    _spec(121, "classless-static-routes", "Classless Static Route", "routes", "RFC 3442"),
    _spec(122, "cablelabs-client-config", "CableLabs Client Configuration", "bytes", "RFC 3495"),
    _spec(123, "geoconf", "Coordinate-based Location Configuration", "bytes", "RFC 6225"),
    _spec(124, "vivco", "V-I Vendor Class", "vivco", "RFC 3925 §3"),
    _spec(125, "vivso", "V-I Vendor-specific Information", "vivso", "RFC 3925 §4"),
    _spec(136, "pana-agent", "PANA Authentication Agent", "ip-list", "RFC 5192"),
    _spec(137, "v4-lost", "LoST Server Domain Name", "domain-list", "RFC 5223"),
    _spec(138, "capwap-ac-v4", "CAPWAP Access Controllers", "ip-list", "RFC 5417"),
    _spec(141, "sip-ua-cs-domains", "SIP UA Configuration Service Domains", "domain-list", "RFC 6011"),
    _spec(143, "sztp-redirect", "SZTP Redirect", "uri-list", "RFC 8572 §8.3"),
    _spec(145, "forcerenew-nonce-capable", "Forcerenew Nonce Capable", "u8-list", "RFC 6704 §3.1.1"),
    _spec(150, "tftp-server-address", "TFTP Server Address", "ip-list", "RFC 5859"),
    _spec(151, "status-code", "Status Code", "status-code", "RFC 6926 §6.2.2"),
    _spec(152, "base-time", "Base Time", "u32", "RFC 6926 §6.2.3"),
    _spec(153, "start-time-of-state", "Start Time of State", "u32", "RFC 6926 §6.2.4"),
    _spec(154, "query-start-time", "Query Start Time", "u32", "RFC 6926 §6.2.5"),
    _spec(155, "query-end-time", "Query End Time", "u32", "RFC 6926 §6.2.6"),
    _spec(156, "dhcp-state", "DHCP Status", "u8", "RFC 6926 §6.2.7"),
    _spec(157, "data-source", "Data Source", "u8", "RFC 6926 §6.2.8"),
    _spec(161, "mud-url", "Manufacturer Usage Description", "string", "RFC 8520 §10"),
    _spec(175, "etherboot", "Etherboot", "bytes", "IANA (tentative, Etherboot)"),
    _spec(208, "pxelinux-magic", "PXELINUX Magic", "bytes", "RFC 5071 §4"),
    _spec(209, "pxelinux-configfile", "Configuration file", "string", "RFC 5071 §5"),
    _spec(210, "pxelinux-pathprefix", "Path Prefix", "string", "RFC 5071 §6"),
    _spec(211, "pxelinux-reboottime", "Reboot Time", "time", "RFC 5071 §7"),
    _spec(212, "option-6rd", "6RD", "bytes", "RFC 5969 §7.1.1"),
    _spec(213, "v4-access-domain", "V4 Access Domain", "domain-list", "RFC 5986 §3"),
    _spec(220, "subnet-allocation", "Subnet Allocation", "bytes", "RFC 6656"),
    _spec(221, "virtual-subnet-selection", "Virtual Subnet Selection", "vss", "RFC 6607 §4"),
    # Site-specific range (RFC 3942) codes with a de-facto meaning.
    _spec(249, "ms-classless-static-routes", "Private/Classless Static Route (Microsoft)", "routes",
          "Microsoft MS-DHCPE §2.2.9 (RFC 3442 layout)"),
    _spec(252, "wpad-url", "Private/Proxy autodiscovery", "string", "draft-ietf-wrec-wpad-01 §4.4.1"),
))


# PAD and END are markers, never options on a message; named only for lists such as option 55.
_MARKERS = {PAD: OptionSpec(PAD, "pad", "Padding", "bytes", "RFC 2132 §3.1"),
            END: OptionSpec(END, "end", "End", "bytes", "RFC 2132 §3.2")}


def spec_for(code: int) -> OptionSpec:
    """The table entry for `code`, or an `option-N` entry decoding to hex for unknown codes."""
    spec = OPTIONS.get(code) or _MARKERS.get(code)
    return spec if spec is not None else OptionSpec(code, f"option-{code}", f"Unknown ({code})",
                                                    "bytes", "unassigned or site-specific")
