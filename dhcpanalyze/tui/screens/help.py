"""`?`: the keys."""
from __future__ import annotations

from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = """\
Views        1 Packets  2 Transactions  3 Failover  4 Leases  5 Findings  (or click the tabs)
Move         j/k or ↓/↑, PgDn/PgUp or space, g/Home top, G/End bottom, mouse wheel and click
Panes        Tab / shift+Tab: list → details → hex (Packets)
Open         Enter: ladder (Transactions), packet (ladder row, finding), transactions (lease)
Follow       t transaction ladder, c client's transactions, s failover relationship (from a packet)
             c on a transaction: the ladder of every exchange of that client
Back         Backspace or Esc (q closes a view);  ctrl+q quits
Filter       / then a display filter (dhcp.option.dhcp == NAK, dhcpfo.type == BNDUPD && ip.src == 10.0.0.2)
             or a client MAC, an IPv4 address or an xid (red: not valid); Enter applies, empty clears
Write        w or :w FILE — the packets shown (filtered) as a pcap file
"""


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,question_mark,backspace", "dismiss", "close")]

    def compose(self):
        yield Static(KEYS, id="help", markup=False)
