"""The fields a display filter can name: tshark 4.0's names mapped onto dhcpanalyze's records.

Each field has a type (how its literals are read and compared) and a getter that returns the
field's occurrences in one record as a tuple, empty when the field is absent. Several
occurrences are normal (`ip.addr` is source and destination, `dhcp.option.router` one per
router), and comparisons follow tshark's "any occurrence" rule.

Packet fields read model records (DhcpRecord, FailoverRecord, TcpEvent, CaptureIssue). The
`txn.*`, `lease.*` and `finding.*` namespaces are dhcpanalyze's own: they read the report's
transaction, lease and finding objects (the dicts of the report contract), which `report -Y`
and the TUI supply. Sources: `tshark -G fields` / `-G values` of tshark 4.0.17;
shared/docs/failover-wire.md for where the ISC failover fields differ from tshark's.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from dhcpanalyze.model import CaptureIssue, DhcpRecord, FailoverRecord, TcpEvent
from dissectors.dhcp.enums import HARDWARE_TYPES, MESSAGE_TYPES, OPS
from dissectors.failover.tables import (
    BINDING_STATUS, MESSAGE_TYPES as FO_TYPES, REJECT_REASONS, SERVER_STATES)

# Field types: how literals are parsed and values compared.
UINT, INT, BOOL, IPV4, ETHER, BYTES, STRING, TIME, RELTIME, NONE, SEVERITY = (
    "uint", "int", "bool", "ipv4", "ether", "bytes", "string", "time", "reltime", "none", "severity")
PACKET, TXN, LEASE, FINDING = "packet", "txn", "lease", "finding"
NAMESPACES = (TXN, LEASE, FINDING)


class Field(NamedTuple):
    name: str
    ftype: str
    get: Callable[[object], tuple]      # record (or report object) -> occurrences
    names: dict[str, int] | None = None  # value names accepted as literals (lower-case keys)
    ns: str = PACKET
    doc: str = ""


def _names(table: dict[int, str], *extra: dict[str, int]) -> dict[str, int]:
    out = {name.lower(): code for code, name in table.items()}
    for more in extra:
        out.update(more)
    return out


# tshark's display names and our wire names for option 53 (`== ACK`, `== Discover`, `== "Force Renew"`).
DHCP_TYPE_NAMES = {**{wire.lower(): n for n, (wire, _) in MESSAGE_TYPES.items()},
                   **{shown.lower(): n for n, (_, shown) in MESSAGE_TYPES.items()}}
# ISC names (BNDUPD, UPDREQALL) and tshark's long labels read the ISC way: tshark 4.0 labels 7
# "Update request" and 9 "Update request all", the reverse of ISC 4.x (failover-wire.md §2).
FO_TYPE_NAMES = _names(FO_TYPES, {
    "pool request": 1, "pool response": 2, "binding update": 3, "binding acknowledge": 4,
    "connect": 5, "connect acknowledge": 6, "update request all": 7, "update done": 8,
    "update request": 9, "state": 10, "contact": 11, "disconnect": 12})
FO_STATE_NAMES = _names(SERVER_STATES, {
    "startup": 1, "normal": 2, "communication interrupted": 3, "partner down": 4,
    "potential conflict": 5, "recover": 6, "paused": 7, "shutdown": 8, "recover done": 9,
    "resolution interrupted": 10, "conflict done": 11, "recover wait": 254})
SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}


# --- getters -------------------------------------------------------------------------------

def _dhcp(get: Callable) -> Callable[[object], tuple]:
    def occurrences(record: object) -> tuple:
        return get(record.msg) if type(record) is DhcpRecord else ()
    return occurrences


def _dhcp_one(get: Callable) -> Callable[[object], tuple]:
    return _dhcp(lambda msg: (get(msg),))


def _option_raw(msg, code: int) -> bytes | None:
    for opt in msg.options:
        if opt.code == code:
            return opt.raw
    return None


def _opt_uint(code: int) -> Callable:
    def get(msg) -> tuple:
        raw = _option_raw(msg, code)
        return () if raw is None or len(raw) not in (1, 2, 4) else (int.from_bytes(raw, "big"),)
    return get


def _opt_int(code: int) -> Callable:
    def get(msg) -> tuple:
        raw = _option_raw(msg, code)
        return () if raw is None or len(raw) != 4 else (int.from_bytes(raw, "big", signed=True),)
    return get


def _opt_list(code: int, size: int) -> Callable:
    def get(msg) -> tuple:
        raw = _option_raw(msg, code)
        if raw is None or not raw or len(raw) % size:
            return ()
        return tuple(int.from_bytes(raw[i:i + size], "big") for i in range(0, len(raw), size))
    return get


def _opt_ips(code: int) -> Callable:
    def get(msg) -> tuple:
        raw = _option_raw(msg, code)
        if raw is None or not raw or len(raw) % 4:
            return ()
        return tuple(_dotted(raw[i:i + 4]) for i in range(0, len(raw), 4))
    return get


def _opt_str(code: int) -> Callable:
    def get(msg) -> tuple:
        raw = _option_raw(msg, code)
        return () if raw is None else (_text(raw),)
    return get


def _opt_bool(code: int) -> Callable:
    def get(msg) -> tuple:
        raw = _option_raw(msg, code)
        return () if raw is None or len(raw) != 1 else (1 if raw[0] else 0,)
    return get


def _dotted(raw: bytes) -> str:
    return f"{raw[0]}.{raw[1]}.{raw[2]}.{raw[3]}"


def _text(raw: bytes) -> str:
    """A string field as tshark shows it: up to the first NUL (FT_STRINGZ), bytes as Latin-1."""
    return raw.split(b"\0", 1)[0].decode("latin-1")


def _mac(raw: bytes) -> str:
    return raw.hex(":")


def _client_macs(msg) -> tuple:
    """chaddr, and the MAC inside a client-identifier of hardware type 1 (tshark shows both as
    dhcp.hw.mac_addr; RFC 2132 §9.14)."""
    out = []
    if msg.htype == 1 and msg.hlen == 6 and len(msg.chaddr) == 6:
        out.append(_mac(msg.chaddr))
    cid = _option_raw(msg, 61)
    if cid is not None and len(cid) == 7 and cid[0] == 1:
        out.append(_mac(cid[1:]))
    return tuple(out)


def _client_id(msg) -> tuple:
    """Option 61's bytes; tshark 4.0 shows a type-1 identifier as dhcp.hw.mac_addr instead."""
    raw = _option_raw(msg, 61)
    return () if raw is None or len(raw) == 7 and raw[0] == 1 else (raw,)


def _relay_sub(sub: int) -> Callable:
    """A sub-option of option 82 (RFC 3046 §2.0): 1 agent circuit ID, 2 agent remote ID."""
    def get(msg) -> tuple:
        raw = _option_raw(msg, 82) or b""
        out, i = [], 0
        while i + 2 <= len(raw):
            code, size = raw[i], raw[i + 1]
            if code == sub and i + 2 + size <= len(raw):
                out.append(raw[i + 2:i + 2 + size])
            i += 2 + size
        return tuple(out)
    return get


def _user_classes(msg) -> tuple:
    """Option 77's instances (RFC 3004 §2: length-prefixed opaque data)."""
    raw = _option_raw(msg, 77) or b""
    out, i = [], 0
    while i < len(raw) and i + 1 + raw[i] <= len(raw) and raw[i]:
        out.append(raw[i + 1:i + 1 + raw[i]])
        i += 1 + raw[i]
    return tuple(out)


def _fqdn(part: str) -> Callable:
    """Option 81 (RFC 4702 §2) as tshark's dhcp.fqdn.*: flags and their bits, RCODEs, the name."""
    bits = {"s": 0x01, "o": 0x02, "e": 0x04, "n": 0x08}

    def get(msg) -> tuple:
        raw = _option_raw(msg, 81)
        if raw is None or len(raw) < 3:
            return ()
        if part == "name":
            value = next((o.value for o in msg.options if o.code == 81), None)
            return (value["name"],) if isinstance(value, dict) and value.get("name") else ()
        flags = raw[0]
        return ({"flags": flags, "mbz": flags >> 4, "rcode1": raw[1], "rcode2": raw[2]}.get(part)
                if part not in bits else (1 if flags & bits[part] else 0),)
    return get


def _has_end(msg) -> tuple:
    """END (255) closed the options (tshark's dhcp.option.end); plain BOOTP has none."""
    if not msg.has_cookie or any(issue.startswith("missing END option") for issue in msg.issues):
        return ()
    return (255,)


def _secs(msg) -> tuple:
    # tshark shows secs byte-swapped when it looks little-endian (dissectors/dhcp/message.py).
    return (msg.secs_swapped if msg.is_secs_little_endian else msg.secs,)


def _sname(msg) -> tuple:
    return () if msg.overload & 2 else (_text(msg.sname),)


def _file(msg) -> tuple:
    return () if msg.overload & 1 else (_text(msg.file),)


# (tshark suffix after dhcp.option., option code, shape) for the options dhcpanalyze decodes.
OPTION_FIELDS = (
    ("subnet_mask", 1, "ip"), ("time_offset", 2, "int"), ("router", 3, "ip"), ("time_server", 4, "ip"),
    ("name_server", 5, "ip"), ("domain_name_server", 6, "ip"), ("log_server", 7, "ip"),
    ("quotes_server", 8, "ip"), ("lpr_server", 9, "ip"), ("impress_server", 10, "ip"),
    ("resource_location_server", 11, "ip"), ("hostname", 12, "str"), ("boot_file_size", 13, "uint"),
    ("merit_dump_file", 14, "str"), ("domain_name", 15, "str"), ("swap_server", 16, "ip"),
    ("root_path", 17, "str"), ("extension_path", 18, "str"), ("ip_forwarding", 19, "bool"),
    ("non_local_source_routing", 20, "bool"), ("max_datagram_reassembly_size", 22, "uint"),
    ("default_ip_ttl", 23, "uint"), ("path_mtu_aging_timeout", 24, "uint"),
    ("path_mtu_plateau_table_item", 25, "u16s"), ("interface_mtu", 26, "uint"),
    ("all_subnets_are_local", 27, "bool"), ("broadcast_address", 28, "ip"),
    ("perform_mask_discovery", 29, "bool"), ("mask_supplier", 30, "bool"),
    ("perform_router_discover", 31, "bool"), ("router_solicitation_address", 32, "ip"),
    ("trailer_encapsulation", 34, "bool"), ("arp_cache_timeout", 35, "uint"),
    ("ethernet_encapsulation", 36, "bool"), ("tcp_default_ttl", 37, "uint"),
    ("tcp_keepalive_interval", 38, "uint"), ("tcp_keepalive_garbage", 39, "bool"),
    ("nis_domain", 40, "str"), ("nis_server", 41, "ip"), ("ntp_server", 42, "ip"),
    ("netbios_over_tcpip_name_server", 44, "ip"), ("netbios_over_tcpip_dd_name_server", 45, "ip"),
    ("netbios_over_tcpip_node_type", 46, "uint"), ("netbios_over_tcpip_scope", 47, "str"),
    ("xwindows_system_font_server", 48, "ip"), ("xwindows_system_display_manager", 49, "ip"),
    ("requested_ip_address", 50, "ip"), ("ip_address_lease_time", 51, "uint"),
    ("option_overload", 52, "uint"), ("dhcp", 53, "uint"), ("dhcp_server_id", 54, "ip"),
    ("request_list_item", 55, "u8s"), ("message", 56, "str"), ("dhcp_max_message_size", 57, "uint"),
    ("renewal_time_value", 58, "uint"), ("rebinding_time_value", 59, "uint"),
    ("vendor_class_id", 60, "str"), ("nis_plus_domain", 64, "str"), ("nis_plus_server", 65, "ip"),
    ("tftp_server_name", 66, "str"), ("bootfile_name", 67, "str"), ("mobile_ip_home_agent", 68, "ip"),
    ("smtp_server", 69, "ip"), ("pop3_server", 70, "ip"), ("nntp_server", 71, "ip"),
    ("default_www_server", 72, "ip"), ("default_finger_server", 73, "ip"),
    ("default_irc_server", 74, "ip"), ("streettalk_server", 75, "ip"),
    ("streettalk_da_server", 76, "ip"), ("client_system_architecture", 93, "u16s"),
    ("captive_portal", 114, "str"), ("subnet_selection_option", 118, "ip"),
    ("tftp_server_address", 150, "ip"),
)
_SHAPES = {"ip": (IPV4, _opt_ips), "int": (INT, _opt_int), "uint": (UINT, _opt_uint),
           "str": (STRING, _opt_str), "bool": (BOOL, _opt_bool),
           "u8s": (UINT, lambda code: _opt_list(code, 1)), "u16s": (UINT, lambda code: _opt_list(code, 2))}


def _option_fields() -> list[Field]:
    out = []
    for suffix, code, shape in OPTION_FIELDS:
        ftype, make = _SHAPES[shape]
        names = DHCP_TYPE_NAMES if code == 53 else None
        out.append(Field(f"dhcp.option.{suffix}", ftype, _dhcp(make(code)), names,
                         doc=f"option {code}"))
    return out


def _dhcp_fields() -> list[Field]:
    return [
        Field("dhcp", NONE, _dhcp(lambda m: (True,)), doc="a DHCP/BOOTP message"),
        Field("dhcp.type", UINT, _dhcp_one(lambda m: m.op), _names(OPS), doc="op: 1 request, 2 reply"),
        Field("dhcp.hw.type", UINT, _dhcp_one(lambda m: m.htype), _names(HARDWARE_TYPES)),
        Field("dhcp.hw.len", UINT, _dhcp_one(lambda m: m.hlen)),
        Field("dhcp.hops", UINT, _dhcp_one(lambda m: m.hops)),
        Field("dhcp.id", UINT, _dhcp_one(lambda m: m.xid), doc="xid"),
        Field("dhcp.secs", UINT, _dhcp(_secs)),
        Field("dhcp.flags", UINT, _dhcp_one(lambda m: m.flags)),
        Field("dhcp.flags.bc", BOOL, _dhcp_one(lambda m: 1 if m.flags & 0x8000 else 0)),
        Field("dhcp.flags.reserved", UINT, _dhcp_one(lambda m: m.flags & 0x7FFF)),
        Field("dhcp.ip.client", IPV4, _dhcp_one(lambda m: m.ciaddr), doc="ciaddr"),
        Field("dhcp.ip.your", IPV4, _dhcp_one(lambda m: m.yiaddr), doc="yiaddr"),
        Field("dhcp.ip.server", IPV4, _dhcp_one(lambda m: m.siaddr), doc="siaddr"),
        Field("dhcp.ip.relay", IPV4, _dhcp_one(lambda m: m.giaddr), doc="giaddr"),
        Field("dhcp.hw.mac_addr", ETHER, _dhcp(_client_macs), doc="chaddr (and a type-1 client-id)"),
        Field("dhcp.server", STRING, _dhcp(_sname), doc="sname"),
        Field("dhcp.file", STRING, _dhcp(_file), doc="file"),
        Field("dhcp.cookie", IPV4, _dhcp(lambda m: ("99.130.83.99",) if m.has_cookie else ())),
        Field("dhcp.option.type", UINT, _dhcp(lambda m: tuple(o.code for o in m.options)),
              doc="any option code"),
        Field("dhcp.option.length", UINT, _dhcp(lambda m: tuple(len(o.raw) for o in m.options))),
        Field("dhcp.option.value", BYTES, _dhcp(lambda m: tuple(o.raw for o in m.options))),
        Field("dhcp.option.end", UINT, _dhcp(_has_end)),
        Field("dhcp.bootp", BOOL, _dhcp(lambda m: () if m.option(53) is not None else (1,)),
              doc="no DHCP message type: plain BOOTP"),
        Field("dhcp.client_id", BYTES, _dhcp(_client_id), doc="option 61"),
        Field("dhcp.option.user_class.data", BYTES, _dhcp(_user_classes), doc="option 77"),
        *(Field(f"dhcp.fqdn.{part}", BOOL if len(part) == 1 else STRING if part == "name" else UINT,
                _dhcp(_fqdn(part)), doc="option 81")
          for part in ("flags", "mbz", "s", "o", "e", "n", "rcode1", "rcode2", "name")),
        Field("dhcp.option.agent_information_option.agent_circuit_id", BYTES, _dhcp(_relay_sub(1))),
        Field("dhcp.option.agent_information_option.agent_remote_id", BYTES, _dhcp(_relay_sub(2))),
        *_option_fields(),
    ]


# --- failover (dhcpfo.*) -------------------------------------------------------------------

def _fo(get: Callable) -> Callable[[object], tuple]:
    def occurrences(record: object) -> tuple:
        return get(record.msg) if type(record) is FailoverRecord else ()
    return occurrences


def _fo_raw(msg, name: str) -> tuple:
    return tuple(o.raw for o in msg.options if o.name == name)


def _fo_uint(name: str) -> Callable:
    return _fo(lambda m: tuple(int.from_bytes(r, "big") for r in _fo_raw(m, name) if 0 < len(r) <= 4))


def _fo_enum(name: str, table: dict[int, str]) -> Callable:
    """An enumerated option as its ISC 4.x / draft-12 number: a 3.0.x peer's number is read
    through the name it was decoded to (its server states and reject reasons are numbered
    differently, failover-wire.md §4)."""
    by_name = {label: code for code, label in table.items()}

    def get(msg) -> tuple:
        if not msg.legacy:
            return tuple(r[0] for r in _fo_raw(msg, name) if len(r) == 1)
        return tuple(by_name.get(o.value, o.raw[0]) for o in msg.options
                     if o.name == name and len(o.raw) == 1)
    return _fo(get)


def _fo_text(name: str) -> Callable:
    return _fo(lambda m: tuple(r.decode("utf-8", "replace") for r in _fo_raw(m, name)))


def _fo_bytes(name: str) -> Callable:
    return _fo(lambda m: _fo_raw(m, name))


def _fo_ip(name: str) -> Callable:
    return _fo(lambda m: tuple(_dotted(r) for r in _fo_raw(m, name) if len(r) == 4))


def _fo_chaddr(msg) -> tuple:
    return tuple(_mac(r[1:]) for r in _fo_raw(msg, "client-hardware-address") if len(r) > 1)


def _fo_ipflag(bit: int) -> Callable:
    return _fo(lambda m: tuple(1 if int.from_bytes(r, "big") & bit else 0
                               for r in _fo_raw(m, "ip-flags") if len(r) == 2))


def _failover_fields() -> list[Field]:
    uints = (("addressestransferred", "addresses-transferred"),
             ("delayedserviceparameter", "delayed-service"), ("mclt", "mclt"),
             ("leaseexpirationtime", "lease-expiration-time"),
             ("potentialexpirationtime", "potential-expiration-time"),
             ("clientlasttransactiontime", "client-last-transaction-time"),
             ("starttimeofstate", "start-time-of-state"), ("maxunackedbndupd", "max-unacked-bndupd"),
             ("protocolversion", "protocol-version"), ("receivetimer", "receive-timer"),
             ("serverflag", "server-flags"), ("tls_request", "tls-request"), ("tls_reply", "tls-reply"),
             ("ipflags", "ip-flags"))
    texts = (("relationshipname", "relationship-name"), ("message", "message"),
             ("vendorclass", "vendor-class-identifier"))
    return [
        Field("dhcpfo", NONE, _fo(lambda m: (True,)), doc="an ISC failover message"),
        Field("dhcpfo.length", UINT, _fo(lambda m: (m.length,))),
        Field("dhcpfo.type", UINT, _fo(lambda m: (_fo_type_code(m),)), FO_TYPE_NAMES,
              doc="ISC numbering: 7 UPDREQALL, 9 UPDREQ"),
        Field("dhcpfo.poffset", UINT, _fo(lambda m: (m.poffset,))),
        Field("dhcpfo.time", TIME, _fo(lambda m: (float(m.time),))),
        Field("dhcpfo.xid", UINT, _fo(lambda m: (m.xid,))),
        Field("dhcpfo.additionalheaderbytes", BYTES,
              _fo(lambda m: (m.extra_header,) if m.extra_header else ())),
        Field("dhcpfo.optioncode", UINT, _fo(lambda m: tuple(o.code for o in m.options))),
        Field("dhcpfo.optionlength", UINT, _fo(lambda m: tuple(len(o.raw) for o in m.options))),
        Field("dhcpfo.assignedipaddress", IPV4, _fo_ip("assigned-ip-address")),
        Field("dhcpfo.bindingstatus", UINT, _fo_uint("binding-status"), _names(BINDING_STATUS)),
        Field("dhcpfo.serverstatus", UINT, _fo_enum("server-state", SERVER_STATES), FO_STATE_NAMES),
        Field("dhcpfo.rejectreason", UINT, _fo_enum("reject-reason", REJECT_REASONS),
              _names(REJECT_REASONS)),
        Field("dhcpfo.clientidentifier", BYTES, _fo_bytes("client-identifier"),
              doc="binary, as ISC sends it (tshark: a string)"),
        Field("dhcpfo.clienthardwaretype", UINT,
              _fo(lambda m: tuple(r[0] for r in _fo_raw(m, "client-hardware-address") if r))),
        Field("dhcpfo.clienthardwareaddress", ETHER, _fo(_fo_chaddr)),
        Field("dhcpfo.hashbucketassignment", BYTES, _fo_bytes("hash-bucket-assignment")),
        Field("dhcpfo.messagedigest", BYTES, _fo_bytes("message-digest")),
        Field("dhcpfo.ipflags.reserved", BOOL, _fo_ipflag(0x0001), doc="ISC 0x0001 (tshark: 0x80)"),
        Field("dhcpfo.ipflags.bootp", BOOL, _fo_ipflag(0x0002), doc="ISC 0x0002 (tshark: 0x40)"),
        *(Field(f"dhcpfo.{name}", UINT, _fo_uint(opt)) for name, opt in uints),
        *(Field(f"dhcpfo.{name}", STRING, _fo_text(opt)) for name, opt in texts),
    ]


def _fo_type_code(msg) -> int:
    """The ISC 4.x number of the message's type (a 3.0.x peer's 7/9 are read by their name)."""
    if msg.legacy and msg.type in (7, 9):
        return 7 if msg.type_name == "UPDREQALL" else 9
    return msg.type


# --- frame, link, network, transport --------------------------------------------------------

def _ips(record: object, side: str) -> tuple:
    """ip.src / ip.dst: an ICMP error carries two IP headers (its own and the quoted one)."""
    if type(record) is CaptureIssue:
        return ()
    quote = getattr(record, "via_icmp", None)
    if quote is None:
        return (record.src,) if side == "src" else (record.dst,)
    # the error goes from `sender` back to whoever sent the quoted datagram
    return (quote.sender, record.src) if side == "src" else (record.src, record.dst)


def _ports(kind: type | tuple, side: str) -> Callable[[object], tuple]:
    def get(record: object) -> tuple:
        if not isinstance(record, kind):
            return ()
        return (record.sport,) if side == "src" else (record.dport,) if side == "dst" \
            else (record.sport, record.dport)
    return get


def _icmp(get: Callable) -> Callable[[object], tuple]:
    def occurrences(record: object) -> tuple:
        quote = getattr(record, "via_icmp", None) if type(record) is DhcpRecord else None
        return () if quote is None else (get(quote),)
    return occurrences


def _tcp_flag(*kinds: str) -> Callable[[object], tuple]:
    def get(record: object) -> tuple:
        if type(record) is not TcpEvent or record.kind == "gap":
            return ()
        return (1 if record.kind in kinds else 0,)
    return get


_TCP = (FailoverRecord, TcpEvent)


def _transport_fields() -> list[Field]:
    return [
        Field("frame", NONE, lambda r: (True,)),
        Field("frame.number", UINT, lambda r: (r.frame,)),
        Field("frame.time_epoch", TIME, lambda r: (r.ts,)),
        Field("frame.time_relative", RELTIME, lambda r: (r.ts,),
              doc="seconds since the first record read"),
        # the records keep the link-layer source of DHCP messages on UDP only (DhcpRecord.eth_src)
        Field("eth", NONE, lambda r: (True,) if getattr(r, "eth_src", None) else (),
              doc="DHCP messages on Ethernet"),
        Field("eth.src", ETHER, lambda r: (r.eth_src,) if getattr(r, "eth_src", None) else (),
              doc="DHCP messages only"),
        Field("ip", NONE, lambda r: () if type(r) is CaptureIssue else (True,)),
        Field("ip.src", IPV4, lambda r: _ips(r, "src")),
        Field("ip.dst", IPV4, lambda r: _ips(r, "dst")),
        Field("ip.addr", IPV4, lambda r: _ips(r, "src") + _ips(r, "dst")),
        Field("udp", NONE, lambda r: (True,) if type(r) is DhcpRecord else ()),
        Field("udp.srcport", UINT, _ports(DhcpRecord, "src")),
        Field("udp.dstport", UINT, _ports(DhcpRecord, "dst")),
        Field("udp.port", UINT, _ports(DhcpRecord, "any")),
        Field("tcp", NONE, lambda r: (True,) if type(r) in _TCP else ()),
        Field("tcp.srcport", UINT, _ports(_TCP, "src")),
        Field("tcp.dstport", UINT, _ports(_TCP, "dst")),
        Field("tcp.port", UINT, _ports(_TCP, "any")),
        Field("tcp.flags.syn", BOOL, _tcp_flag("syn", "synack")),
        Field("tcp.flags.fin", BOOL, _tcp_flag("fin")),
        Field("tcp.flags.reset", BOOL, _tcp_flag("rst")),
        Field("icmp", NONE, _icmp(lambda q: True)),
        Field("icmp.type", UINT, _icmp(lambda q: q.type)),
        Field("icmp.code", UINT, _icmp(lambda q: q.code)),
    ]


# --- the correlated namespaces (report objects) ----------------------------------------------

def _key(*path: str) -> Callable[[dict], tuple]:
    def get(obj: dict) -> tuple:
        value: object = obj
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return ()
        return tuple(value) if isinstance(value, list) else (value,)
    return get


def _offered_servers(obj: dict) -> tuple:
    return tuple(o.get("server") for o in obj.get("offers") or () if o.get("server"))


def _finding_clients(obj: dict) -> tuple:
    client = obj.get("client")
    mac = client.get("mac") if isinstance(client, dict) else client
    return (mac,) if mac else ()


def _object_fields() -> list[Field]:
    txn = [("kind", STRING, _key("kind")), ("outcome", STRING, _key("outcome")),
           ("server", IPV4, _key("server")), ("expected_server", IPV4, _key("expected_server")),
           ("chosen_server", IPV4, _key("chosen_server")), ("offer_server", IPV4, _offered_servers),
           ("assigned_ip", IPV4, _key("assigned_ip")), ("requested_ip", IPV4, _key("requested_ip")),
           ("relay", IPV4, _key("relay")), ("xid", UINT, _key("xid")),
           ("mac", ETHER, _key("client", "mac")), ("hostname", STRING, _key("client", "hostname")),
           ("msg_type", STRING, _key("msg_types")), ("closed", STRING, _key("closed")),
           ("start", TIME, _key("start")), ("end", TIME, _key("end")),
           ("offer_latency", RELTIME, _key("offer_latency")),
           ("ack_latency", RELTIME, _key("ack_latency"))]
    lease = [("ip", IPV4, _key("ip")), ("mac", ETHER, _key("mac")), ("hostname", STRING, _key("hostname")),
             ("server", IPV4, _key("server")), ("state", STRING, _key("state")),
             ("replicated", BOOL, _key("replicated")), ("source", STRING, _key("source")),
             ("starts", TIME, _key("starts")), ("ends", TIME, _key("ends"))]
    finding = [("code", STRING, _key("code")), ("severity", SEVERITY, _key("severity")),
               ("message", STRING, _key("message")), ("client", ETHER, _finding_clients),
               ("ip", IPV4, _key("ip")), ("server", IPV4, _key("server")),
               ("relationship", STRING, _key("relationship")), ("ts", TIME, _key("ts"))]
    out = [Field(ns, NONE, lambda obj: (True,), ns=ns) for ns in NAMESPACES]
    for ns, rows in ((TXN, txn), (LEASE, lease), (FINDING, finding)):
        out.extend(Field(f"{ns}.{name}", ftype, get, ns=ns) for name, ftype, get in rows)
    return out


FIELDS: dict[str, Field] = {f.name: f for f in (
    *_transport_fields(), *_dhcp_fields(), *_failover_fields(), *_object_fields())}


def lookup(name: str) -> Field | None:
    """The field called `name`; `bootp.*` is tshark's older name for `dhcp.*` and still accepted."""
    if name == "bootp" or name.startswith("bootp."):
        name = "dhcp" + name[5:]
    return FIELDS.get(name)


def field_names() -> list[str]:
    """Every field name a filter may use, sorted (without the bootp.* aliases)."""
    return sorted(FIELDS)
