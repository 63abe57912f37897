"""The ontology model: class definitions and instance values checked against them."""
