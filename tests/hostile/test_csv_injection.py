"""Issue 14 item 5: CSV formula injection. A hostname such as `=cmd|' /C calc'!A0` must not become
a formula when the transactions or leases CSV is opened in a spreadsheet: as OWASP recommends, a
text cell that starts with = + - @ (or tab / CR) gets a leading single quote."""
from __future__ import annotations

import csv
import io

import pytest

from tests.engine.helpers import dhcp_bytes, ip4, u32
from tests.hostile import craft

FORMULAS = ["=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "=HYPERLINK(\"x\")"]
SERVER = "192.168.100.2"


def _dora(n: int, hostname: str) -> list[bytes]:
    mac, addr, name = f"02:00:00:00:01:{n:02x}", f"192.168.100.{60 + n}", hostname.encode()
    server_opts = {54: ip4(SERVER), 51: u32(600), 12: name}
    return [
        craft.udp("0.0.0.0", "255.255.255.255", 68, 67, dhcp_bytes("DISCOVER", n, mac, options={12: name})),
        craft.udp(SERVER, addr, 67, 68, dhcp_bytes("OFFER", n, mac, yiaddr=addr, options=server_opts)),
        craft.udp("0.0.0.0", "255.255.255.255", 68, 67,
                  dhcp_bytes("REQUEST", n, mac, options={54: ip4(SERVER), 50: ip4(addr), 12: name})),
        craft.udp(SERVER, addr, 67, 68, dhcp_bytes("ACK", n, mac, yiaddr=addr, options=server_opts)),
    ]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("table", ["transactions", "leases"])
def test_formula_hostnames_are_neutralised(capsys, tmp_path, table: str) -> None:
    frames = [frame for n, name in enumerate(FORMULAS) for frame in _dora(n, name)]
    path = craft.write(tmp_path, craft.pcap(frames))
    code, out, err = craft.run_cli(capsys, "report", "--format", "csv", "--csv-table", table, path)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted(row["hostname"] for row in rows) == sorted("'" + name for name in FORMULAS)
    dangerous = [cell for row in rows for cell in row.values()
                 if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(cell)]
    assert dangerous == []


def test_readme_says_how_csv_cells_are_neutralised() -> None:
    from tests.conftest import ROOT
    assert "formula" in (ROOT / "README.md").read_text().lower()
