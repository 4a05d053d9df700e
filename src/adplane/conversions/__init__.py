"""Conversions (IQM's Conversion API): pixel and postback definitions, hit recording, attribution."""
