"""Audiences (IQM's Audience API): matched, segment, retargeted, geo-farmed, contextual, lookalike and
healthcare-account audiences, matched against the platform's identity store and honoured by delivery."""
