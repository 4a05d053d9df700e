"""Wire models of the derived audience routes (lookalike, campaign, v2 lists, insights)."""
