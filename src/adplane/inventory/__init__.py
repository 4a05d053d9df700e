"""Inventory: catalogue, block lists, inventory groups, PMP and PG deals."""
