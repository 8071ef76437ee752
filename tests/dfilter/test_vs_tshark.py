"""Differential test: the frames a display filter selects, ours against the real tshark 4.0.

The samples and a set of shared-corpus captures are joined into one file (`mergecap -a`, so
frame numbers run on across them and each filter costs one tshark run). For every filter below,
the frames whose records `DisplayFilter.matches` (what `packets -Y` prints) must equal the
frames `tshark -Y` prints, restricted to the frames dhcpanalyze lists at all (those carrying a
DHCP or failover message, an ICMP error quoting DHCP, or a TCP event on the failover port):
tshark also selects pure ACKs, ARP and the rest, which `packets` never shows.

Documented exceptions, where tshark 4.0 mislabels ISC failover (failover-wire.md §8) — these
filters are not in the list; `test_isc_where_tshark_is_wrong` asserts our ISC-correct answers:
- `dhcpfo.type` 7/9 (tshark swaps UPDREQALL and UPDREQ),
- `dhcpfo.ipflags.*` (tshark reads ISC's 16-bit flags with 8-bit masks),
- `dhcpfo.clientidentifier` (binary in ISC, a string in tshark).
Also left out by design:
- `frame.time_relative`: ours counts from the first record read, as `packets`' Time column does;
- `eth` / `eth.*` on failover, TCP and ICMP frames: the records keep the link-layer source of
  DHCP messages on UDP only, so `eth` is absent there (tshark sees Ethernet on every frame);
- a negation over a frame that holds several records (a FIN segment that also carries failover
  messages, frame 37 of fo-capture2): `packets -Y` judges each message on its own, so
  `!(dhcp or dhcpfo)` lists the FIN event while tshark drops the whole frame.
"""
from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dhcpanalyze.decode import DecodeOptions, iter_records
from dhcpanalyze.dfilter import compile_filter
from dhcpanalyze.model import FailoverRecord
from tests.conftest import CORPUS, SAMPLES

TSHARK, MERGECAP = shutil.which("tshark"), shutil.which("mergecap")
pytestmark = [pytest.mark.tshark,
              pytest.mark.skipif(TSHARK is None or MERGECAP is None,
                                 reason="tshark and mergecap are not installed")]

CORPUS_FILES = ("suricata-verify/dhcp-eve-extended-option-60/input.pcap", "zeek/dhcp.pcap","isc-failover/fo-capture2.pcap", "isc-failover/fo-dhcp.pcap", "wireshark/dhcp.pcap",
                "tcpdump/dhcp-rfc4388.pcap", "tcpdump/dhcp-rfc3004.pcap", "tcpdump/dhcp-mud.pcap",
                "tcpdump/dhcp-option-33.pcap", "tcpdump/dhcp-rfc5859.pcap",
                "suricata-verify/dhcp-eve-extended/input.pcap",
                "suricata-verify/dhcp-option-52-overload/input.pcap", "charrua/dhcp.pcap")

FILTERS = (
    # protocols and presence
    "dhcp", "bootp", "dhcpfo", "icmp", "udp", "tcp", "ip", "frame",
    "dhcp.option.hostname", "dhcp.option.requested_ip_address", "dhcp.option.vendor_class_id",
    "dhcp.option.agent_information_option.agent_circuit_id", "dhcpfo.assignedipaddress",
    "dhcpfo.rejectreason", "dhcpfo.message",
    # message types, numbers and names
    "dhcp.option.dhcp == 5", "dhcp.option.dhcp == ACK", "dhcp.option.dhcp eq discover",
    'dhcp.option.dhcp == "Release"', "dhcp.option.dhcp > 3", "dhcp.option.dhcp in {1, 3}",
    "dhcp.option.dhcp in {1..3, 7}", 'dhcp.option.dhcp in {"Offer", NAK}', "bootp.option.dhcp == 2",
    "dhcp.type == 2", "dhcp.type == \"Boot Request\"", "dhcp.hw.type == 1", "dhcp.hw.len != 6",
    "dhcpfo.type == 3", "dhcpfo.type in {4, 5, 6}", "dhcpfo.type == 10 || dhcpfo.type == 12",
    "dhcpfo.bindingstatus == ACTIVE", "dhcpfo.bindingstatus in {1, 2}", "dhcpfo.serverstatus == 2",
    "dhcpfo.serverstatus >= 3",
    # header fields
    "dhcp.hops > 0", "dhcp.secs > 0", "dhcp.secs >= 1 and dhcp.secs le 10", "dhcp.flags.bc == 1",
    "dhcp.flags == 0x8000", "dhcp.id == 0x00003d1d", "dhcp.id > 0x80000000",
    "dhcp.ip.client != 0.0.0.0", "dhcp.ip.your == 192.168.0.0/16", "dhcp.ip.relay != 0.0.0.0",
    "dhcp.ip.server != 0.0.0.0", "dhcp.hw.mac_addr == 00:0b:82:01:fc:42",
    "dhcp.hw.mac_addr == 02:da:01:00:00:01 && dhcp.option.dhcp == 3",
    'dhcp.server == ""', "dhcp.file contains \"pxe\"", "dhcp.cookie == 99.130.83.99",
    # options
    "dhcp.option.type == 82", "dhcp.option.type in {60, 61}", "dhcp.option.ip_address_lease_time < 3600",
    "dhcp.option.ip_address_lease_time >= 600", "dhcp.option.dhcp_server_id == 192.168.100.2",
    "dhcp.option.subnet_mask == 255.255.255.0", "dhcp.option.router == 192.168.0.1",
    "dhcp.option.domain_name_server", "dhcp.option.request_list_item == 121",
    'dhcp.option.hostname contains "c"', 'dhcp.option.hostname matches "^C[0-9]"',
    'dhcp.option.vendor_class_id ~ "msft|udhcp"', "dhcp.option.renewal_time_value > 100",
    "dhcp.option.dhcp_max_message_size >= 576", "dhcp.client_id", "dhcp.bootp", "dhcp.option.end",
    "dhcp.option.length > 20", "dhcp.option.value == 01", "dhcp.option.value contains 63:31",
    'dhcp.option.user_class.data contains "subopt2"', "dhcp.option.agent_information_option.agent_remote_id",
    'dhcp.fqdn.name == "NicksMacBook"', "dhcp.fqdn.s == 0 && dhcp.fqdn.rcode1 == 0", "dhcp.fqdn.flags",
    "dhcp.option.tftp_server_address == 192.168.1.11",
    # failover options
    "dhcpfo.assignedipaddress == 192.168.100.0/24", "dhcpfo.mclt == 60", "dhcpfo.maxunackedbndupd",
    'dhcpfo.relationshipname contains "fo"', "dhcpfo.receivetimer < 20", "dhcpfo.protocolversion == 1",
    "dhcpfo.clienthardwareaddress", "dhcpfo.xid == 0", "dhcpfo.length > 40", "dhcpfo.poffset == 12",
    "dhcpfo.optioncode == 22", 'dhcpfo.vendorclass matches "isc-4"',
    "dhcpfo.leaseexpirationtime > 0",
    # addresses, ports, logic
    "ip.src == 192.168.100.2", "ip.addr == 192.168.100.0/24", "ip.dst != 255.255.255.255",
    "ip.src in {192.168.100.2, 192.168.100.3}", "ip.src == 192.168.100.2 && !icmp",
    "udp.port == 67", "udp.srcport == 68 and udp.dstport == 67", "tcp.port == 647",
    "tcp.srcport == 647", "eth.src == 02:da:01:00:00:01", "icmp.type == 3",
    "frame.number <= 100", "frame.number in {13..40}", "frame.time_epoch > 1795860722",
    "not dhcp", "!(dhcp or dhcpfo) && !tcp", "dhcp && eth && !icmp", "dhcp && not dhcp.option.hostname",
    "dhcp.option.dhcp == 1 or dhcp.option.dhcp == 2 and ip.src == 192.168.100.3",
    "(dhcp.option.dhcp == 1 or dhcp.option.dhcp == 2) and udp.srcport == 67",
)


@pytest.fixture(scope="module")
def merged(tmp_path_factory) -> Path:
    parts = sorted(SAMPLES.glob("*.pcap")) + [CORPUS / f for f in CORPUS_FILES if (CORPUS / f).exists()]
    out = tmp_path_factory.mktemp("dfilter") / "merged.pcapng"
    subprocess.run([MERGECAP, "-a", "-w", str(out), *map(str, parts)], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def ours(merged) -> tuple[list, set[int]]:
    options = DecodeOptions(dhcp_ports=frozenset((67, 68)), failover_ports=frozenset((647,)))
    records = list(iter_records([str(merged)], options))
    return records, {r.frame for r in records}


@pytest.fixture(scope="module")
def theirs(merged) -> dict[str, set[int]]:
    def run(text: str) -> set[int]:
        done = subprocess.run([TSHARK, "-n", "-r", str(merged), "-Y", text, "-T", "fields",
                               "-e", "frame.number"], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"tshark refused {text!r}: {done.stderr}"
        return {int(line) for line in done.stdout.split()}
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(FILTERS, pool.map(run, FILTERS)))


def test_enough_filters():
    assert len(set(FILTERS)) >= 60


@pytest.mark.parametrize("text", FILTERS)
def test_same_frames_as_tshark(text, ours, theirs):
    records, listed = ours
    flt = compile_filter(text)
    mine = {r.frame for r in records if flt.matches(r)}
    expected = theirs[text] & listed
    assert sorted(mine) == sorted(expected), (
        f"only ours: {sorted(mine - expected)[:20]}, only tshark's: {sorted(expected - mine)[:20]}")


def test_filters_select_something(ours, theirs):
    """The list is not vacuous: most filters select some frame of the merged capture (the samples
    and the corpus captures: without the corpus a quarter of them have nothing to select)."""
    if not all((CORPUS / f).exists() for f in CORPUS_FILES):
        pytest.skip(f"shared corpus captures not all present at {CORPUS}: the samples alone do not "
                    "exercise every filter")
    _, listed = ours
    empty = [text for text in FILTERS if not theirs[text] & listed]
    assert len(empty) <= len(FILTERS) // 6, empty


def _failover_frames(records, type_name: str) -> set[int]:
    return {r.frame for r in records if isinstance(r, FailoverRecord) and r.msg.type_name == type_name}


@pytest.mark.parametrize("name", ["fo-capture.pcap", "fo-capture2.pcap"])
def test_isc_where_tshark_is_wrong(name):
    """fo-capture.pcap holds ISC 4.4.3's UPDREQALL (7), fo-capture2.pcap its UPDREQ (9): tshark
    labels 7 "Update request" and 9 "Update request all"; we select by ISC's numbering and
    names, and read tshark's long labels the ISC way."""
    capture = CORPUS / "isc-failover" / name
    if not capture.exists():
        pytest.skip("shared corpus not present")
    options = DecodeOptions(dhcp_ports=frozenset((67, 68)), failover_ports=frozenset((647,)))
    records = list(iter_records([str(capture)], options))
    updreqall, updreq = _failover_frames(records, "UPDREQALL"), _failover_frames(records, "UPDREQ")
    assert updreqall or updreq
    for text, wanted in (("dhcpfo.type == 7", updreqall), ("dhcpfo.type == UPDREQALL", updreqall),
                         ('dhcpfo.type == "Update request all"', updreqall),
                         ("dhcpfo.type == 9", updreq), ('dhcpfo.type == "update request"', updreq)):
        flt = compile_filter(text)
        assert {r.frame for r in records if flt.matches(r)} == wanted, text
