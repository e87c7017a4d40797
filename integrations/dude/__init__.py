"""The DUDE: inbound intake, outbound flows and a simulator (built with the DUDE flows)."""
