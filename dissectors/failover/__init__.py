"""The ISC DHCP failover protocol (TCP 647): message decoder, TCP stream reassembly, text views.

decode_failover(buf) -> FailoverMessage          one message, never raises (decode.py)
FailoverStreams().feed(...) / .finish()          TCP segments -> StreamItems (stream.py)
summary(msg), tree_lines(msg)                    one-line and -V views (render.py)
"""
from dissectors.failover.decode import decode_failover, failover_options, failover_options_by_name, \
    is_plausible_header, message_from_layout
from dissectors.failover.message import FailoverMessage
from dissectors.failover.render import summary, tree_lines
from dissectors.failover.stream import FailoverStreams, StreamItem, StreamLimits

__all__ = ["decode_failover", "failover_options", "failover_options_by_name", "is_plausible_header", "message_from_layout",
           "FailoverMessage", "summary", "tree_lines",
           "FailoverStreams", "StreamItem", "StreamLimits"]
