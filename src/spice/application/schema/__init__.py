"""Class definitions and instance values checked against them."""
